"""``crm-desktop import`` of vCards and duplicates; ``undo-import``, ``duplicates``, ``merge``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner

CARDS = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0=E4=BC=9F\r\n"
    "TEL;CELL:13812345678\r\nX-UNKNOWN:whatever\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\nno colon here\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n"
)


def _file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_vcard_import_by_extension_reports_broken_card(run: Runner, tmp_path: Path) -> None:
    result = run("import", _file(tmp_path, "phone.vcf", CARDS.encode()))
    assert result.code == 0, result.err
    assert "Imported 2 contacts; 1 cards skipped:" in result.out
    assert "card 2: line 10" in result.out and "no ':'" in result.out
    names = sorted(c["name"] for c in json.loads(run("contact", "list", "--json").out))
    assert names == ["Ada", "张伟"]


def test_vcard_by_content_and_duplicates_skipped_then_undo(run: Runner, tmp_path: Path) -> None:
    first = run("import", _file(tmp_path, "a.txt", CARDS.encode()), "--json")
    report = json.loads(first.out)
    assert report["format"] == "vcard" and report["imported"] == 2
    again = run("import", _file(tmp_path, "b.vcf", CARDS.encode()), "--json")
    second = json.loads(again.out)
    assert second["imported"] == 0 and again.code == 1
    reasons = {s["card"]: s["reason"] for s in second["skipped"]}
    assert "same phone" in reasons[1] and "same email" in reasons[3]
    assert [d["card"] for d in second["duplicates"]] == [1, 3]
    anyway = json.loads(
        run(
            "import", _file(tmp_path, "c.vcf", CARDS.encode()), "--on-duplicate", "import", "--json"
        ).out
    )
    assert anyway["imported"] == 2 and len(anyway["duplicates"]) == 2
    listed = run("undo-import")
    assert report["import_id"] in listed.out and anyway["import_id"] in listed.out
    undone = run("undo-import", anyway["import_id"])
    assert undone.code == 0 and "Removed 2 contacts" in undone.out
    assert len(json.loads(run("contact", "list", "--json").out)) == 2
    assert run("undo-import", anyway["import_id"]).code == 1  # already undone


def test_csv_dry_run_sees_duplicates_within_the_file(run: Runner, tmp_path: Path) -> None:
    path = _file(tmp_path, "in.csv", b"Name,Mobile\nAnna,13812345678\nAnne,+86 138 1234 5678\n")
    result = run("import", path, "--dry-run")
    assert result.code == 0
    assert "Would import 1 contacts; 1 rows skipped:" in result.out
    assert "row 3: likely duplicate of row 2 (Anna): same phone" in result.out
    assert not (tmp_path / "data" / "crm.db").exists()


def test_duplicates_scan_and_merge(run: Runner, tmp_path: Path) -> None:
    path = _file(
        tmp_path, "in.csv", "姓名,公司\n张伟,华为技术有限公司\nZhang Wei,华为技术\n".encode()
    )
    assert run("import", path, "--on-duplicate", "import").code == 0
    scan = json.loads(run("duplicates", "--json").out)
    [pair] = scan["pairs"]
    assert pair["reasons"] == ["name+company"]
    merged = run("merge", pair["a"], pair["b"], "--pick", "name=other")
    assert merged.code == 0, merged.err
    contacts = json.loads(run("contact", "list", "--json").out)
    assert len(contacts) == 1
    assert run("merge", pair["a"], pair["a"]).code == 1
    assert run("merge", pair["a"], pair["b"], "--pick", "name=both").code == 2
