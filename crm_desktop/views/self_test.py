"""``crm-desktop --self-test``: check that this installation (or bundle) works.

Run by CI on the built bundle and by support on a rep's machine. It touches
nothing of the user's: the store, the settings and the translation cache live
in a temporary folder that is removed afterwards, the store is keyed by a
passphrase (never the OS keychain), and the window is rendered offscreen
(``QT_QPA_PLATFORM=offscreen`` unless the caller chose a platform).

Checks, in order: the encrypted store opens and its migrations run (alembic
reads its scripts from files: a bundle must carry them); a contact with a
Chinese name is written and read back; search finds it by Chinese text, by
pinyin and by a word of its notes (FTS5); the Chinese translations load
(from the bundled ``.qm`` when frozen); the app icon and the main window render
in Chinese; the chart library of the dashboard loads and draws.

Prints one ``ok`` line per check and ``self-test: passed`` on stdout, exit 0.
On the first failure prints ``crm-desktop: self-test failed: <check>: <reason>``
on stderr, exit 1. With ``CRM_SELF_TEST_SCREENSHOT=<file.png>`` the rendered
window is also saved there. The output is diagnostics for support, in English,
like the rest of the command line.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASSPHRASE = "self-test passphrase, not a secret"
SCREENSHOT_ENV = "CRM_SELF_TEST_SCREENSHOT"
EXIT_FAILED = 1
CONTACT_NAME = "张伟"
NOTES_WORD = "上海"
PHONE = "+86 138 0013 8000"
PHONE_E164 = "+8613800138000"


class SelfTestError(Exception):
    """A check failed; the message says what was expected."""


def run_self_test(out: Any = None, err: Any = None) -> int:
    """Run every check; 0 when all pass, else 1 with the failure on `err`."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    state: dict[str, Any] = {}
    checks: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("store", _check_store),
        ("contact", _check_contact),
        ("search", _check_search),
        ("translations", _check_translations),
        ("icon", _check_icon),
        ("window", _check_window),
        ("charts", _check_charts),
    ]
    current = "setup"
    try:
        _say(out, f"crm-desktop {_version()} self-test ({_where()})")
        state["workdir"] = Path(tempfile.mkdtemp(prefix="crm-desktop-self-test-"))
        for current, check in checks:
            begun = time.perf_counter()
            result = check(state)
            _say(out, f"ok {current}: {result} [{time.perf_counter() - begun:.2f} s]")
    except Exception as exc:  # every failure becomes a message, never a traceback
        reason = str(exc) or type(exc).__name__
        if not isinstance(exc, SelfTestError):
            reason = f"{type(exc).__name__}: {reason}"
        _say(err, f"crm-desktop: self-test failed: {current}: {reason}")
        return EXIT_FAILED
    finally:
        _clean_up(state)
    _say(out, f"self-test: passed in {time.perf_counter() - started:.2f} s")
    return 0


def _say(stream: Any, text: str) -> None:
    if stream is not None:  # a windowed Windows build has no stdout
        print(text, file=stream, flush=True)


def _version() -> str:
    from crm_desktop import __version__

    return __version__


def _where() -> str:
    if getattr(sys, "frozen", False):
        return f"bundle in {Path(sys.executable).resolve().parent}"
    return f"Python {sys.version.split()[0]}"


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestError(message)


def _check_store(state: dict[str, Any]) -> str:
    from crm_desktop.store.engine import open_store
    from crm_desktop.store.migrate import current_revision
    from crm_desktop.store.migrations import HEAD

    store = open_store(
        state["workdir"] / "data", passphrase=lambda creating: PASSPHRASE, use_keychain=False
    )
    state["store"] = store
    with store.read() as conn:
        revision = current_revision(conn)
        cipher = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
    _expect(revision == HEAD, f"schema at {revision!r} after migrating, expected {HEAD!r}")
    _expect(bool(cipher), "the database is not encrypted (no SQLCipher)")
    return f"created, encrypted (SQLCipher {cipher}), schema {revision}"


def _check_contact(state: dict[str, Any]) -> str:
    from crm_desktop.services.contacts import create_contact, get_contact

    store = state["store"]
    created = create_contact(
        store,
        {
            "name": CONTACT_NAME,
            "title": "采购经理",
            "notes": f"{NOTES_WORD}展会认识",
            "phones": [PHONE],  # validated with phonenumbers' metadata for China
            "emails": ["zhang.wei@example.com"],
        },
        company_name="华东贸易有限公司",
    )
    state["contact_id"] = created.value
    detail = get_contact(store, created.value)
    _expect(
        detail.contact.name == CONTACT_NAME,
        f"read back {detail.contact.name!r}, wrote {CONTACT_NAME!r}",
    )
    _expect(detail.company_name == "华东贸易有限公司", "the contact's company was not linked")
    phones = [phone.get("number") for phone in detail.contact.phones or []]
    _expect(phones == [PHONE_E164], f"phone read back as {phones}, expected [{PHONE_E164!r}]")
    return f"written and read back (phone {PHONE_E164} validated)"


def _check_search(state: dict[str, Any]) -> str:
    from crm_desktop.services.search import search

    store = state["store"]
    wanted = state["contact_id"]
    for query in (CONTACT_NAME, "zhang", "zw", NOTES_WORD):
        ids = [hit.record_id for hit in search(store, query, entity="contact")]
        _expect(wanted in ids, f"searching {query!r} did not find the contact")
    _expect(
        not search(store, "不存在的名字", entity="contact"), "a search matched nothing it should"
    )
    return "found by Chinese name, pinyin, initials and a word of the notes (FTS5)"


def _check_translations(state: dict[str, Any]) -> str:
    from PySide6.QtCore import QCoreApplication

    from crm_desktop.views import i18n
    from crm_desktop.views.app import make_application
    from crm_desktop.views.i18n import install_translations, ts_path

    app = make_application([sys.argv[0] if sys.argv else "crm-desktop"])
    state["app"] = app
    chosen = install_translations(app, "zh_CN", cache_dir=state["workdir"] / "cache")
    _expect(chosen == "zh_CN", f"asked for zh_CN, got {chosen!r}")
    text = QCoreApplication.translate("MainWindow", "Contacts")
    _expect(_has_cjk(text), f"'Contacts' is not translated (got {text!r})")
    qm = ts_path("zh_CN").with_suffix(".qm")
    # The app's translator is the first installed (then Qt's own, when found).
    loaded = i18n._installed[0] if i18n._installed else None
    used = Path(loaded.filePath()) if loaded is not None and loaded.filePath() else None
    if getattr(sys, "frozen", False):
        _expect(qm.exists(), f"the bundle lacks the compiled translations {qm.name}")
        _expect(used == qm, f"the bundled {qm.name} was not used (loaded: {used or 'the .ts'})")
    source = f"{used.name} (compiled)" if used else "the .ts (read directly)"
    return f"zh_CN from {source}: 'Contacts' → {text}"


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _check_icon(state: dict[str, Any]) -> str:
    from crm_desktop.views.icons import icon

    pixmap = icon("app").pixmap(64, 64)
    _expect(not pixmap.isNull(), "the app icon did not render")
    image = pixmap.toImage()
    painted = any(
        image.pixelColor(x, y).alpha() > 0 for x in range(0, 64, 4) for y in range(0, 64, 4)
    )
    _expect(painted, "the app icon rendered empty")
    return "app icon rendered (SVG)"


def _check_window(state: dict[str, Any]) -> str:
    from PySide6.QtCore import QElapsedTimer, QSettings, Qt
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication, QListWidget

    from crm_desktop.views.context import AppContext
    from crm_desktop.views.main_window import MainWindow
    from crm_desktop.views.runner import Runner

    app = state["app"]
    settings = QSettings(str(state["workdir"] / "settings.ini"), QSettings.Format.IniFormat)
    runner = Runner()
    state["runner"] = runner
    ctx = AppContext(state["store"], runner, QUndoStack(), settings)
    window = MainWindow(ctx)
    state["window"] = window
    window.resize(1100, 700)
    view = window.show_section("contacts")
    window.show()
    model = view.model  # type: ignore[attr-defined]
    timer = QElapsedTimer()
    timer.start()
    while not (model.rowCount() >= 1 and model.is_loaded(0)) and timer.elapsed() < 15_000:
        QApplication.processEvents()
        time.sleep(0.01)
    _expect(model.rowCount() >= 1, "the contact list stayed empty")
    QApplication.processEvents()
    pixmap = window.grab()
    _expect(not pixmap.isNull() and pixmap.width() > 0, "the main window did not render")
    screenshot = os.environ.get(SCREENSHOT_ENV)
    if screenshot:
        _expect(pixmap.save(screenshot), f"could not save the screenshot to {screenshot}")
    nav = window.findChild(QListWidget, "navigation")
    items = [nav.item(i) for i in range(nav.count())] if nav is not None else []
    labels = {item.data(Qt.ItemDataRole.UserRole): item.text() for item in items}
    _expect(_has_cjk(labels.get("contacts", "")), f"navigation not in Chinese: {labels}")
    del app
    return f"rendered {pixmap.width()}x{pixmap.height()} ({' '.join(labels.values())})"


def _check_charts(state: dict[str, Any]) -> str:
    import pyqtgraph

    plot = pyqtgraph.PlotWidget()
    state["plot"] = plot
    plot.resize(320, 200)
    plot.plot([1, 2, 3, 4], [3, 1, 4, 2])
    plot.show()
    pixmap = plot.grab()
    _expect(not pixmap.isNull(), "the chart did not render")
    return f"pyqtgraph {pyqtgraph.__version__} drew a chart"


def _clean_up(state: dict[str, Any]) -> None:
    for key in ("plot", "window"):
        widget = state.pop(key, None)
        if widget is not None:
            widget.close()
            widget.deleteLater()
    runner = state.pop("runner", None)
    if runner is not None:
        runner.wait_idle()
        runner.stop()
    store = state.pop("store", None)
    if store is not None:
        store.close()
    app = state.get("app")
    if app is not None:
        from PySide6.QtCore import QCoreApplication, QEvent

        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if "workdir" in state:
        shutil.rmtree(state["workdir"], ignore_errors=True)
