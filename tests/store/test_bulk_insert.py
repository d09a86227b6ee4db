"""Bulk inserts (`rawsql.encode_rows`): the JSON-array statement stores exactly what the
per-row executemany stores, and what the ORM reads back is the same."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from crm_desktop.domain.models import Contact
from crm_desktop.store import rawsql
from crm_desktop.store.changes import prepare_insert, table_of
from crm_desktop.store.engine import Store

AWKWARD_TEXT = [
    "张伟",
    'quote " and backslash \\ and slash /',
    "tab\tnewline\ncarriage\r",
    "\x01\x1f control",
    "emoji 😀 and é",
    "",
    "  spaces  ",
    "null",
    "[1, 2]",
    "12345678901234567890",
]


def _values(i: int, text: str) -> dict[str, Any]:
    return {
        "id": f"id-{i:04d}",
        "name": text or "x",
        "title": text,
        "phones": [{"label": "mobile", "number": f"+86138{i:08d}"}],
        "emails": [] if i % 2 else [{"label": "work", "address": f"{text}@example.com"}],
        "tags": [text, "vip"] if i % 3 else [],
        "notes": None if i % 4 else text,
        "birthday": date(1990, 1, 1 + i % 28),
        "consent_email": bool(i % 2),
        "consent_call": False,
        "consent_sms": True,
        "last_activity_at": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
        "name_sort": text,
    }


def _stored(store: Store, table: str) -> list[tuple[Any, ...]]:
    with store.read() as conn:
        rows = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").all()
    return [tuple(r) for r in rows]


def _insert(store: Store, rows: list[dict[str, Any]]) -> None:
    with store.write() as tx:
        rawsql.insert_rows(tx.conn, table_of(Contact), rows)


def test_json_array_statement_stores_what_executemany_stores(store: Store, tmp_path, monkeypatch):
    rows = [_values(i, AWKWARD_TEXT[i % len(AWKWARD_TEXT)]) for i in range(rawsql.JSON_BULK_ROWS)]
    _insert(store, rows)  # one JSON-array statement
    bulk = _stored(store, "contact")
    with store.write() as tx:
        tx.conn.exec_driver_sql("DELETE FROM contact")
    monkeypatch.setattr(rawsql, "JSON_BULK_ROWS", 10**9)  # row by row
    _insert(store, rows)
    assert _stored(store, "contact") == bulk
    with store.read() as conn, Session(bind=conn) as session:
        read = {c.id: c for c in session.exec(select(Contact))}
    assert read["id-0001"].title == AWKWARD_TEXT[1]
    assert read["id-0004"].tags == ["emoji 😀 and é", "vip"]
    assert read["id-0013"].tags == ["\x01\x1f control", "vip"]
    assert read["id-0004"].birthday == date(1990, 1, 5)
    assert read["id-0001"].consent_email is True


def test_bulk_and_single_inserts_write_the_same_change_rows(store: Store):
    rows = [{"name": AWKWARD_TEXT[i % len(AWKWARD_TEXT)] or "x"} for i in range(100)]
    prepared = prepare_insert(Contact, rows, store.replica)
    assert prepared.statements[0][0].endswith("FROM json_each(?)")
    with store.write() as tx:
        tx.write_prepared(prepared)
    with store.read() as conn:
        fields = [r[0] for r in conn.exec_driver_sql("SELECT fields FROM change_log ORDER BY seq")]
    decoded = [json.loads(f) for f in fields]
    assert decoded[1]["name"] == AWKWARD_TEXT[1]
    assert decoded[4]["name"] == AWKWARD_TEXT[4]
    # The text is what the row-by-row path writes: compact, non-ASCII as is.
    assert fields == [rawsql.dumps(d) for d in decoded]


@pytest.mark.parametrize("count", [1, rawsql.JSON_BULK_ROWS - 1, rawsql.JSON_BULK_ROWS, 500])
def test_search_finds_contacts_inserted_in_bulk(store: Store, count: int):
    from crm_desktop.services.search import search

    rows = [{"name": f"张伟 {i}", "tags": ["展会"]} for i in range(count)]
    with store.write() as tx:
        tx.insert_many(Contact, rows)
    assert len(search(store, "zhangwei", limit=1000, entity="contact")) == count
