"""The data directory: private folder, atomic writes of small sensitive files."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

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
    path = data_dir / MANIFEST_FILENAME
    if not path.exists():
        return None
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


def write_manifest(data_dir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    write_atomic(data_dir / MANIFEST_FILENAME, text.encode("utf-8"))
