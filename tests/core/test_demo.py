"""Demo data: deterministic for a seed, realistic, valid, change-logged."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from crm_desktop.domain.text import has_cjk
from crm_desktop.errors import ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.demo import OWNERS, generate_demo
from crm_desktop.store.engine import open_store

NOW = datetime(2026, 3, 15, 10, 30, tzinfo=UTC)
CONTACTS = 200


def _rows(store, sql: str) -> list[tuple]:
    with store.read() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def _snapshot(store) -> dict[str, list[tuple]]:
    """The content, with every id replaced by the name of what it points at."""
    return {
        "companies": _rows(
            store,
            "SELECT name, industry, website, phone, city, country, grade, "
            "tags, owner FROM company ORDER BY rowid",
        ),
        "contacts": _rows(
            store,
            "SELECT c.name, co.name, c.title, c.phones, c.emails, c.tags, "
            "c.owner, c.grade, c.source, c.birthday, c.consent_email, "
            "c.last_activity_at FROM contact c "
            "LEFT JOIN company co ON co.id = c.company_id ORDER BY c.rowid",
        ),
        "deals": _rows(
            store,
            "SELECT d.title, s.name, c.name, d.value_cents, d.currency, "
            "d.expected_close, d.status, d.lost_reason, d.stage_entered_at, "
            "d.closed_at, d.created_at FROM deal d "
            "JOIN stage s ON s.id = d.stage_id "
            "LEFT JOIN contact c ON c.id = d.contact_id ORDER BY d.rowid",
        ),
        "activities": _rows(
            store,
            "SELECT a.kind, a.occurred_at, c.name, a.outcome, a.duration_s, "
            "a.notes, d.title FROM activity a "
            "JOIN contact c ON c.id = a.contact_id "
            "LEFT JOIN deal d ON d.id = a.deal_id ORDER BY a.rowid",
        ),
        "tasks": _rows(
            store,
            "SELECT t.title, t.due_at, t.done, c.name FROM task t "
            "JOIN contact c ON c.id = t.contact_id ORDER BY t.rowid",
        ),
    }


@pytest.fixture
def demo_store(store):
    seen: list[tuple[int, int]] = []
    summary = generate_demo(
        store, CONTACTS, seed=7, now=NOW, progress=lambda done, total: seen.append((done, total))
    )
    return store, summary, seen


def test_counts_are_as_asked(demo_store):
    store, summary, seen = demo_store
    assert summary.contacts == CONTACTS
    assert summary.companies == CONTACTS // 8
    assert summary.rejected == 0
    assert 5 * CONTACTS <= summary.activities <= 15 * CONTACTS
    assert 0 < summary.deals < CONTACTS
    assert 0 < summary.tasks < 2 * CONTACTS
    for table, expected in [
        ("contact", summary.contacts),
        ("company", summary.companies),
        ("deal", summary.deals),
        ("activity", summary.activities),
        ("task", summary.tasks),
    ]:
        assert _rows(store, f"SELECT count(*) FROM {table}")[0][0] == expected
    assert seen[0] == (0, CONTACTS) and seen[-1] == (CONTACTS, CONTACTS)


def test_same_seed_same_content_other_seed_other_content(demo_store, tmp_path, memory_keyring):
    store, _, _ = demo_store
    twin = open_store(tmp_path / "twin", use_keychain=True)
    other = open_store(tmp_path / "other", use_keychain=True)
    try:
        generate_demo(twin, CONTACTS, seed=7, now=NOW)
        generate_demo(other, CONTACTS, seed=8, now=NOW)
        assert _snapshot(twin) == _snapshot(store)
        assert _snapshot(other)["contacts"] != _snapshot(store)["contacts"]
    finally:
        twin.close()
        other.close()


def test_every_phone_number_is_valid(demo_store):
    store, _, _ = demo_store
    numbers = [
        p["number"]
        for (phones,) in _rows(store, "SELECT phones FROM contact")
        for p in json.loads(phones)
    ]
    numbers += [phone for (phone,) in _rows(store, "SELECT phone FROM company")]
    assert len(numbers) > CONTACTS
    for number in numbers:
        assert v.phone_number("phone", number) == number
    assert any(n.startswith("+861") for n in numbers)
    assert any(n.startswith("+1") for n in numbers)


def test_about_forty_percent_chinese_names_and_five_owners(demo_store):
    store, _, _ = demo_store
    names = [name for (name,) in _rows(store, "SELECT name FROM contact")]
    share = sum(has_cjk(n) for n in names) / len(names)
    assert 0.25 < share < 0.55
    companies = [name for (name,) in _rows(store, "SELECT name FROM company")]
    assert any(n.endswith("有限公司") for n in companies)
    assert any(not has_cjk(n) for n in companies)
    assert len(set(companies)) == len(companies)
    owners = {o for (o,) in _rows(store, "SELECT DISTINCT owner FROM contact")}
    assert owners == set(OWNERS)


def test_deals_follow_the_pipeline_with_history(demo_store):
    store, _, _ = demo_store
    deals = _rows(
        store,
        "SELECT d.id, d.status, d.lost_reason, d.closed_at, s.is_won, s.is_lost, "
        "d.stage_id FROM deal d JOIN stage s ON s.id = d.stage_id",
    )
    statuses = {row[1] for row in deals}
    assert statuses == {"open", "won", "lost"}
    for deal_id, status, reason, closed, is_won, is_lost, stage_id in deals:
        assert bool(is_won) == (status == "won") and bool(is_lost) == (status == "lost")
        assert (reason is not None) == (status == "lost")
        assert (closed is not None) == (status != "open")
        moves = _rows(
            store,
            f"SELECT from_stage_id, to_stage_id, moved_at FROM deal_stage_history "
            f"WHERE deal_id = '{deal_id}' ORDER BY rowid",
        )
        assert moves[0][0] is None and moves[-1][1] == stage_id
        assert all(a[1] == b[0] for a, b in pairwise(moves))
        assert [m[2] for m in moves] == sorted(m[2] for m in moves)


def test_months_of_activities_and_some_overdue_tasks(demo_store):
    store, _, _ = demo_store
    kinds = dict(_rows(store, "SELECT kind, count(*) FROM activity GROUP BY kind"))
    assert set(kinds) == {"call", "email", "meeting", "note", "visit"}
    assert kinds["call"] > sum(kinds.values()) / 2
    first, last = _rows(store, "SELECT min(occurred_at), max(occurred_at) FROM activity")[0]
    assert datetime.fromisoformat(last).replace(tzinfo=UTC) <= NOW
    span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
    assert span.days > 90
    now_text = NOW.strftime("%Y-%m-%d %H:%M:%S")
    overdue = _rows(store, f"SELECT count(*) FROM task WHERE done = 0 AND due_at < '{now_text}'")
    assert overdue[0][0] > 0
    missing = _rows(
        store,
        "SELECT count(*) FROM contact c WHERE last_activity_at IS NULL "
        "AND EXISTS (SELECT 1 FROM activity a WHERE a.contact_id = c.id)",
    )
    assert missing[0][0] == 0


def test_everything_is_change_logged(demo_store):
    store, summary, _ = demo_store
    logged = dict(_rows(store, "SELECT entity, count(*) FROM change_log GROUP BY entity"))
    assert logged["contact"] == summary.contacts
    assert logged["activity"] == summary.activities
    assert logged["deal"] == summary.deals
    assert logged["task"] == summary.tasks


def test_demo_contacts_are_searchable(demo_store):
    from crm_desktop.services.search import search

    store, _, _ = demo_store
    (name,) = _rows(store, "SELECT name FROM contact ORDER BY rowid LIMIT 1")[0]
    assert name in [hit.name for hit in search(store, name)]


def test_bad_counts_are_refused(store):
    with pytest.raises(ValidationError):
        generate_demo(store, -1)
    assert generate_demo(store, 0).contacts == 0
