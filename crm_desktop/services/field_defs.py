"""Reading custom field definitions and values, in plain SQL.

Lists show custom columns and filters from the first paint on, so these reads
must not need the ORM (sqlmodel and pydantic, ~0.4 s to import at start-up);
defining and editing fields lives in `custom_fields`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from crm_desktop.domain.enums import CustomFieldType
from crm_desktop.errors import ValidationError
from crm_desktop.services import validation as v
from crm_desktop.store.changeset import CUSTOM_PREFIX

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store

_BATCH = 500


@dataclass(frozen=True)
class FieldDef:
    """A custom field's definition, as lists, editors and validation read it."""

    id: str
    entity: str
    key: str
    label: str
    type: str
    options: list[str] = field(default_factory=list)
    required: bool = False
    position: int = 0


def fields_by_key(conn: Connection, entity: str) -> dict[str, FieldDef]:
    rows = conn.exec_driver_sql(
        "SELECT id, entity, key, label, type, options, required, position "
        "FROM custom_field WHERE entity = ? ORDER BY position, id",
        (entity,),
    )
    return {
        key: FieldDef(id_, entity_, key, label, kind, json.loads(options or "[]"), bool(req), pos)
        for id_, entity_, key, label, kind, options, req, pos in rows
    }


def list_fields(store: Store, entity: str) -> list[FieldDef]:
    with store.read() as conn:
        return list(fields_by_key(conn, entity).values())


def filter_value(definition: FieldDef, value: Any) -> Any:
    """`value` (e.g. typed in a filter box) as the field stores it; an invalid value is
    returned as given (it then matches nothing), a blank one as None (no filter)."""
    try:
        return typed_value(definition, value)
    except ValidationError:
        return value


def typed_value(definition: FieldDef, value: Any) -> Any:
    """`value` as the field stores it; raises ValidationError when it does not fit."""
    if value is None or value == "":
        return None
    key = definition.key
    if definition.type == CustomFieldType.NUMBER:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(
                key, f"{definition.label}: '{value}' is not a number.", code="validation.number"
            ) from None
        return int(number) if number.is_integer() else number
    if definition.type == CustomFieldType.DATE:
        parsed = v.parse_date(key, value)
        return parsed.isoformat() if parsed else None
    if definition.type == CustomFieldType.CHOICE:
        return v.one_of(key, value, tuple(definition.options))
    return v.optional_text(key, value, 10_000)


def custom_values(conn: Connection, record_id: str) -> dict[str, Any]:
    """A record's custom values keyed by field key."""
    rows = conn.exec_driver_sql(
        "SELECT f.key, v.value FROM custom_value v JOIN custom_field f ON f.id = v.field_id "
        "WHERE v.record_id = ?",
        (record_id,),
    )
    return {key: _json(value) for key, value in rows}


def custom_values_many(store: Store, record_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Custom values of many records (a page of a list): record id -> {field key: value}."""
    wanted = sorted(set(record_ids))
    found: dict[str, dict[str, Any]] = {}
    with store.read() as conn:
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            rows = conn.exec_driver_sql(
                "SELECT v.record_id, f.key, v.value FROM custom_value v "
                "JOIN custom_field f ON f.id = v.field_id "
                f"WHERE v.record_id IN ({', '.join('?' * len(batch))})",
                tuple(batch),
            )
            for record_id, key, value in rows:
                found.setdefault(record_id, {})[key] = _json(value)
    return found


def raw_custom_values(conn: Connection, record_id: str) -> dict[str, Any]:
    """A record's custom values keyed ``cf:<field id>``, as stored (for snapshots and restore)."""
    rows = conn.exec_driver_sql(
        "SELECT field_id, value FROM custom_value WHERE record_id = ?", (record_id,)
    )
    return {CUSTOM_PREFIX + field_id: _json(value) for field_id, value in rows}


def existing_custom(conn: Connection, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` without ``cf:`` keys whose field was deleted since (a restore must not fail)."""
    ids = sorted({k[len(CUSTOM_PREFIX) :] for k in values if k.startswith(CUSTOM_PREFIX)})
    if not ids:
        return dict(values)
    rows = conn.exec_driver_sql(
        f"SELECT id FROM custom_field WHERE id IN ({', '.join('?' * len(ids))})", tuple(ids)
    )
    known = {field_id for (field_id,) in rows}
    return {
        k: val
        for k, val in values.items()
        if not k.startswith(CUSTOM_PREFIX) or k[len(CUSTOM_PREFIX) :] in known
    }


def _json(stored: Any) -> Any:
    """A JSON column's value as the ORM would return it (the driver gives the text)."""
    return json.loads(stored) if isinstance(stored, str) else stored
