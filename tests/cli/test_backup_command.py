"""``crm-desktop backup`` and ``crm-desktop restore``."""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest

from crm_desktop.store.files import DB_FILENAME


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _add(run, name: str) -> None:
    result = run("contact", "add", "--name", name)
    assert result.code == 0, result.err


def _names(run) -> str:
    result = run("contact", "list")
    assert result.code == 0, result.err
    return result.out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("runner", ["run", "run_pp"])
def test_backup_then_restore_brings_the_data_back(request, runner, tmp_path: Path):
    run = request.getfixturevalue(runner)
    _add(run, "Ada Lovelace")
    _add(run, "Grace Hopper")
    target = tmp_path / "crm.backup"
    result = run("backup", str(target))
    assert result.code == 0, result.err
    assert str(target) in result.out and "2 contacts" in result.out
    assert not target.read_bytes().startswith(b"SQLite format 3")

    _add(run, "Later Person")
    result = run("restore", str(target), "--yes")
    assert result.code == 0, result.err
    assert "previous store was kept in" in result.out
    names = _names(run)
    assert "Ada Lovelace" in names and "Later Person" not in names
    kept = [p for p in run.data_dir.iterdir() if p.name.startswith("before-restore-")]
    assert len(kept) == 1 and (kept[0] / DB_FILENAME).exists()


def test_restore_without_a_terminal_needs_yes(run, tmp_path: Path, monkeypatch):
    _add(run, "Ada Lovelace")
    target = tmp_path / "crm.backup"
    assert run("backup", str(target)).code == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    before = _sha(run.data_dir / DB_FILENAME)
    result = run("restore", str(target))
    assert result.code == 1 and "--yes" in result.err
    assert _sha(run.data_dir / DB_FILENAME) == before


def test_restore_asks_on_a_terminal(run, tmp_path: Path, monkeypatch):
    _add(run, "Ada Lovelace")
    target = tmp_path / "crm.backup"
    assert run("backup", str(target)).code == 0
    _add(run, "Later Person")
    monkeypatch.setattr(sys, "stdin", _Tty("n\n"))
    result = run("restore", str(target))
    assert result.code == 1 and "Nothing was changed" in result.err
    assert "Later Person" in _names(run)

    monkeypatch.setattr(sys, "stdin", _Tty("y\n"))
    result = run("restore", str(target))
    assert result.code == 0, result.err
    assert "Later Person" not in _names(run)


def test_a_damaged_backup_is_refused(run_pp, tmp_path: Path):
    _add(run_pp, "Ada Lovelace")
    target = tmp_path / "crm.backup"
    assert run_pp("backup", str(target)).code == 0
    data = bytearray(target.read_bytes())
    data[-1500] ^= 0x01
    target.write_bytes(bytes(data))
    before = _sha(run_pp.data_dir / DB_FILENAME)
    result = run_pp("restore", str(target), "--yes")
    assert result.code == 1 and "damaged" in result.err
    assert "Traceback" not in result.err
    assert _sha(run_pp.data_dir / DB_FILENAME) == before
    assert not any(p.name.startswith("before-restore-") for p in run_pp.data_dir.iterdir())


def test_backup_of_a_missing_store_is_an_error(run, tmp_path: Path):
    result = run("backup", str(tmp_path / "x.backup"))
    assert result.code == 1 and "No store" in result.err
    assert not (tmp_path / "x.backup").exists()
