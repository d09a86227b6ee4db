"""The data directory: private folder, atomic writes of small sensitive files."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from crm_desktop.errors import StoreError

DB_FILENAME = "crm.db"
MANIFEST_FILENAME = "store.json"
DATA_DIR_ENV = "CRM_DATA_DIR"


def default_data_dir() -> Path:
    """``--data-dir``/``CRM_DATA_DIR`` aside, the platform's user data dir."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("crm-desktop", appauthor=False)


def ensure_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (SQLite gives its -wal and
    -shm files the same mode), unless it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file, fsync, rename: a crash leaves the old or the new file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if os.name == "posix":
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def read_manifest(data_dir: Path) -> dict[str, Any] | None:
    """The store's manifest (id, key source; never a secret), or None if absent."""
    path = data_dir / MANIFEST_FILENAME
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # ValueError: bad JSON or bad UTF-8
        raise _bad_manifest(path, exc) from exc
    if not isinstance(result, dict) or not isinstance(result.get("store_id"), str):
        raise _bad_manifest(path, ValueError("no store_id"))
    return result


def _bad_manifest(path: Path, exc: Exception) -> StoreError:
    return StoreError(
        "store.manifest_invalid",
        f"{path} is damaged ({exc}); restore it from a backup to open the store.",
        path=str(path),
    )


def write_manifest(data_dir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    write_atomic(data_dir / MANIFEST_FILENAME, text.encode("utf-8"))
