"""What a stolen laptop yields: ciphertext only, in private files; no secret in the manifest."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from crm_desktop.errors import StoreError
from crm_desktop.store import files
from crm_desktop.store.engine import Store, open_store
from crm_desktop.store.files import DB_FILENAME, MANIFEST_FILENAME
from tests.store.store_testkit import add_contact, contact_names

# Distinctive enough that a hit can only be our plaintext, in UTF-8 either way.
SECRET_NAME = "Quillon Zarathustra-Vexley"
SECRET_CJK_NAME = "欧阳震华"
SECRET_NOTE = "vault combination 31-41-59"

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _store_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.iterdir() if p.name.startswith(DB_FILENAME))


def _assert_no_plaintext(data_dir: Path) -> None:
    needles = [s.encode("utf-8") for s in (SECRET_NAME, SECRET_CJK_NAME, SECRET_NOTE)]
    needles.append(SECRET_NAME.encode("utf-16-le"))
    for path in _store_files(data_dir):
        content = path.read_bytes()
        for needle in needles:
            assert needle not in content, f"plaintext {needle!r} found in {path.name}"


def test_inserted_plaintext_never_reaches_the_files(store: Store, data_dir: Path) -> None:
    add_contact(store, SECRET_NAME, notes=SECRET_NOTE)
    add_contact(store, SECRET_CJK_NAME)
    # While open, the fresh rows live in the WAL: it must be ciphertext too.
    assert (data_dir / f"{DB_FILENAME}-wal").stat().st_size > 0
    _assert_no_plaintext(data_dir)
    store.close()  # checkpoints the WAL into the database file
    _assert_no_plaintext(data_dir)
    # The needle test is only meaningful if the rows are really there.
    reopened = open_store(data_dir)
    try:
        assert contact_names(reopened) == sorted([SECRET_NAME, SECRET_CJK_NAME])
    finally:
        reopened.close()


def test_the_stdlib_sqlite3_cannot_read_the_file(store: Store, data_dir: Path) -> None:
    add_contact(store, SECRET_NAME)
    store.close()
    plain = sqlite3.connect(f"file:{data_dir / DB_FILENAME}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            plain.execute("SELECT name FROM sqlite_master").fetchall()
    finally:
        plain.close()


@posix_only
def test_the_data_dir_is_private(store: Store, data_dir: Path) -> None:
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


@posix_only
def test_an_existing_data_dir_is_made_private(data_dir: Path, memory_keyring: Any) -> None:
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)  # whatever the umask did
    opened = open_store(data_dir, use_keychain=True)
    opened.close()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


@posix_only
def test_store_files_are_readable_by_their_owner_only(store: Store, data_dir: Path) -> None:
    add_contact(store, "Ann")
    paths = [*_store_files(data_dir), data_dir / MANIFEST_FILENAME]
    assert {p.name for p in paths} >= {DB_FILENAME, f"{DB_FILENAME}-wal", MANIFEST_FILENAME}
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path.name


def test_the_manifest_holds_no_secret(store: Store, data_dir: Path, memory_keyring: Any) -> None:
    text = (data_dir / MANIFEST_FILENAME).read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert set(manifest) == {"format", "store_id", "key_source"}
    assert manifest["key_source"] == "keychain"
    (key_hex,) = memory_keyring.secrets.values()
    assert key_hex.lower() not in text.lower()


def test_manifest_writes_leave_no_temp_file(data_dir: Path) -> None:
    files.ensure_private_dir(data_dir)
    for n in range(3):
        files.write_manifest(data_dir, {"format": 1, "store_id": f"id{n}", "key_source": "x"})
    assert [p.name for p in data_dir.iterdir()] == [MANIFEST_FILENAME]
    assert files.read_manifest(data_dir) == {"format": 1, "store_id": "id2", "key_source": "x"}


def test_a_failed_manifest_write_keeps_the_old_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files.ensure_private_dir(data_dir)
    old = {"format": 1, "store_id": "old", "key_source": "keychain"}
    files.write_manifest(data_dir, old)

    def crash(*_args: object) -> None:
        raise OSError("power cut between write and rename")

    monkeypatch.setattr(files.os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        files.write_manifest(data_dir, {**old, "store_id": "new"})
    assert files.read_manifest(data_dir) == old
    assert [p.name for p in data_dir.iterdir()] == [MANIFEST_FILENAME]


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"format": 1}', "\udcff"])
def test_a_damaged_manifest_is_a_clear_error(data_dir: Path, content: str) -> None:
    files.ensure_private_dir(data_dir)
    (data_dir / MANIFEST_FILENAME).write_bytes(content.encode("utf-8", "surrogateescape"))
    (data_dir / DB_FILENAME).write_bytes(b"")
    with pytest.raises(StoreError) as caught:
        open_store(data_dir)
    assert caught.value.code == "store.manifest_invalid"
