"""``crm-desktop export``: format from the extension, summary line, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm_desktop.cli.common import UsageError
from crm_desktop.cli.export_cmd import export_format


def _add(run, *args: str) -> str:
    result = run("contact", "add", *args)
    assert result.code == 0, result.err
    return result.out.strip()


@pytest.fixture
def two_contacts(run) -> list[str]:
    return [
        _add(run, "--name", "张伟", "--company", "华信, 北京", "--tag", "VIP"),
        _add(run, "--name", "Ada Lovelace"),
    ]


def test_format_from_extension(run, two_contacts, tmp_path: Path):
    csv_file, json_file, vcf_file = (tmp_path / n for n in ("c.csv", "c.json", "c.vcf"))
    result = run("export", "contact", str(csv_file))
    assert result.code == 0, result.err
    assert result.out.strip() == f"Exported 2 contacts to {csv_file}"
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbfID,Name")

    assert run("export", "contact", str(json_file)).code == 0
    assert sorted(r["id"] for r in json.loads(json_file.read_text("utf-8"))) == sorted(two_contacts)

    assert run("export", "contact", str(vcf_file)).code == 0
    text = vcf_file.read_text("utf-8")
    assert text.count("BEGIN:VCARD") == 2
    assert "ORG:华信\\, 北京" in text


def test_format_option_overrides_extension(run, two_contacts, tmp_path: Path):
    target = tmp_path / "contacts.txt"
    result = run("export", "contact", str(target), "--format", "json")
    assert result.code == 0, result.err
    assert len(json.loads(target.read_text("utf-8"))) == 2


def test_singular_and_other_entities(run, two_contacts, tmp_path: Path):
    result = run("export", "company", str(tmp_path / "co.csv"))
    assert result.code == 0, result.err
    assert result.out.strip() == f"Exported 1 company to {tmp_path / 'co.csv'}"
    result = run("export", "activity", str(tmp_path / "a.json"))
    assert result.out.strip().startswith("Exported 0 activities")


def test_unknown_extension_is_a_usage_error(run, two_contacts, tmp_path: Path):
    result = run("export", "contact", str(tmp_path / "contacts.xlsx"))
    assert result.code == 2
    assert "--format" in result.err
    assert not (tmp_path / "contacts.xlsx").exists()


def test_vcard_only_for_contacts(run, two_contacts, tmp_path: Path):
    result = run("export", "deal", str(tmp_path / "deals.vcf"))
    assert result.code == 2
    assert "vCard" in result.err


def test_missing_directory_is_an_error_not_a_traceback(run, two_contacts, tmp_path: Path):
    result = run("export", "contact", str(tmp_path / "nowhere" / "c.csv"))
    assert result.code == 1
    assert "error:" in result.err


def test_no_progress_bar_off_a_terminal(run, two_contacts, tmp_path: Path):
    result = run("export", "contact", str(tmp_path / "c.csv"))
    assert result.err == ""


def test_export_format_helper():
    assert export_format(Path("A.CSV"), None, "contact") == "csv"
    assert export_format(Path("a.vcf"), None, "contact") == "vcard"
    assert export_format(Path("a.csv"), "json", "deal") == "json"
    with pytest.raises(UsageError):
        export_format(Path("a"), None, "contact")
