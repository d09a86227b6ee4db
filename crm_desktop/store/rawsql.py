"""Bulk inserts as plain DB-API `executemany`, for the hot paths (import, demo, sync pages).

DESIGN.md §8 measured raw `executemany` at ~200k rows/s against ~140k for
SQLAlchemy Core: per-value type processing is the difference. Values are
encoded here exactly as SQLAlchemy's SQLite types store them, so ORM and Core
reads see no difference.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table

Encoder = Callable[[Any], Any]


_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dumps(value: Any) -> str:
    if not value and isinstance(value, list):
        return "[]"
    return _encode_json(value)


@lru_cache(maxsize=256)
def _datetime(value: datetime | None) -> str | None:
    # Cached: a bulk write stamps thousands of rows with the same instant.
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _boolean(value: Any) -> int | None:
    return None if value is None else int(bool(value))


def _identity(value: Any) -> Any:
    return value


def _encoder(column_type: Any) -> Encoder:
    if isinstance(column_type, JSON):
        return dumps
    if isinstance(column_type, DateTime):
        return _datetime
    if isinstance(column_type, Date):
        return _date
    if isinstance(column_type, Boolean):
        return _boolean
    impl = getattr(column_type, "impl", None)  # TypeDecorators (sqlmodel's UTCDateTime)
    if impl is not None and not isinstance(impl, type):
        return _encoder(impl)
    if isinstance(impl, type):
        return _encoder(impl())
    return _identity


@lru_cache(maxsize=64)
def _plan(
    table: Table, names: tuple[str, ...]
) -> tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]:
    """The INSERT statement and a row -> parameters function for these columns.

    The function is generated (like `collections.namedtuple` does) so encoding a
    row is one call with no per-value loop: bulk paths encode millions of values.
    """
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
    encoders = {f"e{i}": _encoder(table.c[n].type) for i, n in enumerate(names)}
    parts = [
        f"row[{n!r}]" if encoders[f"e{i}"] is _identity else f"e{i}(row[{n!r}])"
        for i, n in enumerate(names)
    ]
    source = f"def encode(row):\n    return ({', '.join(parts)},)\n"
    namespace: dict[str, Any] = dict(encoders)
    exec(compile(source, f"<encode {table.name}>", "exec"), namespace)
    return sql, namespace["encode"]


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) with one executemany."""
    if not rows:
        return
    sql, encode = _plan(table, tuple(rows[0]))
    conn.exec_driver_sql(sql, [encode(row) for row in rows])
