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
from functools import cache, lru_cache
from typing import Any, NamedTuple

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
from crm_desktop.store.rawsql import Statement, encode_rows, run
from crm_desktop.store.replica import ReplicaState
from crm_desktop.store.wire import to_wire

LOCAL_COLUMNS = frozenset({"id", "updated_at"})

Row = dict[str, Any]
PrepareHook = Callable[[Row], None]
AfterHook = Callable[["WriteTx", str, str, list[Row]], None]
_prepare_hooks: dict[str, list[PrepareHook]] = defaultdict(list)
_after_hooks: dict[str, list[AfterHook]] = defaultdict(list)
PreparedHook = Callable[[list[Row], Mapping[str, Any]], Any]
_prepared_hooks: dict[str, dict[str, PreparedHook]] = defaultdict(dict)


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


def on_prepared(entity: str, name: str) -> Callable[[PreparedHook], PreparedHook]:
    """Register a function computing derived data of rows about to be inserted, outside the
    transaction: called with (rows, hints), its result is `WriteTx.prepared[name]` while
    the after-write hooks of those rows run (None: the hook computes it itself)."""

    def register(fn: PreparedHook) -> PreparedHook:
        _prepared_hooks[entity][name] = fn
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
        # What `on_prepared` hooks computed for the rows being written (see `prepare_insert`).
        self.prepared: dict[str, Any] = {}

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
        prepared = prepare_insert(
            model,
            rows,
            self.replica,
            change_op=change_op,
            now=self.now,
            capturing=self.capturing,
        )
        return self.write_prepared(prepared)

    def write_prepared(self, prepared: PreparedInsert) -> list[str]:
        """Write records made ready by `prepare_insert` (possibly on another thread)."""
        if not prepared.rows:
            return []
        for statement in prepared.statements:
            run(self.conn, statement)
        self._stamped = self._stamped or prepared.stamped
        ids = prepared.ids
        self.changes.created[prepared.entity].update(ids)
        self.prepared = prepared.derived
        try:
            self._after(prepared.entity, "insert", prepared.rows)
        finally:
            self.prepared = {}
        return ids

    def update(self, model: type[SQLModel], record_id: str, values: Mapping[str, Any]) -> Row:
        """Write the fields of `values` that differ; returns {field: old value} of those."""
        table = table_of(model)
        entity = str(table.name)
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
        entity = str(table.name)
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
        entity = str(table.name)
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
        return change_row(self.replica, entity, record_id, op, fields)

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


def change_row(replica: ReplicaState, entity: str, record_id: str, op: str, fields: Row) -> Row:
    """The change-log row of one change, stamped by the replica's clock."""
    return {
        "change_id": new_id(),
        "entity": entity,
        "record_id": record_id,
        "op": op,
        "fields": fields,
        "hlc": replica.clock.now(),
        "device_id": replica.device_id,
        "seen": replica.pull_cursor,
    }


@dataclass
class PreparedInsert:
    """Records of one table ready to write: rows, encoded statements, derived data.

    Made by `prepare_insert` without a connection, so a bulk writer can prepare
    the next batch while the previous one is being written (SQLite releases
    the GIL while it works).
    """

    entity: str
    rows: list[Row]
    statements: list[Statement]
    derived: dict[str, Any]
    stamped: bool

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.rows]


def prepare_insert(
    model: type[SQLModel],
    rows: Iterable[Mapping[str, Any]],
    replica: ReplicaState,
    *,
    change_op: str = "upsert",
    now: datetime | None = None,
    capturing: bool = True,
    hints: Mapping[str, Any] | None = None,
) -> PreparedInsert:
    """Fill ids, defaults, timestamps and derived columns, build the change rows and
    encode every statement of an insert; `WriteTx.write_prepared` then writes it.

    `hints` is passed to the entity's `on_prepared` hooks (e.g. the company
    names a contact's search document needs), which compute derived data here
    instead of inside the transaction.
    """
    keep_defaults = change_op == "restore"
    plan = _insert_plan(model)
    entity = plan.entity
    prepare = _prepare_hooks.get(entity, ())
    defaults = plan.defaults
    now = now or utcnow()
    now_wire = to_wire(now)
    record_rows: list[Row] = []
    change_rows: list[Row] = []
    custom_rows: list[Row] = []
    for values in rows:
        row = plan.row(values)
        shape = plan.shape(tuple(values), keep_defaults)
        custom = {k: row.pop(k) for k in shape.custom}
        if row["id"] is None:
            row["id"] = new_id()
        if plan.has_created and row["created_at"] is None:
            row["created_at"] = now
        if plan.has_updated:
            row["updated_at"] = now
        for hook in prepare:
            hook(row)
        record_rows.append(row)
        wire = {c: row[c] for c in shape.wire if keep_defaults or row[c] != defaults[c]}
        for c in shape.temporal:
            if c in wire:
                value = wire[c]
                # Mostly the one instant `now`: its text is made once, not per row.
                wire[c] = now_wire if value is now else to_wire(value)
        if custom:
            wire.update({k: to_wire(v) for k, v in custom.items() if v is not None})
            custom_rows.extend(_custom_rows(entity, row["id"], custom))
        if capturing:
            change_rows.append(change_row(replica, entity, row["id"], change_op, wire))
    statements = [
        encode_rows(table, part)
        for table, part in (
            (plan.table, record_rows),
            (table_of(CustomValue), custom_rows),
            (table_of(ChangeRecord), change_rows),
        )
        if part
    ]
    derived = (
        {
            name: hook(record_rows, hints or {})
            for name, hook in _prepared_hooks.get(entity, {}).items()
        }
        if record_rows
        else {}
    )
    return PreparedInsert(entity, record_rows, statements, derived, bool(change_rows))


@dataclass(frozen=True, eq=False)  # hashed by identity: one plan per model
class _InsertPlan:
    table: Table
    scalars: dict[str, Any]  # every column, with its scalar default or None
    factories: tuple[tuple[str, Callable[[], Any]], ...]  # columns defaulting to a new list
    defaults: dict[str, Any]  # synced columns' default values (omitted from insert changes)
    synced: tuple[str, ...]
    temporal: tuple[str, ...]  # synced columns whose values need to_wire
    has_created: bool
    has_updated: bool

    def shape(self, keys: tuple[str, ...], keep_defaults: bool) -> _RowShape:
        """What rows given these keys need: rows of a bulk insert share a few shapes."""
        return _row_shape(self, keys, keep_defaults)

    @property
    def entity(self) -> str:
        # A plain str: the table's name is a str subclass, which sqlite3 tries to
        # adapt (three attribute lookups) for every row it is bound in.
        return str(self.table.name)

    def row(self, values: Mapping[str, Any]) -> Row:
        """Every column: `values`, else its default (a fresh list where that is the default)."""
        row = {**self.scalars, **values}
        for name, factory in self.factories:
            if name not in values:
                row[name] = factory()
        return row


class _RowShape(NamedTuple):
    custom: tuple[str, ...]  # custom field keys ("cf:...")
    wire: tuple[str, ...]  # synced columns that may differ from their default, in order
    temporal: tuple[str, ...]  # those of them that need to_wire


@lru_cache(maxsize=256)
def _row_shape(plan: _InsertPlan, keys: tuple[str, ...], keep_defaults: bool) -> _RowShape:
    # A column not given keeps its default, except created_at, stamped now; prepare
    # hooks fill derived columns only, which are not synced.
    given = set(keys) | {"created_at"}
    wire = tuple(c for c in plan.synced if keep_defaults or c in given)
    return _RowShape(
        tuple(k for k in keys if k.startswith(CUSTOM_PREFIX)),
        wire,
        tuple(c for c in plan.temporal if c in wire),
    )


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
