"""Merges and undone merges through the HTTP API, on SQLite and PostgreSQL: an edit of a
merged-away contact goes to the survivor while the redirect lives, and to the restored
contact once the redirect is deleted (the undo), also within the undo's own push.

Records the server already holds that still point at the merged-away record when
the merge arrives (the merging device could not see them) are moved to the survivor
by the server, and moved back by it when the merge is undone (crm_server.merge_moves).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from crm_desktop.sync.hlc import HybridLogicalClock
from crm_desktop.sync.protocol import API_PREFIX
from crm_server.merge_moves import MERGE_DEVICE
from crm_server.models import MergeMove, SyncChange, SyncRecord

from .conftest import add_user, bearer, login

# Wall-clock stamps, as devices make them: the server's own moves are stamped by its
# clock, and a device's later edit must be later than those.
_clock = HybridLogicalClock()


def _change(
    table: str, record_id: str, /, op: str = "upsert", device: str = "dev-1", **fields: Any
) -> dict[str, Any]:
    hlc = _clock.now()
    return {
        "change_id": f"{table}-{record_id}-{op}-{hlc}",
        "entity": table,
        "record_id": record_id,
        "op": op,
        "fields": fields,
        "hlc": hlc,
        "device_id": device,
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


# -- records the server moves for a merge ----------------------------------------------------
_NOW = "2026-01-02T09:00:00Z"


def _links_before_the_merge(client: Any, engine: Any) -> tuple[str, str]:
    """amy's shared contacts a and b; bob (offline, then synced first) links records to b:
    a shared task, a shared deal, his own call, and a consent; a company y with a contact."""
    add_user(engine)
    add_user(engine, "bob")
    amy, bob = login(client), login(client, "bob", "dev-2")
    _push(
        client,
        amy,
        _change("contact", "a", name="Zhang Wei", owner=None, created_at=_NOW),
        _change("contact", "b", name="张伟", owner=None, created_at=_NOW),
        _change("company", "x", name="Acme", owner=None, created_at=_NOW),
        _change("company", "y", name="ACME Ltd", owner=None, created_at=_NOW),
        _change(
            "deal",
            "d",
            title="Pumps",
            pipeline_id="p",
            stage_id="s1",
            stage_entered_at=_NOW,
            owner=None,
            created_at=_NOW,
        ),
    )
    _push(
        client,
        bob,
        _change(
            "task", "t", device="dev-2", title="visit", contact_id="b", owner=None, created_at=_NOW
        ),
        _change("deal", "d", device="dev-2", contact_id="b", company_id="y"),
        _change(
            "activity",
            "call",
            device="dev-2",
            kind="call",
            subject="call",
            contact_id="b",
            owner="bob",
            occurred_at=_NOW,
            created_at=_NOW,
        ),
        _change(
            "consent",
            "c1",
            device="dev-2",
            contact_id="b",
            purpose="email",
            status="given",
            recorded_at=_NOW,
            owner=None,
            created_at=_NOW,
        ),
        _change(
            "contact", "w", device="dev-2", name="王芳", company_id="y", owner=None, created_at=_NOW
        ),
    )
    return amy, bob


def _merge(client: Any, token: str, merged: str, survivor: str, kind: str = "contact") -> None:
    _push(
        client,
        token,
        _change(
            "merge_redirect", merged, entity=kind, survivor_id=survivor, owner=None, created_at=_NOW
        ),
        _change(kind, merged, op="delete"),
    )


def _links(engine: Any, entity: str, field: str = "contact_id") -> dict[str, Any]:
    with Session(engine) as session:
        rows = session.exec(select(SyncRecord).where(SyncRecord.entity == entity)).all()
        return {r.record_id: r.fields.get(field) for r in rows if not r.is_deleted}


def _server_audit(engine: Any) -> list[SyncChange]:
    with Session(engine) as session:
        rows = session.exec(
            select(SyncChange).where(SyncChange.device_id == MERGE_DEVICE).order_by(SyncChange.seq)
        )
        return list(rows.all())


def test_records_linked_before_the_merge_follow_it(client, engine) -> None:
    amy, _bob = _links_before_the_merge(client, engine)
    _merge(client, amy, "b", "a")
    assert _links(engine, "task") == {"t": "a"}
    assert _links(engine, "deal") == {"d": "a"}
    assert _links(engine, "activity") == {"call": "a"}  # bob's own: amy could not see it
    assert _links(engine, "consent") == {"c1": "a"}
    task = _record(engine, "task", "t")
    assert task is not None and task.versions["contact_id"][1] == MERGE_DEVICE
    assert task.versions["title"][1] == "dev-2"  # only the link was written
    redirect = _record(engine, "merge_redirect", "b")
    assert redirect is not None and task.seq > redirect.seq  # pulled like any change
    # The audit log says whose merge moved them; no conflict was made.
    audit = _server_audit(engine)
    assert {(c.entity, c.record_id, c.user_name) for c in audit} == {
        ("task", "t", "amy"),
        ("deal", "d", "amy"),
        ("activity", "call", "amy"),
        ("consent", "c1", "amy"),
    }
    assert all(c.fields == {"contact_id": "a"} for c in audit)
    assert _links(engine, "sync_conflict") == {}
    with Session(engine) as session:
        moves = session.exec(select(MergeMove)).all()
        assert {(m.merged_id, m.entity, m.record_id, m.survivor_id) for m in moves} == {
            ("b", "task", "t", "a"),
            ("b", "deal", "d", "a"),
            ("b", "activity", "call", "a"),
            ("b", "consent", "c1", "a"),
        }


def test_a_retried_merge_push_moves_nothing_again(client, engine) -> None:
    amy, _bob = _links_before_the_merge(client, engine)
    redirect = _change(
        "merge_redirect", "b", entity="contact", survivor_id="a", owner=None, created_at=_NOW
    )
    _push(client, amy, redirect)
    moved = len(_server_audit(engine))
    assert moved == 4
    again = _push(client, amy, redirect)  # the answer was lost: the device sends it again
    assert again["duplicates"] == [redirect["change_id"]]
    assert len(_server_audit(engine)) == moved


def test_a_company_merge_moves_its_contacts_and_deals(client, engine) -> None:
    amy, _bob = _links_before_the_merge(client, engine)
    _merge(client, amy, "y", "x", kind="company")
    assert _links(engine, "contact", "company_id") == {"a": None, "b": None, "w": "x"}
    assert _links(engine, "deal", "company_id") == {"d": "x"}
    assert _links(engine, "deal") == {"d": "b"}  # its contact link is not the company's


def test_a_merge_into_a_merged_survivor_moves_records_to_the_last_one(client, engine) -> None:
    amy, _bob = _links_before_the_merge(client, engine)
    _push(client, amy, _change("contact", "c", name="Wei Zhang", owner=None, created_at=_NOW))
    _merge(client, amy, "a", "c")
    _merge(client, amy, "b", "a")  # a device that had not pulled the first merge
    assert _links(engine, "task") == {"t": "c"}


def test_an_undo_moves_back_what_the_server_moved(client, engine) -> None:
    amy, bob = _links_before_the_merge(client, engine)
    _merge(client, amy, "b", "a")
    # After the merge, bob re-links the deal on purpose: the undo leaves it alone.
    _push(
        client, bob, _change("contact", "e", device="dev-2", name="Li", owner=None, created_at=_NOW)
    )
    _push(client, bob, _change("deal", "d", device="dev-2", contact_id="e"))
    moved = len(_server_audit(engine))
    _push(  # the undo as a device sends it: redirect deleted, b restored
        client,
        amy,
        _change("merge_redirect", "b", op="delete"),
        _change("contact", "b", op="restore", name="张伟", owner=None),
    )
    assert _links(engine, "task") == {"t": "b"}
    assert _links(engine, "activity") == {"call": "b"}
    assert _links(engine, "consent") == {"c1": "b"}
    assert _links(engine, "deal") == {"d": "e"}
    back = _server_audit(engine)[moved:]
    assert {(c.record_id, c.fields["contact_id"]) for c in back} == {
        ("t", "b"),
        ("call", "b"),
        ("c1", "b"),
    }
    with Session(engine) as session:
        assert session.exec(select(MergeMove)).all() == []
    # Redone: the records move again, and an undo once more brings them back.
    _push(
        client,
        amy,
        _change("merge_redirect", "b", op="restore", entity="contact", survivor_id="a"),
        _change("contact", "b", op="delete"),
    )
    assert _links(engine, "task") == {"t": "a"}
    _push(client, amy, _change("merge_redirect", "b", op="delete"))
    assert _links(engine, "task") == {"t": "b"}
