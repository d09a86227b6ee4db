"""``crm-desktop``: the command line over the headless core.

Without a command it opens the desktop app; `summary` opens (on first run
creates) the store and says what it holds. Start-up stays light: this module
imports only the standard library, and each command imports the services it
needs when it runs (DESIGN §8: sqlmodel alone costs ~0.45 s to import).

Exit codes: 0 success, 1 an error the user can act on (printed as
``crm-desktop: error: ...``, never a traceback), 2 bad usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from crm_desktop import APP_NAME, __version__
from crm_desktop.cli import commands, contact, sync_commands
from crm_desktop.cli.backup_cmd import register as register_backup
from crm_desktop.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from crm_desktop.cli.export_cmd import register as register_export
from crm_desktop.cli.import_cmd import register as register_import
from crm_desktop.cli.privacy_cmd import register as register_privacy
from crm_desktop.errors import CrmError

# Service errors that mean "the command line was wrong", not "the data was".
USAGE_CODES = frozenset({"cli.usage", "validation.unknown_field"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="Offline-first CRM over an encrypted local store.",
        epilog="Environment: CRM_DATA_DIR (data directory), CRM_PASSPHRASE (store passphrase "
        "where no OS keychain exists), CRM_USER (owner of new records).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation works (a temporary store, the window rendered "
        "offscreen, translations) and exit; touches none of your data",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="the store's directory (default: $CRM_DATA_DIR, else the user data directory)",
    )
    # Also accepted after the command; SUPPRESS keeps the earlier value when absent there.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    subcommands = parser.add_subparsers(title="commands", metavar="COMMAND")
    commands.register(subcommands, common)
    contact.register(subcommands, common)
    sync_commands.register(subcommands, common)
    register_export(subcommands, common)
    register_import(subcommands, common)
    register_backup(subcommands, common)
    register_privacy(subcommands, common)
    parser.set_defaults(handler=commands.gui, parser=parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code (never raises for user errors)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage (exit 2) or help (exit 0)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.self_test:
        return commands.self_test()
    try:
        return int(args.handler(args) or 0)
    except CrmError as exc:
        if exc.code in USAGE_CODES:
            args.parser.print_usage(sys.stderr)
        _error(exc.message)
        return EXIT_USAGE if exc.code in USAGE_CODES else EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write(f"\n{APP_NAME}: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`crm-desktop contact list | head`): not an error.
        # Point stdout at devnull so the flush at exit does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # the data directory unwritable, disk full, ...
        _error(str(exc))
        return EXIT_ERROR


def _error(message: str) -> None:
    sys.stderr.write(f"{APP_NAME}: error: {message}\n")


__all__ = ["UsageError", "build_parser", "main"]
