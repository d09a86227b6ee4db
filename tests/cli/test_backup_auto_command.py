"""``crm-desktop backup --auto`` / ``--list`` and ``restore --latest``; damaged stores."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from crm_desktop.services.backup_schedule import SCHEDULE_FILENAME, list_backups
from crm_desktop.store.files import DB_FILENAME


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add(run, name: str) -> None:
    result = run("contact", "add", "--name", name)
    assert result.code == 0, result.err


def test_auto_backs_up_once_per_interval_then_lists(run) -> None:
    _add(run, "Ada Lovelace")
    first = run("backup", "--auto")
    assert first.code == 0, first.err
    assert "verified" in first.out and "1 contact" in first.out
    again = run("backup", "--auto")
    assert again.code == 0 and "No backup due" in again.out
    backups = list_backups(run.data_dir / "backups")
    assert len(backups) == 1
    listed = run("backup", "--list")
    assert listed.code == 0 and str(backups[0].path) in listed.out
    assert "every 24 h, keeping 7" in listed.out


def test_auto_honours_a_switched_off_schedule(run) -> None:
    _add(run, "Ada Lovelace")
    (run.data_dir / SCHEDULE_FILENAME).write_text(json.dumps({"enabled": False}))
    result = run("backup", "--auto")
    assert result.code == 0 and "switched off" in result.out
    assert not (run.data_dir / "backups").exists()


def test_backup_needs_a_file_or_auto(run) -> None:
    _add(run, "Ada Lovelace")
    assert run("backup").code == 2
    assert run("backup", "x.backup", "--auto").code == 2
    assert run("restore", "--yes").code == 2


def test_restore_latest_brings_back_the_newest_automatic_backup(run_pp) -> None:
    _add(run_pp, "Ada Lovelace")
    assert run_pp("backup", "--auto").code == 0
    _add(run_pp, "Later Person")
    result = run_pp("restore", "--latest", "--yes")
    assert result.code == 0, result.err
    names = run_pp("contact", "list").out
    assert "Ada Lovelace" in names and "Later Person" not in names


def test_restore_latest_without_backups_is_an_error(run) -> None:
    _add(run, "Ada Lovelace")
    result = run("restore", "--latest", "--yes")
    assert result.code == 1 and "No automatic backup" in result.err


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_automatic_backup_is_refused_and_the_store_untouched(run_pp, damage) -> None:
    _add(run_pp, "Ada Lovelace")
    assert run_pp("backup", "--auto").code == 0
    backup = list_backups(run_pp.data_dir / "backups")[0].path
    data = bytearray(backup.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0x10
    backup.write_bytes(bytes(data))
    before = _sha(run_pp.data_dir / DB_FILENAME)
    result = run_pp("restore", "--latest", "--yes")
    assert result.code == 1 and "damaged" in result.err, result.err
    assert _sha(run_pp.data_dir / DB_FILENAME) == before
    assert not any(p.name.startswith("before-restore-") for p in run_pp.data_dir.iterdir())
    assert "Ada Lovelace" in run_pp("contact", "list").out
