"""Locking the app: after N idle minutes, or on demand (Ctrl+Shift+L).

Locked, the window shows only a lock screen: its content (the sections, the
navigation, toolbars, status bar) is taken out of the window, other windows
of the app are hidden, and the title says nothing about the data. The key
leaves memory: the SQLCipher key lives in the store's open connections and in
the engine that makes them, so the engine is disposed and replaced by one
that refuses to connect (`LockedEngine`); no `StoreKey` is referenced any
more. Unlocking opens the store again (the passphrase, through
`UnlockDialog`, or the OS keychain) and puts the new engine in place, so every
view keeps its `Store` object.

Idle means no keyboard, mouse, wheel or touch input anywhere in the app (an
application-wide event filter). Auto-lock minutes are a setting (0: never).

`install_security` wires the lock, the automatic backups and the weekly
background integrity check into a running main window.
"""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.errors import StoreError
from crm_desktop.views.icons import icon

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store
    from crm_desktop.views.context import AppContext

log = logging.getLogger(__name__)

AUTO_LOCK_KEY = "security/auto_lock_minutes"
DEFAULT_AUTO_LOCK_MINUTES = 15
MAX_AUTO_LOCK_MINUTES = 24 * 60
IDLE_CHECK_MS = 15_000
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


def auto_lock_minutes(settings: Any) -> int:
    """The stored auto-lock delay in minutes (0: never)."""
    try:
        value = int(settings.value(AUTO_LOCK_KEY, DEFAULT_AUTO_LOCK_MINUTES))
    except (TypeError, ValueError):
        return DEFAULT_AUTO_LOCK_MINUTES
    return max(0, min(value, MAX_AUTO_LOCK_MINUTES))


class LockedEngine:
    """Stands in for a locked store's engine: holds no key, refuses every connection."""

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise StoreError("store.locked", "crm-desktop is locked: unlock it to continue.")

    connect = raw_connection = begin = _refuse

    def dispose(self, *_args: Any, **_kwargs: Any) -> None:
        """Nothing to close."""


def lock_store(store: Store) -> None:
    """Close every connection of `store` and drop its engine (and with it the key)."""
    engine = store.engine
    if isinstance(engine, LockedEngine):
        return
    store.engine = LockedEngine()  # type: ignore[assignment]
    engine.dispose()
    del engine
    gc.collect()


def unlock_store(store: Store, opened: Store) -> None:
    """Give `store` the engine of `opened` (the same store, opened again)."""
    if opened.store_id != store.store_id:
        opened.close()
        raise StoreError("store.locked", "A different store was opened; still locked.")
    previous = store.engine
    store.engine = opened.engine
    if not isinstance(previous, LockedEngine):  # unlocked before the lock job ran
        previous.dispose()


def is_locked(store: Store) -> bool:
    return isinstance(store.engine, LockedEngine)


class IdleWatcher(QObject):
    """Emits `idle` once no input arrived for `minutes` (0: never)."""

    idle = Signal()

    def __init__(
        self, minutes: float, parent: QObject | None = None, check_ms: int = IDLE_CHECK_MS
    ):
        super().__init__(parent)
        self.minutes = minutes
        self._last_input = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self._check)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def touch(self) -> None:
        self._last_input = time.monotonic()

    @property
    def idle_seconds(self) -> float:
        return time.monotonic() - self._last_input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def _check(self) -> None:
        if self.minutes > 0 and self.idle_seconds >= self.minutes * 60:
            self._last_input = time.monotonic()  # once per idle stretch
            self.idle.emit()


class LockScreen(QWidget):
    """What the window shows while locked: no data, an Unlock button."""

    unlock_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock-screen")
        symbol = QLabel()
        symbol.setPixmap(icon("lock").pixmap(64, 64))
        symbol.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(self.tr("crm-desktop is locked"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        title.setFont(font)
        self.message = QLabel(
            self.tr("Your data is encrypted and closed. Unlock to continue."), wordWrap=True
        )
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unlock_button = QPushButton(icon("lock"), self.tr("Unlock…"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (symbol, title, self.message):
            layout.addWidget(widget)
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)


class AppLock(QObject):
    """Locks and unlocks a main window and its store."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, ctx: AppContext, window: QMainWindow, data_dir: Path) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.data_dir = Path(data_dir)
        self.screen: LockScreen | None = None
        self._content: QWidget | None = None
        self._hidden: list[QWidget] = []
        self._title = ""
        self._bars: list[QWidget] = []
        self._actions: list[QAction] = []
        self._generation = 0
        self.watcher = IdleWatcher(auto_lock_minutes(ctx.settings), self)
        self.watcher.idle.connect(self.lock)

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def set_minutes(self, minutes: int) -> None:
        self.watcher.minutes = minutes
        self.watcher.touch()

    def stop(self) -> None:
        self.watcher.stop()

    # -- locking -----------------------------------------------------------
    def lock(self) -> None:
        """Hide everything, then close the store's connections on the worker (in order)."""
        if self.is_locked:
            return
        window = self.window
        self._title = window.windowTitle()
        self._hidden = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not window and w.isVisible() and w.windowType() != Qt.WindowType.ToolTip
        ]
        for widget in self._hidden:
            widget.hide()
        self._bars = [
            w for w in (window.menuBar(), window.statusBar(), *self._toolbars()) if w.isVisible()
        ]
        for bar in self._bars:
            bar.hide()
        # Shortcuts of hidden menus still fire: every action is off while locked.
        self._actions = [a for a in window.findChildren(QAction) if a.isEnabled()]
        for action in self._actions:
            action.setEnabled(False)
        self._content = window.takeCentralWidget()
        if self._content is not None:
            self._content.hide()
            self._content.setParent(None)  # out of the window: nothing of it is drawn
        self.screen = LockScreen()
        self.screen.unlock_requested.connect(self.unlock)
        window.setCentralWidget(self.screen)
        window.setWindowTitle(QCoreApplication.translate("AppLock", "crm-desktop (locked)"))
        store = self.ctx.store
        self._generation += 1
        generation = self._generation

        def close_store() -> None:
            if generation == self._generation:  # not unlocked meanwhile
                lock_store(store)

        # Queued behind the store work already submitted: nothing is cut mid-write.
        self.ctx.runner.submit(close_store)
        self.locked.emit()

    def _toolbars(self) -> list[QWidget]:
        from PySide6.QtWidgets import QDockWidget, QToolBar

        return [*self.window.findChildren(QToolBar), *self.window.findChildren(QDockWidget)]

    # -- unlocking ---------------------------------------------------------
    def unlock(self) -> None:
        """Open the store again (passphrase or keychain), then show the window's content."""
        if not self.is_locked:
            return
        opened = self._open_again()
        if opened is None:
            return
        self._generation += 1  # a lock job still queued must not close the new engine
        try:
            unlock_store(self.ctx.store, opened)
        except StoreError as exc:
            assert self.screen is not None
            self.screen.message.setText(str(exc))
            return
        self._restore_window()
        self.unlocked.emit()

    def _open_again(self) -> Store | None:
        from crm_desktop.views.messages import error_text
        from crm_desktop.views.store_opening import (
            _open,
            run_with_busy_dialog,
            uses_passphrase,
        )

        try:
            if uses_passphrase(self.data_dir):
                from crm_desktop.views.unlock import UnlockDialog

                dialog = UnlockDialog(self.data_dir, self.window)
                dialog.exec()
                return dialog.store
            label = QCoreApplication.translate("StoreOpening", "Opening the store…")
            opened: Store = run_with_busy_dialog(
                self.window, label, lambda: _open(self.data_dir, None)
            )
            return opened
        except StoreError as exc:
            assert self.screen is not None
            self.screen.message.setText(error_text(exc))
            return None

    def _restore_window(self) -> None:
        window = self.window
        screen = window.takeCentralWidget()
        if screen is not None:
            screen.deleteLater()
        self.screen = None
        if self._content is not None:
            window.setCentralWidget(self._content)
            self._content.show()
        self._content = None
        for bar in self._bars:
            bar.show()
        for action in self._actions:
            action.setEnabled(True)
        self._actions = []
        window.setWindowTitle(self._title)
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        self.watcher.touch()
        refresh = getattr(window, "refresh", None)
        if callable(refresh):
            refresh()


class Security(QObject):
    """The lock, automatic backups and the background integrity check of one window."""

    def __init__(self, ctx: AppContext, window: QMainWindow, data_dir: Path) -> None:
        super().__init__(window)
        from crm_desktop.views.security_page import BackupScheduler, IntegrityWatch

        self.lock = AppLock(ctx, window, data_dir)
        self.backups = BackupScheduler(ctx, window, self.lock)
        self.integrity = IntegrityWatch(ctx, window, self.lock)

    def start(self) -> None:
        self.backups.start()
        self.integrity.start()

    def stop(self) -> None:
        self.lock.stop()
        self.backups.stop()
        self.integrity.stop()


def install_security(ctx: AppContext, window: QMainWindow, data_dir: Path) -> Security:
    """Wire the lock (``window.app_lock``), scheduled backups and integrity checks."""
    security = Security(ctx, window, data_dir)
    window.app_lock = security.lock  # type: ignore[attr-defined]
    security.start()
    return security
