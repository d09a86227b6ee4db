"""A light read-only way into the store, for quick commands (``stats``).

`open_store` imports SQLAlchemy and the SQLModel tables before the first query
(~0.7 s on this machine kind, DESIGN §8), more than a few counts are worth.
When the store exists and its schema is exactly the current one, `open_reader`
opens the SQLCipher file directly (sqlcipher3 imports in ~20 ms), read-only.
Anything else (no store, a schema to migrate or from a newer app, a damaged
or locked file, a wrong key) returns None, and the caller goes the full way,
which migrates or explains the problem in the store's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_MB = 64  # as the store's engine: counting walks index pages, the cache keeps them


def open_reader(directory: Path, passphrase: Callable[[bool], str]) -> Any | None:
    """A read-only sqlcipher3 connection to the store in `directory`, or None."""
    import sqlcipher3

    from crm_desktop.store.files import DB_FILENAME, read_manifest
    from crm_desktop.store.migrations import HEAD

    db_path = directory / DB_FILENAME
    manifest = read_manifest(directory) if db_path.exists() else None
    if manifest is None:
        return None
    key = _key(manifest, passphrase)
    conn = sqlcipher3.connect(f"file:{db_path}", uri=True, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key.pragma}")
        conn.execute("PRAGMA query_only = ON")  # nothing on this path may write
        conn.execute(f"PRAGMA cache_size = -{CACHE_MB * 1024}")
        conn.execute("PRAGMA temp_store = MEMORY")
        revision = _revision(conn)
    except sqlcipher3.Error:
        conn.close()
        return None
    if revision != HEAD:
        conn.close()
        return None
    return conn


def _revision(conn: Any) -> str | None:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if exists else None
    return str(row[0]) if row else None


def _key(manifest: dict[str, Any], passphrase: Callable[[bool], str]) -> Any:
    from crm_desktop.store import keys

    if manifest.get("key_source") == keys.KeySource.KEYCHAIN.value:
        return keys.load_keychain_key(str(manifest["store_id"]))
    return keys.passphrase_key(passphrase(False))


def remembering(provider: Callable[[bool], str]) -> Callable[[bool], str]:
    """`provider`, asked at most once: if the quick path falls back to the full one,
    the user is not prompted a second time."""
    answers: dict[bool, str] = {}

    def provide(creating: bool) -> str:
        if creating not in answers:
            answers[creating] = provider(creating)
        return answers[creating]

    return provide
