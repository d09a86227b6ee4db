"""``crm-desktop login | sync | conflicts | logout``: this device and the HQ server.

Start-up stays light: the HTTP client, the sync engine and the services are
imported inside the handlers. The transport always comes from
`crm_desktop.sync.transport.make_transport` (looked up when called), the one
seam tests replace to talk to a fake server.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from crm_desktop.cli.common import EXIT_OK
from crm_desktop.cli.output import print_json, print_table
from crm_desktop.cli.session import data_dir, opened_store
from crm_desktop.errors import CrmError

if TYPE_CHECKING:
    from crm_desktop.cli.progress import ProgressBar
    from crm_desktop.store.engine import Store
    from crm_desktop.sync.engine import SyncReport
    from crm_desktop.sync.errors import NetworkError
    from crm_desktop.sync.protocol import LoginRequest

SHORT_ID = 8  # characters of an id shown in tables; more when needed to tell ids apart
# What `sync --json` prints of a SyncReport (not its ChangeSet, which is for views).
REPORT_FIELDS = (
    "pushed",
    "duplicates",
    "rejected",
    "pulled",
    "removed",
    "conflicts",
    "full_resync",
    "cursor",
    "mismatch",
)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    _register_login(sub, common)

    sync = sub.add_parser(
        "sync",
        parents=[common],
        help="send local changes to the server and fetch others'",
        description="One sync round with the server this device signed in to.",
    )
    sync.add_argument("--json", action="store_true", help="machine-readable output")
    sync.set_defaults(handler=run_sync, parser=sync)

    _register_conflicts(sub, common)

    logout = sub.add_parser(
        "logout",
        parents=[common],
        help="sign this device out of the server",
        description="Revoke this device's token on the server and forget it here. "
        "The local data stays.",
    )
    logout.set_defaults(handler=run_logout, parser=logout)


def _register_login(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    login = sub.add_parser(
        "login",
        parents=[common],
        help="sign this device in to the HQ server",
        description="Sign in to the HQ server. The password is read from the first line "
        "of standard input when it is not a terminal, else asked for; it is sent once "
        "and never stored.",
    )
    login.add_argument("--server", required=True, metavar="URL", help="e.g. https://hq.example")
    login.add_argument("--user", required=True, metavar="NAME")
    login.add_argument("--device-name", metavar="N", help="default: this computer's name")
    login.add_argument(
        "--ca-bundle",
        metavar="PATH",
        help="certificate authority file for a server signed by HQ's own authority "
        "(default: $CRM_CA_BUNDLE, else the system's)",
    )
    login.add_argument(
        "--insecure-http-ok",
        action="store_true",
        help="allow a plain http address to another machine (the password and data "
        "travel unencrypted)",
    )
    login.set_defaults(handler=run_login, parser=login)


def _register_conflicts(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    conflicts = sub.add_parser(
        "conflicts",
        parents=[common],
        help="list and resolve sync conflicts",
        description="Fields edited here and elsewhere at the same time; the server kept one "
        "value and the other is shown here until you choose.",
    )
    conflicts.add_argument("--all", action="store_true", help="include resolved conflicts")
    conflicts.add_argument("--json", action="store_true", help="machine-readable output")
    conflicts.set_defaults(handler=run_conflicts, parser=conflicts)
    actions = conflicts.add_subparsers(title="actions", metavar="ACTION")

    resolve = actions.add_parser("resolve", parents=[common], help="keep one side of a conflict")
    resolve.add_argument("id", help="the conflict's id as listed (or any unique start or end)")
    resolve.add_argument("--keep", required=True, choices=("mine", "theirs"))
    resolve.set_defaults(handler=run_resolve, parser=resolve)

    rejected = actions.add_parser(
        "rejected", parents=[common], help="changes the server refused, with its reasons"
    )
    rejected.add_argument("--json", action="store_true", help="machine-readable output")
    rejected.set_defaults(handler=run_rejected, parser=rejected)


# -- login -----------------------------------------------------------------------------
def run_login(args: argparse.Namespace) -> int:
    from crm_desktop.sync import transport as http
    from crm_desktop.sync.account import Account, save_account
    from crm_desktop.sync.errors import NetworkError

    server = http.parse_server_url(args.server)
    if server.insecure and not args.insecure_http_ok:
        raise CrmError(
            "sync.insecure_url",
            f"{server.base} uses plain http, so the password would cross the network "
            "unencrypted: give an https address, or add --insecure-http-ok if this network "
            "is trusted.",
        )
    ca_bundle = _ca_bundle(args.ca_bundle)
    with opened_store(args, create=True) as store:
        _check_same_account(store, server.base, args.user)
        password = read_password(f"Password for {args.user} on {server.base}: ")
        with http.make_transport(server.base, ca_bundle=ca_bundle) as transport:
            if transport.warning:
                _warn(transport.warning)
            try:
                transport.hello()
                answer = transport.login(_login_request(args, password, store.device_id))
            except NetworkError as exc:  # "changes stay queued" means nothing here
                reason = str(exc.params.get("reason", ""))
                raise NetworkError(
                    reason,
                    message=f"Cannot reach the server ({reason}): check the address and the "
                    "network, then try again.",
                ) from None
        account = Account(server.base, answer.user, answer.role, answer.team, ca_bundle)
        where = save_account(store, account, answer.token)
    team = f", {answer.team}" if answer.team else ""
    print(f"Signed in to {server.base} as {answer.user} ({answer.role}{team}).")
    if where == "store":
        print("The device token is kept in the encrypted store (no OS keychain here).")
    return EXIT_OK


def _ca_bundle(given: str | None) -> str | None:
    """The CA file as an absolute path (later syncs may run elsewhere), checked now."""
    if not given:
        return None
    from pathlib import Path

    from crm_desktop.sync.transport import ssl_verify

    path = str(Path(given).expanduser().resolve())
    ssl_verify(path)  # an unreadable file is reported before the password is asked
    return path


def _check_same_account(store: Store, server: str, user: str) -> None:
    """Signing in again as the same user is fine (a new token); switching is not, because
    the changes waiting here would be sent in the new user's name."""
    from crm_desktop.sync.account import load_account

    current = load_account(store)
    if current is not None and (current.server, current.user) != (server, user):
        raise CrmError(
            "sync.signed_in_elsewhere",
            f"This device is signed in as {current.user} on {current.server}: "
            "run crm-desktop logout first.",
        )


def _login_request(args: argparse.Namespace, password: str, device_id: str) -> LoginRequest:
    import socket

    from pydantic import ValidationError

    from crm_desktop.sync.protocol import LoginRequest

    try:
        return LoginRequest(
            user=args.user,
            password=password,
            device_id=device_id,
            device_name=args.device_name or socket.gethostname(),
        )
    except ValidationError as exc:
        field = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "input"
        raise CrmError(
            "sync.invalid_login", f"The {field.replace('_', ' ')} is too long."
        ) from None


def read_password(prompt: str) -> str:
    """The password: first line of stdin when it is not a terminal, else asked (not echoed)."""
    stream = sys.stdin
    if stream is not None and stream.isatty():
        import getpass

        try:
            password = getpass.getpass(prompt)
        except EOFError:
            password = ""
    else:
        password = (stream.readline() if stream is not None else "").rstrip("\r\n")
    if not password:
        raise CrmError("sync.password_required", "No password was entered.")
    return password


# -- sync --------------------------------------------------------------------------------
def run_sync(args: argparse.Namespace) -> int:
    from crm_desktop.sync.account import forget_account, transport_for, wipe_local_data
    from crm_desktop.sync.engine import SyncEngine
    from crm_desktop.sync.errors import DeviceRevokedError, NetworkError

    directory = data_dir(args)
    revoked: DeviceRevokedError | None = None
    with opened_store(args) as store:
        store_id = store.store_id
        transport = transport_for(store)
        if transport.warning:
            _warn(transport.warning)
        progress = PhaseProgress() if sys.stderr.isatty() else None
        try:
            with transport:
                report = SyncEngine(store, transport).sync(progress=progress)
        except NetworkError as exc:
            raise _offline(store, exc) from None
        except DeviceRevokedError as exc:
            if not exc.wipe:
                forget_account(store)
                raise DeviceRevokedError(f"{exc.message} This device is signed out.") from None
            revoked = exc
        finally:
            if progress is not None:
                progress.close()
    if revoked is not None:  # the store is closed now: its files can go
        wipe_local_data(directory, store_id)
        raise DeviceRevokedError(
            f"{revoked.message} As HQ asked, this device's local data was wiped.", wipe=True
        )
    if args.json:
        print_json({name: getattr(report, name, None) for name in REPORT_FIELDS})
    else:
        for line in report_lines(report):
            print(line)
    return EXIT_OK


def _offline(store: Store, exc: NetworkError) -> NetworkError:
    """The same error, saying how many changes wait for the network."""
    from crm_desktop.sync.engine import pending_count
    from crm_desktop.sync.errors import NetworkError

    waiting = pending_count(store)
    reason = str(exc.params.get("reason", "the server cannot be reached"))
    verb = "is" if waiting == 1 else "are"
    params = {k: v for k, v in exc.params.items() if k != "reason"}
    return NetworkError(
        reason,
        message=f"Offline: {reason}. {_plural(waiting, 'change')} {verb} waiting to be sent; "
        "nothing is lost.",
        waiting=waiting,
        **params,
    )


def report_lines(report: SyncReport) -> list[str]:
    """What one sync round moved, in sentences."""
    lines = ["A full re-sync with the server ran."] if report.full_resync else []
    pushed = f"Pushed {_plural(report.pushed, 'change')}"
    if report.duplicates:
        pushed += f" ({report.duplicates:,} already on the server)"
    lines.append(
        f"{pushed}, pulled {_plural(report.pulled, 'record')}, removed {report.removed:,}."
    )
    if report.conflicts:
        lines.append(f"{_plural(report.conflicts, 'new conflict')} (run `crm-desktop conflicts`).")
    if report.rejected:
        lines.append(
            f"{_plural(report.rejected, 'change')} rejected by the server "
            "(run `crm-desktop conflicts rejected`)."
        )
    mismatch = getattr(report, "mismatch", None) or {}
    if mismatch:
        differences = ", ".join(
            f"{entity} {here:,} here, {there:,} on the server"
            for entity, (here, there) in sorted(mismatch.items())
        )
        lines.append(f"Counts still differ from the server's after the re-sync: {differences}.")
    return lines


class PhaseProgress:
    """Adapts the engine's ``progress(phase, done, total)`` to one bar per phase on stderr."""

    def __init__(self) -> None:
        self.phase: str | None = None
        self.bar: ProgressBar | None = None
        self._counting = False

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        from crm_desktop.cli.progress import ProgressBar

        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = ProgressBar(phase) if total else None
        if self.bar is not None and total:
            self.bar.update(done, total)
        else:  # no total known (pulling until the server says "no more"): a count
            sys.stderr.write(f"\r{phase}: {done:,}")
            sys.stderr.flush()
            self._counting = True

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self._counting:
            sys.stderr.write("\n")
            self._counting = False


# -- conflicts ----------------------------------------------------------------------------
def run_conflicts(args: argparse.Namespace) -> int:
    from crm_desktop.services.conflicts import list_conflicts

    with opened_store(args) as store:
        views = list_conflicts(store, include_resolved=args.all)
    if args.json:
        print_json([_as_dict(v) for v in views])
        return EXIT_OK
    if not views:
        print("No conflicts." if args.all else "No open conflicts.")
        return EXIT_OK
    short = short_ids([str(v.id) for v in views])
    headers = ["ID", "ENTITY", "RECORD", "FIELD", "MINE", "THEIRS", "BY, WHEN"]
    rows = []
    for view in views:
        row = [
            short[str(view.id)],
            view.entity,
            view.record_id,
            view.field_name or "",
            show_value(view.mine),
            show_value(view.theirs),
            f"{view.theirs_user or '?'}, {_local_time(view.when)}",
        ]
        if args.all:
            row.append("resolved" if view.resolved else "open")
        rows.append(row)
    print_table([*headers, "STATUS"] if args.all else headers, rows)
    return EXIT_OK


def run_resolve(args: argparse.Namespace) -> int:
    from crm_desktop.services.conflicts import list_conflicts, resolve_conflict

    with opened_store(args) as store:
        views = {str(v.id): v for v in list_conflicts(store)}
        chosen = views[match_id(args.id, list(views), what="open conflict")]
        resolve_conflict(store, chosen.id, args.keep)
    field = f" {chosen.field_name}" if chosen.field_name else ""
    print(
        f"Resolved: kept {args.keep} for {chosen.entity} {chosen.record_id}{field}. "
        "The choice is shared at the next sync."
    )
    return EXIT_OK


def run_rejected(args: argparse.Namespace) -> int:
    from crm_desktop.services.conflicts import list_rejected

    with opened_store(args) as store:
        views = list_rejected(store)
    if args.json:
        print_json([_as_dict(v) for v in views])
        return EXIT_OK
    if not views:
        print("No rejected changes.")
        return EXIT_OK
    short = short_ids([str(v.change_id) for v in views])
    print_table(
        ("CHANGE", "ENTITY", "RECORD", "FIELDS", "REASON", "WHEN"),
        [
            (
                short[str(v.change_id)],
                v.entity,
                v.record_id,
                _field_names(v.fields),
                v.reason or v.code,
                _local_time(v.at),
            )
            for v in views
        ],
        max_width=60,
    )
    return EXIT_OK


# -- logout --------------------------------------------------------------------------------
def run_logout(args: argparse.Namespace) -> int:
    from crm_desktop.sync.account import forget_account, load_account
    from crm_desktop.sync.engine import pending_count

    with opened_store(args) as store:
        account = load_account(store)
        if account is None:
            print("This device is not signed in.")
            return EXIT_OK
        note = _revoke_on_server(store)
        forget_account(store)
        waiting = pending_count(store)
    print(f"Signed out of {account.server}.")
    if note:
        print(note)
    if waiting:
        print(
            f"{_plural(waiting, 'local change')} not sent yet stay here; they are sent after "
            "the next sign-in."
        )
    return EXIT_OK


def _revoke_on_server(store: Store) -> str | None:
    """Tell the server the token is no longer used; a note when it could not be told."""
    from crm_desktop.sync.account import transport_for
    from crm_desktop.sync.errors import AuthError, DeviceRevokedError, NotSignedInError, SyncError

    try:
        with transport_for(store) as transport:
            transport.logout()
    except (AuthError, DeviceRevokedError, NotSignedInError):
        return None  # the server already refuses the token: nothing to revoke
    except SyncError as exc:
        return (
            f"The server could not be told ({exc.message}); it keeps accepting this "
            "device's old token until HQ revokes the device."
        )
    return None


# -- helpers -------------------------------------------------------------------------------
def short_ids(ids: Sequence[str], minimum: int = SHORT_ID) -> dict[str, str]:
    """Each id's shortest distinguishing end (at least `minimum` characters).

    The end, not the start: ids made in the same millisecond share their start
    (UUIDv7) and differ in their last digits.
    """
    result = {}
    for current in ids:
        length = min(minimum, len(current))
        while length < len(current) and any(
            other != current and other.endswith(current[-length:]) for other in ids
        ):
            length += 1
        result[current] = current[-length:]
    return result


def match_id(given: str, ids: Sequence[str], *, what: str) -> str:
    """The one id among `ids` equal to `given`, or starting or ending with it."""
    text = given.strip()
    if text in ids:
        return text
    found = [i for i in ids if text and (i.startswith(text) or i.endswith(text))]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CrmError("cli.no_match", f"No {what} with id {given}.", id=given)
    raise CrmError(
        "cli.ambiguous_id",
        f"{given} matches {len(found)} of them: give more characters of the id.",
        id=given,
    )


def show_value(value: Any) -> str:
    """A field value in a table cell."""
    import json

    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _field_names(fields: Any) -> str:
    if isinstance(fields, dict):
        return ", ".join(sorted(fields))
    return show_value(fields)


def _local_time(moment: Any) -> str:
    from datetime import UTC, datetime

    if not isinstance(moment, datetime):
        return str(moment or "")
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


def _as_dict(value: Any) -> dict[str, Any]:
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return dict(vars(value))


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _warn(message: str) -> None:
    sys.stderr.write(f"crm-desktop: warning: {message}\n")
