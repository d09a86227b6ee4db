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


@lru_cache(maxsize=128)
def _plan(
    table: Table, names: tuple[str, ...], json_array: bool = False
) -> tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]:
    """The INSERT statement and a row -> parameters function for these columns.

    The function is generated (like `collections.namedtuple` does) so encoding a
    row is one call with no per-value loop: bulk paths encode millions of values.
    With `json_array`, the statement reads its rows from one JSON array
    parameter, and JSON columns' values stay Python objects: encoding the
    array encodes them too, and SQLite stores their JSON text (``value->i``)
    exactly as `dumps` writes it (compact, non-ASCII as is).
    """
    columns = ", ".join(f'"{n}"' for n in names)
    encoders = {f"e{i}": _encoder(table.c[n].type) for i, n in enumerate(names)}
    if json_array:
        nested = {k for k, e in encoders.items() if e is dumps}
        encoders = {k: _identity if k in nested else e for k, e in encoders.items()}
        values = ", ".join(
            f"value->{i}" if f"e{i}" in nested else f"value->>{i}" for i in range(len(names))
        )
        sql = f'INSERT INTO "{table.name}" ({columns}) SELECT {values} FROM json_each(?)'
    else:
        marks = ", ".join("?" for _ in names)
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
    parts = [
        f"row[{n!r}]" if encoders[f"e{i}"] is _identity else f"e{i}(row[{n!r}])"
        for i, n in enumerate(names)
    ]
    source = f"def encode(row):\n    return ({', '.join(parts)},)\n"
    namespace: dict[str, Any] = dict(encoders)
    exec(compile(source, f"<encode {table.name}>", "exec"), namespace)
    return sql, namespace["encode"]


Statement = tuple[str, Any]  # SQL and its parameters: a list of tuples for executemany

# From this many rows on, an insert is one statement over a JSON array, not an executemany.
JSON_BULK_ROWS = 64


def encode_rows(table: Table, rows: Sequence[dict[str, Any]]) -> Statement:
    """The INSERT of `rows` (all with the same keys), ready to run by `run`.

    Many rows go as one JSON array parameter that SQLite unpacks itself
    (`json_each`): one step, during which SQLite releases the GIL, where an
    executemany takes it back for every row. So a bulk writer's SQL runs
    alongside Python preparing its next batch. Values are encoded exactly as
    for the executemany (text, integers, NULL), and JSON keeps those types.
    """
    names = tuple(rows[0])
    json_array = len(rows) >= JSON_BULK_ROWS
    sql, encode = _plan(table, names, json_array)
    if not json_array:
        return sql, [encode(row) for row in rows]
    return sql, (_encode_json([encode(row) for row in rows]),)


def run(conn: Connection, statement: Statement) -> None:
    """Execute a statement made by `encode_rows`."""
    sql, params = statement
    conn.exec_driver_sql(sql, params)


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) in one statement."""
    if rows:
        run(conn, encode_rows(table, rows))
