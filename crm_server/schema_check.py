"""Checks a pushed change against the client schema: known entity, fields and value types.

The server stores records as JSON, so this is what keeps a hostile or buggy
client from handing other devices values their store cannot hold.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String

from crm_desktop.domain.models import SYNCED_MODELS
from crm_desktop.store.changes import CUSTOM_PREFIX, synced_columns, table_of
from crm_desktop.sync.protocol import WireChange

MAX_VALUE_BYTES = 256 * 1024
CUSTOM_ENTITIES = frozenset({"contact", "company", "deal"})


class SchemaViolation(ValueError):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@cache
def _columns(entity: str) -> dict[str, tuple[type[Any], bool]]:
    """Synced field -> (SQLAlchemy type class, nullable)."""
    table = table_of(SYNCED_MODELS[entity])
    kinds = (Boolean, Integer, DateTime, Date, JSON, String)
    result = {}
    for name in synced_columns(SYNCED_MODELS[entity]):
        column = table.c[name]
        kind = next((k for k in kinds if isinstance(column.type, k)), String)
        result[name] = (kind, bool(column.nullable))
    return result


CONFLICT_ENTITY = "sync_conflict"
# Conflicts are made by the server; clients only resolve them.
CONFLICT_CLIENT_FIELDS = frozenset({"resolved", "resolution", "resolved_by"})


def check_change(change: WireChange) -> None:
    """Raise `SchemaViolation` when the change cannot be applied by every client."""
    if change.entity not in SYNCED_MODELS:
        raise SchemaViolation("validation.entity", f"Unknown kind of record {change.entity!r}.")
    if change.entity == CONFLICT_ENTITY and (
        change.op != "upsert" or not set(change.fields) <= CONFLICT_CLIENT_FIELDS
    ):
        raise SchemaViolation(
            "validation.conflict", "Conflicts can only be resolved, not made or deleted."
        )
    columns = _columns(change.entity)
    for name, value in change.fields.items():
        if name.startswith(CUSTOM_PREFIX) and change.entity in CUSTOM_ENTITIES:
            _check_size(name, value)
            continue
        if name not in columns:
            raise SchemaViolation("validation.field", f"Unknown field {name!r} of {change.entity}.")
        kind, nullable = columns[name]
        if not _fits(kind, nullable, value):
            raise SchemaViolation(
                "validation.value", f"Field {name!r} of {change.entity} cannot hold {value!r:.80}."
            )
        _check_size(name, value)


@cache
def _required(entity: str) -> frozenset[str]:
    """Fields a new record cannot do without (no default, not nullable)."""
    table = table_of(SYNCED_MODELS[entity])
    return frozenset(
        name
        for name in synced_columns(SYNCED_MODELS[entity])
        if not table.c[name].nullable and table.c[name].default is None
    )


def check_new_record(change: WireChange) -> None:
    """A change that creates a record must carry all it needs: else it is an edit of
    a record the server never accepted (its create was refused), and is refused too."""
    if change.op == "delete":
        return
    missing = sorted(name for name in _required(change.entity) if change.fields.get(name) is None)
    if missing:
        raise SchemaViolation(
            "validation.incomplete",
            f"The server has no such {change.entity}; the change lacks {', '.join(missing)}.",
        )


def _fits(kind: type[Any], nullable: bool, value: Any) -> bool:
    if value is None:
        return nullable
    if kind is Boolean:
        return isinstance(value, bool)
    if kind is Integer:
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 1 << 62
    if kind is DateTime:
        return isinstance(value, str) and _parses(datetime.fromisoformat, value)
    if kind is Date:
        return isinstance(value, str) and _parses(date.fromisoformat, value)
    if kind is JSON:  # the non-null JSON columns (tags, phones, options) hold lists
        return isinstance(value, list | dict) or nullable
    return isinstance(value, str)


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _check_size(name: str, value: Any) -> None:
    size = len(json.dumps(value, ensure_ascii=False).encode())
    if size > MAX_VALUE_BYTES:
        raise SchemaViolation(
            "validation.too_large", f"Field {name!r} holds {size} bytes (limit {MAX_VALUE_BYTES})."
        )
