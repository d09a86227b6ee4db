"""Automatic encrypted backups: a schedule, when one is due, and rotation.

The schedule is kept in ``backup.json`` beside the store (no secret in it), so
the app's settings page and ``crm-desktop backup --auto`` (cron, a systemd
timer, Task Scheduler) share it. Defaults: on, once a day, keep the newest 7,
in ``<data dir>/backups``.

Backups are named ``crm-<UTC time>.backup``: only `backup_store` writes that
name, and it does so by renaming a file that verified (opens with the store's
key, page HMACs, integrity check, row counts), so every such file was good
when written. Rotation runs only after a new backup verified, keeps the
newest ``keep`` of them and never the new one's predecessors beyond that:
the newest good backup is therefore never deleted, whatever fails.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crm_desktop.errors import CrmError
from crm_desktop.store.files import ensure_private_dir, write_atomic

if TYPE_CHECKING:
    from crm_desktop.store.backup import BackupInfo, Progress
    from crm_desktop.store.engine import Store

SCHEDULE_FILENAME = "backup.json"
BACKUPS_DIRNAME = "backups"
DEFAULT_INTERVAL_HOURS = 24
DEFAULT_KEEP = 7
MAX_KEEP = 365
INTERVALS_HOURS = (1, 6, 12, 24, 24 * 7)  # what the settings page offers
_NAME = re.compile(r"^crm-(\d{8}T\d{6}(?:\d{6})?Z)\.backup$")
_STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class BackupSchedule:
    """When to back up automatically, how many to keep, and where."""

    enabled: bool = True
    interval_hours: int = DEFAULT_INTERVAL_HOURS
    keep: int = DEFAULT_KEEP
    folder: str | None = None  # None: <data dir>/backups

    def directory(self, data_dir: Path) -> Path:
        return Path(self.folder).expanduser() if self.folder else Path(data_dir) / BACKUPS_DIRNAME


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    size: int


def load_schedule(data_dir: Path) -> BackupSchedule:
    """The schedule of the store in `data_dir` (defaults when none was saved).

    A damaged file falls back to the defaults rather than stopping backups.
    """
    path = Path(data_dir) / SCHEDULE_FILENAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BackupSchedule()
    if not isinstance(raw, dict):
        return BackupSchedule()
    return _clean(raw)


def save_schedule(data_dir: Path, schedule: BackupSchedule) -> BackupSchedule:
    """Validate and write the schedule; returns it as saved."""
    checked = _validate(schedule)
    ensure_private_dir(Path(data_dir))
    text = json.dumps(asdict(checked), indent=2, sort_keys=True) + "\n"
    write_atomic(Path(data_dir) / SCHEDULE_FILENAME, text.encode("utf-8"))
    return checked


def _validate(schedule: BackupSchedule) -> BackupSchedule:
    if not 1 <= int(schedule.interval_hours) <= 24 * 31:
        raise CrmError(
            "backup.schedule_invalid", "The backup interval must be between 1 hour and 31 days."
        )
    if not 1 <= int(schedule.keep) <= MAX_KEEP:
        raise CrmError(
            "backup.schedule_invalid", f"Keep between 1 and {MAX_KEEP} backups.", maximum=MAX_KEEP
        )
    folder = (schedule.folder or "").strip() or None
    return replace(
        schedule,
        interval_hours=int(schedule.interval_hours),
        keep=int(schedule.keep),
        folder=folder,
    )


def _clean(raw: dict[str, Any]) -> BackupSchedule:
    default = BackupSchedule()
    try:
        return _validate(
            BackupSchedule(
                enabled=bool(raw.get("enabled", default.enabled)),
                interval_hours=int(raw.get("interval_hours", default.interval_hours)),
                keep=int(raw.get("keep", default.keep)),
                folder=str(raw["folder"]) if raw.get("folder") else None,
            )
        )
    except (CrmError, TypeError, ValueError):
        return default


def list_backups(directory: Path) -> list[BackupFile]:
    """The scheduled backups in `directory`, newest first (other files are ignored)."""
    found: list[BackupFile] = []
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return []
    for path in entries:
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        stamp = match.group(1)
        fmt = _STAMP if len(stamp) > 16 else "%Y%m%dT%H%M%SZ"
        try:
            taken = datetime.strptime(stamp, fmt).replace(tzinfo=UTC)
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupFile(path, taken, size))
    found.sort(key=lambda b: b.taken_at, reverse=True)
    return found


def latest_backup(data_dir: Path) -> BackupFile | None:
    """The newest scheduled backup of the store in `data_dir`, if any."""
    backups = list_backups(load_schedule(data_dir).directory(data_dir))
    return backups[0] if backups else None


def next_due(data_dir: Path, schedule: BackupSchedule | None = None) -> datetime | None:
    """When the next automatic backup is due (None: automatic backups are off)."""
    schedule = schedule or load_schedule(data_dir)
    if not schedule.enabled:
        return None
    backups = list_backups(schedule.directory(data_dir))
    if not backups:
        return datetime.min.replace(tzinfo=UTC)
    return backups[0].taken_at + timedelta(hours=schedule.interval_hours)


def is_due(data_dir: Path, now: datetime | None = None) -> bool:
    due = next_due(data_dir)
    return due is not None and (now or datetime.now(UTC)) >= due


def backup_now(
    store: Store,
    schedule: BackupSchedule | None = None,
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
) -> tuple[BackupInfo, list[Path]]:
    """Write a verified backup into the schedule's folder, then rotate.

    Returns the backup and the old backups removed by rotation. A backup that
    fails raises ``backup.failed`` and removes nothing.
    """
    from crm_desktop.store.backup import backup_store

    schedule = schedule or load_schedule(store.data_dir)
    directory = schedule.directory(store.data_dir)
    try:
        ensure_private_dir(directory)
    except OSError as exc:
        raise CrmError(
            "backup.failed", f"The backup folder {directory} cannot be used: {exc}"
        ) from exc
    _remove_stale_temp_files(directory)
    stamp = (now or datetime.now(UTC)).strftime(_STAMP)
    info = backup_store(store, directory / f"crm-{stamp}.backup", progress)
    return info, rotate(directory, schedule.keep, keep_path=info.path)


def _remove_stale_temp_files(directory: Path, older_than_s: float = 24 * 3600) -> None:
    """Temp files of backups cut short (the app closed mid-backup, a crash)."""
    import time

    limit = time.time() - older_than_s
    for path in directory.glob(".crm-*.backup.*.tmp"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()


def run_if_due(
    store: Store, progress: Progress | None = None, *, now: datetime | None = None
) -> tuple[BackupInfo, list[Path]] | None:
    """Back up when the schedule says one is due; None when not (or switched off)."""
    schedule = load_schedule(store.data_dir)
    due = next_due(store.data_dir, schedule)
    if due is None or (now or datetime.now(UTC)) < due:
        return None
    return backup_now(store, schedule, progress, now=now)


def rotate(directory: Path, keep: int, *, keep_path: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` (at least 1) scheduled backups; the paths removed.

    `keep_path`, the backup just written and verified, is never removed.
    """
    backups = list_backups(directory)
    removed: list[Path] = []
    for old in backups[max(1, keep) :]:
        if keep_path is not None and old.path == keep_path:
            continue
        try:
            old.path.unlink()
        except OSError:
            continue  # kept; the next rotation tries again
        removed.append(old.path)
    return removed
