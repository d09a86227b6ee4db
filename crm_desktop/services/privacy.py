"""Data subject rights (GDPR art. 15, 17, 20; PIPL art. 45, 47): export and erasure.

- `export_person`: everything the store holds about one person, as JSON a
  machine can read: the contact, its custom values, company link, tags,
  consents, activities, tasks, deals and the local change history of them.
- `erase_contact`: removes the person and their personal data (records,
  search index, local change history values), writes an `Erasure` record
  (who, when, why, how many records; no personal data), which syncs: the HQ
  server scrubs its history and current state, and other devices remove the
  person when they pull it. Deals stay, unlinked. Other records whose text
  mentions the person are not edited (a name may be someone else's): the
  result lists them for review (`crm_desktop.services.mentions`), and the
  erasure record keeps only how many there were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from crm_desktop.domain.models import Activity, Contact, Deal, Erasure, Task
from crm_desktop.errors import CrmError, NotFoundError
from crm_desktop.services.mentions import Mentions, mentions_in
from crm_desktop.services.owners import current_user
from crm_desktop.services.results import OpResult
from crm_desktop.store.changes import table_of
from crm_desktop.store.engine import Store
from crm_desktop.store.erasure import related_records
from crm_desktop.store.files import write_atomic
from crm_desktop.store.wire import to_wire
from crm_desktop.sync.hlc import wall_ms

EXPORT_FORMAT = "crm-desktop/person-export"
EXPORT_VERSION = 1
MAX_REASON = 500


@dataclass(frozen=True)
class ErasureResult:
    erasure_id: str
    removed: dict[str, int]
    # Other records that mention the person, to review (found before erasing).
    mentions: Mentions = field(default_factory=lambda: Mentions([]))


# -- export ---------------------------------------------------------------------


def export_person(store: Store, contact_id: str) -> dict[str, Any]:
    """Everything about the person `contact_id`, JSON-ready (one read snapshot)."""
    with store.read() as conn:
        contact = _row(conn, Contact, contact_id)
        if contact is None:
            raise NotFoundError("contact", contact_id)
        related = related_records(conn, contact_id)
        company = None
        if contact.get("company_id"):
            company = conn.exec_driver_sql(
                "SELECT id, name FROM company WHERE id = ?", (contact["company_id"],)
            ).fetchone()
        tags = list(contact.get("tags") or [])
        tag_rows = {
            name: color
            for name, color in conn.exec_driver_sql("SELECT name, color FROM tag")
            if name in tags
        }
        deals = _rows_where(conn, Deal, "contact_id", contact_id)
        history = _history(conn, [(e, i) for e, ids in related.items() for i in ids])
        consents = _rows_where(conn, table_of_name("consent"), "contact_id", contact_id)
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": datetime.now(UTC).isoformat(),
            "contact": _public(contact),
            "custom_fields": _custom(conn, contact_id),
            "company": {"id": company[0], "name": company[1]} if company else None,
            "tags": [{"name": t, "color": tag_rows.get(t)} for t in tags],
            "consents": [_public(r) for r in consents],
            "activities": [
                _public(r) for r in _rows_where(conn, Activity, "contact_id", contact_id)
            ],
            "tasks": [_public(r) for r in _rows_where(conn, Task, "contact_id", contact_id)],
            "deals": [_public(r) for r in deals],
            "change_history": history,
        }


def write_export(store: Store, contact_id: str, target: Path) -> dict[str, Any]:
    """Write `export_person` to `target` (UTF-8 JSON, mode 0600, atomically); the data."""
    data = export_person(store, contact_id)
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    try:
        write_atomic(Path(target), text.encode("utf-8"))
        Path(target).chmod(0o600)
    except OSError as exc:
        raise CrmError(
            "privacy.export_failed", f"The export could not be written to {target}: {exc}"
        ) from exc
    return data


def table_of_name(name: str) -> Any:
    from crm_desktop.domain.models import SYNCED_MODELS

    return SYNCED_MODELS[name]


def _row(conn: Connection, model: Any, record_id: str) -> dict[str, Any] | None:
    table = table_of(model)
    found = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    return dict(found) if found else None


def _rows_where(conn: Connection, model: Any, column: str, value: str) -> list[dict[str, Any]]:
    table = table_of(model)
    rows = conn.execute(select(table).where(table.c[column] == value).order_by(table.c.id))
    return [dict(r) for r in rows.mappings()]


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """The row as JSON values, without local derived columns (sort keys)."""
    return {
        k: to_wire(v)
        for k, v in row.items()
        if k not in ("name_sort", "last_activity_at", "reached_position")
    }


def _custom(conn: Connection, contact_id: str) -> list[dict[str, Any]]:
    rows = conn.exec_driver_sql(
        "SELECT f.key, f.label, f.type, v.value FROM custom_value v "
        "JOIN custom_field f ON f.id = v.field_id WHERE v.record_id = ? ORDER BY f.position",
        (contact_id,),
    )
    return [
        {"key": key, "label": label, "type": kind, "value": _json(value)}
        for key, label, kind, value in rows
    ]


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _history(conn: Connection, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The change rows of `keys`, oldest first (one scan of the change log)."""
    wanted = set(keys)
    rows = conn.exec_driver_sql(
        "SELECT seq, change_id, entity, record_id, op, fields, hlc, device_id FROM change_log "
        "WHERE record_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
        (json.dumps(sorted({rid for _e, rid in keys})),),
    )
    return [
        {
            "seq": seq,
            "change_id": change_id,
            "entity": entity,
            "record_id": record_id,
            "op": op,
            "at": datetime.fromtimestamp(wall_ms(hlc) / 1000, UTC).isoformat(),
            "device_id": device,
            "fields": _json(fields),
        }
        for seq, change_id, entity, record_id, op, fields, hlc, device in rows
        if (entity, record_id) in wanted
    ]


# -- erasure --------------------------------------------------------------------


def erasure_preview(store: Store, contact_id: str) -> dict[str, int]:
    """How many records erasing the person would remove (for the confirmation)."""
    with store.read() as conn:
        counts = erasure_preview_in(conn, contact_id)
    if not counts["contact"]:
        raise NotFoundError("contact", contact_id)
    return counts


def erase_contact(
    store: Store, contact_id: str, *, reason: str | None = None
) -> OpResult[ErasureResult]:
    """Erase the person `contact_id` (see the module); syncs as an erasure.

    Not undoable: the values are gone from this store once it returns. The
    result lists the other records that mention the person; the erasure
    record holds only their count ("mentions_found"), never their text.
    """
    reason = (reason or "").strip()[:MAX_REASON] or None
    with store.write() as tx:
        tx.get_row(Contact, contact_id)  # NotFoundError before touching anything
        counts = erasure_preview_in(tx.conn, contact_id)
        # Looked up before the hook removes the name, emails and phones it needs.
        mentions = mentions_in(tx.conn, contact_id)
        counts["mentions_found"] = len(mentions)
        if mentions.capped:
            counts["mentions_capped"] = 1
        erasure_id = tx.insert(
            Erasure,
            {
                "entity": "contact",
                "record_id": contact_id,
                "erased_by": current_user(tx.replica),
                "reason": reason,
                "removed": counts,
            },
        )
        # The hook on the erasure insert has removed the person (store/erasure.py).
    _checkpoint(store)
    return OpResult(ErasureResult(erasure_id, counts, mentions), tx.changes)


def erasure_preview_in(conn: Connection, contact_id: str) -> dict[str, int]:
    related = related_records(conn, contact_id)
    deals = conn.exec_driver_sql(
        "SELECT count(*) FROM deal WHERE contact_id = ?", (contact_id,)
    ).scalar_one()
    counts = {entity: len(ids) for entity, ids in related.items()}
    counts["deals_unlinked"] = int(deals)
    return counts


def _checkpoint(store: Store) -> None:
    """Copy the WAL into the database and truncate it: old page images leave the WAL."""
    try:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception:  # a reader holding a snapshot: the next checkpoint does it
        pass
