"""GUI tests: real widgets, offscreen, over a real temporary store.

Views get an `AppContext` whose runner is the real worker thread; tests wait
for it with `settle(qtbot, ctx)` instead of sleeping.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crm_desktop.store.engine import Store
from crm_desktop.views.context import AppContext
from crm_desktop.views.runner import Runner


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def ctx(qapp, store: Store, settings: QSettings) -> Iterator[AppContext]:
    runner = Runner()
    context = AppContext(store, runner, QUndoStack(), settings)
    yield context
    runner.wait_idle()
    runner.stop()


def settle(qtbot, ctx: AppContext, timeout: int = 10_000) -> None:
    """Wait until the worker has run everything queued and results were delivered."""
    ctx.runner.wait_idle(timeout / 1000)
    qtbot.waitUntil(lambda: ctx.runner._pending == 0, timeout=timeout)
