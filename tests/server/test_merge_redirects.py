"""Merges and undone merges through the HTTP API, on SQLite and PostgreSQL: an edit of a
merged-away contact goes to the survivor while the redirect lives, and to the restored
contact once the redirect is deleted (the undo), also within the undo's own push."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from crm_desktop.sync.protocol import API_PREFIX
from crm_server.models import SyncRecord

from .conftest import add_user, bearer, login

_hlc = iter(range(1000, 10_000))


def _change(table: str, record_id: str, /, op: str = "upsert", **fields: Any) -> dict[str, Any]:
    hlc = next(_hlc)
    return {
        "change_id": f"{table}-{record_id}-{op}-{hlc}",
        "entity": table,
        "record_id": record_id,
        "op": op,
        "fields": fields,
        "hlc": hlc,
        "device_id": "dev-1",
    }


def _push(client: Any, token: str, *changes: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        f"{API_PREFIX}/sync/push", json={"changes": list(changes)}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rejected"] == [], body
    return dict(body)


def _record(engine: Any, entity: str, record_id: str) -> SyncRecord | None:
    with Session(engine) as session:
        return session.get(SyncRecord, (entity, record_id))


def _merged(client: Any, engine: Any) -> str:
    add_user(engine)
    token = login(client)
    _push(
        client,
        token,
        _change("contact", "a", name="Zhang Wei", owner="amy", created_at="2026-01-01T00:00:00Z"),
        _change("contact", "b", name="张伟", owner="amy", created_at="2026-01-01T00:00:00Z"),
        _change(
            "activity",
            "act",
            contact_id="b",
            kind="call",
            subject="call",
            owner="amy",
            occurred_at="2026-01-02T09:00:00Z",
            created_at="2026-01-02T09:00:00Z",
        ),
    )
    _push(  # the merge of b into a, as a device sends it
        client,
        token,
        _change("contact", "a", title="CTO"),
        _change("activity", "act", contact_id="a"),
        _change(
            "merge_redirect",
            "b",
            entity="contact",
            survivor_id="a",
            owner="amy",
            created_at="2026-01-03T00:00:00Z",
        ),
        _change("contact", "b", op="delete"),
    )
    return token


def test_an_edit_of_the_merged_away_contact_lands_on_the_survivor(client, engine) -> None:
    token = _merged(client, engine)
    _push(client, token, _change("contact", "b", notes="offline edit"))
    a, b = _record(engine, "contact", "a"), _record(engine, "contact", "b")
    assert a is not None and a.fields["notes"] == "offline edit"
    assert b is not None and b.is_deleted and "notes" not in b.fields


def test_an_undone_merge_stops_redirecting_within_its_own_push(client, engine) -> None:
    token = _merged(client, engine)
    _push(  # the undo: redirect deleted first, then b restored and its activity moved back
        client,
        token,
        _change("merge_redirect", "b", op="delete"),
        _change("contact", "b", op="restore", name="张伟", owner="amy", title=None),
        _change("activity", "act", contact_id="b"),
        _change("contact", "a", title=None),
    )
    redirect = _record(engine, "merge_redirect", "b")
    assert redirect is not None and redirect.is_deleted
    b, act = _record(engine, "contact", "b"), _record(engine, "activity", "act")
    assert b is not None and not b.is_deleted and b.fields["name"] == "张伟"
    assert act is not None and act.fields["contact_id"] == "b"
    # An edit of b pushed later (e.g. made offline) stays on b.
    _push(client, token, _change("contact", "b", notes="after the undo"))
    a, b = _record(engine, "contact", "a"), _record(engine, "contact", "b")
    assert a is not None and "notes" not in a.fields and a.fields.get("title") is None
    assert b is not None and b.fields["notes"] == "after the undo"


def test_a_redone_merge_redirects_again(client, engine) -> None:
    token = _merged(client, engine)
    _push(
        client,
        token,
        _change("merge_redirect", "b", op="delete"),
        _change("contact", "b", op="restore", name="张伟", owner="amy"),
    )
    _push(  # redo: the redirect comes back as a restore (an upsert loses to its delete)
        client,
        token,
        _change(
            "merge_redirect", "b", op="restore", entity="contact", survivor_id="a", owner="amy"
        ),
        _change("contact", "b", op="delete"),
    )
    _push(client, token, _change("contact", "b", notes="late edit"))
    redirect = _record(engine, "merge_redirect", "b")
    assert redirect is not None and not redirect.is_deleted
    a = _record(engine, "contact", "a")
    assert a is not None and a.fields["notes"] == "late edit"


def test_pull_sends_the_deleted_redirect(client, engine) -> None:
    token = _merged(client, engine)
    _push(client, token, _change("merge_redirect", "b", op="delete"))
    response = client.get(f"{API_PREFIX}/sync/pull", params={"cursor": 0}, headers=bearer(token))
    assert response.status_code == 200, response.text
    records = {(r["entity"], r["id"]): r for r in response.json()["records"]}
    redirect = records[("merge_redirect", "b")]
    assert redirect["deleted"] is not None and redirect["fields"] == {}
