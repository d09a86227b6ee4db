"""CSV import: encodings, delimiters, broken files, header guessing, bulk create."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_desktop.errors import CrmError
from crm_desktop.services.contacts import get_contact
from crm_desktop.services.csv_import import (
    guess_mapping,
    import_contacts,
    plan_import,
    read_table,
    resolve_mapping,
)
from crm_desktop.store.engine import Store

PHONE = "+8613812345678"


def _write(tmp_path: Path, data: bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _import(store: Store, path: Path):  # type: ignore[no-untyped-def]
    table = read_table(path)
    return table, import_contacts(store, table, guess_mapping(table.headers))


def test_utf8_bom(tmp_path: Path) -> None:
    text = "Name,Email\nAlice,alice@example.com\n"
    table = read_table(_write(tmp_path, b"\xef\xbb\xbf" + text.encode()))
    assert table.encoding == "utf-8-sig"
    assert table.headers == ["Name", "Email"]
    assert table.rows == [["Alice", "alice@example.com"]]


def test_gb18030_chinese_headers(tmp_path: Path, store: Store) -> None:
    text = "姓名,手机,公司\r\n张伟,13812345678,北京华信\r\n李娜,13912345678,北京华信\r\n"
    table, report = _import(store, _write(tmp_path, text.encode("gb18030")))
    assert table.encoding == "gb18030"
    assert guess_mapping(table.headers) == {"姓名": "name", "手机": "phones", "公司": "company"}
    assert report.imported == 2 and report.skipped == []
    detail = get_contact(store, report.ids[0])
    assert detail.contact.name == "张伟"
    assert detail.contact.phones == [{"label": "mobile", "number": PHONE}]
    assert detail.company_name == "北京华信"
    assert get_contact(store, report.ids[1]).contact.company_id == detail.contact.company_id


def test_utf16_with_bom_tab_separated(tmp_path: Path) -> None:
    text = "Name\tMobile Phone\nBob\t+1 415 555 2671\n"
    table = read_table(_write(tmp_path, text.encode("utf-16")))
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert table.rows == [["Bob", "+1 415 555 2671"]]


def test_semicolon_delimiter(tmp_path: Path) -> None:
    text = 'Name;Company;Notes\nAnna;Müller GmbH;says "hi", often\nBen;ACME;\n'
    table = read_table(_write(tmp_path, text.encode()))
    assert table.delimiter == ";"
    assert table.rows[0] == ["Anna", "Müller GmbH", 'says "hi", often']


def test_ragged_rows_padded_trimmed_and_reported(tmp_path: Path) -> None:
    text = "Name,Phone,Company\nA,,X\nB\nC,,Y,extra\n"
    table = read_table(_write(tmp_path, text.encode()))
    assert table.rows == [["A", "", "X"], ["B", "", ""], ["C", "", "Y"]]
    assert [n for n, _ in table.warnings] == [3, 4]


def test_bad_quote_row_still_read(tmp_path: Path, store: Store) -> None:
    text = 'Name,Notes\nAlice,"quoted"tail\nBob,plain\n'
    table, report = _import(store, _write(tmp_path, text.encode()))
    assert table.rows[0] == ["Alice", "quotedtail"]
    assert report.imported == 2


def test_unclosed_quote_reported(tmp_path: Path) -> None:
    text = 'Name,Notes\nAlice,ok\nBob,"never closed\nCarol,lost\n'
    table = read_table(_write(tmp_path, text.encode()))
    assert table.rows == [["Alice", "ok"]]
    assert table.skipped[0][0] == 3 and "never closed" in table.skipped[0][1]


def test_binary_junk_is_a_clear_error(tmp_path: Path) -> None:
    junk = bytes(range(256)) * 40
    with pytest.raises(CrmError) as caught:
        read_table(_write(tmp_path, junk, "junk.csv"))
    assert caught.value.code == "import.unreadable"
    assert "not text" in caught.value.message


def test_excel_workbook_named(tmp_path: Path) -> None:
    with pytest.raises(CrmError, match="save it as CSV"):
        read_table(_write(tmp_path, b"PK\x03\x04" + b"\x00" * 100, "book.csv"))


def test_ten_megabyte_field_skips_only_its_row(tmp_path: Path, store: Store) -> None:
    big = "x" * 10_000_000
    text = f"Name,Notes\nAlice,small\nBob,{big}\nCarol,fine\n"
    _, report = _import(store, _write(tmp_path, text.encode()))
    assert report.imported == 2
    assert len(report.skipped) == 1
    number, reason = report.skipped[0]
    assert number == 3 and "Notes" in reason and "MB" in reason


def test_google_contacts_headers(tmp_path: Path, store: Store) -> None:
    headers = (
        "Name,Given Name,Additional Name,Family Name,Group Membership,E-mail 1 - Type,"
        "E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,"
        "Organization 1 - Name,Organization 1 - Title,Notes"
    )
    row = (
        ",Jane,,Doe,* myContacts ::: Friends,Work,jane@example.com,Home,jd@example.org,"
        "Mobile,+1 415 555 2671 ::: +8613812345678,Initech,CTO,met at expo"
    )
    table, report = _import(store, _write(tmp_path, f"{headers}\n{row}\n".encode()))
    mapping = guess_mapping(table.headers)
    assert mapping["Given Name"] == "first_name" and mapping["Family Name"] == "last_name"
    assert mapping["E-mail 2 - Value"] == "emails" and "E-mail 1 - Type" not in mapping
    assert report.skipped == []
    contact = get_contact(store, report.ids[0])
    assert contact.contact.name == "Jane Doe"
    assert [e["address"] for e in contact.contact.emails] == ["jane@example.com", "jd@example.org"]
    assert len(contact.contact.phones) == 2
    assert contact.contact.tags == ["Friends"]
    assert contact.contact.title == "CTO" and contact.company_name == "Initech"


def test_outlook_title_is_not_job_title() -> None:
    mapping = guess_mapping(["Title", "First Name", "Last Name", "Job Title", "E-mail Address"])
    assert "Title" not in mapping and mapping["Job Title"] == "title"
    assert mapping["E-mail Address"] == "emails"
    assert guess_mapping(["TITLE", "full name"]) == {"TITLE": "title", "full name": "name"}


def test_invalid_email_reported_with_row_number(tmp_path: Path, store: Store) -> None:
    text = "Name,Email,Tags\nA,a@example.com,vip、北京\nB,not-an-email,\nC,c@example.com,x;y\n"
    _, report = _import(store, _write(tmp_path, text.encode()))
    assert report.imported == 2
    assert report.skipped[0][0] == 3 and "not-an-email" in report.skipped[0][1]
    assert get_contact(store, report.ids[0]).contact.tags == ["vip", "北京"]


def test_chinese_first_and_last_names_join_without_space() -> None:
    table_headers = ["姓", "名", "邮箱"]
    mapping = guess_mapping(table_headers)
    from crm_desktop.services.csv_import import build_row

    assert build_row(table_headers, ["张", "伟", ""], mapping)["name"] == "张伟"


def test_dry_run_plan_writes_nothing(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, b"Full Name,Mobile\nA,13812345678\n,13812345678\n"))
    _, report = plan_import(table, guess_mapping(table.headers))
    assert report.imported == 1 and report.skipped[0][0] == 3


def test_mapping_overrides_and_unknown_names() -> None:
    headers = ["Who", "Cell"]
    mapping = resolve_mapping(headers, guess_mapping(headers), {"who": "name", "CELL": "phone"})
    assert mapping == {"Who": "name", "Cell": "phones"}
    with pytest.raises(CrmError, match="No column"):
        resolve_mapping(headers, {}, {"Nope": "name"})
    with pytest.raises(CrmError, match="No field"):
        resolve_mapping(headers, {}, {"Who": "nickname"})


def test_many_rows_import_in_bulk(tmp_path: Path, store: Store) -> None:
    lines = ["Name,Email"] + [f"P{i},p{i}@example.com" for i in range(5_000)]
    seen: list[tuple[int, int]] = []
    table = read_table(_write(tmp_path, "\n".join(lines).encode()))
    report = import_contacts(
        store, table, guess_mapping(table.headers), progress=lambda d, t: seen.append((d, t))
    )
    assert report.imported == 5_000
    assert seen[-1] == (5_000, 5_000)
