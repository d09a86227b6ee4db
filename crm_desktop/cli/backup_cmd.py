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
    backup.add_argument("file", metavar="FILE")
    backup.set_defaults(handler=run_backup, parser=backup)

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="replace the store with a backup (the current one is kept aside)",
        description="Check the backup FILE, move the current store into "
        "DATA_DIR/before-restore-<time>/, and put the backup in its place. Close the "
        "app first.",
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(handler=run_restore, parser=restore)


def run_backup(args: argparse.Namespace) -> int:
    from crm_desktop.cli.progress import ProgressBar
    from crm_desktop.store.backup import backup_store

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

    source = Path(args.file).expanduser()
    directory = data_dir(args)
    if not args.yes and not _confirm(directory, source):
        return EXIT_ERROR
    info = restore_store(directory, source, passphrase_provider())
    print(f"Restored {source} into {directory}.")
    print(_counts_line(info.counts))
    if info.previous is not None:
        print(f"The previous store was kept in {info.previous}")
    return EXIT_OK


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
