"""`python -m benchmarks [--contacts N ...] [--quick] [--sync] [--gui] [--board]`: figures.

Each figure is printed with its ratio to a baseline measured in the same run
on the same data: raw `sqlcipher3` (no SQLAlchemy, no services) doing the
nearest equivalent work, or plain SQLite for the encryption overhead; for
sync, the server's own work without HTTP, the store's own bulk insert, an
empty store, or a single client (see `benchmarks.sync_bench`); for the
desktop app, a bare PySide6 window process and raw `sqlcipher3` pages (see
`benchmarks.gui_bench`). Targets are the issue's; a machine that is busy
elsewhere moves both sides together.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import core, gui_bench, sync_bench
from benchmarks.timing import HEADER, Figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--contacts",
        type=int,
        nargs="+",
        default=[100_000, 1_000_000],
        help="demo store sizes to measure (default: 100000 1000000)",
    )
    parser.add_argument(
        "--insert",
        type=int,
        default=100_000,
        help="contacts in the bulk insert figure (default: 100000)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (20k store, 10k insert) for a smoke run"
    )
    parser.add_argument(
        "--sync",
        action="store_true",
        help="only the sync figures (a crm-server subprocess; PostgreSQL on 127.0.0.1:5432)",
    )
    parser.add_argument(
        "--gui",
        action="store_true",
        help="only the desktop app's figures (start-up on the smallest store, scrolling the "
        "largest)",
    )
    parser.add_argument(
        "--import",
        dest="import_rows",
        type=int,
        nargs="?",
        const=100_000,
        default=None,
        metavar="ROWS",
        help="only the CSV import figure (default 100000 rows; ratio against raw csv parsing)",
    )
    parser.add_argument(
        "--board",
        action="store_true",
        help="only the funnel board's figures (2,000 open deals: open, drop, move round trip)",
    )
    parser.add_argument(
        "--dashboard",
        action="store_true",
        help="only the dashboard's figures (refresh on ~1M activities; builds its store once)",
    )
    args = parser.parse_args(argv)
    sizes, insert = ([20_000], 10_000) if args.quick else (args.contacts, args.insert)
    everything = not (args.sync or args.gui or args.board or args.dashboard or args.import_rows)
    print(f"machine: {core.machine()}")
    figures: list[Figure] = []
    if everything:
        figures += core.bench_bulk_insert(insert)
        for size in sizes:
            figures += core.bench_store(size)
    if everything or args.sync:
        figures += sync_bench.bench_sync(sync_bench.QUICK if args.quick else sync_bench.FULL)
    if everything or args.gui:
        figures += gui_bench.bench_gui(min(sizes), max(sizes))
    if everything or args.import_rows:
        from benchmarks import import_bench

        rows = args.import_rows or (10_000 if args.quick else 100_000)
        figures += import_bench.bench_import(rows)
    if everything or args.board:
        from benchmarks import board_bench  # Qt, imported only when measured

        figures += board_bench.bench_board()
    if everything or args.dashboard:
        from benchmarks import dashboard_bench  # Qt and pyqtgraph, imported only when measured

        figures += dashboard_bench.bench_dashboard(quick=args.quick)
    print()
    print(HEADER)
    for figure in figures:
        print(figure.line())
    missed = [f.name for f in figures if f.ok is False]
    if missed:
        print(f"\n{len(missed)} target(s) missed.", file=sys.stderr)
    return 0
