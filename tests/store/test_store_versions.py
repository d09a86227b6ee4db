"""Schema versions and read-only opens: an older app refuses a newer store, untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from crm_desktop.errors import StoreError
from crm_desktop.store import migrate as migrate_module
from crm_desktop.store.engine import Store, open_store
from crm_desktop.store.migrations import HEAD, KNOWN_REVISIONS
from tests.store.store_testkit import add_contact, contact_names, count, file_hashes

FUTURE_REVISION = "9999_from_a_newer_app"


def _error(call: Any) -> StoreError:
    with pytest.raises(StoreError) as caught:
        call()
    return caught.value


def _revision(store: Store) -> str:
    with store.read() as conn:
        return str(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one())


def test_known_revisions_match_the_migration_scripts() -> None:
    scripts = ScriptDirectory.from_config(migrate_module.alembic_config())
    base_to_head = [script.revision for script in reversed(list(scripts.walk_revisions()))]
    assert tuple(base_to_head) == KNOWN_REVISIONS
    assert scripts.get_heads() == [HEAD]


def test_a_new_store_is_at_head(store: Store) -> None:
    assert _revision(store) == HEAD


def test_a_store_from_a_newer_app_is_refused_untouched(store: Store, data_dir: Path) -> None:
    add_contact(store, "Ann")
    with store.write() as tx:  # what a newer app's migration leaves behind
        tx.conn.exec_driver_sql("UPDATE alembic_version SET version_num = ?", (FUTURE_REVISION,))
    store.close()
    before = file_hashes(data_dir)
    for read_only in (False, True):
        error = _error(lambda ro=read_only: open_store(data_dir, read_only=ro))
        assert error.code == "store.too_new"
        assert error.params["revision"] == FUTURE_REVISION
        assert "newer version" in error.message
        assert file_hashes(data_dir) == before


def test_migrate_reads_the_revision_again_under_the_write_lock(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if another process migrated between this one's first look and its lock:
    # upgrading again would fail on tables that already exist.
    real = migrate_module.current_revision
    looks: list[str | None] = []

    def stale_first(conn: Any) -> str | None:
        looks.append(None if not looks else real(conn))
        return looks[-1]

    monkeypatch.setattr(migrate_module, "current_revision", stale_first)
    migrate_module.migrate(store.engine)
    assert looks == [None, HEAD]


def test_a_write_to_a_read_only_store_loses_nothing(store: Store, data_dir: Path) -> None:
    add_contact(store, "Ann")
    store.close()
    before = file_hashes(data_dir)
    reader = open_store(data_dir, read_only=True)
    try:
        assert contact_names(reader) == ["Ann"]
        with pytest.raises(StoreError) as caught, reader.write() as tx:
            tx.conn.exec_driver_sql("DELETE FROM contact")
        assert caught.value.code == "store.read_only"
        assert contact_names(reader) == ["Ann"]
    finally:
        reader.close()
    assert file_hashes(data_dir) == before
    writer = open_store(data_dir)
    try:
        add_contact(writer, "Bob")
        assert contact_names(writer) == ["Ann", "Bob"]
        assert count(writer, "change_log") == 2
    finally:
        writer.close()


def test_read_only_never_creates(data_dir: Path, memory_keyring: Any) -> None:
    assert _error(lambda: open_store(data_dir, read_only=True)).code == "store.missing"
    assert _error(lambda: open_store(data_dir, create=False)).code == "store.missing"
    assert not data_dir.exists()
    assert memory_keyring.secrets == {}
