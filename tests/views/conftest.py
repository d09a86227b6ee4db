"""GUI tests: real widgets, offscreen, over a real temporary store.

Views get an `AppContext` whose runner is the real worker thread; tests wait
for it with `settle(qtbot, ctx)` instead of sleeping.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402

from crm_desktop.store.engine import Store  # noqa: E402
from crm_desktop.views.context import AppContext  # noqa: E402
from crm_desktop.views.runner import Runner  # noqa: E402


@pytest.fixture
def settings(tmp_path) -> QSettings:  # noqa: ANN001
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def ctx(qapp, store: Store, settings: QSettings) -> Iterator[AppContext]:  # noqa: ANN001
    runner = Runner()
    context = AppContext(store, runner, QUndoStack(), settings)
    yield context
    runner.wait_idle()
    runner.stop()


def settle(qtbot, ctx: AppContext, timeout: int = 10_000) -> None:  # noqa: ANN001
    """Wait until the worker has run everything queued and results were delivered."""
    ctx.runner.wait_idle(timeout / 1000)
    qtbot.waitUntil(lambda: ctx.runner._pending == 0, timeout=timeout)
