"""The dashboard's figure (issue 3): a refresh on a store with 1M activities.

Store: a demo of 100,000 contacts with ~10 activities each (~1M activities,
~35k deals), built once into ``benchmarks/.data/dashboard-100000x10`` (several
minutes; `--quick` uses 20,000 contacts, ~200k activities).

Measured: the real `DashboardView` (offscreen) with its real worker
(`Runner`): wall time from `refresh()` to the `refreshed` signal, i.e. every
aggregate read on the worker and all six charts, the forecast and the alert
lists plotted on the GUI thread. The view is shown, so plotting is real. Each
period is refreshed once unmeasured, then `RUNS` times. While refreshing, a
10 ms timer on the GUI thread records the longest gap between its ticks: the
longest the GUI thread was busy (plotting), i.e. how long the window could
not react.

Baselines, measured alternately with the refreshes on the same store
(through the store's own connection pool): a plain
``SELECT count(*) FROM activity`` (SQLite counts a b-tree without decoding
rows: the cheapest read of the whole table), and counting the activities of
the period through their index (``kind IN (...) AND occurred_at >= since``):
the least work any dashboard of that period must do.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from benchmarks import stores
from benchmarks.timing import Figure, p50, p95
from crm_desktop.services.reports import sql_time

RUNS = 7
TARGET_MS = 500.0
CONTACTS = 100_000
QUICK_CONTACTS = 20_000
ACTIVITIES_PER_CONTACT = 10.0
PERIODS = (("30", "last 30 days (default)"), ("90", "last 90 days"), ("365", "last 12 months"))


def dashboard_store(contacts: int):  # -> Store (typed loosely: Store import is cheap anyway)
    """The demo store with ~10 activities per contact, built on first use."""
    from crm_desktop.store.engine import open_store

    directory = stores.DATA / f"dashboard-{contacts}x10"
    stores.build_demo(directory, contacts, "dashboard store", ACTIVITIES_PER_CONTACT)
    return open_store(
        directory, passphrase=stores.passphrase, create=False, read_only=True, cache_mb=256
    )


def bench_dashboard(quick: bool = False) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from crm_desktop.views.context import AppContext
    from crm_desktop.views.runner import Runner

    contacts = QUICK_CONTACTS if quick else CONTACTS
    store = dashboard_store(contacts)
    with store.read() as conn:
        activities = conn.execute(text("SELECT count(*) FROM activity")).scalar_one()
        deals = conn.execute(text("SELECT count(*) FROM deal")).scalar_one()
    print(f"dashboard store: {contacts:,} contacts, {activities:,} activities, {deals:,} deals")

    app = QApplication.instance() or QApplication([])
    from crm_desktop.views.dashboard import DashboardView  # imports pyqtgraph

    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        runner = Runner()
        ctx = AppContext(store, runner, QUndoStack(), settings)
        view = DashboardView(ctx)
        view.resize(1400, 860)
        view.show()
        done: list[float] = []
        view.refreshed.connect(done.append)

        def failed(message: str) -> None:
            print(message, file=sys.stderr)
            done.append(-1.0)

        view.failed.connect(failed)

        ticker = QTimer()
        ticker.setInterval(10)
        clock = QElapsedTimer()
        gaps: list[float] = [0.0]
        last = [0]

        def tick() -> None:
            now = clock.elapsed()
            gaps[0] = max(gaps[0], now - last[0])
            last[0] = now

        ticker.timeout.connect(tick)

        def refresh_once() -> tuple[float, float]:
            """(ms from request to plotted, longest GUI-thread gap in ms)."""
            done.clear()
            app.processEvents()
            clock.start()
            last[0], gaps[0] = 0, 0.0
            ticker.start()
            started = time.perf_counter()
            view.refresh()
            while not done:
                app.processEvents()
                time.sleep(0.0005)
            elapsed = (time.perf_counter() - started) * 1000
            ticker.stop()
            if done[0] < 0:
                raise RuntimeError("dashboard refresh failed")
            return elapsed, gaps[0]

        def period_scan_ms() -> float:
            """Raw sqlcipher3-level floor: count the period's activities, one index range."""
            filters = view.filters()
            low = sql_time(datetime(*filters.since.timetuple()[:3], tzinfo=UTC))
            started = time.perf_counter()
            with store.read() as conn:
                conn.execute(
                    text(
                        "SELECT count(*) FROM activity WHERE kind IN "
                        "('call','email','meeting','note','visit') AND occurred_at >= :low"
                    ),
                    {"low": low},
                ).scalar_one()
            return (time.perf_counter() - started) * 1000

        def count_ms() -> float:
            started = time.perf_counter()
            with store.read() as conn:
                conn.execute(text("SELECT count(*) FROM activity")).scalar_one()
            return (time.perf_counter() - started) * 1000

        figures: list[Figure] = []
        try:
            refresh_once()  # the first: pyqtgraph's first paint, SQLCipher's cache
            for key, label in PERIODS:
                view.period.blockSignals(True)  # the runs below refresh
                view.period.setCurrentIndex(view.period.findData(key))
                view.period.blockSignals(False)
                refresh_once()
                times, stalls, base, scans = [], [], [], []
                for _ in range(RUNS):
                    base.append(count_ms())
                    scans.append(period_scan_ms())
                    elapsed, stall = refresh_once()
                    times.append(elapsed)
                    stalls.append(stall)
                parts = dict(view.data.timings_ms) if view.data else {}
                parts["plotting (GUI thread)"] = view.plot_ms
                slow = sorted(parts.items(), key=lambda kv: -kv[1])[:3]
                print(
                    f"  {label}: p50 {p50(times):.0f} ms, p95 {p95(times):.0f} ms; "
                    f"slowest parts (last run): " + ", ".join(f"{k} {v:.0f} ms" for k, v in slow)
                )
                primary = key == "30"
                figures.append(
                    Figure(
                        f"dashboard refresh, {label}",
                        p50(times),
                        "ms",
                        p50(base),
                        f"<= {TARGET_MS:.0f} ms" if primary else "",
                        p50(times) <= TARGET_MS if primary else None,
                    )
                )
                figures.append(
                    Figure(
                        "  same, vs counting its activities",
                        p50(times),
                        "ms",
                        p50(scans),
                    )
                )
                figures.append(
                    Figure(
                        "  GUI thread longest busy",
                        p95(stalls),
                        "ms (p95)",
                        None,
                    )
                )
        finally:
            view.close()
            runner.wait_idle()
            runner.stop()
            store.close()
    return figures


def main() -> int:
    from benchmarks.timing import HEADER

    figures = bench_dashboard("--quick" in sys.argv)
    print()
    print(HEADER)
    for figure in figures:
        print(figure.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
