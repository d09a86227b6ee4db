"""``crm-server``: set up the HQ database, manage users and devices, and serve the API.

A small office needs two commands: ``crm-server user add NAME --role admin``
and ``crm-server serve``; the database then is an SQLite file in the user data
directory. Start-up stays light: this module imports only the standard
library, each command imports what it needs, and only ``serve`` loads the web
stack (FastAPI, uvicorn).

Exit codes: 0 success, 1 an error the user can act on (printed as
``crm-server: error: ...``, never a traceback), 2 bad usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crm_server import APP_NAME, __version__
from crm_server.errors import ServerError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
ROLES = ("rep", "manager", "admin")  # crm_server.models.ROLES, without importing SQLModel


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="HQ sync server for crm-desktop.",
        epilog="Environment: CRM_SERVER_DATABASE_URL (the database, when --database-url is "
        "not given). Default: an SQLite file in the user data directory.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="sqlite:///PATH or postgresql://USER@HOST:PORT/DB",
    )
    # Also accepted after the command; SUPPRESS keeps the earlier value when absent there.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    init = commands.add_parser("init", parents=[common], help="create the database tables")
    init.set_defaults(handler=cmd_init)
    _register_users(commands, common)
    _register_devices(commands, common)
    _register_serve(commands, common)
    return parser


def _register_users(commands: Any, common: argparse.ArgumentParser) -> None:
    user = commands.add_parser("user", help="manage user accounts")
    actions = user.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        parents=[common],
        help="create a user (password from stdin's first line, or prompted)",
    )
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--team", help="the user's team (reps and managers see their team's)")
    add.set_defaults(handler=cmd_user_add)
    listing = actions.add_parser("list", parents=[common], help="list users")
    listing.set_defaults(handler=cmd_user_list)
    passwd = actions.add_parser("passwd", parents=[common], help="set a user's password")
    passwd.add_argument("name")
    passwd.set_defaults(handler=cmd_user_passwd)


def _register_devices(commands: Any, common: argparse.ArgumentParser) -> None:
    device = commands.add_parser("device", help="list and revoke signed-in devices")
    actions = device.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common], help="list devices")
    listing.set_defaults(handler=cmd_device_list)
    revoke = actions.add_parser("revoke", parents=[common], help="sign a device out")
    revoke.add_argument("id")
    revoke.add_argument(
        "--wipe",
        action="store_true",
        help="also tell the device to erase its local data on its next contact",
    )
    revoke.set_defaults(handler=cmd_device_revoke)


def _register_serve(commands: Any, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser("serve", parents=[common], help="run the sync API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument("--port", type=int, default=8765, help="port (%(default)s)")
    serve.add_argument(
        "--workers", type=_positive, default=1, help="worker processes (%(default)s)"
    )
    serve.set_defaults(handler=cmd_serve)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (never raises for user errors)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed usage (exit 2) or help (exit 0)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
    except ServerError as exc:
        _error(exc.message)
    except KeyboardInterrupt:
        sys.stderr.write(f"\n{APP_NAME}: interrupted\n")
        return EXIT_INTERRUPTED
    except OSError as exc:  # the data directory cannot be created, ...
        _error(str(exc))
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        _error(f"database error: {_first_line(getattr(exc, 'orig', None) or exc)}")
    return EXIT_ERROR


def _is_database_error(exc: Exception) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, SQLAlchemyError)


def _first_line(exc: object) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _error(message: str) -> None:
    sys.stderr.write(f"{APP_NAME}: error: {message}\n")


# --- commands ----------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> Engine:
    """The engine for ``--database-url``, its schema created or checked."""
    from crm_server.config import resolve_database_url
    from crm_server.db import create_schema, make_engine

    engine = make_engine(resolve_database_url(args.database_url))
    try:
        create_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[Session]:
    """One write transaction on the database: committed when the command succeeds."""
    from crm_server.db import session_factory, transaction

    engine = _open(args)
    try:
        with transaction(session_factory(engine, write=True)) as session:
            yield session
    finally:
        engine.dispose()


def cmd_init(args: argparse.Namespace) -> int:
    from crm_server.config import resolve_database_url, safe_url

    _open(args).dispose()
    print(f"Database ready: {safe_url(resolve_database_url(args.database_url))}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from crm_server import auth

    password = read_password()
    with _session(args) as session:
        auth.add_user(session, args.name, password, args.role, args.team)
    print(f"User {args.name} added ({args.role}{f', team {args.team}' if args.team else ''}).")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from crm_server import auth

    password = read_password()
    with _session(args) as session:
        auth.set_password(session, args.name, password)
    print(f"Password of {args.name} changed.")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from crm_server import auth

    with _session(args) as session:
        rows = [
            [user.name, user.role, user.team or "-", "yes" if user.disabled else "no", str(count)]
            for user, count in auth.list_users(session)
        ]
    _print_table(["NAME", "ROLE", "TEAM", "DISABLED", "DEVICES"], rows)
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    from crm_server import auth

    with _session(args) as session:
        rows = [
            [
                device.id,
                device.user_name,
                device.name or "-",
                _when(device.created_at),
                _when(device.last_seen_at),
                _when(device.revoked_at) + (" (wipe)" if device.wipe else ""),
            ]
            for device in auth.list_devices(session)
        ]
    _print_table(["ID", "USER", "NAME", "CREATED", "LAST SEEN", "REVOKED"], rows)
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    from crm_server import auth

    with _session(args) as session:
        device = auth.revoke_device(session, args.id, wipe=args.wipe)
        wipe = device.wipe
    effect = "will erase its local data" if wipe else "must sign in again"
    print(f"Device {args.id} revoked: on its next contact it {effect}.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Create the schema if missing, then run uvicorn in the foreground until interrupted."""
    import uvicorn

    from crm_server.config import DATABASE_URL_ENV, resolve_database_url, safe_url

    url = resolve_database_url(args.database_url)
    engine = _open(args)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"{APP_NAME} {__version__} serving http://{host}:{args.port} "
        f"(database {safe_url(url)}); Ctrl+C stops it.",
        flush=True,
    )
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_config": _log_config(),
        "log_level": "info",
    }
    if args.workers == 1:
        from crm_server.app import create_app

        uvicorn.run(create_app(engine), **options)
        return 0
    # Worker processes build their own app; they find the database in the environment.
    engine.dispose()
    os.environ[DATABASE_URL_ENV] = url
    uvicorn.run("crm_server.app:app_from_env", factory=True, workers=args.workers, **options)
    return 0


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the server's own logger (errors, warnings) added at info."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["crm_server"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


# --- input and output --------------------------------------------------------------------


def read_password(prompt: Callable[[str], str] | None = None) -> str:
    """The first line of stdin when it is piped (scripts), else typed twice at a prompt."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    prompt = prompt or getpass.getpass
    first = prompt("Password: ")
    if prompt("Repeat the password: ") != first:
        raise ServerError("cli.password_mismatch", "The passwords do not match.")
    return first


def _when(moment: datetime | None) -> str:
    """In the local time zone; SQLite hands back naive datetimes, stored as UTC."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    if not rows:
        print("(none)")
        return
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())


__all__ = ["build_parser", "main", "read_password"]
