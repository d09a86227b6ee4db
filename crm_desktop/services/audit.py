"""The audit log: who changed what, when, from the local change log and the erasures.

The local change log holds the writes made on this device (the outbox and its
history; the HQ server keeps everyone's in its own log); erasures are synced
records, so those made on any device are listed. An entry names the record,
the fields changed (names only: an erased person's values are gone), the kind
of change, when, the device and, for erasures, who and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crm_desktop.store.engine import Store
from crm_desktop.sync.hlc import wall_ms

DEFAULT_LIMIT = 500
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    action: str  # create/edit ("upsert"), delete, restore, erase
    entity: str
    record_id: str
    fields: list[str] = field(default_factory=list)
    device_id: str | None = None
    user: str | None = None
    label: str | None = None  # the record's name when it still exists
    detail: str | None = None  # an erasure's reason and counts

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "action": self.action,
            "entity": self.entity,
            "record_id": self.record_id,
            "fields": self.fields,
            "device_id": self.device_id,
            "user": self.user,
            "label": self.label,
            "detail": self.detail,
        }


_NAMED = {"contact": "name", "company": "name", "deal": "title", "task": "title", "tag": "name"}


def audit_log(
    store: Store,
    *,
    limit: int = DEFAULT_LIMIT,
    entity: str | None = None,
    record_id: str | None = None,
    before_seq: int | None = None,
) -> list[AuditEntry]:
    """The newest `limit` entries, newest first (erasures included, by their time)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    where = ["entity != 'erasure'"]
    params: list[Any] = []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if record_id:
        where.append("record_id = ?")
        params.append(record_id)
    if before_seq is not None:
        where.append("seq < ?")
        params.append(before_seq)
    with store.read() as conn:
        user = conn.exec_driver_sql("SELECT value FROM local_meta WHERE key = 'sync_user'").scalar()
        rows = conn.exec_driver_sql(
            "SELECT seq, entity, record_id, op, fields, hlc, device_id FROM change_log "
            f"WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        erasures = conn.exec_driver_sql(
            "SELECT entity, record_id, erased_by, reason, removed, created_at FROM erasure "
            + ("WHERE record_id = ? " if record_id else "")
            + "ORDER BY created_at DESC LIMIT ?",
            ((record_id, limit) if record_id else (limit,)),
        ).fetchall()
        labels = _labels(conn, {(r[1], r[2]) for r in rows})
        device = conn.exec_driver_sql(
            "SELECT value FROM local_meta WHERE key = 'device_id'"
        ).scalar()
    entries = [
        AuditEntry(
            at=datetime.fromtimestamp(wall_ms(hlc) / 1000, UTC),
            action=op,
            entity=ent,
            record_id=rid,
            fields=sorted(_fields(raw)),
            device_id=dev,
            user=(user or None) if dev == device else None,
            label=labels.get((ent, rid)),
        )
        for _seq, ent, rid, op, raw, hlc, dev in rows
    ]
    if entity in (None, "contact"):
        entries += [
            AuditEntry(
                at=_when(created),
                action="erase",
                entity=ent,
                record_id=rid,
                user=by,
                detail=_erasure_detail(reason, removed),
            )
            for ent, rid, by, reason, removed, created in erasures
        ]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def _fields(raw: Any) -> list[str]:
    value = raw if isinstance(raw, dict) else json.loads(raw or "{}")
    return [str(k) for k in value]


def _labels(conn: Any, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    by_entity: dict[str, list[str]] = {}
    for ent, rid in keys:
        if ent in _NAMED:
            by_entity.setdefault(ent, []).append(rid)
    for ent, ids in by_entity.items():
        column = _NAMED[ent]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for rid, label in conn.exec_driver_sql(
                f"SELECT id, {column} FROM {ent} WHERE id IN ({marks})", tuple(chunk)
            ):
                labels[(ent, rid)] = label
    return labels


def _when(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _erasure_detail(reason: str | None, removed: Any) -> str:
    counts = removed if isinstance(removed, dict) else json.loads(removed or "{}")
    parts = [f"{k}: {v}" for k, v in sorted(counts.items()) if v]
    text = ", ".join(parts)
    return f"{reason} ({text})" if reason else text
