"""Duplicate check: on create, on import, and the blocked scan over the whole store."""

from __future__ import annotations

import time
from pathlib import Path

from crm_desktop.services.contacts import create_contact, create_contacts
from crm_desktop.services.csv_import import guess_mapping, import_contacts, read_table
from crm_desktop.services.duplicates import (
    company_key,
    find_duplicates,
    likely_duplicates,
    name_key,
)
from crm_desktop.store.engine import Store


def test_keys_ignore_order_script_and_legal_suffix() -> None:
    assert name_key("张伟") == name_key("Zhang Wei") == name_key("wei  ZHANG") == "weizhang"
    assert name_key("Zoë Smith") == name_key("smith zoe")
    assert company_key("华为技术有限公司") == company_key("华为技术股份有限公司") == "华为技术"
    assert company_key("ACME Co., Ltd.") == company_key("Acme Inc") == company_key("acme")
    assert company_key("Siemens GmbH") == "siemens"
    assert company_key("Ltd") == "ltd"  # a name that is only a suffix stays


def test_same_email_any_case(store: Store) -> None:
    made = create_contact(store, {"name": "Alice", "emails": ["Alice@Example.com"]}).value
    [match] = likely_duplicates(store, {"name": "A. Smith", "emails": ["alice@example.com"]})
    assert match.ref == made and match.reasons == ["email"]


def test_same_phone_written_differently(store: Store) -> None:
    made = create_contact(store, {"name": "Bob", "phones": ["+86 138-1234-5678"]}).value
    for written in ("13812345678", "138 1234 5678", "+8613812345678", "(+86) 138 1234 5678"):
        [match] = likely_duplicates(store, {"name": "Robert", "phones": [written]})
        assert match.ref == made and match.reasons == ["phone"]


def test_chinese_name_vs_pinyin_at_same_company_without_suffix(store: Store) -> None:
    made = create_contact(store, {"name": "张伟"}, company_name="华为技术有限公司").value
    [match] = likely_duplicates(store, {"name": "Zhang Wei"}, company_name="华为技术")
    assert match.ref == made and match.reasons == ["name+company"]
    assert match.company == "华为技术有限公司"
    # Same characters, another company: not a duplicate by name alone.
    assert likely_duplicates(store, {"name": "张伟"}, company_name="腾讯") == []
    # A similar spelling (one letter off) still matches.
    assert likely_duplicates(store, {"name": "Zhang Weii"}, company_name="华为技术股份有限公司")
    assert likely_duplicates(store, {"name": "Zhangwei"}, company_name="华为技术")  # one word


def test_latin_company_suffixes(store: Store) -> None:
    made = create_contact(store, {"name": "Jane Doe"}, company_name="Acme Ltd").value
    [match] = likely_duplicates(store, {"name": "Doe Jane"}, company_name="ACME Inc.")
    assert match.ref == made
    assert likely_duplicates(store, {"name": "John Roe"}, company_name="Acme Inc.") == []


def test_excluding_the_record_being_edited(store: Store) -> None:
    made = create_contact(store, {"name": "Carol", "emails": ["c@example.com"]}).value
    assert (
        likely_duplicates(store, {"name": "Carol", "emails": ["c@example.com"]}, exclude_id=made)
        == []
    )


def test_nothing_to_compare_is_no_match(store: Store) -> None:
    create_contact(store, {"name": "Dan"})
    assert likely_duplicates(store, {"name": "Dan"}) == []  # same name, no company: too weak
    assert likely_duplicates(store, {}) == []


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_skips_and_reports_duplicates_by_default(tmp_path: Path, store: Store) -> None:
    existing = create_contact(store, {"name": "Alice", "emails": ["alice@example.com"]}).value
    path = _csv(
        tmp_path,
        "Name,Email,Phone,Company\n"
        "Alice Smith,ALICE@example.com,,\n"  # row 2: same email as a stored contact
        "Bob,,13812345678,\n"  # row 3
        "Robert,,+86 138 1234 5678,\n"  # row 4: same phone as row 3
        "李娜,,,北京华信有限公司\n"  # row 5
        "Li Na,,,北京华信\n"  # row 6: row 5 in pinyin, company without suffix
        "Eve,,,\n",
    )
    table = read_table(path)
    report = import_contacts(store, table, guess_mapping(table.headers))
    assert report.imported == 3
    skipped = dict(report.skipped)
    assert set(skipped) == {2, 4, 6}
    assert "likely duplicate of Alice" in skipped[2] and "same email" in skipped[2]
    assert "row 3 (Bob)" in skipped[4] and "same phone" in skipped[4]
    assert "row 5" in skipped[6] and "similar name" in skipped[6]
    dupes = dict(report.duplicates)
    assert dupes[2][0].ref == existing


def test_import_anyway_keeps_them_but_still_reports(tmp_path: Path, store: Store) -> None:
    create_contact(store, {"name": "Alice", "emails": ["alice@example.com"]})
    table = read_table(_csv(tmp_path, "Name,Email\nAlice,alice@example.com\n"))
    report = import_contacts(store, table, guess_mapping(table.headers), on_duplicate="import")
    assert report.imported == 1 and report.skipped == []
    assert [n for n, _ in report.duplicates] == [2]


def test_scan_finds_pairs_with_reasons(store: Store) -> None:
    a = create_contact(
        store, {"name": "张伟", "phones": ["13812345678"]}, company_name="华为技术有限公司"
    ).value
    b = create_contact(store, {"name": "Zhang Wei"}, company_name="华为技术").value
    c = create_contact(store, {"name": "Wei Z.", "phones": ["+86 138 1234 5678"]}).value
    d = create_contact(store, {"name": "Alice", "emails": ["x@example.com"]}).value
    e = create_contact(store, {"name": "Alicia", "emails": ["X@example.com"]}).value
    create_contact(store, {"name": "Nobody"})
    result = find_duplicates(store)
    pairs = {frozenset((p.a, p.b)): p.reasons for p in result.pairs}
    assert pairs == {
        frozenset((a, b)): ["name+company"],
        frozenset((a, c)): ["phone"],
        frozenset((d, e)): ["email"],
    }
    assert result.contacts == 6


def test_scan_skips_switchboard_numbers(store: Store) -> None:
    rows = [{"name": f"Staff {i}", "phones": ["+861065529988"]} for i in range(250)]
    create_contacts(store, rows)
    result = find_duplicates(store)
    assert result.pairs == []
    assert result.skipped_blocks == [("phone", "+861065529988", 250)]


def test_scan_of_20k_contacts_is_blocked_not_pairwise(store: Store) -> None:
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
    rows = []
    for i in range(20_000):
        rows.append(
            {
                "name": surnames[i % 20] + given[(i // 20) % 20] + given[(i // 400) % 20],
                "phones": [f"+86138{i:08d}"],
                "emails": [f"user{i}@example.com"],
                "company_id": None,
            }
        )
    rows[19_999]["emails"] = ["user5@example.com"]  # one planted duplicate
    create_contacts(store, rows)
    started = time.perf_counter()
    result = find_duplicates(store)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, elapsed  # pairwise would be 200M comparisons
    assert [(p.reasons) for p in result.pairs] == [["email"]]
