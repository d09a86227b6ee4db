"""At open: a truncated or bit-flipped store is reported as damaged, naming the newest backup.

The checks at open cost milliseconds whatever the store's size (file shape,
header page count, each table's first and last b-tree path); a flipped bit
elsewhere is found by the full check (`check_integrity`, run weekly in the
background by the app and by ``crm-desktop check``).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crm_desktop.errors import StoreError
from crm_desktop.services import backup_schedule as bs
from crm_desktop.store.backup import restore_store
from crm_desktop.store.engine import Store, open_store
from crm_desktop.store.files import DB_FILENAME
from crm_desktop.store.integrity import check_at_open, check_file_shape, check_integrity
from tests.conftest import PASSPHRASE
from tests.store.store_testkit import add_contact, contact_names, file_hashes


def _pp(_creating: bool) -> str:
    return PASSPHRASE


def _fill(store: Store, n: int = 400) -> None:
    with store.write() as tx:
        from crm_desktop.domain.models import Contact

        for i in range(n):
            tx.insert(Contact, {"name": f"Person {i:04}", "notes": "n" * 300})


def _checkpointed_close(store: Store) -> None:
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    store.close()


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncate-mid-page":
        data = data[: len(data) // 2 + 1000]
    elif how == "truncate-at-page":
        data = data[: (len(data) // 2) // 4096 * 4096]
    elif how == "empty":
        data = bytearray()
    elif how == "flip-page-1":
        data[200] ^= 0x01
    elif how == "flip-last-page":
        data[-2000] ^= 0x01
    else:  # pragma: no cover
        raise AssertionError(how)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncate-mid-page", "truncate-at-page", "empty", "flip-page-1"])
def test_a_damaged_store_names_the_newest_backup_and_is_left_alone(
    data_dir: Path, how: str
) -> None:
    store = open_store(data_dir, passphrase=_pp, use_keychain=False)
    _fill(store)
    info, _ = bs.backup_now(store)
    _checkpointed_close(store)
    _damage(data_dir / DB_FILENAME, how)
    before = file_hashes(data_dir)
    with pytest.raises(StoreError) as caught:
        open_store(data_dir, passphrase=_pp, create=False)
    error = caught.value
    assert error.code == "store.damaged", error.message
    assert str(info.path) in error.message and "restore" in error.message
    assert error.params["backup"] == str(info.path)
    assert file_hashes(data_dir) == before  # nothing was changed
    # The offered way out works: restore the backup, the data is back.
    restore_store(data_dir, info.path, _pp)
    reopened = open_store(data_dir, passphrase=_pp, create=False)
    try:
        assert len(contact_names(reopened)) == 400
    finally:
        reopened.close()


def test_without_a_backup_the_message_says_what_to_do(data_dir: Path, memory_keyring) -> None:
    store = open_store(data_dir, use_keychain=True)
    _fill(store, 50)
    _checkpointed_close(store)
    _damage(data_dir / DB_FILENAME, "truncate-mid-page")
    with pytest.raises(StoreError) as caught:
        open_store(data_dir, create=False)
    assert caught.value.code == "store.damaged"
    assert "No automatic backup" in caught.value.message


def test_a_wrong_passphrase_is_still_a_wrong_passphrase(data_dir: Path) -> None:
    store = open_store(data_dir, passphrase=_pp, use_keychain=False)
    add_contact(store, "Ann")
    bs.backup_now(store)
    store.close()
    with pytest.raises(StoreError) as caught:
        open_store(data_dir, passphrase=lambda _c: "not the passphrase", create=False)
    assert caught.value.code == "store.wrong_passphrase"


def test_a_flipped_bit_elsewhere_is_found_by_the_full_check(data_dir: Path, memory_keyring):
    store = open_store(data_dir, use_keychain=True)
    _fill(store)
    _checkpointed_close(store)
    _damage(data_dir / DB_FILENAME, "flip-last-page")
    store = open_store(data_dir, create=False)  # may open: the page is not on the checked paths
    try:
        report = check_integrity(store)
        assert not report.ok and any("cipher_integrity_check" in p for p in report.problems)
    finally:
        store.close()


def test_checks_at_open_are_cheap_and_pass_on_a_healthy_store(store: Store) -> None:
    _fill(store, 2000)
    assert check_file_shape(store.path) == []
    with store.read() as conn:
        raw = conn.connection.dbapi_connection
        started = time.perf_counter()
        problems = check_at_open(raw, store.path)
        elapsed = time.perf_counter() - started
    assert problems == [] and elapsed < 0.5


def test_cli_names_the_backup_and_the_restore_command(run_pp) -> None:
    assert run_pp("contact", "add", "--name", "Ada").code == 0
    assert run_pp("backup", "--auto").code == 0
    _damage(run_pp.data_dir / DB_FILENAME, "truncate-mid-page")
    result = run_pp("summary")
    assert result.code == 1
    assert "damaged" in result.err and "crm-desktop --data-dir" in result.err
    assert "restore" in result.err and "Traceback" not in result.err
    assert run_pp("restore", "--latest", "--yes").code == 0
    assert "Ada" in run_pp("contact", "list").out


@pytest.fixture
def run_pp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    from crm_desktop.store import keys
    from tests.cli.conftest import Runner

    monkeypatch.delenv("CRM_DATA_DIR", raising=False)
    monkeypatch.setenv("CRM_USER", "tester")
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setattr(keys, "keychain_available", lambda: False)
    return Runner(tmp_path / "data", capsys)
