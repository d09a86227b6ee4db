"""User-defined fields of contacts, companies and deals: definitions and typed values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from crm_desktop.domain.enums import CustomFieldEntity, CustomFieldType
from crm_desktop.domain.models import CustomField, CustomValue
from crm_desktop.errors import ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.results import OpResult
from crm_desktop.store.changes import CUSTOM_PREFIX, WriteTx
from crm_desktop.store.engine import Store

KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def define_field(
    store: Store,
    entity: str,
    key: str,
    label: str,
    field_type: str,
    *,
    options: list[str] | None = None,
    required: bool = False,
    position: int | None = None,
) -> OpResult[str]:
    """Create a custom field definition; `key` is its stable name (a-z, 0-9, _)."""
    entity = v.one_of("entity", entity, CustomFieldEntity)
    field_type = v.one_of("type", field_type, CustomFieldType)
    key = v.required_text("key", key, 40).lower()
    if not set(key) <= KEY_CHARS or key[0].isdigit():
        raise ValidationError(
            "key", "key may hold only a-z, 0-9 and _, and not start with a digit."
        )
    choices = [c for c in (v.optional_text("options", o, 100) for o in options or []) if c]
    if field_type == CustomFieldType.CHOICE and not choices:
        raise ValidationError(
            "options", "A choice field needs at least one option.", code="validation.required"
        )
    with store.write() as tx:
        if fields_by_key(tx.conn, entity).get(key):
            raise ValidationError(
                "key", f"{entity} already has a field '{key}'.", code="validation.duplicate"
            )
        if position is None:
            position = len(fields_by_key(tx.conn, entity))
        field_id = tx.insert(
            CustomField,
            {
                "entity": entity,
                "key": key,
                "label": v.required_text("label", label),
                "type": field_type,
                "options": choices,
                "required": required,
                "position": position,
            },
        )
    return OpResult(field_id, tx.changes)


def list_fields(store: Store, entity: str) -> list[CustomField]:
    with store.read() as conn:
        return list(fields_by_key(conn, entity).values())


def fields_by_key(conn: Connection, entity: str) -> dict[str, CustomField]:
    rows = conn.execute(
        select(CustomField).where(CustomField.entity == entity).order_by(CustomField.position)  # type: ignore[arg-type]
    ).mappings()
    return {row["key"]: CustomField(**row) for row in rows}


def clean_custom_values(
    conn: Connection, entity: str, values: Mapping[str, Any], *, creating: bool
) -> dict[str, Any]:
    """Validate values given by field key; returns them keyed ``cf:<field id>``."""
    fields = fields_by_key(conn, entity)
    v.known_fields(values, set(fields), f"{entity} records")
    cleaned: dict[str, Any] = {}
    for key, definition in fields.items():
        if key not in values and not creating:
            continue
        value = _typed(definition, values.get(key))
        if value is None and definition.required:
            raise ValidationError(
                key, f"{definition.label} is required.", code="validation.required"
            )
        if key in values or value is not None:
            cleaned[CUSTOM_PREFIX + definition.id] = value
    return cleaned


def _typed(definition: CustomField, value: Any) -> Any:
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
    rows = conn.execute(
        select(CustomField.key, CustomValue.value)  # type: ignore[call-overload]
        .join(CustomValue, CustomValue.field_id == CustomField.id)
        .where(CustomValue.record_id == record_id)
    )
    return {key: value for key, value in rows}


def write_custom(tx: WriteTx, model: Any, record_id: str, values: Mapping[str, Any]) -> None:
    if values:
        tx.update(model, record_id, values)
