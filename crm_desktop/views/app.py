"""Starting the desktop app: Qt application, language, theme, store, main window.

For measuring start-up only (`benchmarks.gui_bench`), not for users: with the
environment variable ``CRM_EXIT_WHEN_SHOWN`` set, the app shows the contacts
section, prints ``shown`` on stdout once the contact list has painted its
first rows (or painted as empty), and quits.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from crm_desktop import APP_NAME, __version__

if TYPE_CHECKING:
    from crm_desktop.views.contacts_view import ContactsView
    from crm_desktop.views.main_window import MainWindow

ORGANIZATION = "crm-desktop"
EXIT_WHEN_SHOWN_ENV = "CRM_EXIT_WHEN_SHOWN"
SHOWN_MARKER = "shown"


REMINDERS_START_DELAY_MS = 2000


def run_self_test() -> int:
    """`crm-desktop --self-test` (see `self_test`): loaded only when asked for."""
    from crm_desktop.views.self_test import run_self_test as run

    return run()


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(argv or sys.argv[:1]))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("crm-desktop")
    return app


def run(data_dir: Path, argv: Sequence[str] | None = None) -> int:
    """Open (or create) the store in `data_dir` and run the main window; the exit code."""
    from crm_desktop.views.store_opening import open_or_create, start_opening

    # A store that opens without asking starts opening at once (its KDF and
    # imports overlap with the GUI's start-up); the window's modules load meanwhile.
    early = start_opening(data_dir)
    app = make_application(argv)
    settings = QSettings()
    from crm_desktop.views.i18n import install_translations
    from crm_desktop.views.theme import apply_theme

    install_translations(app, _setting(settings, "ui/language"))
    apply_theme(app, _setting(settings, "ui/theme") or "system")
    if early is not None:
        _import_window_modules()
    store = open_or_create(data_dir, None, early=early)
    if store is None:  # the person cancelled the welcome or unlock
        return 0
    from crm_desktop.views.context import AppContext
    from crm_desktop.views.main_window import MainWindow
    from crm_desktop.views.reminders import Reminders
    from crm_desktop.views.runner import Runner

    runner = Runner()
    ctx = AppContext(store, runner, QUndoStack(), settings)
    window = MainWindow(ctx)
    reminders = Reminders(ctx, window)
    reminders.notify.connect(lambda text: window.statusBar().showMessage(text, 15_000))
    reminders.open_tasks.connect(lambda: window.show_section("tasks"))
    # The first check loads the task services (and the ORM) on the worker: after the first paint.
    QTimer.singleShot(REMINDERS_START_DELAY_MS, reminders.start)
    # Auto-lock, Lock (Ctrl+Shift+L), scheduled backups, weekly integrity check.
    security: list[Any] = []
    QTimer.singleShot(
        REMINDERS_START_DELAY_MS, lambda: security.append(_install_security(ctx, window, data_dir))
    )
    if os.environ.get(EXIT_WHEN_SHOWN_ENV):
        _exit_when_shown(app, window)
    window.show()
    try:
        return app.exec()
    finally:
        for installed in security:
            installed.stop()
        reminders.stop()
        runner.wait_idle()
        runner.stop()
        store.close()


def _install_security(ctx: Any, window: Any, data_dir: Path) -> Any:
    from crm_desktop.views.lock import install_security

    return install_security(ctx, window, data_dir)


def _import_window_modules() -> None:
    """Load what the main window shows first, while the store opens on its thread."""
    from importlib import import_module

    for name in ("main_window", "contacts_view", "reminders", "runner"):
        import_module(f"crm_desktop.views.{name}")


def _setting(settings: QSettings, key: str) -> str | None:
    value = settings.value(key)
    return str(value) if value else None


class _FirstRowsProbe(QObject):
    """Watches the contact table's paints; calls `done` after the first one with its rows
    (or, for an empty store, after the first once the list is known to be empty)."""

    def __init__(self, view: ContactsView, done: Callable[[], None]) -> None:
        super().__init__(view)
        self._view = view
        self._done = done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        model = self._view.model
        loaded = model.is_loaded(0) or (model.rowCount() == 0 and model.is_idle())
        if event.type() == QEvent.Type.Paint and loaded:
            # Removed at once: a Python filter still installed when widgets are
            # destroyed at interpreter exit crashes PySide6.
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._done)  # once this paint has finished
        return False


def _exit_when_shown(app: QApplication, window: MainWindow) -> None:
    """The ``CRM_EXIT_WHEN_SHOWN`` hook: print the marker and quit once rows are painted."""
    view = cast("ContactsView", window.show_section("contacts"))

    def done() -> None:
        print(SHOWN_MARKER, flush=True)
        app.quit()

    probe = _FirstRowsProbe(view, done)
    view.table.viewport().installEventFilter(probe)
