"""The funnel board's figures (issue 3): opening a board of 2,000 open deals, and a move.

Store: built once in ``benchmarks/.data/board-2000`` (2,000 open deals over the
default pipeline's four open stages, 500 closed ones, 300 companies, each deal
with its stage history), through the same bulk paths as the demo data.

Open: wall time from creating the real `DealsBoardView` (real worker, offscreen)
to its cards shown and painted: the read on the worker (`deal_board`), the
columns and their models built on the GUI thread, and a synchronous repaint of
the whole board. Baseline: a bare `QListView` over a `QStringListModel` of
2,000 plain rows, created, shown and repainted the same way. The service read
alone is reported too. Reported: the median of the runs (after one unmeasured
first open, which also loads fonts and glyphs), and the best run, which on a
machine busy with other work is the closer figure to the board's own cost.

Move: a card dropped on the next column (the model's drop path), to the moved
deal shown from the store: the card moved on screen, the `MoveDealCommand` on
the undo stack writing on the worker, `runner.changed`, and the board's
re-read shown. Baseline: the `move_deal` service call alone. The on-screen
part alone (card out of one model into another, headers, no store work) is
what a drag costs the GUI thread: it is reported as "drop frame".
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks import stores
from benchmarks.timing import Figure, p50

OPEN_DEALS = 2_000
CLOSED_DEALS = 500
COMPANIES = 300
RUNS = 9
OPEN_TARGET_MS = 300.0
FRAME_TARGET_MS = 16.0


def board_store() -> Any:
    """The board benchmark's store, built on first use."""
    from crm_desktop.domain.models import Company, Deal, DealStageHistory
    from crm_desktop.ids import new_id
    from crm_desktop.services.pipelines import ensure_default_pipeline, list_stages
    from crm_desktop.store.engine import open_store

    directory = stores.DATA / f"board-{OPEN_DEALS}"
    ready = directory / "READY"
    if ready.exists():
        return open_store(directory, passphrase=stores.passphrase, create=False)
    import shutil

    shutil.rmtree(directory, ignore_errors=True)
    store = open_store(directory, passphrase=stores.passphrase, use_keychain=False)
    rng = random.Random(3)
    pipeline_id = ensure_default_pipeline(store).value
    stages = list_stages(store, pipeline_id)
    open_stages = [s for s in stages if not (s.is_won or s.is_lost)]
    won = next(s for s in stages if s.is_won)
    lost = next(s for s in stages if s.is_lost)
    now = datetime.now(UTC)
    owners = ["wang.fang", "li.na", "zhang.wei", "john.smith", "mary.jones"]
    with store.write() as tx:
        company_ids = tx.insert_many(
            Company, [{"name": f"Company {i:03d} 有限公司"} for i in range(COMPANIES)]
        )
        deals: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        for number in range(OPEN_DEALS + CLOSED_DEALS):
            closed = number >= OPEN_DEALS
            stage = (won if number % 2 else lost) if closed else rng.choice(open_stages)
            entered = now - timedelta(days=rng.uniform(0, 60))
            deal_id = new_id()
            deals.append(
                {
                    "id": deal_id,
                    "title": f"Deal {number:04d} — 服务器",
                    "pipeline_id": pipeline_id,
                    "stage_id": stage.id,
                    "company_id": rng.choice(company_ids),
                    "value_cents": rng.randrange(1_000, 500_000) * 100,
                    "currency": "CNY" if number % 3 else "USD",
                    "expected_close": (now + timedelta(days=rng.randint(-30, 120))).date(),
                    "status": ("won" if stage.is_won else "lost") if closed else "open",
                    "lost_reason": "price" if stage.is_lost else None,
                    "closed_at": entered if closed else None,
                    "owner": rng.choice(owners),
                    "stage_entered_at": entered,
                    "created_at": entered,
                }
            )
            history.append(
                {
                    "deal_id": deal_id,
                    "from_stage_id": None,
                    "to_stage_id": stage.id,
                    "moved_at": entered,
                    "moved_by": "bench",
                }
            )
        tx.insert_many(Deal, deals)
        tx.insert_many(DealStageHistory, history)
    store.close()
    ready.write_text("ok\n")
    return open_store(directory, passphrase=stores.passphrase, create=False)


def bench_board() -> list[Figure]:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QStringListModel, QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication, QListView

    from crm_desktop.services.deals import deal_board, move_deal
    from crm_desktop.views.context import AppContext
    from crm_desktop.views.deals_board import DealsBoardView
    from crm_desktop.views.runner import Runner

    app = QApplication.instance() or QApplication(["board_bench"])
    store = board_store()
    settings_path = stores.DATA / "scratch" / "board-settings.ini"
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    runner = Runner()
    ctx = AppContext(store, runner, QUndoStack(), settings)

    def wait(done: Any) -> None:
        """Run the event loop (idle, not spinning: the worker needs the GIL) until done()."""
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(1)

        def check() -> None:
            if done():
                loop.quit()

        timer.timeout.connect(check)
        timer.start()
        if not done():
            loop.exec()
        timer.stop()

    def open_board() -> tuple[float, DealsBoardView]:
        started = time.perf_counter()
        board = DealsBoardView(ctx)
        board.resize(1400, 860)
        board.show()
        wait(lambda: not board.loading())
        board.repaint()  # every visible card painted, now
        return (time.perf_counter() - started) * 1000, board

    def open_bare() -> float:
        started = time.perf_counter()
        view = QListView()
        view.setUniformItemSizes(True)
        view.setModel(QStringListModel([f"Deal {i:04d}" for i in range(OPEN_DEALS)], view))
        view.resize(1400, 860)
        view.show()
        app.processEvents()
        view.repaint()
        elapsed = (time.perf_counter() - started) * 1000
        _dispose(app, view)
        return elapsed

    try:
        store_read = [_ms(lambda: deal_board(store)) for _ in range(RUNS)]
        cards = deal_board(store).card_count
        open_bare()  # warm-up: Qt's first widgets and fonts
        first, board = open_board()
        _dispose(app, board)
        opens, bares = [], []
        for _ in range(RUNS):
            elapsed, board = open_board()
            opens.append(elapsed)
            bares.append(open_bare())
            if len(opens) < RUNS:
                _dispose(app, board)
        # Moves on the last board: the card to the next column and back.
        frames, trips, services = [], [], []
        for run in range(RUNS):
            source, target = board.columns()[run % 2], board.columns()[2]
            card = source.model.cards[0]
            frame_start = time.perf_counter()
            board.move_deal(card.id, source.stage_id, target.stage_id)
            frames.append((time.perf_counter() - frame_start) * 1000)
            wait(lambda: runner._pending == 0 and not board.loading())
            trips.append((time.perf_counter() - frame_start) * 1000)
            services.append(_ms(lambda c=card, s=source: move_deal(store, c.id, s.stage_id)))
        wait(lambda: runner._pending == 0)
        board.close()
    finally:
        runner.wait_idle()
        runner.stop()
        store.close()
    print(
        f"board: {cards:,} open deals; first open {first:.0f} ms; "
        f"open p50 {p50(opens):.0f} ms (runs {', '.join(f'{v:.0f}' for v in opens)})"
    )
    return [
        Figure(
            f"board open, {cards:,} open deals (shown)",
            p50(opens),
            "ms p50",
            p50(bares),
            f"<= {OPEN_TARGET_MS:.0f} ms",
            p50(opens) <= OPEN_TARGET_MS,
        ),
        Figure(
            # The least disturbed run: on a machine busy with other work, closer to
            # what the board costs than the median.
            f"board open, {cards:,} open deals, best run",
            min(opens),
            "ms min",
            min(bares),
            f"<= {OPEN_TARGET_MS:.0f} ms",
            min(opens) <= OPEN_TARGET_MS,
        ),
        Figure(f"board read on the worker ({cards:,} cards)", p50(store_read), "ms p50"),
        Figure(
            "board drop frame (card moved on screen)",
            p50(frames),
            "ms p50",
            None,
            f"<= {FRAME_TARGET_MS:.0f} ms",
            p50(frames) <= FRAME_TARGET_MS,
        ),
        Figure(
            "board move round trip (drop to re-read shown)",
            p50(trips),
            "ms p50",
            p50(services),
        ),
    ]


def _dispose(app: Any, widget: Any) -> None:
    """Close and really delete a widget (deleteLater alone waits for an event loop)."""
    from PySide6.QtCore import QEvent

    widget.close()
    widget.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def _ms(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    from benchmarks.timing import HEADER

    results = bench_board()
    print(HEADER)
    for figure in results:
        print(figure.line())
