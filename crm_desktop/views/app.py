"""Starting the desktop app: Qt application, language, theme, store, main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from crm_desktop import APP_NAME, __version__

ORGANIZATION = "crm-desktop"


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
    app = make_application(argv)
    settings = QSettings()
    from crm_desktop.views.i18n import install_translations
    from crm_desktop.views.theme import apply_theme

    install_translations(app, _setting(settings, "ui/language"))
    apply_theme(app, _setting(settings, "ui/theme") or "system")
    from crm_desktop.views.store_opening import open_or_create

    store = open_or_create(data_dir, None)
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
    reminders.start()
    window.show()
    try:
        return app.exec()
    finally:
        reminders.stop()
        runner.wait_idle()
        runner.stop()
        store.close()


def _setting(settings: QSettings, key: str) -> str | None:
    value = settings.value(key)
    return str(value) if value else None
