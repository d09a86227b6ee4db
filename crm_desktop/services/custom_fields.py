"""User-defined fields of contacts, companies and deals: definitions and typed values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from crm_desktop.domain.enums import CustomFieldEntity, CustomFieldType
from crm_desktop.domain.models import CustomField
from crm_desktop.errors import ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.field_defs import (
    FieldDef,
    custom_values,
    custom_values_many,
    existing_custom,
    fields_by_key,
    filter_value,
    list_fields,
    raw_custom_values,
    typed_value,
)
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


def move_field(store: Store, field_id: str, offset: int) -> OpResult[int]:
    """Move a field `offset` places (negative: up) among its entity's fields.

    Positions are renumbered 0..n-1 in the new order, so gaps or ties (from
    `position` given at creation, or from two devices adding fields offline)
    disappear; only fields whose position changes are written. Returns the
    field's new index.
    Raises:
        NotFoundError: no field with `field_id`.
    """
    with store.write() as tx:
        entity = tx.get_row(CustomField, field_id)["entity"]
        ordered = list(fields_by_key(tx.conn, entity).values())
        index = [f.id for f in ordered].index(field_id)
        target = max(0, min(len(ordered) - 1, index + offset))
        ordered.insert(target, ordered.pop(index))
        for position, definition in enumerate(ordered):
            if definition.position != position:
                tx.update(CustomField, definition.id, {"position": position})
    return OpResult(target, tx.changes)


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
        value = typed_value(definition, values.get(key))
        if value is None and definition.required:
            raise ValidationError(
                key, f"{definition.label} is required.", code="validation.required"
            )
        if key in values or value is not None:
            cleaned[CUSTOM_PREFIX + definition.id] = value
    return cleaned


def write_custom(tx: WriteTx, model: Any, record_id: str, values: Mapping[str, Any]) -> None:
    if values:
        tx.update(model, record_id, values)


__all__ = [  # the reads live in field_defs; callers may import them from here
    "FieldDef",
    "custom_values",
    "custom_values_many",
    "existing_custom",
    "fields_by_key",
    "filter_value",
    "list_fields",
    "raw_custom_values",
]
