"""Export to CSV / JSON / vCard: encoding, paging, escaping, atomic write."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from crm_desktop.errors import ValidationError
from crm_desktop.services import activities, companies, contacts, deals, pipelines
from crm_desktop.services.custom_fields import define_field
from crm_desktop.services.exporting import export_records
from crm_desktop.services.vcard import escape, fold, split_name

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def people(store):
    company = companies.create_company(store, {"name": "北京华信科技有限公司"}).value
    define_field(store, "contact", "region", "销售区域", "text")
    ids = [
        contacts.create_contact(
            store,
            {
                "name": "张伟",
                "phones": ["138 1234 5678", {"label": "work", "number": "+1 415 555 2671"}],
                "emails": ["zw@example.com"],
                "company_id": company,
                "tags": ["VIP", "北京"],
                "notes": "likes tea, not coffee; line one\nline two",
            },
            {"region": "华北"},
        ).value,
        contacts.create_contact(store, {"name": "Ada Lovelace", "title": "CTO"}).value,
    ]
    return ids


def test_csv_has_bom_and_round_trips_chinese(store, people, tmp_path: Path):
    target = tmp_path / "contacts.csv"
    assert export_records(store, "contact", "csv", target) == 2
    raw = target.read_bytes()
    assert raw.startswith(BOM)
    rows = list(csv.reader(io.StringIO(raw[len(BOM) :].decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["ID", "Name", "Company"]
    assert header[-1] == "销售区域"  # custom field labelled by its label
    by_name = {r[header.index("Name")]: dict(zip(header, r, strict=True)) for r in body}
    zhang = by_name["张伟"]
    assert zhang["ID"] == people[0]
    assert zhang["Company"] == "北京华信科技有限公司"
    assert zhang["Phones"] == "+8613812345678; +14155552671"
    assert zhang["Tags"] == "VIP; 北京"
    assert zhang["销售区域"] == "华北"
    assert zhang["Notes"] == "likes tea, not coffee; line one\nline two"
    assert "T" in zhang["Created"] and zhang["Created"].endswith("+00:00")
    assert by_name["Ada Lovelace"]["销售区域"] == ""


def test_json_is_an_array_of_wire_records(store, people, tmp_path: Path):
    target = tmp_path / "contacts.json"
    export_records(store, "contact", "json", target)
    data = json.loads(target.read_text("utf-8"))
    assert sorted(r["id"] for r in data) == sorted(people)
    zhang = next(r for r in data if r["name"] == "张伟")
    assert zhang["custom"] == {"region": "华北"}
    assert zhang["tags"] == ["VIP", "北京"]
    assert isinstance(zhang["created_at"], str)
    assert "name_sort" not in zhang


def test_empty_export_is_valid(store, tmp_path: Path):
    target = tmp_path / "deals.json"
    assert export_records(store, "deal", "json", target) == 0
    assert json.loads(target.read_text("utf-8")) == []
    assert export_records(store, "company", "csv", tmp_path / "c.csv") == 0
    assert (tmp_path / "c.csv").read_bytes().startswith(BOM + b"ID,Name")


def test_vcard_escapes_folds_and_has_one_card_per_contact(store, people, tmp_path: Path):
    long_title = "Head of " + "国际业务拓展" * 10
    contacts.update_contact(store, people[1], {"title": long_title})
    target = tmp_path / "contacts.vcf"
    export_records(store, "contact", "vcard", target)
    raw = target.read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    text = raw.decode("utf-8")  # folding never split a character
    assert text.count("BEGIN:VCARD") == 2 and text.count("END:VCARD") == 2
    unfolded = text.replace("\r\n ", "")
    assert f"TITLE:{long_title}" in unfolded
    assert "NOTE:likes tea\\, not coffee\\; line one\\nline two" in unfolded
    assert "FN:张伟" in unfolded and "N:张;伟;;;" in unfolded
    assert "N:Lovelace;Ada;;;" in unfolded
    assert "ORG:北京华信科技有限公司" in unfolded
    assert "TEL;TYPE=CELL:+8613812345678" in unfolded
    assert "TEL;TYPE=WORK:+14155552671" in unfolded
    assert "CATEGORIES:VIP,北京" in unfolded


def test_vcard_helpers():
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert split_name("欧阳娜娜") == ("欧", "阳娜娜")  # best effort
    assert split_name("Mary Ann Smith") == ("Smith", "Mary Ann")
    folded = fold("NOTE:" + "é" * 100)
    assert all(len(p.encode()) <= 75 for p in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "NOTE:" + "é" * 100


def test_pages_through_more_than_one_page(store, tmp_path: Path):
    result = contacts.create_contacts(store, [{"name": f"客户{i:03d}"} for i in range(25)])
    seen: list[tuple[int, int]] = []
    target = tmp_path / "many.csv"
    count = export_records(
        store, "contact", "csv", target, page_size=10, progress=lambda d, t: seen.append((d, t))
    )
    assert count == 25
    assert seen == [(10, 25), (20, 25), (25, 25)]
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"), newline="")))
    assert sorted(r[0] for r in rows[1:]) == sorted(result.value.ids)
    assert len({r[0] for r in rows[1:]}) == 25


def test_page_boundary_exactly_full(store, tmp_path: Path):
    contacts.create_contacts(store, [{"name": f"n{i}"} for i in range(20)])
    stream = io.BytesIO()
    assert export_records(store, "contact", "json", stream, page_size=10) == 20
    assert len(json.loads(stream.getvalue())) == 20


def test_failed_export_leaves_no_file(store, people, tmp_path: Path):
    contacts.create_contacts(store, [{"name": f"n{i}"} for i in range(5)])
    target = tmp_path / "out.csv"

    def fail(done: int, total: int) -> None:
        if done > 2:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        export_records(store, "contact", "csv", target, page_size=2, progress=fail)
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]  # no target, no temp file


def test_failed_export_keeps_the_previous_file(store, people, tmp_path: Path):
    target = tmp_path / "out.json"
    target.write_text("old", "utf-8")

    def fail(done: int, total: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        export_records(store, "contact", "json", target, progress=fail)
    assert target.read_text("utf-8") == "old"


def test_deals_and_activities_name_their_links(store, people, tmp_path: Path):
    pipelines.ensure_default_pipeline(store)
    deal_id = deals.create_deal(
        store, {"title": "年度合同", "contact_id": people[0], "value_cents": 1234567}
    ).value
    activities.log_activity(store, "meeting", deal_id=deal_id, subject="签约")
    export_records(store, "deal", "csv", tmp_path / "deals.csv")
    header, row = list(csv.reader(io.StringIO((tmp_path / "deals.csv").read_text("utf-8-sig"))))
    deal = dict(zip(header, row, strict=True))
    assert deal["Title"] == "年度合同" and deal["Contact"] == "张伟"
    assert deal["Company"] == "北京华信科技有限公司"
    assert deal["Value"] == "12345.67" and deal["Stage"] and deal["Pipeline"]
    export_records(store, "activity", "json", tmp_path / "acts.json")
    (activity,) = json.loads((tmp_path / "acts.json").read_text("utf-8"))
    assert activity["deal_id"] == deal_id and activity["subject"] == "签约"
    assert "custom" not in activity  # activities have no custom fields


def test_refuses_unknown_entity_or_format(store, tmp_path: Path):
    with pytest.raises(ValidationError):
        export_records(store, "task", "csv", tmp_path / "x.csv")
    with pytest.raises(ValidationError):
        export_records(store, "company", "vcard", tmp_path / "x.vcf")
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.vcf").exists()
