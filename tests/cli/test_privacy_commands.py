"""``crm-desktop privacy export|erase``, ``consent add|list`` and ``audit``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _add(run, name: str, *extra: str) -> str:
    result = run("contact", "add", "--name", name, *extra)
    assert result.code == 0, result.err
    return result.out.strip().splitlines()[-1]


def test_consent_add_list_and_export(run, tmp_path: Path) -> None:
    contact = _add(run, "王芳", "--email", "wf@example.com")
    assert run("consent", "add", contact, "email", "given", "--source", "web form").code == 0
    result = run(
        "consent", "add", contact, "email", "withdrawn", "--at", "2099-01-01T00:00:00+00:00"
    )
    assert result.code == 1 and "future" in result.err
    listed = run("consent", "list", contact, "--json")
    assert listed.code == 0
    records = json.loads(listed.out)
    assert [(r["purpose"], r["status"], r["source"]) for r in records] == [
        ("email", "given", "web form")
    ]
    target = tmp_path / "person.json"
    result = run("privacy", "export", contact, str(target))
    assert result.code == 0, result.err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["contact"]["name"] == "王芳" and len(data["consents"]) == 1


def test_erase_asks_for_the_name_on_a_terminal(run, monkeypatch) -> None:
    contact = _add(run, "Ada Lovelace")
    monkeypatch.setattr(sys, "stdin", _Tty("Ada\n"))
    result = run("privacy", "erase", contact)
    assert result.code == 1 and "did not match" in result.err
    assert "Ada Lovelace" in run("contact", "list").out
    monkeypatch.setattr(sys, "stdin", _Tty("Ada Lovelace\n"))
    result = run("privacy", "erase", contact, "--reason", "asked by phone")
    assert result.code == 0, result.err
    assert "Ada Lovelace" not in run("contact", "list").out
    audit = run("audit", "--json")
    entries = json.loads(audit.out)
    erase = [e for e in entries if e["action"] == "erase"]
    assert erase and erase[0]["record_id"] == contact and "asked by phone" in erase[0]["detail"]
    assert "Ada" not in audit.out  # the audit log holds no erased data


def test_erase_without_a_terminal_needs_yes(run, monkeypatch) -> None:
    contact = _add(run, "Ada Lovelace")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    result = run("privacy", "erase", contact)
    assert result.code == 1 and "--yes" in result.err
    assert run("privacy", "erase", contact, "--yes").code == 0
    again = run("privacy", "erase", contact, "--yes")
    assert again.code == 1 and "No contact" in again.err


def test_unknown_contact_and_bad_time(run, tmp_path: Path) -> None:
    _add(run, "Ada Lovelace")
    result = run("privacy", "export", "nope", str(tmp_path / "x.json"))
    assert result.code == 1 and not (tmp_path / "x.json").exists()
    result = run("consent", "add", "nope", "email", "given", "--at", "yesterday")
    assert result.code == 2
    assert run("consent", "list", "nope").code == 1


def _mention_in_other_records(run, person: str) -> dict[str, str]:
    """Another contact's notes and a deal's notes that name the person (written by the core)."""
    from crm_desktop.services.contacts import update_contact
    from crm_desktop.services.deals import create_deal
    from crm_desktop.services.pipelines import create_pipeline
    from crm_desktop.store.engine import open_store

    other = _add(run, "Li Na")
    store = open_store(run.data_dir, use_keychain=True)
    try:
        update_contact(store, other, {"notes": "Ada's assistant: ada@example.com"})
        create_pipeline(store, "Sales", [{"name": "Lead"}])
        deal = create_deal(store, {"title": "Engines", "notes": "for Ada Lovelace", "value": "1"})
    finally:
        store.close()
    return {"other": other, "deal": deal.value}


def test_erase_lists_the_records_that_mention_the_person(run, monkeypatch) -> None:
    person = _add(run, "Ada Lovelace", "--email", "ada@example.com")
    ids = _mention_in_other_records(run, person)
    monkeypatch.setattr(sys, "stdin", _Tty("Ada Lovelace\n"))
    result = run("privacy", "erase", person)
    assert result.code == 0, result.err
    assert "2 fields of other records mention Ada Lovelace" in result.out  # before confirming
    after = result.out.split("Erased", 1)[1]
    assert "2 fields of other records mention the person" in after
    assert f"deal      {ids['deal']}  notes" in after
    assert f"contact   {ids['other']}  notes" in after
    assert "ada@example.com" not in after  # ids, fields and labels, never the matched text
    shown = json.loads(run("contact", "show", ids["other"], "--json").out)
    assert shown["notes"] == "Ada's assistant: ada@example.com"  # not edited
    entries = json.loads(run("audit", "--json").out)
    erase = next(e for e in entries if e["action"] == "erase")
    assert "mentions_found: 2" in erase["detail"] and "Ada" not in json.dumps(entries)


def test_erase_json_includes_the_mentions(run) -> None:
    person = _add(run, "Ada Lovelace", "--email", "ada@example.com")
    ids = _mention_in_other_records(run, person)
    result = run("privacy", "erase", person, "--yes", "--json", "--reason", "request")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["contact_id"] == person and data["removed"]["mentions_found"] == 2
    assert data["mentions_capped"] is False
    assert {(m["entity"], m["id"], m["field"]) for m in data["mentions"]} == {
        ("deal", ids["deal"], "notes"),
        ("contact", ids["other"], "notes"),
    }
    assert all("snippet" not in m for m in data["mentions"])
    assert next(m for m in data["mentions"] if m["entity"] == "deal")["open"] == [
        "deal",
        ids["deal"],
    ]


def test_erase_without_mentions_prints_no_list(run) -> None:
    person = _add(run, "Ada Lovelace")
    _add(run, "Charles Babbage")
    result = run("privacy", "erase", person, "--yes")
    assert result.code == 0, result.err
    assert "mention" not in result.out
    data = json.loads(run("privacy", "erase", _add(run, "Mary"), "--yes", "--json").out)
    assert data["mentions"] == [] and data["removed"]["mentions_found"] == 0
