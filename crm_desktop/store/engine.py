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
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from crm_desktop.errors import StoreError
from crm_desktop.ids import new_id
from crm_desktop.store import keys
from crm_desktop.store.errors import raise_store_error
from crm_desktop.store.files import (
    DB_FILENAME,
    create_private_file,
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
POOL_SIZE = 3
POOL_OVERFLOW = 6


class Store:
    """An open encrypted store. Use `write()` for use cases, `read()` for queries."""

    def __init__(self, data_dir: Path, engine: Engine, key_source: KeySource, store_id: str):
        self.data_dir = data_dir
        self.engine = engine
        self.key_source = key_source
        self.store_id = store_id
        from crm_desktop.store.replica import ReplicaState

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
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            raise_store_error(exc)
            raise

    @contextmanager
    def write(self, *, foreign_keys: bool = True) -> Iterator[Any]:
        """One use case = one transaction: all of it commits, or none of it.

        Yields a `crm_desktop.store.changes.WriteTx`, whose writes record their
        change rows in the same transaction. Sync applies pulled pages with
        `foreign_keys` off: a page may hold a contact before its company, and
        a record may point at one this user may not see.
        """
        # The ORM and the derived-data hooks load with the first write, not at open.
        import crm_desktop.store.indexes  # noqa: F401
        from crm_desktop.store.changes import WriteTx

        try:
            # Connecting is inside the try: a pool connection opened now can fail too.
            conn = self.engine.connect().execution_options(crm_begin="BEGIN IMMEDIATE")
            with conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None
                if not foreign_keys:  # only outside a transaction does this take effect
                    raw.execute("PRAGMA foreign_keys = OFF")
                try:
                    with conn.begin():
                        tx = WriteTx(conn, self.replica)
                        yield tx
                        tx.finish()
                finally:
                    if not foreign_keys:
                        raw.execute("PRAGMA foreign_keys = ON")
        except DBAPIError as exc:
            # The in-memory clock keeps the timestamps a rolled-back write used:
            # it only grows, so none is ever handed out twice.
            raise_store_error(exc)
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
        create: create the store when there is none (never when `read_only`).
        use_keychain: on creation, force (True) or forbid (False) the keychain;
            None uses it when a real one is available.
    Raises:
        StoreError: wrong key, key missing, newer schema, unreadable file.
    """
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    db_path = directory / DB_FILENAME
    manifest = read_manifest(directory) if directory.exists() else None
    creating = not db_path.exists()
    if creating and (read_only or not create):
        raise StoreError("store.missing", f"No store in {directory}.", path=str(directory))
    if creating:
        manifest, key = _create_key(directory, manifest, passphrase, use_keychain)
        create_private_file(db_path)
    else:
        _refuse_damaged_file(directory, db_path)  # before asking for a passphrase
        key = _existing_key(manifest, passphrase)
    engine = _make_engine(db_path, key, read_only=read_only, cache_mb=cache_mb)
    try:
        _check_key(engine, key, directory)
        if not creating:
            _refuse_damaged_pages(engine, db_path, directory)
        _check_schema(engine, read_only=read_only)
        return Store(directory, engine, key.source, str(manifest["store_id"]) if manifest else "")
    except DBAPIError as exc:  # disk full or I/O error while migrating, say
        engine.dispose()
        _raise_damaged_if_corrupt(exc, directory, creating)
        raise_store_error(exc)
        raise
    except BaseException as exc:
        engine.dispose()
        _raise_damaged_if_corrupt(exc, directory, creating)
        raise


def _raise_damaged_if_corrupt(exc: BaseException, directory: Path, creating: bool) -> None:
    """A malformed existing store: the damaged-store error, naming the newest backup."""
    if creating:
        return
    if isinstance(exc, DBAPIError):
        detail = str(exc.orig)
    elif isinstance(exc, StoreError) and exc.code == "store.corrupt":
        detail = str(exc.params.get("detail") or exc.message)
    else:
        return
    if "malformed" in detail or "not a database" in detail:
        from crm_desktop.store.integrity import damaged_error

        raise damaged_error(directory, [detail]) from exc


def _check_schema(engine: Engine, *, read_only: bool) -> None:
    from crm_desktop.store.migrate import check_version, migrate

    if read_only:
        check_version(engine)
    else:
        migrate(engine)


def _create_key(
    directory: Path,
    manifest: dict[str, Any] | None,
    passphrase: PassphraseProvider | None,
    use_keychain: bool | None,
) -> tuple[dict[str, Any], StoreKey]:
    """Make the key of a new store, then its private directory and manifest.

    The passphrase is checked before anything is created, so a rejected one
    leaves no trace on disk.
    """
    if manifest is not None:  # a manifest survived its database: keep its id and key
        store_id = str(manifest["store_id"])
        use_keychain = manifest.get("key_source") == KeySource.KEYCHAIN.value
    else:
        store_id = new_id()
        if use_keychain is None:
            use_keychain = keys.keychain_available()
    if use_keychain:
        key = _keychain_key_for_new_store(store_id, reuse=manifest is not None)
    else:
        key = _new_passphrase_key(passphrase)
    ensure_private_dir(directory)
    manifest = {"format": MANIFEST_FORMAT, "store_id": store_id, "key_source": key.source.value}
    write_manifest(directory, manifest)
    return manifest, key


def _keychain_key_for_new_store(store_id: str, *, reuse: bool) -> StoreKey:
    if reuse:
        try:
            return keys.load_keychain_key(store_id)
        except StoreError as exc:
            if exc.code != "store.key_missing":
                raise
            # No database and no key: nothing can be lost by making a new key.
    return keys.new_keychain_key(store_id)


def _new_passphrase_key(passphrase: PassphraseProvider | None) -> StoreKey:
    if passphrase is None:
        raise StoreError(
            "store.passphrase_required",
            "No OS keychain is available: set a passphrase (interactively, or in "
            f"the {keys.PASSPHRASE_ENV} environment variable).",
        )
    secret = passphrase(True)
    keys.check_new_passphrase(secret)
    return keys.passphrase_key(secret)


def _existing_key(
    manifest: dict[str, Any] | None, passphrase: PassphraseProvider | None
) -> StoreKey:
    source_name = (manifest or {}).get("key_source", KeySource.PASSPHRASE.value)
    try:
        source = KeySource(source_name)
    except ValueError:
        raise StoreError(
            "store.manifest_invalid",
            f"The store's manifest names an unknown key source {source_name!r}.",
        ) from None
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
            target,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
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

    # LIFO: the connection used last is handed out next, so its page cache (the
    # OS caches only encrypted pages) stays warm, rather than cycling through the
    # cold caches of every connection a burst once opened. Overflow connections
    # are closed on return and, with a passphrase, cost a KDF each to reopen.
    engine = create_engine(
        "sqlite://",
        module=sqlcipher3.dbapi2,
        creator=connect,
        poolclass=QueuePool,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_use_lifo=True,
        json_serializer=_json_dumps,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("crm_begin", "BEGIN"))

    return engine


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _refuse_damaged_file(directory: Path, db_path: Path) -> None:
    """A store cut short or emptied: a clear error naming the newest backup."""
    from crm_desktop.store.integrity import check_file_shape, damaged_error

    problems = check_file_shape(db_path)
    if problems:
        raise damaged_error(directory, problems)


def _refuse_damaged_pages(engine: Engine, db_path: Path, directory: Path) -> None:
    """The checks at open that need the key (milliseconds; `store.integrity`)."""
    from crm_desktop.store.integrity import check_at_open, damaged_error

    with engine.connect() as conn:
        problems = check_at_open(conn.connection.dbapi_connection, db_path)
    if problems:
        raise damaged_error(directory, problems)


def _check_key(engine: Engine, key: StoreKey, directory: Path | None = None) -> None:
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
    except DBAPIError as exc:
        if "not a database" in str(exc.orig):
            from crm_desktop.store.integrity import damaged_error, key_opens_backup

            # A damaged first page fails like a wrong key; a key that opens the
            # store's own backup was right, so the store is damaged.
            if directory is not None and key_opens_backup(directory, key.pragma):
                raise damaged_error(
                    directory, ["its first page does not decrypt with the right key"]
                ) from None
            if key.source is KeySource.PASSPHRASE:
                raise StoreError(
                    "store.wrong_passphrase",
                    "Wrong passphrase (or the file is not a crm-desktop store). "
                    "Nothing was changed.",
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
