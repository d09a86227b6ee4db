"""Records the server holds follow a merge, and go back when the merge is undone.

The device that merges re-points the records it can see, and the server
rewrites changes pushed after the merge (`crm_server.redirects`). Neither
reaches a record the server already held that the merging device could not
see: a shared task another rep linked to the merged-away contact offline and
pushed before the merge, or another rep's private call. So when a push brings
a ``merge_redirect`` that is live afterwards (new, restored, re-pointed), the
server, in the same transaction, re-points every live record whose reference
to that kind of record (``contact_id``, ``company_id``: every synced table
with the column) holds the merged-away id, to the survivor. Each move is a
server-made change of that one field, stamped ``MERGE_DEVICE`` with a new seq,
so every device that may see the record pulls it; the audit log (`SyncChange`)
names the user whose merge caused it. Devices do not move these records
themselves (`crm_desktop.store.merge_follow`): one writer, so no two devices
make the same edit and no conflict of a value with itself is kept.

The server remembers each move (`MergeMove`). When a push deletes the redirect
(the merge undone), the server moves back exactly those records that still
point at the survivor it moved them to; the undoing device moves back what it
moved itself, and the two sets never overlap (the server moves only what is
left on the merged-away id after the merging push).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from crm_desktop.domain.models import SYNCED_MODELS
from crm_desktop.ids import new_id
from crm_desktop.sync.hlc import HybridLogicalClock
from crm_desktop.sync.protocol import WireChange
from crm_server.models import MergeMove, ServerState, SyncChange, SyncRecord
from crm_server.redirects import REDIRECT_ENTITY, REDIRECTED, survivor_of

MERGE_DEVICE = "hq-merge"
"""The device id of the server's own moves: tells them apart in versions and the audit log."""


def _linking(kind: str) -> tuple[str, ...]:
    """Synced entities with a reference to `kind` (read from the client schema, so a new
    table with a ``contact_id`` is never left behind)."""
    column = f"{kind}_id"
    return tuple(
        name
        for name, model in SYNCED_MODELS.items()
        if name != REDIRECT_ENTITY and column in model.__table__.c  # type: ignore[attr-defined]
    )


LINKING: dict[str, tuple[str, ...]] = {kind: _linking(kind) for kind in sorted(REDIRECTED)}


@dataclass
class _Writer:
    """Server-made changes of one push: new seqs, stamps and audit rows."""

    session: Session
    server: ServerState
    clock: HybridLogicalClock
    user_name: str
    now: datetime
    audit: list[dict[str, Any]] = field(default_factory=list)
    moved: int = 0

    def set_field(
        self,
        entity: str,
        record_id: str,
        state: tuple[dict[str, Any], dict[str, Any]],
        name: str,
        value: str,
    ) -> None:
        fields, versions = state
        self.server.last_seq += 1
        seq = self.server.last_seq
        stamp = [self.clock.now(), MERGE_DEVICE, seq]
        self.session.connection().execute(
            update(SyncRecord)
            .where(col(SyncRecord.entity) == entity, col(SyncRecord.record_id) == record_id)
            .values(fields={**fields, name: value}, versions={**versions, name: stamp}, seq=seq)
        )
        self.audit.append(
            {
                "seq": seq,
                "change_id": new_id(),
                "entity": entity,
                "record_id": record_id,
                "op": "upsert",
                "fields": {name: value},
                "hlc": stamp[0],
                "device_id": MERGE_DEVICE,
                "user_name": self.user_name,
                "seen": seq,
                "received_at": self.now,
            }
        )
        self.moved += 1


def redirects_touched(changes: list[WireChange], accepted: set[str]) -> list[str]:
    """Merged-away ids whose ``merge_redirect`` an accepted change of the push wrote."""
    return list(
        dict.fromkeys(
            c.record_id for c in changes if c.entity == REDIRECT_ENTITY and c.change_id in accepted
        )
    )


def follow_merges(
    session: Session,
    server: ServerState,
    clock: HybridLogicalClock,
    user_name: str,
    merged_ids: list[str],
    now: datetime,
) -> int:
    """Move records to (or, for a deleted redirect, back from) each merge's survivor.

    Runs after the push's own changes are written, so what the merging device
    re-pointed is on the survivor already and only the rest is moved. Returns how
    many records were moved.
    """
    writer = _Writer(session, server, clock, user_name, now)
    for merged_id in merged_ids:
        redirect = _state(session, REDIRECT_ENTITY, merged_id)
        if redirect is None:
            continue
        fields, _versions, is_deleted = redirect
        if is_deleted:
            _move_back(writer, merged_id)
        else:
            _move(writer, merged_id, fields.get("entity"))
    if writer.audit:
        session.connection().execute(insert(SyncChange), writer.audit)
    session.flush()
    return writer.moved


def _move(writer: _Writer, merged_id: str, kind: Any) -> None:
    if kind not in LINKING:
        return
    target = survivor_of(writer.session, merged_id)  # a survivor merged in turn: its survivor
    if target == merged_id:
        return
    name = f"{kind}_id"
    for entity in LINKING[kind]:
        rows = writer.session.exec(
            select(
                col(SyncRecord.record_id), col(SyncRecord.fields), col(SyncRecord.versions)
            ).where(
                col(SyncRecord.entity) == entity,
                col(SyncRecord.is_deleted).is_(False),
                col(SyncRecord.fields)[name].as_string() == merged_id,
            )
        ).all()
        for record_id, fields, versions in rows:
            writer.set_field(entity, record_id, (fields, versions), name, target)
            _remember(writer.session, merged_id, entity, record_id, name, target)


def _remember(
    session: Session, merged_id: str, entity: str, record_id: str, name: str, survivor: str
) -> None:
    found = session.get(MergeMove, (merged_id, entity, record_id))
    if found is None:
        session.add(
            MergeMove(
                merged_id=merged_id,
                entity=entity,
                record_id=record_id,
                field_name=name,
                survivor_id=survivor,
            )
        )
    else:
        found.field_name, found.survivor_id = name, survivor


def _move_back(writer: _Writer, merged_id: str) -> None:
    """Exactly the records the server moved for this merge, where still on the survivor.

    The merged-away record is moved back to even if its restore comes in a later
    push batch: the undo always restores it.
    """
    session = writer.session
    moves = session.exec(select(MergeMove).where(col(MergeMove.merged_id) == merged_id)).all()
    for move in moves:
        state = _state(session, move.entity, move.record_id)
        if state is None or state[2] or state[0].get(move.field_name) != move.survivor_id:
            continue  # gone, or re-linked since: a person's later choice stands
        writer.set_field(move.entity, move.record_id, state[:2], move.field_name, merged_id)
    for move in moves:
        session.delete(move)


def _state(
    session: Session, entity: str, record_id: str
) -> tuple[dict[str, Any], dict[str, Any], bool] | None:
    """A record's fields, versions and whether it is deleted, read as plain values."""
    row = session.exec(
        select(col(SyncRecord.fields), col(SyncRecord.versions), col(SyncRecord.is_deleted)).where(
            col(SyncRecord.entity) == entity, col(SyncRecord.record_id) == record_id
        )
    ).first()
    if row is None:
        return None
    return dict(row[0] or {}), dict(row[1] or {}), bool(row[2])
