"""Field values as JSON-safe "wire" values (change log, sync payloads, CLI --json)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Date, DateTime


def to_wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_wire(column: Column[Any], value: Any) -> Any:
    """Turn a wire value back into what `column` stores."""
    if value is None or not isinstance(value, str):
        return value
    kind = getattr(column.type, "impl", column.type)  # sqlmodel wraps datetimes in a decorator
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value
