"""The server database: engines for SQLite or PostgreSQL, the schema, and sessions.

SQLite runs in WAL mode, so pulls read while a push writes. Its default
("deferred") transactions take the write lock only at the first write, and a
transaction that read first then fails at once (``SQLITE_BUSY_SNAPSHOT``)
when another writer got in between; so sessions that will write are opened
with ``write=True`` and begin ``IMMEDIATE``: writers queue on the busy timeout
instead. PostgreSQL ignores the option (pushes lock the ServerState row).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    create_engine,
    event,
    inspect,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from crm_server import models
from crm_server.config import normalise_url
from crm_server.errors import ServerError

SCHEMA_VERSION = 2
"""Bump with each change to the server tables, and add its upgrade to `_MIGRATIONS`."""

BUSY_TIMEOUT_MS = 15_000
_BEGIN_OPTION = "crm_begin"

# Kept apart from the models: it describes the schema rather than being part of it.
_schema_metadata = MetaData()
schema_info = Table(
    "server_schema",
    _schema_metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)


def _add_merge_moves(conn: Connection) -> None:
    """1 -> 2: the `MergeMove` table (what the server moved for a merge, for its undo)."""
    models.MergeMove.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


# version -> step that upgrades a database from that version to the next, run in
# the schema transaction, after `create_all` (so a step that only adds a table
# finds it made already; it says so anyway, to stand on its own).
_MIGRATIONS: dict[int, Any] = {1: _add_merge_moves}


def make_engine(url: str, **engine_kwargs: Any) -> Engine:
    """An engine for `url`; SQLite connections get WAL, a busy timeout and foreign keys."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **engine_kwargs)
    connect_args = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    connect_args.update(engine_kwargs.pop("connect_args", {}))
    engine = create_engine(url, connect_args=connect_args, **engine_kwargs)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # the "begin" hook below emits BEGIN, not pysqlite
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable in WAL mode up to a power cut
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get(_BEGIN_OPTION, "BEGIN"))


def writer(engine: Engine) -> Engine:
    """The engine whose transactions take SQLite's write lock when they begin."""
    return engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"})


def session_factory(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Sessions for requests and commands; `write` for those that will write.

    Objects stay loaded after commit (``expire_on_commit=False``) so a response
    can be built from them without another round trip.
    """
    bind = writer(engine) if write else engine
    return sessionmaker(bind=bind, class_=Session, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back otherwise."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def server_tables() -> list[Table]:
    """The tables of `crm_server.models` (their own metadata, apart from the client's)."""
    return list(models.metadata.sorted_tables)


def create_schema(engine: Engine) -> None:
    """Create missing tables and the ServerState row; refuse a database from a newer server."""
    with writer(engine).begin() as conn:
        found = stored_version(conn)
        if found is not None and found > SCHEMA_VERSION:
            raise ServerError(
                "server.schema_newer",
                f"The database was written by a newer crm-server (schema {found}; this one "
                f"knows {SCHEMA_VERSION}): update crm-server.",
            )
        models.metadata.create_all(conn)
        _schema_metadata.create_all(conn)
        version = found if found is not None else SCHEMA_VERSION
        while version < SCHEMA_VERSION:
            _MIGRATIONS[version](conn)
            version += 1
        if found is None:
            conn.execute(schema_info.insert().values(id=1, version=SCHEMA_VERSION))
        elif found != version:
            conn.execute(schema_info.update().values(version=version))
        _ensure_server_state(conn)


def stored_version(conn: Connection) -> int | None:
    """The schema version recorded in the database; None before `create_schema`."""
    if not inspect(conn).has_table(schema_info.name):
        return None
    return conn.execute(select(schema_info.c.version).where(schema_info.c.id == 1)).scalar()


def _ensure_server_state(conn: Connection) -> None:
    state = models.ServerState.__table__  # type: ignore[attr-defined]
    if conn.execute(select(state.c.id).where(state.c.id == 1)).first() is None:
        conn.execute(state.insert().values(id=1, last_seq=0, hlc=0))
