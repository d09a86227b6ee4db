"""Opening the encrypted store: key, engine, connection pragmas, migrations.

One `Store` per data directory. Connections come from a small long-lived pool
(a passphrase-keyed connection costs ~150 ms of KDF to open). Writes run in
``BEGIN IMMEDIATE`` transactions, so two writers queue rather than deadlock
on a lock upgrade; reads see one consistent WAL snapshot.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from crm_desktop.errors import StoreError
from crm_desktop.ids import new_id
from crm_desktop.store import keys
from crm_desktop.store.errors import raise_store_error
from crm_desktop.store.files import (
    DB_FILENAME,
    default_data_dir,
    ensure_private_dir,
    read_manifest,
    write_manifest,
)
from crm_desktop.store.keys import KeySource, PassphraseProvider, StoreKey

log = logging.getLogger(__name__)

MANIFEST_FORMAT = 1
DEFAULT_CACHE_MB = 64
BUSY_TIMEOUT_MS = 30_000


class Store:
    """An open encrypted store. Use `write()` for use cases, `read()` for queries."""

    def __init__(self, data_dir: Path, engine: Engine, key_source: KeySource, store_id: str):
        self.data_dir = data_dir
        self.engine = engine
        self.key_source = key_source
        self.store_id = store_id
        import crm_desktop.store.indexes  # noqa: F401  (derived-data hooks)
        from crm_desktop.store.changes import ReplicaState

        self.replica = ReplicaState.load(self)

    @property
    def path(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def device_id(self) -> str:
        return self.replica.device_id

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection inside one read transaction (a consistent snapshot)."""
        with self.engine.connect() as conn:
            try:
                with conn.begin():
                    yield conn
            except DBAPIError as exc:
                raise_store_error(exc)
                raise

    @contextmanager
    def write(self) -> Iterator[Any]:
        """One use case = one transaction: all of it commits, or none of it.

        Yields a `crm_desktop.store.changes.WriteTx`, whose writes record their
        change rows in the same transaction.
        """
        from crm_desktop.store.changes import WriteTx

        with self.engine.connect().execution_options(crm_begin="BEGIN IMMEDIATE") as conn:
            try:
                with conn.begin():
                    tx = WriteTx(conn, self.replica)
                    yield tx
                    tx.finish()
            except DBAPIError as exc:
                self.replica.reload_clock(self)
                raise_store_error(exc)
                raise
            except BaseException:
                self.replica.reload_clock(self)
                raise

    def close(self) -> None:
        self.engine.dispose()


def open_store(
    data_dir: Path | str | None = None,
    *,
    passphrase: PassphraseProvider | None = None,
    create: bool = True,
    read_only: bool = False,
    use_keychain: bool | None = None,
    cache_mb: int = DEFAULT_CACHE_MB,
) -> Store:
    """Open (or on first run create) the store in `data_dir`.

    Args:
        passphrase: asked when the key is a passphrase; gets True when creating.
        use_keychain: on creation, force (True) or forbid (False) the keychain;
            None uses it when a real one is available.
    Raises:
        StoreError: wrong key, key missing, newer schema, unreadable file.
    """
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    db_path = directory / DB_FILENAME
    manifest = read_manifest(directory) if directory.exists() else None
    creating = not db_path.exists()
    if creating and not create:
        raise StoreError("store.missing", f"No store in {directory}.", path=str(directory))
    if creating:
        ensure_private_dir(directory)
        manifest, key = _create_key(directory, manifest, passphrase, use_keychain)
    else:
        key = _existing_key(manifest, passphrase)
    engine = _make_engine(db_path, key, read_only=read_only, cache_mb=cache_mb)
    try:
        _check_key(engine, key)
        if not read_only:
            from crm_desktop.store.migrate import migrate

            migrate(engine)
        else:
            from crm_desktop.store.migrate import check_version

            check_version(engine)
        return Store(directory, engine, key.source, str(manifest["store_id"]) if manifest else "")
    except BaseException:
        engine.dispose()
        raise


def _create_key(
    directory: Path,
    manifest: dict[str, Any] | None,
    passphrase: PassphraseProvider | None,
    use_keychain: bool | None,
) -> tuple[dict[str, Any], StoreKey]:
    if manifest is not None:  # a manifest survived its database: reuse its key
        return manifest, _existing_key(manifest, passphrase)
    store_id = new_id()
    if use_keychain is None:
        use_keychain = keys.keychain_available()
    if use_keychain:
        key = keys.new_keychain_key(store_id)
    else:
        if passphrase is None:
            raise StoreError(
                "store.passphrase_required",
                "No OS keychain is available: set a passphrase (interactively, or in "
                f"the {keys.PASSPHRASE_ENV} environment variable).",
            )
        secret = passphrase(True)
        keys.check_new_passphrase(secret)
        key = keys.passphrase_key(secret)
    manifest = {"format": MANIFEST_FORMAT, "store_id": store_id, "key_source": key.source.value}
    write_manifest(directory, manifest)
    return manifest, key


def _existing_key(manifest: dict[str, Any] | None, passphrase: PassphraseProvider | None) -> StoreKey:
    source = KeySource((manifest or {}).get("key_source", KeySource.PASSPHRASE.value))
    if source is KeySource.KEYCHAIN:
        assert manifest is not None
        return keys.load_keychain_key(str(manifest["store_id"]))
    if passphrase is None:
        raise StoreError(
            "store.passphrase_required",
            f"This store is locked with a passphrase: enter it, or set {keys.PASSPHRASE_ENV}.",
        )
    return keys.passphrase_key(passphrase(False))


def _make_engine(db_path: Path, key: StoreKey, *, read_only: bool, cache_mb: int) -> Engine:
    target = f"file:{db_path}?mode=ro" if read_only else f"file:{db_path}"

    def connect() -> sqlcipher3.Connection:
        conn = sqlcipher3.connect(
            target, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
            isolation_level=None,
        )
        try:
            # A wrong key is reported to the user as a StoreError, not on stderr.
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = {key.pragma}")
            # Fails here, before any write, when the key is wrong.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
            # Temp tables and sorts stay in memory: nothing readable touches disk.
            conn.execute("PRAGMA temp_store = MEMORY")
            if not read_only:
                # WAL: readers never block the writer; a crash leaves a consistent file.
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    engine = create_engine(
        "sqlite://", module=sqlcipher3.dbapi2, creator=connect, poolclass=QueuePool,
        pool_size=3, max_overflow=6, json_serializer=_json_dumps,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("crm_begin", "BEGIN"))

    return engine


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _check_key(engine: Engine, key: StoreKey) -> None:
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
    except DBAPIError as exc:
        if "not a database" in str(exc.orig):
            if key.source is KeySource.PASSPHRASE:
                raise StoreError(
                    "store.wrong_passphrase",
                    "Wrong passphrase (or the file is not a crm-desktop store). Nothing was changed.",
                ) from None
            raise StoreError(
                "store.wrong_key",
                "The key from the OS keychain does not open this store (or the file is damaged). "
                "Nothing was changed.",
            ) from None
        raise_store_error(exc)
        raise
    if not version:
        raise StoreError("store.not_encrypted", "The SQLite library in use does not encrypt.")
