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
