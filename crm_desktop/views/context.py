"""What every view is built with: the open store, the worker, undo, settings."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from crm_desktop.store.engine import Store
from crm_desktop.views.runner import Runner


@dataclass
class AppContext:
    store: Store
    runner: Runner
    undo_stack: QUndoStack
    settings: QSettings
