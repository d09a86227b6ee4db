"""Databases for tests of the HQ server: an SQLite file, or a fresh PostgreSQL schema.

Shared by the server tests and the end-to-end tests, which both run each
database test twice. PostgreSQL gets a fresh schema per test (``search_path``
set in the URL, so a ``crm-server`` process or the CLI reaches it too); when
PostgreSQL is unreachable those tests fail, they do not skip: the server
ships for it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASES = ("sqlite", "postgresql")
"""The kinds `database` makes: the params of every ``database_url`` fixture."""


@contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database of `kind`, dropped afterwards (SQLite: in `directory`)."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'hq.sqlite3'}"
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # any failure here means no usable PostgreSQL
        admin.dispose()
        pytest.fail(f"PostgreSQL at {PG_URL} is needed for this test: {exc}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
