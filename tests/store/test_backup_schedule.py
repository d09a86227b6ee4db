"""Automatic backups: the schedule, when one is due, rotation that keeps the good ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm_desktop.errors import CrmError, StoreError
from crm_desktop.services import backup_schedule as bs
from crm_desktop.store.backup import verify_backup
from crm_desktop.store.engine import Store
from crm_desktop.store.keys import passphrase_key
from tests.conftest import PASSPHRASE
from tests.store.store_testkit import add_contact

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_defaults_are_on_daily_keep_seven_under_the_data_dir(tmp_path: Path) -> None:
    schedule = bs.load_schedule(tmp_path)
    assert schedule == bs.BackupSchedule(enabled=True, interval_hours=24, keep=7, folder=None)
    assert schedule.directory(tmp_path) == tmp_path / "backups"


def test_schedule_round_trips_and_bad_values_are_refused(tmp_path: Path) -> None:
    saved = bs.save_schedule(
        tmp_path, bs.BackupSchedule(enabled=False, interval_hours=6, keep=3, folder=" /x/y ")
    )
    assert saved.folder == "/x/y"
    assert bs.load_schedule(tmp_path) == saved
    assert "passphrase" not in (tmp_path / bs.SCHEDULE_FILENAME).read_text()
    for bad in (bs.BackupSchedule(keep=0), bs.BackupSchedule(interval_hours=0)):
        with pytest.raises(CrmError) as caught:
            bs.save_schedule(tmp_path, bad)
        assert caught.value.code == "backup.schedule_invalid"
    assert bs.load_schedule(tmp_path) == saved  # unchanged by the refused ones


@pytest.mark.parametrize("text", ["{not json", "[]", '{"keep": -4}', '{"interval_hours": "x"}'])
def test_a_damaged_schedule_file_falls_back_to_the_defaults(tmp_path: Path, text: str) -> None:
    (tmp_path / bs.SCHEDULE_FILENAME).write_text(text)
    assert bs.load_schedule(tmp_path) == bs.BackupSchedule()


def test_due_once_per_interval_and_rotation_keeps_the_newest(store: Store) -> None:
    add_contact(store, "Ann")
    bs.save_schedule(store.data_dir, bs.BackupSchedule(interval_hours=24, keep=3))
    folder = store.data_dir / "backups"
    first = bs.run_if_due(store, now=T0)
    assert first is not None and first[1] == []
    assert bs.run_if_due(store, now=T0 + timedelta(hours=23)) is None  # not yet due
    assert bs.next_due(store.data_dir) == T0 + timedelta(hours=24)
    written = [first[0].path]
    for day in range(1, 6):
        outcome = bs.run_if_due(store, now=T0 + timedelta(days=day, minutes=1))
        assert outcome is not None
        written.append(outcome[0].path)
    kept = bs.list_backups(folder)
    assert [b.path for b in kept] == written[::-1][:3]  # newest first, three kept
    assert not any(p.exists() for p in written[:3])
    assert bs.latest_backup(store.data_dir).path == written[-1]  # type: ignore[union-attr]
    # Other files in the folder are never touched by rotation.
    (folder / "notes.txt").write_text("mine")
    bs.rotate(folder, 1)
    assert (folder / "notes.txt").exists() and len(bs.list_backups(folder)) == 1


def test_switched_off_is_never_due(store: Store) -> None:
    bs.save_schedule(store.data_dir, bs.BackupSchedule(enabled=False))
    assert bs.run_if_due(store, now=T0) is None
    assert not (store.data_dir / "backups").exists()


def test_a_failed_backup_removes_no_old_backup(store: Store, tmp_path: Path) -> None:
    add_contact(store, "Ann")
    folder = tmp_path / "elsewhere"
    bs.save_schedule(store.data_dir, bs.BackupSchedule(keep=1, folder=str(folder)))
    good, _ = bs.backup_now(store, now=T0)
    # The folder replaced by a file: the next backup cannot be written.
    for child in folder.iterdir():
        child.rename(tmp_path / child.name)
    folder.rmdir()
    folder.write_text("not a folder")
    with pytest.raises(CrmError) as caught:
        bs.backup_now(store, now=T0 + timedelta(days=1))
    assert caught.value.code == "backup.failed"
    assert (tmp_path / good.path.name).exists()


def test_the_only_backup_is_kept_even_with_keep_one(passphrase_store: Store) -> None:
    add_contact(passphrase_store, "Ann")
    bs.save_schedule(passphrase_store.data_dir, bs.BackupSchedule(keep=1))
    info, removed = bs.backup_now(passphrase_store, now=T0)
    assert removed == [] and info.path.exists()
    assert verify_backup(info.path, passphrase_key(PASSPHRASE))["contact"] == 1
    assert bs.rotate(info.path.parent, 0) == []  # keep is at least one


def test_backup_failure_on_verify_leaves_the_previous_backups(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_contact(store, "Ann")
    bs.save_schedule(store.data_dir, bs.BackupSchedule(keep=1))
    first, _ = bs.backup_now(store, now=T0)
    from crm_desktop.store import backup as backup_module

    def broken(*_args: object) -> list[str]:
        return ["injected: a page did not verify"]

    monkeypatch.setattr(backup_module, "_problems", broken)
    with pytest.raises(StoreError):
        bs.backup_now(store, now=T0 + timedelta(days=2))
    assert [b.path for b in bs.list_backups(first.path.parent)] == [first.path]


def test_schedule_file_holds_only_the_schedule(tmp_path: Path) -> None:
    bs.save_schedule(tmp_path, bs.BackupSchedule(keep=4))
    assert set(json.loads((tmp_path / bs.SCHEDULE_FILENAME).read_text())) == {
        "enabled",
        "interval_hours",
        "keep",
        "folder",
    }


def test_stale_temp_files_of_cut_backups_are_cleaned(store: Store) -> None:
    import os
    import time

    folder = store.data_dir / "backups"
    folder.mkdir(parents=True)
    stale = folder / ".crm-20260101T000000000000Z.backup.abc.tmp"
    fresh = folder / ".crm-20260102T000000000000Z.backup.def.tmp"
    for path in (stale, fresh):
        path.write_bytes(b"partial")
    old = time.time() - 3 * 24 * 3600
    os.utime(stale, (old, old))
    bs.backup_now(store, now=T0)
    assert not stale.exists() and fresh.exists()  # a fresh one may be a backup in progress
