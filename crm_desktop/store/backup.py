"""Manual encrypted backups of the store, and restoring one.

A backup is a single SQLCipher file written by ``sqlcipher_export()`` into a
database attached *without* a key clause, so SQLCipher keys it exactly like the
store (DESIGN §8: the backup API needs identical cipher settings; export does
not). The backup therefore opens with the same key as the store it came from:

- a passphrase store's backup opens with that passphrase (on any machine; a
  data directory without a store gets a new passphrase manifest on restore);
- a keychain store's backup opens only with that store's key, i.e. restored
  into the same data directory (same ``store.json``, same keychain entry).
  Losing the keychain entry loses the backups too.

Nothing readable is written: the temp file is encrypted from its first page,
verified (page HMACs, structure, per-table row counts equal to the snapshot it
was exported from) and only then renamed into place with mode 0600.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3

from crm_desktop.errors import StoreError
from crm_desktop.store import keys
from crm_desktop.store.files import (
    DB_FILENAME,
    ensure_private_dir,
    read_manifest,
    write_manifest,
)
from crm_desktop.store.keys import KeySource, PassphraseProvider, StoreKey

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store

Progress = Callable[[int, int], None]
"""Called with (steps done, steps in all)."""

_ALIAS = "crm_backup"
_STEPS = 3  # export, verify, rename
_SIDE_FILES = ("", "-wal", "-shm", "-journal")
_BAD_DB_ERRORS = (sqlcipher3.DatabaseError, sqlite3.DatabaseError)


@dataclass(frozen=True)
class BackupInfo:
    """What `backup_store` wrote: the file, its size and the rows per table."""

    path: Path
    size: int
    counts: dict[str, int]


@dataclass(frozen=True)
class RestoreInfo:
    """What `restore_store` did: the files now in place and where the old ones went."""

    path: Path
    previous: Path | None
    counts: dict[str, int]


def backup_store(store: Store, target: Path, progress: Progress | None = None) -> BackupInfo:
    """Write an encrypted, verified copy of `store` to `target` (replaced atomically).

    Raises:
        StoreError: ``backup.failed`` when writing or verifying failed; `target`
            is then untouched and no temp file is left.
    """
    target = Path(target)
    if target.resolve() == store.path.resolve():
        raise StoreError("backup.failed", "The backup cannot replace the store itself.")
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)  # mkstemp made it 0600 and empty: SQLite sees an empty database
    tmp = Path(tmp_name)
    try:
        with store.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            counts, revision = _export(raw, tmp)
            _step(progress, 1)
            _verify_attached(raw, tmp, counts, revision)
        _step(progress, 2)
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, StoreError):
            raise
        if isinstance(exc, (*_BAD_DB_ERRORS, OSError)):
            raise StoreError(
                "backup.failed", f"The backup could not be written: {exc}", path=str(target)
            ) from exc
        raise
    _step(progress, 3)
    return BackupInfo(path=target, size=target.stat().st_size, counts=counts)


def _export(raw: Any, tmp: Path) -> tuple[dict[str, int], str | None]:
    """Export the main database into `tmp` from one read snapshot; its counts and revision."""
    raw.execute(f"ATTACH DATABASE ? AS {_ALIAS}", (str(tmp),))  # no KEY: the store's own
    try:
        raw.execute("BEGIN")
        try:
            counts = _counts(raw, "main")
            revision = _revision(raw, "main")
            user_version = raw.execute("PRAGMA main.user_version").fetchone()[0]
            raw.execute(f"SELECT sqlcipher_export('{_ALIAS}')")
            raw.execute(f"PRAGMA {_ALIAS}.user_version = {int(user_version)}")
            raw.execute("COMMIT")
        except BaseException:
            raw.execute("ROLLBACK")
            raise
    finally:
        raw.execute(f"DETACH DATABASE {_ALIAS}")
    return counts, revision


def _verify_attached(raw: Any, tmp: Path, counts: dict[str, int], revision: str | None) -> None:
    """Attach the written file afresh (its pages read from disk) and check it."""
    raw.execute(f"ATTACH DATABASE ? AS {_ALIAS}", (str(tmp),))
    try:
        problems = _problems(raw, _ALIAS, counts, revision)
    except _BAD_DB_ERRORS as exc:
        problems = [str(exc)]
    finally:
        raw.execute(f"DETACH DATABASE {_ALIAS}")
    if problems:
        raise StoreError(
            "backup.failed",
            "The backup did not verify and was deleted: " + "; ".join(problems[:5]),
        )


def _problems(
    raw: Any, schema: str, counts: dict[str, int] | None, revision: str | None
) -> list[str]:
    problems = [
        f"page check: {row[0]}"
        for row in raw.execute(f"PRAGMA {schema}.cipher_integrity_check").fetchall()
    ]
    structural = [str(r[0]) for r in raw.execute(f"PRAGMA {schema}.integrity_check(20)")]
    if structural != ["ok"]:
        problems += [f"integrity: {m}" for m in structural]
    if counts is not None:
        written = _counts(raw, schema)
        if written != counts:
            differ = sorted(
                t for t in counts.keys() | written.keys() if counts.get(t) != written.get(t)
            )
            problems.append(f"row counts differ in {', '.join(differ)}")
        if _revision(raw, schema) != revision:
            problems.append("schema revision differs")
    return problems


def _counts(raw: Any, schema: str) -> dict[str, int]:
    """Rows of every real table (virtual tables are counted through their shadow tables)."""
    names = [
        row[0]
        for row in raw.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        )
    ]
    return {
        name: raw.execute(
            f'SELECT count(*) FROM {schema}."{name.replace(chr(34), chr(34) * 2)}"'
        ).fetchone()[0]
        for name in names
    }


def _revision(raw: Any, schema: str) -> str | None:
    exists = raw.execute(
        f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not exists:
        return None
    row = raw.execute(f"SELECT version_num FROM {schema}.alembic_version").fetchone()
    return str(row[0]) if row else None


def restore_store(
    data_dir: Path, source: Path, passphrase_provider: PassphraseProvider | None
) -> RestoreInfo:
    """Replace the store in `data_dir` with the backup `source`, keeping the old one aside.

    The store must not be open (in this process or another). The backup is
    checked first; the current files are moved into
    ``data_dir/before-restore-<UTC timestamp>/``, never deleted.

    Raises:
        StoreError: ``backup.corrupt`` when `source` does not open with the
            store's key or fails its checks (nothing was changed);
            ``backup.failed`` when the restored store does not open (the
            previous files are put back).
    """
    data_dir, source = Path(data_dir), Path(source)
    manifest = read_manifest(data_dir) if data_dir.exists() else None
    key, secret = _restore_key(manifest, passphrase_provider)
    counts = verify_backup(source, key)
    ensure_private_dir(data_dir)
    fd, tmp_name = tempfile.mkstemp(dir=data_dir, prefix=f".{DB_FILENAME}.restore.")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(source, tmp)
        _fsync(tmp)
        if verify_backup(tmp, key) != counts:  # the copy, not only the source, must be sound
            raise StoreError("backup.failed", "The copied backup differs from its source.")
    except BaseException:
        _remove(tmp)
        raise
    previous = _move_aside(data_dir)
    db_path = data_dir / DB_FILENAME
    os.replace(tmp, db_path)
    _fsync_dir(data_dir)
    if manifest is None:
        write_manifest(data_dir, _new_manifest())
    try:
        _open_check(data_dir, secret)
    except BaseException:
        _put_back(data_dir, previous, manifest is None)
        raise
    return RestoreInfo(path=db_path, previous=previous, counts=counts)


def verify_backup(path: Path, key: StoreKey) -> dict[str, int]:
    """Open `path` read-only with `key`, check it; its per-table row counts.

    Raises:
        StoreError: ``backup.corrupt`` (also for a backup of another store).
    """
    if not path.is_file():
        raise StoreError("backup.missing", f"No backup file at {path}.", path=str(path))
    try:
        conn = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except _BAD_DB_ERRORS as exc:
        raise _corrupt(path, str(exc)) from exc
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key.pragma}")
        conn.execute("BEGIN")
        problems = _problems(conn, "main", None, None)
        counts = _counts(conn, "main") if not problems else {}
        revision = _revision(conn, "main")
    except _BAD_DB_ERRORS as exc:
        raise _corrupt(path, str(exc)) from exc
    finally:
        conn.close()
    if problems:
        raise _corrupt(path, "; ".join(problems[:5]))
    if revision is None:
        raise _corrupt(path, "it holds no crm-desktop schema")
    return counts


def _corrupt(path: Path, detail: str) -> StoreError:
    return StoreError(
        "backup.corrupt",
        f"{path} is damaged or was not made from this store (it does not open with this "
        f"store's key): {detail}. Nothing was changed.",
        path=str(path),
        detail=detail,
    )


def _restore_key(
    manifest: dict[str, Any] | None, passphrase_provider: PassphraseProvider | None
) -> tuple[StoreKey, str | None]:
    """The key that must open the backup, and the passphrase it came from (if any)."""
    if manifest is not None and manifest.get("key_source") == KeySource.KEYCHAIN.value:
        return keys.load_keychain_key(str(manifest["store_id"])), None
    if passphrase_provider is None:
        raise StoreError(
            "store.passphrase_required",
            f"Give the backup's passphrase (interactively, or in {keys.PASSPHRASE_ENV}).",
        )
    secret = passphrase_provider(False)
    return keys.passphrase_key(secret), secret


def _new_manifest() -> dict[str, Any]:
    from crm_desktop.ids import new_id
    from crm_desktop.store.engine import MANIFEST_FORMAT

    return {
        "format": MANIFEST_FORMAT,
        "store_id": new_id(),
        "key_source": KeySource.PASSPHRASE.value,
    }


def _move_aside(data_dir: Path) -> Path | None:
    present = [data_dir / (DB_FILENAME + s) for s in _SIDE_FILES]
    present = [p for p in present if p.exists()]
    if not present:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = data_dir / f"before-restore-{stamp}"
    aside.mkdir(mode=0o700)
    for path in present:
        os.replace(path, aside / path.name)
    manifest = data_dir / "store.json"
    if manifest.exists():
        shutil.copy2(manifest, aside / manifest.name)
    _fsync_dir(aside)
    _fsync_dir(data_dir)
    return aside


def _put_back(data_dir: Path, previous: Path | None, remove_manifest: bool) -> None:
    for suffix in _SIDE_FILES:
        _remove(data_dir / (DB_FILENAME + suffix))
    if previous is not None:
        for suffix in _SIDE_FILES:
            kept = previous / (DB_FILENAME + suffix)
            if kept.exists():
                os.replace(kept, data_dir / kept.name)
    if remove_manifest:
        _remove(data_dir / "store.json")
    _fsync_dir(data_dir)


def _open_check(data_dir: Path, secret: str | None) -> None:
    """Open the restored store as the app will (migrating an older schema)."""
    from crm_desktop.store.engine import open_store

    try:
        store = open_store(data_dir, passphrase=lambda _c: secret or "", create=False)
    except StoreError as exc:
        raise StoreError(
            "backup.failed",
            f"The restored store did not open ({exc.message}); the previous one was put back.",
        ) from exc
    store.close()


def _step(progress: Progress | None, done: int) -> None:
    if progress is not None:
        progress(done, _STEPS)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name == "posix":
        dir_fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _remove(path: Path) -> None:
    for suffix in _SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
