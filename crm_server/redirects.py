"""Merged records on the server: changes aimed at a merged-away record go to its survivor.

A merge on a device syncs as a ``merge_redirect`` record {id: merged-away id,
survivor_id} plus the delete of the merged-away record. A device that edited
that record offline pushes its edit later: without this it would hit a
tombstone (a delete conflict nobody asked for). Instead the edit, and any new
record still pointing at the merged-away id (an activity logged offline), is
rewritten to the survivor before it is merged, so it lands where the data now lives.
Records already here when the redirect arrives are moved by `crm_server.merge_moves`.

A merge undone on a device syncs as the delete of its ``merge_redirect`` (then
the restore of the merged-away record and the moves back of its records): a
tombstoned redirect no longer applies, from the change after its delete on,
also within the same push, so the restore and the moves back land on the
restored record instead of being sent to the survivor again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from crm_desktop.sync.protocol import WireChange
from crm_server.models import SyncRecord

REDIRECT_ENTITY = "merge_redirect"
REDIRECTED = frozenset({"contact", "company"})
REFERENCES = {"contact_id": "contact", "company_id": "company"}
MAX_CHAIN = 20
_CHUNK = 500


def redirect_changes(session: Session, changes: list[WireChange]) -> list[WireChange]:
    """`changes` with merged-away ids replaced by their survivors' (same change ids).

    Upserts and restores of a merged-away record become upserts of the survivor
    (``created_at`` left out: the survivor keeps its own); deletes of it are left
    alone (the record is deleted already). Redirects pushed (or deleted: an undone
    merge) in this same batch apply to the changes after them only.
    """
    ids = _candidate_ids(changes)
    if not ids:
        return changes
    known = _load(session, ids)
    batch: dict[str, str | None] = {}  # None: the redirect was deleted in this push
    out: list[WireChange] = []
    for change in changes:
        if change.entity == REDIRECT_ENTITY:
            survivor = change.fields.get("survivor_id")
            if change.op == "delete":
                batch[change.record_id] = None
            elif isinstance(survivor, str):
                batch[change.record_id] = survivor
            out.append(change)
            continue
        out.append(_rewrite(change, known, batch))
    return out


def survivor_of(session: Session, record_id: str) -> str:
    """Where `record_id` lives now: itself, or the last survivor of its live redirects."""
    return _follow(record_id, _load(session, {record_id}), {})


def _candidate_ids(changes: list[WireChange]) -> set[str]:
    ids: set[str] = set()
    for change in changes:
        if change.entity in REDIRECTED and change.op != "delete":
            ids.add(change.record_id)
        for name in REFERENCES:
            value = change.fields.get(name)
            if isinstance(value, str):
                ids.add(value)
    return ids


def _load(session: Session, ids: set[str]) -> dict[str, str]:
    """Live redirects among `ids`, chains followed (a survivor merged in turn)."""
    found: dict[str, str] = {}
    pending = set(ids)
    for _ in range(MAX_CHAIN):
        if not pending:
            break
        batch = sorted(pending)
        pending = set()
        for start in range(0, len(batch), _CHUNK):
            rows = session.execute(
                select(col(SyncRecord.record_id), col(SyncRecord.fields)).where(
                    col(SyncRecord.entity) == REDIRECT_ENTITY,
                    col(SyncRecord.record_id).in_(batch[start : start + _CHUNK]),
                    col(SyncRecord.is_deleted).is_(False),
                )
            )
            for record_id, fields in rows:
                survivor = (fields or {}).get("survivor_id")
                if isinstance(survivor, str) and survivor != record_id:
                    found[record_id] = survivor
                    if survivor not in found:
                        pending.add(survivor)
    return found


def _follow(record_id: str, known: dict[str, str], batch: dict[str, str | None]) -> str:
    current = record_id
    for _ in range(MAX_CHAIN):
        target = batch[current] if current in batch else known.get(current)
        if target is None or target == record_id:
            return current
        current = target
    return current


def _rewrite(change: WireChange, known: dict[str, str], batch: dict[str, str | None]) -> WireChange:
    update: dict[str, object] = {}
    fields = dict(change.fields)
    for name in REFERENCES:
        value = fields.get(name)
        if isinstance(value, str):
            target = _follow(value, known, batch)
            if target != value:
                fields[name] = target
                update["fields"] = fields
    if change.entity in REDIRECTED and change.op != "delete":
        target = _follow(change.record_id, known, batch)
        if target != change.record_id:
            fields.pop("created_at", None)
            fields.pop("id", None)
            update.update(record_id=target, op="upsert", fields=fields)
    return change.model_copy(update=update) if update else change
