"""``crm-desktop backup FILE`` and ``crm-desktop restore FILE [--yes]``.

A backup is encrypted with the store's own key: a passphrase store's backup
opens with that passphrase; a keychain store's backup only with that store's
keychain key, so restore it into the same data directory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crm_desktop.cli.common import EXIT_ERROR, EXIT_OK
from crm_desktop.cli.session import data_dir, opened_store, passphrase_provider
from crm_desktop.errors import CrmError


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    backup = sub.add_parser(
        "backup",
        parents=[common],
        help="write an encrypted, verified copy of the store to FILE",
        description="Write an encrypted copy of the store to FILE, check it, then put it in "
        "place (an existing FILE is replaced only when the new backup verified). The "
        "backup opens with the store's key: its passphrase, or for a keychain store "
        "only that store's keychain key (restore it into the same data directory).",
    )
    backup.add_argument("file", metavar="FILE", nargs="?")
    backup.add_argument(
        "--auto",
        action="store_true",
        help="follow the automatic schedule: back up into the backups folder only when one "
        "is due, then keep the newest N (for cron or a timer)",
    )
    backup.add_argument(
        "--list", action="store_true", help="list the automatic backups, newest first"
    )
    backup.set_defaults(handler=run_backup, parser=backup)

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="replace the store with a backup (the current one is kept aside)",
        description="Check the backup FILE, move the current store into "
        "DATA_DIR/before-restore-<time>/, and put the backup in its place. Close the "
        "app first.",
    )
    restore.add_argument("file", metavar="FILE", nargs="?")
    restore.add_argument(
        "--latest", action="store_true", help="restore the newest automatic backup"
    )
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(handler=run_restore, parser=restore)


def run_backup(args: argparse.Namespace) -> int:
    from crm_desktop.cli.progress import ProgressBar
    from crm_desktop.store.backup import backup_store

    if args.list:
        return _list_backups(args)
    if args.auto:
        if args.file:
            raise CrmError("cli.usage", "give either FILE or --auto, not both")
        return _auto_backup(args)
    if not args.file:
        raise CrmError("cli.usage", "give the backup FILE (or --auto, or --list)")
    target = Path(args.file).expanduser()
    with opened_store(args) as store:
        bar = ProgressBar("backup") if sys.stderr.isatty() else None
        try:
            info = backup_store(store, target, progress=bar.update if bar else None)
        finally:
            if bar:
                bar.close()
    print(f"Backup written to {info.path} ({_size(info.size)}), verified.")
    print(_counts_line(info.counts))
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    from crm_desktop.store.backup import restore_store

    directory = data_dir(args)
    if args.latest == bool(args.file):
        raise CrmError("cli.usage", "give the backup FILE to restore, or --latest")
    source = Path(args.file).expanduser() if args.file else _latest(directory)
    if not args.yes and not _confirm(directory, source):
        return EXIT_ERROR
    info = restore_store(directory, source, passphrase_provider())
    print(f"Restored {source} into {directory}.")
    print(_counts_line(info.counts))
    if info.previous is not None:
        print(f"The previous store was kept in {info.previous}")
    return EXIT_OK


def _auto_backup(args: argparse.Namespace) -> int:
    from crm_desktop.services.backup_schedule import load_schedule, next_due, run_if_due

    directory = data_dir(args)
    schedule = load_schedule(directory)
    if not schedule.enabled:
        print("Automatic backups are switched off; nothing was done.")
        return EXIT_OK
    with opened_store(args) as store:
        outcome = run_if_due(store)
    if outcome is None:
        due = next_due(directory, schedule)
        when = due.strftime("%Y-%m-%d %H:%M UTC") if due else "never"
        print(f"No backup due (the next is due {when}); nothing was done.")
        return EXIT_OK
    info, removed = outcome
    print(f"Backup written to {info.path} ({_size(info.size)}), verified.")
    print(_counts_line(info.counts))
    for path in removed:
        print(f"Removed old backup {path.name} (keeping the newest {schedule.keep}).")
    return EXIT_OK


def _list_backups(args: argparse.Namespace) -> int:
    from crm_desktop.services.backup_schedule import list_backups, load_schedule

    directory = data_dir(args)
    schedule = load_schedule(directory)
    folder = schedule.directory(directory)
    backups = list_backups(folder)
    state = (
        f"every {schedule.interval_hours} h, keeping {schedule.keep}" if schedule.enabled else "off"
    )
    print(f"Automatic backups: {state}; folder {folder}")
    for backup in backups:
        print(f"{backup.taken_at:%Y-%m-%d %H:%M:%S} UTC  {_size(backup.size):>10}  {backup.path}")
    if not backups:
        print("No automatic backups yet.")
    return EXIT_OK


def _latest(directory: Path) -> Path:
    from crm_desktop.services.backup_schedule import latest_backup

    latest = latest_backup(directory)
    if latest is None:
        raise CrmError("backup.missing", f"No automatic backup of the store in {directory}.")
    return latest.path


def _confirm(directory: Path, source: Path) -> bool:
    stream = sys.stdin
    if stream is None or not stream.isatty():
        raise CrmError(
            "cli.confirmation_required",
            "restore replaces the store: run it on a terminal, or add --yes.",
        )
    answer = input(
        f"Replace the store in {directory} with {source}? (the current one is kept aside) [y/N] "
    )
    if answer.strip().lower() not in ("y", "yes"):
        sys.stderr.write("Nothing was changed.\n")
        return False
    return True


def _counts_line(counts: dict[str, int]) -> str:
    from crm_desktop.cli.export_cmd import PLURALS

    parts = [
        f"{counts[name]:,} {plural if counts[name] != 1 else name}"
        for name, plural in PLURALS.items()
        if name in counts
    ]
    return "Holds " + (", ".join(parts) if parts else "no records") + "."


def _size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover
