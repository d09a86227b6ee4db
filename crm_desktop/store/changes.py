"""Change capture: every write to a synced table goes through `WriteTx`.

`WriteTx` writes the row and, in the same transaction, the change row (the
outbox sync pushes from), the tombstone of a delete, and the derived data
(sort keys, tag index, search index) through registered hooks. Nothing else
writes synced tables, so no edit can escape sync.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Table,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlmodel import SQLModel, col

from crm_desktop.domain.local import ChangeRecord
from crm_desktop.domain.models import CustomValue
from crm_desktop.errors import NotFoundError
from crm_desktop.ids import new_id
from crm_desktop.store.changeset import CUSTOM_PREFIX, ChangeSet
from crm_desktop.store.rawsql import insert_rows
from crm_desktop.store.replica import ReplicaState
from crm_desktop.store.wire import to_wire

LOCAL_COLUMNS = frozenset({"id", "updated_at"})

Row = dict[str, Any]
PrepareHook = Callable[[Row], None]
AfterHook = Callable[["WriteTx", str, str, list[Row]], None]
_prepare_hooks: dict[str, list[PrepareHook]] = defaultdict(list)
_after_hooks: dict[str, list[AfterHook]] = defaultdict(list)


def on_prepare(entity: str) -> Callable[[PrepareHook], PrepareHook]:
    """Register a function that fills derived columns of a row before it is written."""

    def register(fn: PrepareHook) -> PrepareHook:
        _prepare_hooks[entity].append(fn)
        return fn

    return register


def on_written(entity: str) -> Callable[[AfterHook], AfterHook]:
    """Register a function called with (tx, entity, op, rows) after rows were written.

    `op` is insert, update or delete; `rows` are the full rows as written (for a
    delete: as they were), so hooks never re-read them.
    """

    def register(fn: AfterHook) -> AfterHook:
        _after_hooks[entity].append(fn)
        return fn

    return register


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def synced_columns(model: type[SQLModel]) -> list[str]:
    """Columns whose values travel in changes: not local bookkeeping, not derived."""
    return [
        c.name
        for c in table_of(model).columns
        if c.name not in LOCAL_COLUMNS and not c.info.get("derived")
    ]


class WriteTx:
    """A write transaction that captures every change it makes."""

    def __init__(self, conn: Connection, replica: ReplicaState):
        self.conn = conn
        self.replica = replica
        self.changes = ChangeSet()
        self.now = utcnow()
        # Fields the latest update changed, for hooks that only care about some.
        self.changed_fields: frozenset[str] = frozenset()
        # False while sync applies pulled records: those are already changes of
        # the server's, so they write no change rows (hooks still run).
        self.capturing = True
        self._stamped = False

    # -- writes -------------------------------------------------------------
    def insert(self, model: type[SQLModel], values: Mapping[str, Any]) -> str:
        """Insert one record; returns its id."""
        return self.insert_many(model, [values])[0]

    def restore(self, model: type[SQLModel], values: Mapping[str, Any]) -> str:
        """Bring back a deleted record (same id) with all its fields: a `restore` change."""
        self.conn.exec_driver_sql(
            "DELETE FROM tombstone WHERE entity = ? AND record_id = ?",
            (table_of(model).name, values["id"]),
        )
        return self.insert_many(model, [values], change_op="restore")[0]

    def insert_many(
        self,
        model: type[SQLModel],
        rows: Iterable[Mapping[str, Any]],
        *,
        change_op: str = "upsert",
    ) -> list[str]:
        """Insert records in bulk (one statement per table); returns their ids.

        The change of an insert omits fields left at their default: a new
        record has no concurrent edits, and every replica fills defaults alike.
        A restore's change carries every field, since it overrides older ones.
        """
        keep_defaults = change_op == "restore"
        plan = _insert_plan(model)
        entity = plan.table.name
        prepare = _prepare_hooks.get(entity, ())
        now = self.now
        record_rows: list[Row] = []
        change_rows: list[Row] = []
        custom_rows: list[Row] = []
        for values in rows:
            row = plan.blank()
            row.update(values)
            custom = {k: row.pop(k) for k in values if k.startswith(CUSTOM_PREFIX)}
            if row["id"] is None:
                row["id"] = new_id()
            if plan.has_created and row["created_at"] is None:
                row["created_at"] = now
            if plan.has_updated:
                row["updated_at"] = now
            for hook in prepare:
                hook(row)
            record_rows.append(row)
            wire = {
                c: row[c]
                for c in plan.synced
                if keep_defaults or row[c] != plan.defaults.get(c, _UNSET)
            }
            for c in plan.temporal:
                if c in wire:
                    wire[c] = to_wire(wire[c])
            if custom:
                wire.update({k: to_wire(v) for k, v in custom.items() if v is not None})
                custom_rows.extend(_custom_rows(entity, row["id"], custom))
            if self.capturing:
                change_rows.append(self._change_row(entity, row["id"], change_op, wire))
        if not record_rows:
            return []
        insert_rows(self.conn, plan.table, record_rows)
        if custom_rows:
            insert_rows(self.conn, table_of(CustomValue), custom_rows)
        if change_rows:
            insert_rows(self.conn, table_of(ChangeRecord), change_rows)
        ids = [r["id"] for r in record_rows]
        self.changes.created[entity].update(ids)
        self._after(entity, "insert", record_rows)
        return ids

    def update(self, model: type[SQLModel], record_id: str, values: Mapping[str, Any]) -> Row:
        """Write the fields of `values` that differ; returns {field: old value} of those."""
        table = table_of(model)
        entity = table.name
        current = self.get_row(model, record_id)
        custom_now = self._custom_values(record_id) if _has_custom(values) else {}
        changed: Row = {}
        for key, value in values.items():
            old = custom_now.get(key) if key.startswith(CUSTOM_PREFIX) else current[key]
            if to_wire(old) != to_wire(value):
                changed[key] = old
        if not changed:
            return {}
        plain = {k: values[k] for k in changed if not k.startswith(CUSTOM_PREFIX)}
        row = {**current, **plain}
        if "updated_at" in table.c:
            row["updated_at"] = self.now
        for hook in _prepare_hooks.get(entity, ()):
            hook(row)
        derived = {
            c.name: row[c.name]
            for c in table.columns
            if c.info.get("derived") or c.name == "updated_at"
        }
        self.conn.execute(update(table).where(table.c.id == record_id).values(**plain, **derived))
        custom = {k: values[k] for k in changed if k.startswith(CUSTOM_PREFIX)}
        if custom:
            self._write_custom(entity, record_id, custom)
        if self.capturing:
            wire = {k: to_wire(values[k]) for k in changed}
            self.conn.execute(
                insert(table_of(ChangeRecord)),
                [self._change_row(entity, record_id, "upsert", wire)],
            )
        self.changes.updated[entity].add(record_id)
        self.changed_fields = frozenset(changed)
        self._after(entity, "update", [row])
        return changed

    def apply_updates(self, model: type[SQLModel], updates: list[tuple[Row, Row]]) -> int:
        """Write pulled values over rows already read: [(current row, values)].

        Sync's bulk path (capture off): one UPDATE statement per set of columns
        and the hooks once for all rows, instead of a read and a write per
        record. Returns how many rows changed.
        """
        assert not self.capturing, "pulled values are the server's changes already"
        table = table_of(model)
        entity = table.name
        prepare = _prepare_hooks.get(entity, ())
        derived = [c.name for c in table.columns if c.info.get("derived")]
        if "updated_at" in table.c:
            derived.append("updated_at")
        batches: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        written: list[Row] = []
        changed_fields: set[str] = set()
        for current, values in updates:
            changed = {
                k
                for k, v in values.items()
                if k.startswith(CUSTOM_PREFIX) or to_wire(current.get(k)) != to_wire(v)
            }
            if not changed:
                continue
            plain = {k: values[k] for k in changed if not k.startswith(CUSTOM_PREFIX)}
            row = {**current, **plain, "updated_at": self.now}
            for hook in prepare:
                hook(row)
            columns = tuple(sorted(plain)) + tuple(derived)
            batches[columns].append({"k_id": row["id"], **{f"v_{c}": row[c] for c in columns}})
            custom = {k: values[k] for k in changed if k.startswith(CUSTOM_PREFIX)}
            if custom:
                self._write_custom(entity, row["id"], custom)
            written.append(row)
            changed_fields |= changed
            self.changes.updated[entity].add(row["id"])
        for columns, params in batches.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("k_id"))
                .values({c: bindparam(f"v_{c}") for c in columns})
            )
            self.conn.execute(statement, params)
        if written:
            self.changed_fields = frozenset(changed_fields)
            self._after(entity, "update", written)
        return len(written)

    def delete(
        self, model: type[SQLModel], record_id: str, *, version: tuple[int, str] | None = None
    ) -> Row:
        """Delete a record, leaving a tombstone and a delete change; returns the old row.

        While not capturing (sync applying a pulled delete), `version` is the
        remote delete's (HLC, device) and no change row is written.
        """
        table = table_of(model)
        entity = table.name
        current = self.get_row(model, record_id)
        self._after(entity, "delete", [current])
        self.conn.execute(delete(table_of(CustomValue)).where(CustomValue.record_id == record_id))  # type: ignore[arg-type]
        self.conn.execute(delete(table).where(table.c.id == record_id))
        if self.capturing:
            change = self._change_row(entity, record_id, "delete", {})
            self.conn.execute(insert(table_of(ChangeRecord)), [change])
            version = (change["hlc"], change["device_id"])
        if version is not None:
            self.write_tombstone(entity, record_id, version)
        self.changes.deleted[entity].add(record_id)
        return current

    def write_tombstone(self, entity: str, record_id: str, version: tuple[int, str]) -> None:
        self.conn.exec_driver_sql(
            "INSERT INTO tombstone(entity, record_id, hlc, device_id) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, "
            "device_id = excluded.device_id",
            (entity, record_id, *version),
        )

    # -- reads inside the transaction -------------------------------------
    def get_row(self, model: type[SQLModel], record_id: str) -> Row:
        table = table_of(model)
        found = self.conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
        if found is None:
            raise NotFoundError(table.name, record_id)
        return dict(found)

    def finish(self) -> None:
        if self._stamped:
            self.replica.save_clock(self.conn)

    # -- internals ----------------------------------------------------------
    def _change_row(self, entity: str, record_id: str, op: str, fields: Row) -> Row:
        self._stamped = True
        return {
            "change_id": new_id(),
            "entity": entity,
            "record_id": record_id,
            "op": op,
            "fields": fields,
            "hlc": self.replica.clock.now(),
            "device_id": self.replica.device_id,
            "seen": self.replica.pull_cursor,
        }

    def _after(self, entity: str, op: str, rows: list[Row]) -> None:
        for hook in _after_hooks.get(entity, ()):
            hook(self, entity, op, rows)

    def _custom_values(self, record_id: str) -> Row:
        rows = self.conn.execute(
            select(col(CustomValue.field_id), col(CustomValue.value)).where(
                col(CustomValue.record_id) == record_id
            )
        )
        return {CUSTOM_PREFIX + fid: value for fid, value in rows}

    def _write_custom(self, entity: str, record_id: str, custom: Row) -> None:
        cv = table_of(CustomValue)
        for key in custom:
            field_id = key[len(CUSTOM_PREFIX) :]
            self.conn.execute(
                delete(cv).where(cv.c.record_id == record_id, cv.c.field_id == field_id)
            )
        rows = _custom_rows(entity, record_id, custom)
        if rows:
            self.conn.execute(insert(cv), rows)


_UNSET = object()


@dataclass(frozen=True)
class _InsertPlan:
    table: Table
    scalars: dict[str, Any]  # every column, with its scalar default or None
    factories: tuple[tuple[str, Callable[[], Any]], ...]  # columns defaulting to a new list
    defaults: dict[str, Any]  # synced columns' default values (omitted from insert changes)
    synced: tuple[str, ...]
    temporal: tuple[str, ...]  # synced columns whose values need to_wire
    has_created: bool
    has_updated: bool

    def blank(self) -> Row:
        row = self.scalars.copy()
        for name, factory in self.factories:
            row[name] = factory()
        return row


@cache
def _insert_plan(model: type[SQLModel]) -> _InsertPlan:
    table = table_of(model)
    scalars: dict[str, Any] = {}
    factories = []
    for column in table.columns:
        default = column.default
        scalars[column.name] = None
        if column.name == "id" or default is None:
            continue
        if default.is_callable:
            sample = default.arg(None)  # type: ignore[attr-defined]
            factories.append((column.name, type(sample)))  # list/dict factories
        else:
            scalars[column.name] = default.arg  # type: ignore[attr-defined]
    synced = tuple(synced_columns(model))
    defaults = {c: scalars[c] for c in synced if c in scalars}
    defaults.update({name: factory() for name, factory in factories if name in synced})
    temporal = tuple(
        c
        for c in synced
        if isinstance(table.c[c].type, Date | DateTime)
        or isinstance(getattr(table.c[c].type, "impl", None), Date | DateTime)
    )
    return _InsertPlan(
        table,
        scalars,
        tuple(factories),
        defaults,
        synced,
        temporal,
        "created_at" in table.c,
        "updated_at" in table.c,
    )


def insert_defaults(model: type[SQLModel]) -> dict[str, Any]:
    """Synced fields' defaults: what an insert change leaves out."""
    return {k: to_wire(v) for k, v in _insert_plan(model).defaults.items()}


def _has_custom(values: Mapping[str, Any]) -> bool:
    return any(k.startswith(CUSTOM_PREFIX) for k in values)


def _custom_rows(entity: str, record_id: str, custom: Mapping[str, Any]) -> list[Row]:
    return [
        {
            "record_id": record_id,
            "field_id": k[len(CUSTOM_PREFIX) :],
            "entity": entity,
            "value": to_wire(v),
        }
        for k, v in custom.items()
        if v is not None
    ]


def decode_fields(raw: str | dict[str, Any]) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else json.loads(raw)
