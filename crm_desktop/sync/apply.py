"""Applying pulled records to the local store, one page per transaction.

Pulled values go through `WriteTx` with capture off, so the derived data
(sort keys, search and tag indexes, counts) follows exactly as for local
edits, and no change row is written for what came from the server. A field
this device has changed and not yet pushed keeps its local value when that
write is newer (the same rule the server applies when the push arrives).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from crm_desktop.domain.models import SYNCED_MODELS
from crm_desktop.store.changes import CUSTOM_PREFIX, Row, WriteTx, synced_columns, table_of
from crm_desktop.store.wire import from_wire, to_wire
from crm_desktop.sync.hlc import ClockDriftError
from crm_desktop.sync.merge import newer, remote_wins
from crm_desktop.sync.protocol import Version, WireRecord

Key = tuple[str, str]
CHUNK = 500


@dataclass
class Pending:
    """This device's unpushed writes to one record."""

    fields: dict[str, Version] = field(default_factory=dict)
    deleted: Version | None = None


@dataclass
class ApplyStats:
    upserted: int = 0
    removed: int = 0
    skipped: int = 0
    seen_ids: dict[str, set[str]] | None = None  # filled during a full re-sync


def read_meta_int(conn: Connection, key: str) -> int:
    value = conn.exec_driver_sql("SELECT value FROM local_meta WHERE key = ?", (key,)).scalar()
    return int(value) if value is not None else 0


def write_meta(conn: Connection, key: str, value: object) -> None:
    conn.exec_driver_sql(
        "INSERT INTO local_meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )


def pending_writes(conn: Connection, keys: set[Key]) -> dict[Key, Pending]:
    """Unacknowledged local writes to `keys` (the outbox is small after a push)."""
    acked = read_meta_int(conn, "acked_seq")
    pending: dict[Key, Pending] = {}
    rows = conn.exec_driver_sql(
        "SELECT entity, record_id, op, fields, hlc, device_id FROM change_log WHERE seq > ?",
        (acked,),
    )
    for entity, record_id, op, raw_fields, hlc, device_id in rows:
        if (entity, record_id) not in keys:
            continue
        entry = pending.setdefault((entity, record_id), Pending())
        version = (hlc, device_id)
        if op == "delete":
            entry.deleted = version
            continue
        for name in json.loads(raw_fields):
            if newer(version, entry.fields.get(name)):
                entry.fields[name] = version
    return pending


def apply_records(tx: WriteTx, records: list[WireRecord], stats: ApplyStats) -> None:
    """Merge a page of pulled records into the store (capture must be off)."""
    assert not tx.capturing
    pending = pending_writes(tx.conn, {(r.entity, r.id) for r in records})
    by_entity: dict[str, list[WireRecord]] = defaultdict(list)
    for record in records:
        by_entity[record.entity].append(record)
    for entity, group in by_entity.items():
        model = SYNCED_MODELS.get(entity)
        if model is None:  # written by a newer app version: the server keeps it
            stats.skipped += len(group)
            continue
        if stats.seen_ids is not None:
            stats.seen_ids.setdefault(entity, set()).update(r.id for r in group if not r.deleted)
        _apply_group(tx, model, group, pending, stats)
    _absorb_clock(tx, records)


def _apply_group(
    tx: WriteTx,
    model: type[SQLModel],
    records: list[WireRecord],
    pending: dict[Key, Pending],
    stats: ApplyStats,
) -> None:
    entity = table_of(model).name
    existing = _current_rows(tx.conn, model, [r.id for r in records])
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[Row, Row]] = []
    for record in records:
        mine = pending.get((entity, record.id))
        if record.deleted is not None:
            _apply_delete(tx, model, record, record.id in existing, stats)
            continue
        if mine is not None and mine.deleted is not None and newer(mine.deleted, record.alive):
            continue  # this device's delete is on its way to the server
        values = _local_values(model, record, mine)
        if record.id in existing:
            current = existing[record.id]
            if current is not None and _differs(current, values):
                updates.append((current, values))
            stats.upserted += 1
        elif _complete(model, values):
            inserts.append({"id": record.id, **values})
            existing[record.id] = None
        else:
            stats.skipped += 1
    if updates:
        tx.apply_updates(model, updates)
    if inserts:
        # Restored records lose their tombstone: one executemany, not a statement each.
        tx.conn.exec_driver_sql(
            "DELETE FROM tombstone WHERE entity = ? AND record_id = ?",
            [(entity, row["id"]) for row in inserts],
        )
        tx.insert_many(model, inserts)
        stats.upserted += len(inserts)


def _apply_delete(
    tx: WriteTx, model: type[SQLModel], record: WireRecord, exists: bool, stats: ApplyStats
) -> None:
    assert record.deleted is not None
    if exists:
        tx.delete(model, record.id, version=record.deleted)
        stats.removed += 1
    else:
        tx.write_tombstone(table_of(model).name, record.id, record.deleted)


def _local_values(
    model: type[SQLModel], record: WireRecord, mine: Pending | None
) -> dict[str, Any]:
    columns = table_of(model).c
    known = _synced_names(model)
    values: dict[str, Any] = {}
    for name, value in record.fields.items():
        if mine is not None and name in mine.fields:
            remote = record.versions.get(name)
            if remote is None or not remote_wins(remote, mine.fields[name]):
                continue
        if name.startswith(CUSTOM_PREFIX):
            values[name] = value
        elif name in known:
            values[name] = from_wire(columns[name], value)
    return values


_synced_cache: dict[type[SQLModel], frozenset[str]] = {}
_required_cache: dict[type[SQLModel], frozenset[str]] = {}


def _synced_names(model: type[SQLModel]) -> frozenset[str]:
    if model not in _synced_cache:
        _synced_cache[model] = frozenset(synced_columns(model))
    return _synced_cache[model]


def _complete(model: type[SQLModel], values: dict[str, Any]) -> bool:
    """Whether `values` can make a new row (a partial record cannot)."""
    if model not in _required_cache:
        _required_cache[model] = frozenset(
            c.name
            for c in table_of(model).columns
            if not c.nullable
            and c.default is None
            and c.name in _synced_names(model)
            and c.name != "created_at"
        )
    return all(values.get(name) is not None for name in _required_cache[model])


def _current_rows(
    conn: Connection, model: type[SQLModel], ids: Iterable[str]
) -> dict[str, Row | None]:
    """The stored rows of those of `ids` that exist, read in bulk."""
    table = table_of(model)
    found: dict[str, Row | None] = {}
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        rows = conn.execute(select(table).where(table.c.id.in_(ids[start : start + CHUNK])))
        found.update((row["id"], dict(row)) for row in rows.mappings())
    return found


def _differs(current: Row | None, values: dict[str, Any]) -> bool:
    """Whether `values` would change the stored row, as `WriteTx.update` decides it.

    Skipping the no-op updates up front matters: a device pulls back every change
    it pushed, and each `update` call reads its row and rewrites derived data.
    """
    if current is None:
        return bool(values)
    return any(
        name.startswith(CUSTOM_PREFIX) or to_wire(current[name]) != to_wire(value)
        for name, value in values.items()
    )


def _absorb_clock(tx: WriteTx, records: list[WireRecord]) -> None:
    stamps = [v[0] for r in records for v in r.versions.values()]
    stamps += [r.deleted[0] for r in records if r.deleted is not None]
    if not stamps:
        return
    # A far-future stamp is applied but not absorbed: it must not drag our clock.
    with suppress(ClockDriftError):
        tx.replica.clock.receive(max(stamps))
    tx.replica.save_clock(tx.conn)
