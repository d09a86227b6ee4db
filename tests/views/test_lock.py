"""Auto-lock and Lock: the window hides its content and the key leaves memory."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QTableView

from crm_desktop.errors import StoreError
from crm_desktop.store.keys import StoreKey
from crm_desktop.views.context import AppContext
from crm_desktop.views.lock import AUTO_LOCK_KEY, AppLock, LockedEngine, LockScreen, is_locked
from crm_desktop.views.main_window import MainWindow
from crm_desktop.views.runner import Runner
from crm_desktop.views.unlock import UnlockDialog
from tests.conftest import PASSPHRASE
from tests.store.store_testkit import add_contact
from tests.views.conftest import settle


@pytest.fixture
def pp_ctx(qapp, passphrase_store, settings: QSettings) -> Iterator[AppContext]:
    runner = Runner()
    context = AppContext(passphrase_store, runner, QUndoStack(), settings)
    yield context
    runner.wait_idle()
    runner.stop()


def _window(qtbot, ctx: AppContext) -> tuple[MainWindow, AppLock]:
    window = MainWindow(ctx)
    app_lock = AppLock(ctx, window, ctx.store.data_dir)
    window.app_lock = app_lock  # type: ignore[attr-defined]
    # The app-wide input filter is removed before the window goes, as the app does.
    qtbot.addWidget(window, before_close_func=lambda _w: app_lock.stop())
    window.show()
    window.show_section("contacts")
    settle(qtbot, ctx)
    return window, app_lock


def _key_of(engine: object) -> StoreKey:
    """The StoreKey the engine's connection factory holds (found through closures)."""
    seen: set[int] = set()
    todo: list[object] = [engine]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, StoreKey):
            return obj
        if callable(obj) and getattr(obj, "__closure__", None):
            todo += [cell.cell_contents for cell in obj.__closure__ or ()]
        for name in ("pool", "_creator", "_invoke_creator", "creator", "__func__"):
            found = getattr(obj, name, None)
            if found is not None and not isinstance(found, (str, int)):
                todo.append(found)
    raise AssertionError("no StoreKey found behind the engine")


def _answer_unlock(passphrase: str) -> None:
    """Type into the unlock dialog once it is shown (it runs its own event loop)."""

    def answer() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, UnlockDialog)]
        visible = [d for d in dialogs if d.isVisible()]
        if not visible:
            QTimer.singleShot(20, answer)
            return
        visible[0].passphrase_edit.setText(passphrase)
        visible[0].try_unlock()

    QTimer.singleShot(20, answer)


def test_lock_hides_everything_and_closes_the_key_then_unlock_restores(qtbot, pp_ctx) -> None:
    add_contact(pp_ctx.store, "Secret Person")
    window, app_lock = _window(qtbot, pp_ctx)
    title = window.windowTitle()
    content = window.centralWidget()
    key = weakref.ref(_key_of(pp_ctx.store.engine))  # the open engine holds the key
    assert key() is not None
    app_lock.lock()
    settle(qtbot, pp_ctx)
    assert isinstance(window.centralWidget(), LockScreen)
    assert not window.menuBar().isVisible() and not window.statusBar().isVisible()
    assert "Secret" not in window.windowTitle() and window.windowTitle() != title
    assert not any(v.isVisible() for v in window.findChildren(QTableView))
    assert content is not None and content.parent() is None and not content.isVisible()
    assert isinstance(pp_ctx.store.engine, LockedEngine) and is_locked(pp_ctx.store)
    gc.collect()
    assert key() is None  # the key object is gone from the process
    with pytest.raises(StoreError) as caught, pp_ctx.store.read():
        pass
    assert caught.value.code == "store.locked"

    # A wrong passphrase keeps it locked; the right one unlocks.
    _answer_unlock("not the passphrase")
    QTimer.singleShot(
        1500,
        lambda: [
            d.reject()
            for d in QApplication.topLevelWidgets()
            if isinstance(d, UnlockDialog) and d.isVisible()
        ],
    )
    app_lock.unlock()
    assert app_lock.is_locked and is_locked(pp_ctx.store)

    _answer_unlock(PASSPHRASE)
    app_lock.unlock()
    assert not app_lock.is_locked
    assert window.centralWidget() is content and window.menuBar().isVisible()
    assert window.windowTitle() == title
    with pp_ctx.store.read() as conn:
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM contact")]
    assert names == ["Secret Person"]
    add_contact(pp_ctx.store, "After Unlock")  # writes work again, same Store object


def test_keychain_store_unlocks_from_the_keychain(qtbot, ctx) -> None:
    _, app_lock = _window(qtbot, ctx)
    app_lock.lock()
    settle(qtbot, ctx)
    assert is_locked(ctx.store)
    app_lock.unlock()
    assert not is_locked(ctx.store) and not app_lock.is_locked
    with ctx.store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM contact").scalar() == 0


def test_idle_locks_and_input_postpones_it(qtbot, ctx) -> None:
    window, app_lock = _window(qtbot, ctx)
    watcher = app_lock.watcher
    watcher._timer.setInterval(20)
    watcher.minutes = 0.4 / 60  # 0.4 s
    # Input keeps it unlocked.
    for _ in range(6):
        qtbot.keyClick(window, Qt.Key.Key_Shift)
        qtbot.wait(100)
    assert not app_lock.is_locked
    qtbot.waitUntil(lambda: app_lock.is_locked, timeout=3000)
    settle(qtbot, ctx)
    assert is_locked(ctx.store)
    app_lock.unlock()


def test_zero_minutes_never_locks(qtbot, ctx) -> None:
    ctx.settings.setValue(AUTO_LOCK_KEY, 0)
    _, app_lock = _window(qtbot, ctx)
    assert app_lock.watcher.minutes == 0
    app_lock.watcher._timer.setInterval(10)
    app_lock.watcher._last_input -= 10_000  # long idle
    qtbot.wait(100)
    assert not app_lock.is_locked


def test_other_windows_are_hidden_while_locked(qtbot, ctx) -> None:
    from crm_desktop.views.audit_view import AuditView

    window, app_lock = _window(qtbot, ctx)
    other = AuditView(ctx, window)
    qtbot.addWidget(other)
    other.show()
    app_lock.lock()
    assert not other.isVisible()
    settle(qtbot, ctx)
    app_lock.unlock()
    assert other.isVisible()


def test_ctrl_shift_l_locks_and_shortcuts_are_off_while_locked(qtbot, ctx) -> None:
    window, app_lock = _window(qtbot, ctx)
    assert window.lock_action.shortcut().toString() == "Ctrl+Shift+L"
    window.lock_action.trigger()
    assert app_lock.is_locked
    assert not window.new_action.isEnabled() and not window.settings_action.isEnabled()
    settle(qtbot, ctx)
    app_lock.unlock()
    assert window.new_action.isEnabled() and window.lock_action.isEnabled()


def test_audit_log_opens_from_the_menu(qtbot, ctx) -> None:
    from crm_desktop.views.audit_view import AuditView

    add_contact(ctx.store, "Logged Person")
    window, _lock = _window(qtbot, ctx)
    window.audit_action.trigger()
    views = [w for w in QApplication.topLevelWidgets() if isinstance(w, AuditView)]
    assert views
    settle(qtbot, ctx)
    texts = [views[0].table.item(r, 3).text() for r in range(views[0].table.rowCount())]
    assert "Logged Person" in texts
    views[0].close()
