"""User-defined fields of contacts, companies and deals: definitions and typed values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import col

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


def list_fields(store: Store, entity: str) -> list[CustomField]:
    with store.read() as conn:
        return list(fields_by_key(conn, entity).values())


def fields_by_key(conn: Connection, entity: str) -> dict[str, CustomField]:
    rows = conn.execute(
        select(CustomField)
        .where(CustomField.entity == entity)  # type: ignore[arg-type]
        .order_by(CustomField.position, CustomField.id)  # type: ignore[arg-type]
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


def filter_value(definition: CustomField, value: Any) -> Any:
    """`value` (e.g. typed in a filter box) as the field stores it; an invalid value is
    returned as given (it then matches nothing), a blank one as None (no filter)."""
    try:
        return _typed(definition, value)
    except ValidationError:
        return value


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


def custom_values_many(store: Store, record_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Custom values of many records (a page of a list): record id -> {field key: value}."""
    wanted = sorted(set(record_ids))
    found: dict[str, dict[str, Any]] = {}
    with store.read() as conn:
        for start in range(0, len(wanted), 500):
            rows = conn.execute(
                select(CustomValue.record_id, CustomField.key, CustomValue.value)  # type: ignore[call-overload]
                .join(CustomField, CustomValue.field_id == CustomField.id)
                .where(col(CustomValue.record_id).in_(wanted[start : start + 500]))
            )
            for record_id, key, value in rows:
                found.setdefault(record_id, {})[key] = value
    return found


def raw_custom_values(conn: Connection, record_id: str) -> dict[str, Any]:
    """A record's custom values keyed ``cf:<field id>``, as stored (for snapshots and restore)."""
    rows = conn.execute(
        select(col(CustomValue.field_id), col(CustomValue.value)).where(
            col(CustomValue.record_id) == record_id
        )
    )
    return {CUSTOM_PREFIX + field_id: value for field_id, value in rows}


def existing_custom(conn: Connection, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` without ``cf:`` keys whose field was deleted since (a restore must not fail)."""
    ids = {k[len(CUSTOM_PREFIX) :] for k in values if k.startswith(CUSTOM_PREFIX)}
    if not ids:
        return dict(values)
    query = select(col(CustomField.id)).where(col(CustomField.id).in_(ids))
    known = set(conn.execute(query).scalars())
    return {
        k: val
        for k, val in values.items()
        if not k.startswith(CUSTOM_PREFIX) or k[len(CUSTOM_PREFIX) :] in known
    }


def write_custom(tx: WriteTx, model: Any, record_id: str, values: Mapping[str, Any]) -> None:
    if values:
        tx.update(model, record_id, values)
