"""Small helpers shared by the store tests (imported, not fixtures)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from crm_desktop.domain.models import Contact
from crm_desktop.store.engine import Store
from crm_desktop.store.files import DB_FILENAME

WATCHED_SUFFIXES = ("", "-wal")


def file_hashes(data_dir: Path) -> dict[str, str]:
    """sha256 of the database, its WAL (if present) and the manifest.

    The -shm file is left out: it is a scratch index any reader may rewrite. So
    is an empty WAL: it holds nothing, and a read-only connection, which may not
    delete files, leaves one behind.
    """
    paths = [data_dir / f"{DB_FILENAME}{suffix}" for suffix in WATCHED_SUFFIXES]
    paths.append(data_dir / "store.json")
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in paths
        if p.exists() and (p.stat().st_size > 0 or p.name == DB_FILENAME)
    }


def add_contact(store: Store, name: str, **values: object) -> str:
    with store.write() as tx:
        return tx.insert(Contact, {"name": name, **values})


def count(store: Store, table: str) -> int:
    with store.read() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


def contact_names(store: Store) -> list[str]:
    with store.read() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT name FROM contact ORDER BY name")]
