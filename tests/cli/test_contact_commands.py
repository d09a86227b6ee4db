"""contact add / edit / show / list / delete, through `main([...])`."""

from __future__ import annotations

import json
from datetime import datetime

from crm_desktop.services.custom_fields import define_field
from crm_desktop.store.engine import open_store


def _add(run, *args: str) -> str:
    result = run("contact", "add", *args)
    assert result.code == 0, result.err
    return result.out.strip()


def _show(run, contact_id: str) -> dict:
    result = run("contact", "show", contact_id, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_add_prints_the_id_and_show_json_has_every_field(run):
    contact_id = _add(
        run,
        "--name",
        "张伟",
        "--phone",
        "138 1234 5678",
        "--phone",
        "+1 415 555 2671",
        "--email",
        "ZW@Example.com",
        "--company",
        "北京华信科技有限公司",
        "--title",
        "总经理",
        "--tag",
        "VIP",
        "--tag",
        "北京",
    )
    data = _show(run, contact_id)
    assert data["id"] == contact_id
    assert data["name"] == "张伟"
    assert [p["number"] for p in data["phones"]] == ["+8613812345678", "+14155552671"]
    assert data["emails"][0]["address"] == "ZW@example.com"
    assert data["company_name"] == "北京华信科技有限公司"
    assert data["title"] == "总经理"
    assert data["tags"] == ["VIP", "北京"]
    assert data["owner"] == "tester"
    assert "name_sort" not in data  # derived columns are not part of a contact
    created = datetime.fromisoformat(data["created_at"])
    assert created.tzinfo is not None  # ISO 8601 with its offset


def test_add_finds_the_company_by_name_instead_of_duplicating_it(run):
    first = _add(run, "--name", "Amy Lee", "--company", "Acme Ltd")
    second = _add(run, "--name", "Bob Stone", "--company", "  acme ltd ")
    assert _show(run, first)["company_id"] == _show(run, second)["company_id"]
    stats = json.loads(run("stats", "--json").out)
    assert stats["companies"] == 1


def test_a_refused_contact_leaves_no_new_company(run):
    result = run(
        "contact", "add", "--name", "Bad Phone", "--phone", "12345", "--company", "Ghost Inc"
    )
    assert result.code == 1
    assert "crm-desktop: error: phones" in result.err
    assert "Traceback" not in result.err
    assert json.loads(run("stats", "--json").out)["companies"] == 0


def test_show_as_text(run):
    contact_id = _add(run, "--name", "Zoë Carter", "--email", "zoe@example.com")
    result = run("contact", "show", contact_id)
    assert result.code == 0
    assert "Name:" in result.out and "Zoë Carter" in result.out
    assert contact_id in result.out


def test_edit_fields_lists_and_custom_fields(run):
    contact_id = _add(run, "--name", "王芳", "--phone", "13912345678")
    store = open_store(run.data_dir)  # the key is in the (in-memory) keychain
    try:
        define_field(store, "contact", "region", "Region", "text")
    finally:
        store.close()
    result = run(
        "contact",
        "edit",
        contact_id,
        "title=采购经理",
        "phones=13912345678, +14155552671",
        "tags=重点客户,VIP",
        "grade=a",
        "consent_call=yes",
        "region=华东",
    )
    assert result.code == 0, result.err
    assert "Updated" in result.out
    data = _show(run, contact_id)
    assert data["title"] == "采购经理"
    assert [p["number"] for p in data["phones"]] == ["+8613912345678", "+14155552671"]
    assert data["tags"] == ["重点客户", "VIP"]
    assert data["grade"] == "A"
    assert data["consent_call"] is True
    assert data["custom"] == {"region": "华东"}
    cleared = run("contact", "edit", contact_id, "title=")
    assert cleared.code == 0
    assert _show(run, contact_id)["title"] is None
    again = run("contact", "edit", contact_id, "grade=A")
    assert again.code == 0 and "Nothing changed" in again.out


def test_edit_rejects_malformed_and_unknown_fields_as_usage(run):
    contact_id = _add(run, "--name", "Sam Reed")
    for bad in ("title", "=x", "shoe_size=42"):
        result = run("contact", "edit", contact_id, bad)
        assert result.code == 2, bad
        assert "usage:" in result.err
        assert "crm-desktop: error:" in result.err
        assert "Traceback" not in result.err


def test_edit_with_an_invalid_value_is_an_error_not_usage(run):
    contact_id = _add(run, "--name", "Sam Reed")
    result = run("contact", "edit", contact_id, "birthday=yesterday")
    assert result.code == 1
    assert result.err.startswith("crm-desktop: error: birthday")


def test_list_with_filters(run):
    amy = _add(run, "--name", "Amy Lee", "--company", "Acme Ltd", "--tag", "vip")
    bob = _add(run, "--name", "Bob Stone", "--company", "Beta Inc")
    run("contact", "edit", bob, "owner=someone")
    _add(run, "--name", "陈静", "--tag", "vip")

    def ids(*args: str) -> list[str]:
        result = run("contact", "list", "--json", *args)
        assert result.code == 0, result.err
        return [row["id"] for row in json.loads(result.out)]

    assert len(ids()) == 3
    assert ids("--company", "acme ltd") == [amy]
    assert ids("--company", _show(run, bob)["company_id"]) == [bob]
    assert ids("--owner", "someone") == [bob]
    assert amy in ids("--tag", "vip") and bob not in ids("--tag", "vip")
    assert len(ids("--limit", "2")) == 2
    rows = json.loads(run("contact", "list", "--json").out)
    expected = {"id", "name", "company_name", "phone", "email", "owner", "tags", "updated_at"}
    assert expected <= set(rows[0])
    assert datetime.fromisoformat(rows[0]["updated_at"]).tzinfo is not None
    text = run("contact", "list")
    assert "NAME" in text.out and "Amy Lee" in text.out and "陈静" in text.out


def test_list_by_an_unknown_company_is_an_error(run):
    _add(run, "--name", "Amy Lee")
    result = run("contact", "list", "--company", "Nowhere Ltd")
    assert result.code == 1
    assert "No company" in result.err


def test_delete_then_unknown_id(run):
    contact_id = _add(run, "--name", "Amy Lee")
    result = run("contact", "delete", contact_id)
    assert result.code == 0 and contact_id in result.out
    for args in (("show", contact_id), ("delete", contact_id), ("edit", contact_id, "title=x")):
        missing = run("contact", *args)
        assert missing.code == 1, args
        assert missing.err == f"crm-desktop: error: No contact with id {contact_id}\n"
