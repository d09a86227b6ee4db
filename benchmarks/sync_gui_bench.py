"""The GUI stays responsive while the app syncs 10,000 changes.

    python -m benchmarks.sync_gui_bench [--changes 10000]

A real `crm-server serve` (SQLite) on loopback; a laptop store with N contacts
waiting in its outbox; the app's `SyncController` (the round on its own
thread) pushes them, then a second laptop's controller pulls them. Meanwhile
the GUI thread runs a 10 ms `QTimer` whose lateness is recorded (what a
person typing or scrolling would feel), and a list page is read on the
store's worker every 100 ms (what scrolling the contact list asks for): both
must keep going while the round runs.

Prints, per phase: the round's duration, event-loop lateness p50/p95/max (target p95 ≤ 50 ms)
and the page reads' p50/p95/max.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks import stores
from benchmarks.sync_setup import (
    PASSWORD,
    add_users,
    progress,
    running_server,
    scratch,
    sqlite_url,
    unowned_contacts,
)
from benchmarks.timing import p50, p95

TICK_MS = 10
PAGE_EVERY_MS = 100
TARGET_P95_MS = 50.0


def measure_round(app, ctx, controller, label: str) -> dict[str, float]:
    from PySide6.QtCore import QTimer

    from crm_desktop.services.queries import ContactQuery

    lateness: list[float] = []
    when: list[float] = []
    stalls: list[tuple[float, str]] = []
    debug = bool(os.environ.get("SYNC_GUI_BENCH_DEBUG"))
    pages: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - TICK_MS))
        when.append(now - started)
        if debug and lateness[-1] > 100:
            stalls.append((lateness[-1], _where_others_are()))
        last[0] = now

    def read_page() -> None:
        asked = time.perf_counter()
        query = ContactQuery(ctx.store)
        ctx.runner.submit(
            lambda: query.page_after(None, 100),
            lambda _rows: pages.append((time.perf_counter() - asked) * 1000),
        )

    ticker = QTimer(interval=TICK_MS)
    ticker.setTimerType(ticker.timerType().PreciseTimer)
    ticker.timeout.connect(tick)
    reader = QTimer(interval=PAGE_EVERY_MS)
    reader.timeout.connect(read_page)
    started = time.perf_counter()
    last[0] = started
    ticker.start()
    reader.start()
    assert controller.sync_now()
    while controller.running:
        app.processEvents()
        time.sleep(0.001)
    took = time.perf_counter() - started
    ticker.stop()
    reader.stop()
    app.processEvents()
    if debug:
        worst = sorted(zip(lateness, when, strict=True), reverse=True)[:5]
        print("  worst ticks (ms late, s in):", [(round(a), round(b, 2)) for a, b in worst])
        for late, where in sorted(stalls, reverse=True)[:5]:
            print(f"  {late:.0f} ms late; other threads were in: {where}")
    state = controller.status
    if state.state != "idle":
        raise SystemExit(f"{label}: the round failed: {state.message} {state.detail}")
    figures = {
        "seconds": took,
        "p50": p50(lateness),
        "p95": p95(lateness),
        "max": max(lateness),
        "ticks": len(lateness),
        "page_p50": p50(pages) if pages else float("nan"),
        "page_p95": p95(pages) if pages else float("nan"),
        "page_max": max(pages) if pages else float("nan"),
    }
    print(
        f"{label}: sync {took:.2f} s; event loop lateness p50 {figures['p50']:.1f} ms, "
        f"p95 {figures['p95']:.1f} ms, max {figures['max']:.1f} ms ({len(lateness)} ticks); "
        f"list page reads during it p50 {figures['page_p50']:.1f} ms, "
        f"p95 {figures['page_p95']:.1f} ms, max {figures['page_max']:.1f} ms"
    )
    return figures


def _where_others_are() -> str:
    """The innermost crm_desktop/sync frames of the other threads (what held the GIL)."""
    import threading
    import traceback

    me = threading.get_ident()
    found = []
    for ident, frame in sys._current_frames().items():
        if ident == me:
            continue
        stack = traceback.extract_stack(frame)
        ours = [f for f in stack if "crm_desktop" in f.filename or "crm_server" in f.filename]
        last = ours[-1] if ours else stack[-1]
        found.append(f"{Path(last.filename).name}:{last.lineno} {last.name} < {stack[-1].name}")
    return "; ".join(found)


def signed_in(app, ctx, controller, url: str, user: str) -> None:
    errors: list[BaseException] = []
    controller.sign_in(url, user, PASSWORD, failed=errors.append)
    while controller.busy() and not errors:
        app.processEvents()
        time.sleep(0.005)
    while controller.running:  # sign-in starts a first (empty) round
        app.processEvents()
        time.sleep(0.005)
    if errors or controller.account is None:
        raise SystemExit(f"sign-in failed: {errors}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument(
        "--page", type=int, help="pull page and push batch (default: the app's, 250)"
    )
    args = parser.parse_args(argv)
    if args.page:
        from crm_desktop.views import sync_controller as controller_module

        controller_module.PULL_PAGE = controller_module.PUSH_BATCH = args.page

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from crm_desktop.services.contacts import create_contacts
    from crm_desktop.store.engine import open_store
    from crm_desktop.sync.engine import pending_count
    from crm_desktop.views.app import make_application
    from crm_desktop.views.context import AppContext
    from crm_desktop.views.runner import Runner
    from crm_desktop.views.sync_controller import SyncController

    app = make_application()
    work = scratch("sync_gui")
    url = sqlite_url(work / "server.db")
    add_users(url, [("alice", "rep", "north"), ("bob", "rep", "north")])
    results = {}
    with running_server(url, work / "server.log") as server:
        laptops = []
        for name in ("push", "pull"):
            directory = work / name
            shutil.rmtree(directory, ignore_errors=True)
            store = open_store(directory, passphrase=stores.passphrase, use_keychain=False)
            settings = QSettings(str(work / f"{name}.ini"), QSettings.Format.IniFormat)
            settings.setValue("sync/on_start", False)
            settings.setValue("sync/interval_minutes", 0)
            runner = Runner()
            ctx = AppContext(store, runner, QUndoStack(), settings)
            laptops.append((ctx, SyncController(ctx)))
        try:
            for (ctx, controller), user in zip(laptops, ("alice", "bob"), strict=True):
                signed_in(app, ctx, controller, server.url, user)  # both before any data
            (ctx, controller), (pull_ctx, pull_controller) = laptops
            progress(f"writing {args.changes:,} contacts to the outbox")
            create_contacts(ctx.store, unowned_contacts(args.changes))
            waiting = pending_count(ctx.store)
            progress(f"{waiting:,} changes waiting; syncing")
            results["push"] = measure_round(app, ctx, controller, f"push {waiting:,} changes")
            results["pull"] = measure_round(
                app, pull_ctx, pull_controller, f"pull {args.changes:,} changes (a second laptop)"
            )
        finally:
            for ctx, controller in laptops:
                controller.stop(cancel=True)
                ctx.runner.wait_idle()
                ctx.runner.stop()
                ctx.store.close()
    worst = max(r["p95"] for r in results.values())
    verdict = "meets" if worst <= TARGET_P95_MS else "MISSES"
    print(f"event loop p95 worst {worst:.1f} ms: {verdict} the target of ≤ {TARGET_P95_MS:.0f} ms")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
