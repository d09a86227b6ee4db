"""Run migrations at open; refuse a database written by a newer app."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine

from crm_desktop.errors import StoreError
from crm_desktop.store.migrations import HEAD, KNOWN_REVISIONS

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def current_revision(conn: Connection) -> str | None:
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).scalar()
    if not exists:
        return None
    value = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return str(value) if value is not None else None


def _refuse_unknown(revision: str | None) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreError(
            "store.too_new",
            f"This store was written by a newer version of crm-desktop (schema {revision}); "
            "install that version or newer to open it. Nothing was changed.",
            revision=revision,
        )


def check_version(engine: Engine) -> None:
    """Raise unless the schema is exactly what this app knows (read-only opens)."""
    with engine.connect() as conn:
        revision = current_revision(conn)
    _refuse_unknown(revision)
    if revision != HEAD:
        raise StoreError(
            "store.needs_upgrade", "The store must be upgraded; open it read-write once."
        )


def migrate(engine: Engine) -> None:
    """Bring the schema to HEAD, in one transaction; no-op when already there."""
    with engine.connect() as conn:
        revision = current_revision(conn)
    _refuse_unknown(revision)
    if revision == HEAD:
        return
    from alembic import command

    conn = engine.connect().execution_options(crm_begin="BEGIN IMMEDIATE")
    with conn, conn.begin():
        # Read again under the write lock: another process opening the same
        # store may have migrated it while this one waited for the lock.
        revision = current_revision(conn)
        _refuse_unknown(revision)
        if revision != HEAD:
            command.upgrade(alembic_config(conn), "head")


def alembic_config(conn: Connection | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config
