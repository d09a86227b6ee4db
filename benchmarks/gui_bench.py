"""The desktop app's figures (issue 8): start-up to the first rows, and scrolling a 1M list.

Start-up: wall time from just before `subprocess.Popen` to the child's marker
line, for the real start path (`python -m crm_desktop --data-dir DIR`, with
``CRM_PASSPHRASE`` and ``CRM_EXIT_WHEN_SHOWN``: see `crm_desktop.views.app`),
against a bare PySide6 window process (QApplication + QMainWindow with a
QLabel) that prints the same marker after its first paint. The runs of the two
alternate, after one unmeasured run of each (the OS file cache). The children
get a private settings folder (``XDG_CONFIG_HOME``), so a person's window
state is neither used nor touched. They draw offscreen unless
``QT_QPA_PLATFORM`` says otherwise (e.g. ``QT_QPA_PLATFORM=xcb`` on a desktop
or under ``xvfb-run``): the same for both, and for every machine.

Scrolling: the real `ContactTableModel` over the demo store, opened read-only,
with its real worker (`Runner`), offscreen. For rows spread over the whole
list (random ones and the last) it asks for the row as a painting view does
and waits for the page's `dataChanged`: request to delivery on the GUI
thread. The model's worker call (`contact_model._read_page`) is wrapped to
time it alone. The database file is read once first, so the OS cache holds it
(as for a store in daily use; cold from disk, pages cost several times more),
while SQLCipher's own cache starts empty: each page is a first touch, read
from the OS cache and decrypted, as when scrolling somewhere new. The first
page far from the top also computes the list's anchors (once per sort and
filter) and is reported on its own line. Baseline: raw `sqlcipher3` reading
the same page by key (same columns and company join) on a connection of its
own, right after the app read it.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks import stores
from benchmarks.timing import Figure, p50, p95

REPO = Path(__file__).resolve().parent.parent
RUNS = 7
SCROLL_POSITIONS = 50
START_TARGET_S = 0.8
START_TARGET_RATIO = 6.0
PAGE_TARGET_MS = 10.0
MARKER = "shown"  # crm_desktop.views.app.SHOWN_MARKER (not imported: this module stays Qt-free)
CHILD_TIMEOUT_S = 120.0

BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False

def done():
    print("shown", flush=True)
    app.quit()

app = QApplication(sys.argv[:1])
window = QMainWindow()
label = QLabel("crm-desktop")
window.setCentralWidget(label)
probe = Probe()
label.installEventFilter(probe)
window.resize(1280, 800)
window.show()
app.exec()
"""


def bench_gui(start_size: int, scroll_size: int) -> list[Figure]:
    """Start-up on a `start_size` demo store, page fetches on a `scroll_size` one."""
    figures = bench_startup(start_size)
    figures += bench_scrolling(scroll_size)
    return figures


def _label(size: int) -> str:
    return f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"


def _demo_dir(size: int) -> Path:
    """The demo store's folder, built first if need be (the build opens it read-write)."""
    directory = stores.DATA / f"demo-{size}"
    if not (directory / "READY").exists():
        stores.demo_store(size).close()
    return directory


# -- start-up ------------------------------------------------------------------------------
def bench_startup(size: int) -> list[Figure]:
    data_dir = _demo_dir(size)
    app_cmd = [sys.executable, "-m", "crm_desktop", "--data-dir", str(data_dir)]
    bare_cmd = [sys.executable, "-c", BARE_WINDOW]
    with tempfile.TemporaryDirectory(prefix="crm-gui-bench-") as config:
        env = _child_env(Path(config))
        print(f"  start-up ({_label(size)}, {env['QT_QPA_PLATFORM']}): ", end="", flush=True)
        _until_shown(app_cmd, env)  # unmeasured: warms the OS cache, writes the settings
        _until_shown(bare_cmd, env)
        app_runs, bare_runs = [], []
        for _ in range(RUNS):
            app_runs.append(_until_shown(app_cmd, env))
            bare_runs.append(_until_shown(bare_cmd, env))
    print(f"app {_fmt(app_runs)}; bare window {_fmt(bare_runs)}")
    app_s, bare_s = p50(app_runs), p50(bare_runs)
    ok = app_s <= START_TARGET_S and app_s <= START_TARGET_RATIO * bare_s
    return [
        Figure(
            f"app start to first rows p50 ({_label(size)})",
            app_s,
            "s",
            bare_s,
            f"≤ {START_TARGET_S} s, ≤ {START_TARGET_RATIO:.0f}x",
            ok,
        )
    ]


def _fmt(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def _child_env(config: Path) -> dict[str, str]:
    env = stores.env_with_passphrase()
    env["CRM_EXIT_WHEN_SHOWN"] = "1"
    # An installed app runs from compiled bytecode (pip and the bundle write it);
    # without this, the warm-up run could not cache it and every run would compile.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["XDG_CONFIG_HOME"] = str(config)
    if not env.get("QT_QPA_PLATFORM"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _until_shown(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from just before starting `cmd` to its marker line on stdout."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=errors, text=True
        )
        watchdog = threading.Timer(CHILD_TIMEOUT_S, child.kill)
        watchdog.start()
        try:
            assert child.stdout is not None
            elapsed = None
            for line in child.stdout:
                if line.strip() == MARKER:
                    elapsed = time.perf_counter() - started
                    break
            child.stdout.close()
            code = child.wait()
        finally:
            watchdog.cancel()
        if elapsed is None or code != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{cmd[:3]} did not show its window (exit {code}):\n{tail}")
        return elapsed


# -- scrolling -------------------------------------------------------------------------------
def bench_scrolling(size: int) -> list[Figure]:
    from crm_desktop.store.engine import open_store

    data_dir = _demo_dir(size)
    _read_through(data_dir / "crm.db")
    store = open_store(data_dir, passphrase=stores.passphrase, create=False, read_only=True)
    try:
        with _model(store) as (model, wait, worker_ms):
            fetches, first_far = _scroll(model, wait, worker_ms)
    finally:
        store.close()
    raw_anchors_ms, raw_ms = _raw_pages(store.path, fetches)
    total = [f["total_ms"] for f in fetches]
    worker = [f["worker_ms"] for f in fetches]
    label = _label(size)
    print(
        f"  page fetches ({label}): {len(total)}; first far page {first_far['total_ms']:.0f} ms "
        f"(worker {first_far['worker_ms']:.0f} ms); worker p50 {p50(worker):.2f} ms, "
        f"delivered p50 {p50(total):.2f} ms"
    )
    return [
        Figure(
            f"list: first far page, anchors ({label})", first_far["total_ms"], "ms", raw_anchors_ms
        ),
        Figure(f"list page fetch while scrolling p50 ({label})", p50(total), "ms", p50(raw_ms)),
        Figure(
            f"list page fetch while scrolling p95 ({label})",
            p95(total),
            "ms",
            p95(raw_ms),
            f"≤ {PAGE_TARGET_MS:.0f} ms",
            p95(total) <= PAGE_TARGET_MS,
        ),
        Figure(
            f"list page fetch while scrolling max ({label})",
            max(total),
            "ms",
            max(raw_ms),
            f"≤ {PAGE_TARGET_MS:.0f} ms",
            max(total) <= PAGE_TARGET_MS,
        ),
        Figure(f"list page fetch, worker only p95 ({label})", p95(worker), "ms", p95(raw_ms)),
    ]


def _read_through(path: Path) -> None:
    """Read the file once, so the OS caches it (the page cache holds encrypted pages)."""
    with path.open("rb", buffering=0) as file:
        while file.read(16 << 20):
            pass


Waiter = Callable[[Callable[[], bool]], None]


@contextmanager
def _model(store: Any) -> Iterator[tuple[Any, Waiter, list[float]]]:
    """The real model and worker, offscreen; yields (model, wait(predicate), worker times)."""
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from crm_desktop.views import contact_model
    from crm_desktop.views.context import AppContext
    from crm_desktop.views.runner import Runner

    app = QApplication.instance() or QApplication(["gui_bench", "-platform", "offscreen"])
    worker_ms: list[float] = []
    read_page = contact_model._read_page

    def timed_read_page(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return read_page(*args)
        finally:
            worker_ms.append((time.perf_counter() - started) * 1000)

    loop = QEventLoop()
    guard = QTimer(singleShot=True, interval=int(CHILD_TIMEOUT_S * 1000))
    guard.timeout.connect(loop.quit)

    def wait(done: Callable[[], bool]) -> None:
        # Idle until the model signals, as a GUI thread is between paints: polling
        # here would take the GIL from the worker and slow what is measured.
        while not done():
            guard.start()
            loop.exec()
            if not guard.isActive():
                raise TimeoutError("the model did not deliver in time")
        guard.stop()

    contact_model._read_page = timed_read_page  # type: ignore[assignment]
    runner = Runner()
    with tempfile.TemporaryDirectory(prefix="crm-gui-bench-") as config:
        settings = QSettings(str(Path(config) / "settings.ini"), QSettings.Format.IniFormat)
        ctx = AppContext(store, runner, QUndoStack(), settings)
        model = contact_model.ContactTableModel(ctx)
        model.dataChanged.connect(loop.quit)  # a page arrived: check at once
        model.modelReset.connect(loop.quit)
        runner.busy.connect(loop.quit)
        try:
            wait(lambda: model.is_idle() and runner._pending == 0)
            yield model, wait, worker_ms
        finally:
            contact_model._read_page = read_page
            runner.wait_idle()
            runner.stop()
            model.deleteLater()
            app.processEvents()


def _scroll(
    model: Any, wait: Waiter, worker_ms: list[float]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from crm_desktop.views.contact_model import PAGE_SIZE

    rows = model.rowCount()
    rng = random.Random(8)
    pages = rng.sample(range(rows // PAGE_SIZE), min(SCROLL_POSITIONS, rows // PAGE_SIZE - 1))
    first_far = _fetch(model, wait, worker_ms, rows // 2)  # computes the anchors
    fetches = []
    for row in [p * PAGE_SIZE + rng.randrange(PAGE_SIZE) for p in pages] + [rows - 1]:
        if not model.is_loaded(row):
            fetches.append(_fetch(model, wait, worker_ms, row))
    return fetches, first_far


def _fetch(model: Any, wait: Waiter, worker_ms: list[float], row: int) -> dict[str, Any]:
    """Ask for `row` as a view's paint does; time until its page is delivered."""
    from crm_desktop.views.contact_model import PAGE_SIZE

    calls = len(worker_ms)
    started = time.perf_counter()
    model.data(model.index(row, 0))  # the placeholder; queues the page
    wait(lambda: model.is_loaded(row))
    total = (time.perf_counter() - started) * 1000
    assert len(worker_ms) == calls + 1, "one fetch per position"
    first_id = model.id_at(row - row % PAGE_SIZE)
    return {"row": row, "total_ms": total, "worker_ms": worker_ms[-1], "first_id": first_id}


def _raw_pages(db_path: Path, fetches: list[dict[str, Any]]) -> tuple[float, list[float]]:
    """Raw `sqlcipher3`: ms for the anchors' query, and for each fetched page by key."""
    from benchmarks.core import _raw_connection
    from crm_desktop.services.queries import ANCHOR_STEP
    from crm_desktop.views.contact_model import PAGE_SIZE

    raw = _raw_connection(db_path, stores.PASSPHRASE)
    raw.execute("PRAGMA cache_size = -65536")  # the app's 64 MB
    started = time.perf_counter()
    raw.execute(
        "SELECT k, id FROM (SELECT name_sort AS k, id, row_number() OVER "
        "(ORDER BY name_sort, id) - 1 AS rn FROM contact) WHERE rn % ? = 0 ORDER BY rn",
        (ANCHOR_STEP,),
    ).fetchall()
    anchors_ms = (time.perf_counter() - started) * 1000
    times = []
    for fetch in fetches:
        first_id = fetch["first_id"]
        ((key,),) = raw.execute("SELECT name_sort FROM contact WHERE id = ?", (first_id,))
        started = time.perf_counter()
        rows = raw.execute(
            "SELECT c.id, c.name, c.company_id, co.name, c.title, c.phones, c.emails, c.owner, "
            "c.tags, c.updated_at, c.name_sort, c.last_activity_at FROM contact c "
            "LEFT JOIN company co ON co.id = c.company_id "
            "WHERE (c.name_sort, c.id) >= (?, ?) ORDER BY c.name_sort, c.id LIMIT ?",
            (key, first_id, PAGE_SIZE),
        ).fetchall()
        times.append((time.perf_counter() - started) * 1000)
        assert rows and rows[0][0] == first_id, "the raw query read another page"
    raw.close()
    return anchors_ms, times
