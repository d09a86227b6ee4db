"""Encrypted backups: written verified, open with the store's key, restore safely."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from crm_desktop.errors import StoreError
from crm_desktop.store.backup import backup_store, restore_store
from crm_desktop.store.engine import Store, open_store
from crm_desktop.store.files import DB_FILENAME
from tests.conftest import PASSPHRASE
from tests.store.store_testkit import add_contact, contact_names, count, file_hashes


def _pp(_creating: bool) -> str:
    return PASSPHRASE


def _fill(store: Store, n: int = 5) -> None:
    for i in range(n):
        add_contact(store, f"Person {i}")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_passphrase_backup_opens_with_the_passphrase_and_has_the_same_counts(
    passphrase_store: Store, tmp_path: Path
) -> None:
    _fill(passphrase_store)
    target = tmp_path / "out" / "crm.backup"
    target.parent.mkdir()
    steps: list[tuple[int, int]] = []
    info = backup_store(passphrase_store, target, progress=lambda d, t: steps.append((d, t)))
    assert info.path == target and info.size == target.stat().st_size > 0
    assert info.counts["contact"] == 5
    assert steps[-1] == (3, 3)
    assert list(target.parent.iterdir()) == [target]  # no temp file left
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600
    assert not target.read_bytes().startswith(b"SQLite format 3")

    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    (copy_dir / DB_FILENAME).write_bytes(target.read_bytes())
    opened = open_store(copy_dir, passphrase=_pp, read_only=True)
    try:
        assert contact_names(opened) == [f"Person {i}" for i in range(5)]
    finally:
        opened.close()
    with pytest.raises(StoreError) as caught:
        open_store(copy_dir, passphrase=lambda _c: "another passphrase", read_only=True)
    assert caught.value.code == "store.wrong_passphrase"


def test_keychain_backup_restores_with_the_same_key(store: Store, tmp_path: Path) -> None:
    _fill(store, 3)
    target = tmp_path / "k.backup"
    info = backup_store(store, target)
    assert info.counts["contact"] == 3
    assert not target.read_bytes().startswith(b"SQLite format 3")
    add_contact(store, "Added later")
    data_dir = store.data_dir
    store.close()

    result = restore_store(data_dir, target, None)
    assert result.counts["contact"] == 3
    reopened = open_store(data_dir, create=False)
    try:
        assert count(reopened, "contact") == 3
    finally:
        reopened.close()


def test_restore_brings_data_back_and_keeps_the_previous_store(
    passphrase_store: Store, tmp_path: Path
) -> None:
    _fill(passphrase_store, 4)
    target = tmp_path / "b.backup"
    backup_store(passphrase_store, target)
    add_contact(passphrase_store, "Zed")
    data_dir = passphrase_store.data_dir
    passphrase_store.close()
    before = _sha(data_dir / DB_FILENAME)

    info = restore_store(data_dir, target, _pp)
    assert info.previous is not None and info.previous.parent == data_dir
    assert info.previous.name.startswith("before-restore-")
    assert _sha(info.previous / DB_FILENAME) == before
    kept = open_store(info.previous, passphrase=_pp, read_only=True)
    try:
        assert "Zed" in contact_names(kept)
    finally:
        kept.close()
    restored = open_store(data_dir, passphrase=_pp, create=False)
    try:
        assert contact_names(restored) == [f"Person {i}" for i in range(4)]
    finally:
        restored.close()


def test_restore_into_an_empty_directory_with_the_passphrase(
    passphrase_store: Store, tmp_path: Path
) -> None:
    _fill(passphrase_store, 2)
    target = tmp_path / "b.backup"
    backup_store(passphrase_store, target)
    fresh = tmp_path / "fresh"
    info = restore_store(fresh, target, _pp)
    assert info.previous is None
    opened = open_store(fresh, passphrase=_pp, create=False)
    try:
        assert count(opened, "contact") == 2
    finally:
        opened.close()


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])


def _flip_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) - 2000] ^= 0x10
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_truncate, _flip_bit], ids=["truncated", "bit-flipped"])
def test_a_damaged_backup_is_refused_and_the_store_untouched(
    passphrase_store: Store, tmp_path: Path, damage
) -> None:
    _fill(passphrase_store, 30)
    target = tmp_path / "b.backup"
    backup_store(passphrase_store, target)
    data_dir = passphrase_store.data_dir
    passphrase_store.close()
    damage(target)
    before = file_hashes(data_dir)
    listing = sorted(p.name for p in data_dir.iterdir())

    with pytest.raises(StoreError) as caught:
        restore_store(data_dir, target, _pp)
    assert caught.value.code == "backup.corrupt"
    assert file_hashes(data_dir) == before
    assert sorted(p.name for p in data_dir.iterdir()) == listing


def test_a_backup_with_the_wrong_passphrase_is_refused(
    passphrase_store: Store, tmp_path: Path
) -> None:
    target = tmp_path / "b.backup"
    backup_store(passphrase_store, target)
    data_dir = passphrase_store.data_dir
    passphrase_store.close()
    before = file_hashes(data_dir)
    with pytest.raises(StoreError) as caught:
        restore_store(data_dir, target, lambda _c: "not the passphrase")
    assert caught.value.code == "backup.corrupt"
    assert file_hashes(data_dir) == before


def test_a_failed_verification_leaves_no_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm_desktop.store import backup

    _fill(store, 2)
    real = backup._counts
    calls = {"n": 0}

    def counts_that_drift(raw, schema):  # type: ignore[no-untyped-def]
        result = real(raw, schema)
        calls["n"] += 1
        if schema != "main":
            result["contact"] = result.get("contact", 0) + 1
        return result

    monkeypatch.setattr(backup, "_counts", counts_that_drift)
    target = tmp_path / "out.backup"
    with pytest.raises(StoreError) as caught:
        backup_store(store, target)
    assert caught.value.code == "backup.failed"
    assert "contact" in caught.value.message
    assert list(tmp_path.iterdir()) == [store.data_dir]
