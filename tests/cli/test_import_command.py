"""``crm-desktop import``: mapping shown, rows reported, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner


def _csv(tmp_path: Path, data: bytes, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_reports_mapping_and_skipped_rows(run: Runner, tmp_path: Path) -> None:
    text = "姓名,手机,邮箱\n张伟,13812345678,zw@example.com\n李娜,13912345678,bad\n"
    result = run("import", _csv(tmp_path, text.encode("gb18030")))
    assert result.code == 0, result.err
    assert "手机 -> phones" in result.out
    assert "Imported 1 contacts; 1 rows skipped:" in result.out
    assert "row 3:" in result.out and "bad" in result.out
    listed = run("contact", "list", "--json")
    assert [c["name"] for c in json.loads(listed.out)] == ["张伟"]


def test_dry_run_writes_nothing(run: Runner, tmp_path: Path) -> None:
    path = _csv(tmp_path, b"Who;Cell\nAnna;+1 415 555 2671\n")
    result = run("import", path, "--mapping", "who=name", "Cell=phones", "--dry-run", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["imported"] == 1 and report["dry_run"] is True
    assert report["mapping"] == {"Who": "name", "Cell": "phones"}
    assert not (tmp_path / "data" / "crm.db").exists()  # the store was not even opened


def test_binary_file_exits_1(run: Runner, tmp_path: Path) -> None:
    result = run("import", _csv(tmp_path, bytes(range(256)) * 10, "junk.csv"))
    assert result.code == 1
    assert "error: Cannot import" in result.err and "Traceback" not in result.err


def test_missing_file_exits_1(run: Runner, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.csv"))
    assert result.code == 1 and "Cannot read" in result.err


def test_unknown_mapping_column_is_usage(run: Runner, tmp_path: Path) -> None:
    result = run("import", _csv(tmp_path, b"Name\nA\n"), "--mapping", "Nope=name")
    assert result.code == 2 and "No column 'Nope'" in result.err


def test_no_name_column_is_usage(run: Runner, tmp_path: Path) -> None:
    result = run("import", _csv(tmp_path, b"Foo,Bar\n1,2\n"))
    assert result.code == 2 and "--mapping COLUMN=name" in result.err


def test_huge_cell_row_skipped_others_imported(run: Runner, tmp_path: Path) -> None:
    text = "Name,Notes\nA,x\nB," + "y" * 10_000_000 + "\nC,z\n"
    result = run("import", _csv(tmp_path, text.encode()), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["imported"] == 2
    assert [s["row"] for s in report["skipped"]] == [3]


def test_nothing_imported_exits_1(run: Runner, tmp_path: Path) -> None:
    result = run("import", _csv(tmp_path, b"Name,Email\nA,bad\n"))
    assert result.code == 1
    assert "Imported 0 contacts; 1 rows skipped:" in result.out
