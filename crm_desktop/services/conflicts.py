"""Conflicts a person reviews, and changes the server refused.

A conflict (made by the HQ server, synced here) holds the value that won and
the value that lost. Seen from this device, "mine" is the side written here
(or, when neither side was, the value the record has now) and "theirs" the
other. Keeping a side is an ordinary edit that syncs, plus marking the
conflict resolved, so every device ends up with the same choice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from crm_desktop.domain.local import SyncRejected
from crm_desktop.domain.models import SYNCED_MODELS, SyncConflict
from crm_desktop.errors import NotFoundError, ValidationError
from crm_desktop.services.owners import current_user
from crm_desktop.store.changes import ChangeSet, WriteTx, table_of
from crm_desktop.store.engine import Store
from crm_desktop.store.wire import from_wire

SIDES = ("mine", "theirs")


@dataclass(frozen=True)
class ConflictView:
    id: str
    entity: str
    record_id: str
    field_name: str | None
    kind: str
    base: Any
    mine: Any
    theirs: Any
    mine_user: str | None
    theirs_user: str | None
    mine_device: str | None
    theirs_device: str | None
    when: datetime
    resolved: bool
    resolution: str | None


@dataclass(frozen=True)
class RejectedView:
    change_id: str
    entity: str
    record_id: str
    fields: dict[str, Any]
    code: str
    reason: str
    at: datetime


def list_conflicts(store: Store, *, include_resolved: bool = False) -> list[ConflictView]:
    """Conflicts, newest first (open ones only unless `include_resolved`)."""
    table = table_of(SyncConflict)
    query = select(table).order_by(table.c.created_at.desc(), table.c.id)
    if not include_resolved:
        query = query.where(table.c.resolved.is_(False))
    with store.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [_view(dict(row), store.device_id) for row in rows]


def resolve_conflict(store: Store, conflict_id: str, keep: str) -> ChangeSet:
    """Keep "mine" or "theirs" (a unique id prefix is enough); returns what changed."""
    if keep not in SIDES:
        raise ValidationError("keep", f"Keep must be one of {', '.join(SIDES)}, not {keep!r}.")
    with store.write() as tx:
        row = _find(tx, conflict_id)
        keep_loser = (keep == "mine") == _mine_is_loser(row, store.device_id)
        if row["kind"] == "delete":
            _keep_delete_side(tx, row, keep_loser)
        else:
            _keep_field_side(tx, row, keep_loser)
        tx.update(
            SyncConflict,
            row["id"],
            {
                "resolved": True,
                "resolution": "loser" if keep_loser else "winner",
                "resolved_by": current_user(tx.replica),
            },
        )
        return tx.changes


def list_rejected(store: Store) -> list[RejectedView]:
    table = table_of(SyncRejected)
    with store.read() as conn:
        rows = conn.execute(select(table).order_by(table.c.rejected_at.desc())).mappings().all()
    return [
        RejectedView(
            r["change_id"],
            r["entity"],
            r["record_id"],
            _fields(r["fields"]),
            r["code"],
            r["reason"],
            r["rejected_at"],
        )
        for r in rows
    ]


def _fields(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def _mine_is_loser(row: dict[str, Any], device_id: str) -> bool:
    if row["loser_device"] == device_id:
        return True
    if row["winner_device"] == device_id:
        return False
    return False  # neither side is this device's: "mine" is what the record holds now


def _view(row: dict[str, Any], device_id: str) -> ConflictView:
    loser_mine = _mine_is_loser(row, device_id)
    mine, theirs = ("loser", "winner") if loser_mine else ("winner", "loser")
    return ConflictView(
        id=row["id"],
        entity=row["entity"],
        record_id=row["record_id"],
        field_name=row["field_name"],
        kind=row["kind"],
        base=row["base_value"],
        mine=row[f"{mine}_value"],
        theirs=row[f"{theirs}_value"],
        mine_user=row[f"{mine}_user"],
        theirs_user=row[f"{theirs}_user"],
        mine_device=row[f"{mine}_device"],
        theirs_device=row[f"{theirs}_device"],
        when=row["created_at"],
        resolved=bool(row["resolved"]),
        resolution=_side_kept(row["resolution"], loser_mine),
    )


def _side_kept(resolution: str | None, loser_mine: bool) -> str | None:
    """The stored choice ("winner"/"loser", the same on every device) as seen from here."""
    if resolution not in ("winner", "loser"):
        return resolution
    return "mine" if (resolution == "loser") == loser_mine else "theirs"


def _find(tx: WriteTx, conflict_id: str) -> dict[str, Any]:
    table = table_of(SyncConflict)
    rows = (
        tx.conn.execute(select(table).where(col(table.c.id).startswith(conflict_id)).limit(2))
        .mappings()
        .all()
    )
    if len(rows) != 1 or not conflict_id:
        if len(rows) > 1:
            raise ValidationError("id", f"{conflict_id!r} matches more than one conflict.")
        raise NotFoundError("sync_conflict", conflict_id)
    return dict(rows[0])


def _keep_field_side(tx: WriteTx, row: dict[str, Any], keep_loser: bool) -> None:
    model = SYNCED_MODELS.get(row["entity"])
    if model is None or not keep_loser:
        return  # the winner is what every replica holds already
    if not _exists(tx, row["entity"], row["record_id"]):
        raise ValidationError(
            "record", "The record was deleted since; restore it before keeping this value."
        )
    name = row["field_name"]
    value = row["loser_value"]
    if not name.startswith("cf:"):
        value = from_wire(table_of(model).c[name], value)
    tx.update(model, row["record_id"], {name: value})


def _keep_delete_side(tx: WriteTx, row: dict[str, Any], keep_loser: bool) -> None:
    """A delete crossed an edit: the winner is the delete, the loser the edited record."""
    model = SYNCED_MODELS.get(row["entity"])
    if model is None:
        return
    exists = _exists(tx, row["entity"], row["record_id"])
    if keep_loser and not exists:
        columns = table_of(model).c
        snapshot = {
            name: (value if name.startswith("cf:") else from_wire(columns[name], value))
            for name, value in (row["loser_value"] or {}).items()
            if name.startswith("cf:") or name in columns
        }
        tx.restore(model, {**snapshot, "id": row["record_id"]})
    elif not keep_loser and exists:
        tx.delete(model, row["record_id"])


def _exists(tx: WriteTx, entity: str, record_id: str) -> bool:
    table = table_of(SYNCED_MODELS[entity])
    found = tx.conn.execute(select(table.c.id).where(table.c.id == record_id)).first()
    return found is not None
