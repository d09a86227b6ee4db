"""The server's redirect of changes aimed at merged-away records (crm_server.redirects)."""

from __future__ import annotations

from sqlmodel import Session

from crm_desktop.sync.protocol import WireChange
from crm_server.models import SyncRecord
from crm_server.redirects import redirect_changes
from tests.sync.harness import server_engine


def _change(record_id: str, op: str = "upsert", entity: str = "contact", **fields) -> WireChange:  # type: ignore[no-untyped-def]
    return WireChange(
        change_id=f"c-{record_id}-{op}-{len(fields)}",
        entity=entity,
        record_id=record_id,
        op=op,
        fields=fields,
        hlc=1,
        device_id="dev",
    )


def _redirect(session: Session, merged: str, survivor: str, *, deleted: bool = False) -> None:
    session.add(
        SyncRecord(
            entity="merge_redirect",
            record_id=merged,
            fields={"entity": "contact", "survivor_id": survivor},
            versions={},
            alive=[1, "dev"],
            deleted=[2, "dev", 2] if deleted else None,
            is_deleted=deleted,
            seq=1,
        )
    )


def test_edits_and_references_follow_chains_deletes_stay() -> None:
    engine = server_engine()
    with Session(engine) as session:
        _redirect(session, "c", "b")
        _redirect(session, "b", "a")  # c was merged into b, then b into a
        _redirect(session, "x", "y", deleted=True)
        session.commit()
        changes = [
            _change("c", title="CEO", created_at="2026-01-01T00:00:00+00:00"),
            _change("c", op="restore", name="C"),
            _change("c", op="delete"),
            _change("act1", entity="activity", contact_id="c", subject="call"),
            _change("x", title="kept"),  # a deleted redirect no longer applies
            _change("other", title="untouched"),
        ]
        out = redirect_changes(session, changes)
    assert [(c.record_id, c.op) for c in out] == [
        ("a", "upsert"),
        ("a", "upsert"),
        ("c", "delete"),
        ("act1", "upsert"),
        ("x", "upsert"),
        ("other", "upsert"),
    ]
    assert out[0].fields == {"title": "CEO"}  # the survivor keeps its created_at
    assert out[3].fields["contact_id"] == "a"
    assert [c.change_id for c in out] == [c.change_id for c in changes]  # still idempotent


def test_a_redirect_in_the_same_push_applies_to_later_changes_only() -> None:
    engine = server_engine()
    with Session(engine) as session:
        changes = [
            _change("l", title="before the merge"),
            _change("l", entity="merge_redirect", survivor_id="s"),
            _change("act", entity="activity", contact_id="l"),
        ]
        out = redirect_changes(session, changes)
    assert [c.record_id for c in out] == ["l", "l", "act"]
    assert out[0].fields == {"title": "before the merge"}
    assert out[2].fields["contact_id"] == "s"
