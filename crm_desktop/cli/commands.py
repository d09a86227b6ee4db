"""Store-wide commands: the summary (no command), demo, search, stats, check."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crm_desktop.cli.common import EXIT_ERROR, EXIT_OK, int_range
from crm_desktop.cli.output import print_fields, print_json, print_table
from crm_desktop.cli.session import data_dir, opened_store, passphrase_provider, store_exists

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store

MAX_DEMO_CONTACTS = 10_000_000  # services.demo.MAX_CONTACTS, not imported: start-up stays light
MAX_SEARCH_LIMIT = 1_000


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    summary_parser = sub.add_parser(
        "summary",
        parents=[common],
        help="open (create) the store and say what it holds",
        description="Open the store, creating it on first run, and print what it holds.",
    )
    summary_parser.set_defaults(handler=summary)
    demo = sub.add_parser(
        "demo",
        parents=[common],
        help="fill the store with demo data",
        description="Add a realistic demo dataset (the same for the same seed).",
    )
    demo.add_argument(
        "--contacts",
        required=True,
        metavar="N",
        type=int_range(1, MAX_DEMO_CONTACTS),
        help="how many contacts to add",
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    demo.add_argument(
        "--language",
        choices=("en", "zh"),
        default="en",
        help="stage names of the default pipeline, if it is created now",
    )
    demo.set_defaults(handler=run_demo, parser=demo)

    search = sub.add_parser("search", parents=[common], help="find contacts and companies")
    search.add_argument("query", help="name, pinyin or initials, company, email, phone, tag...")
    search.add_argument("--limit", type=int_range(1, MAX_SEARCH_LIMIT), default=20, metavar="N")
    search.add_argument("--entity", choices=("contact", "company"), help="search only these")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.set_defaults(handler=run_search, parser=search)

    reindex = sub.add_parser(
        "reindex",
        parents=[common],
        help="rebuild the search index",
        description="Rebuild the full-text search index from the records.",
    )
    reindex.set_defaults(handler=run_reindex, parser=reindex)

    stats = sub.add_parser("stats", parents=[common], help="count the records")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(handler=run_stats, parser=stats)

    check = sub.add_parser(
        "check",
        parents=[common],
        help="check the store's integrity",
        description="Check structure, page authentication codes and links; "
        "exit status 1 when a problem is found.",
    )
    check.add_argument(
        "--full",
        action="store_true",
        help="also verify every index against its table (slow on big stores)",
    )
    check.set_defaults(handler=run_check, parser=check)


# -- summary -------------------------------------------------------------------
def self_test() -> int:
    """`--self-test`: check this installation in a temporary store; the exit code."""
    from crm_desktop.views.app import run_self_test

    return run_self_test()


def gui(args: argparse.Namespace) -> int:
    """No command: the desktop app (a clear error where there is no screen)."""
    import os
    import sys

    headless = sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )
    if headless:
        print(
            "crm-desktop: error: no screen to open the app on (DISPLAY is not set). "
            "The command line works without one: see `crm-desktop --help`, "
            "e.g. `crm-desktop summary`.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    missing = _missing_x11_library()
    if missing:
        print(
            f"crm-desktop: error: Qt cannot open a window on X11 without {missing}. "
            "On Debian/Ubuntu: `sudo apt install libxcb-cursor0 libxcb-icccm4 "
            "libxcb-keysyms1 libxkbcommon-x11-0`.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    from crm_desktop.views.app import run

    return run(data_dir(args))


def _missing_x11_library() -> str | None:
    """A system library Qt's X11 plugin needs and cannot find (Qt would abort)."""
    import sys

    if getattr(sys, "frozen", False):  # the bundle carries its own copies
        return None
    import ctypes
    import ctypes.util
    import importlib.util
    import os
    from pathlib import Path

    on_x11 = sys.platform.startswith("linux") and os.environ.get("DISPLAY")
    if not on_x11 or os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        return None
    if os.environ.get("WAYLAND_DISPLAY") and "QT_QPA_PLATFORM" not in os.environ:
        return None
    if not ctypes.util.find_library("xcb-cursor"):  # loaded by the plugin at run time
        return "libxcb-cursor.so.0"
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "lib" / "libQt6XcbQpa.so.6"
    try:
        if plugin.exists():
            ctypes.CDLL(str(plugin))
    except OSError as exc:  # "libxcb-icccm.so.4: cannot open shared object file..."
        return str(exc).split(":")[0]
    return None


def summary(args: argparse.Namespace) -> int:
    """Open (creating on first run) and say what the store holds."""
    from crm_desktop import __version__

    directory = data_dir(args)
    created = not store_exists(directory)
    with opened_store(args, create=True) as store:
        counts = store_counts(store)
        print(f"crm-desktop {__version__}")
        if created:
            print(f"Created a new encrypted store in {directory}.")
        print_fields(
            [
                ("Store", str(store.path)),
                ("Key", _key_source(store)),
                ("Contacts", f"{counts['contacts']:,}"),
                ("Companies", f"{counts['companies']:,}"),
                ("Deals", f"{counts['deals']:,}"),
                ("Activities", f"{counts['activities']:,}"),
                ("Tasks", f"{counts['tasks']:,}"),
            ]
        )
    return EXIT_OK


def _key_source(store: Store) -> str:
    if str(store.key_source) == "keychain":
        return "OS keychain"
    return "passphrase"


# -- stats -----------------------------------------------------------------------
Query = Callable[[str, tuple[Any, ...]], list[Any]]
"""Runs SQL with '?' parameters, returns the rows: over a Store or a bare connection."""

_TOTALS = {
    "contacts": "contact",
    "companies": "company",
    "deals": "deal",
    "activities": "activity",
    "tasks": "task",
}


def record_counts(query: Query, *, now: datetime | None = None) -> dict[str, int]:
    """Totals per kind of record, deals by status, open and overdue tasks.

    Overdue means due before today (local time), as the task lists count it.
    """
    today = (now or datetime.now()).astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    # Totals come from record_count, kept by the write path: count(*) over
    # millions of activities would take seconds.
    kept = dict(query("SELECT entity, count FROM record_count", ()))
    counts = {name: int(kept.get(table, 0)) for name, table in _TOTALS.items()}
    by_status = dict(query("SELECT status, count(*) FROM deal GROUP BY status", ()))
    for status in ("open", "won", "lost"):
        counts[f"deals_{status}"] = int(by_status.get(status, 0))
    # done = 0 (plus a due_at range) is exactly ix_task_open_due.
    counts["tasks_open"] = int(query("SELECT count(*) FROM task WHERE done = 0", ())[0][0])
    counts["tasks_overdue"] = int(
        query("SELECT count(*) FROM task WHERE done = 0 AND due_at < ?", (_stored(today),))[0][0]
    )
    return counts


def store_counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return record_counts(lambda sql, params: list(conn.exec_driver_sql(sql, params)))


def _stored(moment: datetime) -> str:
    """`moment` as the store writes datetimes (UTC text, microseconds), for comparisons."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def quick_counts(args: argparse.Namespace) -> dict[str, int]:
    """`record_counts` through the light reader when it can open the store, else the full way."""
    import sqlcipher3

    from crm_desktop.store.reader import open_reader, remembering

    provider = remembering(passphrase_provider())
    reader = open_reader(data_dir(args), provider)
    if reader is not None:
        try:
            return record_counts(lambda sql, params: reader.execute(sql, params).fetchall())
        except sqlcipher3.Error:
            pass  # the full path reports the problem in the store's words
        finally:
            reader.close()
    with opened_store(args, passphrase=provider) as store:
        return store_counts(store)


def run_stats(args: argparse.Namespace) -> int:
    counts = quick_counts(args)
    if args.json:
        print_json(counts)
        return EXIT_OK
    print_fields(
        [
            ("Contacts", f"{counts['contacts']:,}"),
            ("Companies", f"{counts['companies']:,}"),
            (
                "Deals",
                f"{counts['deals']:,} (open {counts['deals_open']:,}, "
                f"won {counts['deals_won']:,}, lost {counts['deals_lost']:,})",
            ),
            ("Activities", f"{counts['activities']:,}"),
            (
                "Tasks",
                f"{counts['tasks']:,} (open {counts['tasks_open']:,}, "
                f"overdue {counts['tasks_overdue']:,})",
            ),
        ]
    )
    return EXIT_OK


# -- demo ------------------------------------------------------------------------
def run_demo(args: argparse.Namespace) -> int:
    from crm_desktop.cli.progress import ProgressBar
    from crm_desktop.services.demo import generate_demo

    started = time.monotonic()
    with opened_store(args, create=True) as store:
        bar = ProgressBar("demo")
        try:
            result = generate_demo(
                store, args.contacts, seed=args.seed, progress=bar.update, language=args.language
            )
        finally:
            bar.close()
    print(
        f"Added {result.contacts:,} contacts, {result.companies:,} companies, "
        f"{result.deals:,} deals, {result.activities:,} activities and {result.tasks:,} tasks "
        f"in {time.monotonic() - started:.1f} s."
    )
    if result.rejected:
        print(f"{result.rejected:,} generated contacts were rejected by validation.")
    return EXIT_OK


# -- search ------------------------------------------------------------------------
def run_search(args: argparse.Namespace) -> int:
    from crm_desktop.services.search import search

    with opened_store(args) as store:
        hits = search(store, args.query, limit=args.limit, entity=args.entity)
    if args.json:
        print_json(
            [
                {"entity": h.entity, "id": h.record_id, "name": h.name, "detail": h.detail}
                for h in hits
            ]
        )
        return EXIT_OK
    if not hits:
        print("No matches.")
        return EXIT_OK
    print_table(
        ("TYPE", "NAME", "DETAIL", "ID"),
        [(h.entity, h.name, h.detail or "", h.record_id) for h in hits],
    )
    return EXIT_OK


# -- check -------------------------------------------------------------------------
def run_check(args: argparse.Namespace) -> int:
    from crm_desktop.store.integrity import check_integrity

    with opened_store(args) as store:
        report = check_integrity(store, full=args.full)
    checks = ", ".join(getattr(report, "checks", []) or [])
    if report.ok:
        print(f"OK: no problems found{f' ({checks})' if checks else ''}.")
        return EXIT_OK
    for problem in report.problems:
        print(problem)
    print(f"{len(report.problems)} problem(s) found.")
    return EXIT_ERROR


def run_reindex(args: argparse.Namespace) -> int:
    from crm_desktop.services.search import reindex

    with opened_store(args) as store:
        count = reindex(store)
    print(f"Search index rebuilt: {count:,} contacts and companies.")
    return EXIT_OK
