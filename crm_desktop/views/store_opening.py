"""Start-up: open the store, unlocking or creating it first when needed.

`open_or_create` is what the app calls before it builds the main window:

- a store keyed from the OS keychain opens straight away;
- a store locked with a passphrase opens with ``CRM_PASSPHRASE`` when that is
  set (for automation, as the command line does), else asks for it
  (`UnlockDialog`); a wrong passphrase from the environment shows the dialog
  with the message;
- no store yet: the first-run wizard (`WelcomeWizard`) creates one.

Opening a passphrase store costs a KDF (~150 ms), and creating one plus demo
data takes seconds, so that work runs on a thread of its own
(`BackgroundTask`); the per-store `Runner` does not exist until a store is open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from crm_desktop.errors import StoreError
from crm_desktop.store.files import DB_FILENAME, read_manifest
from crm_desktop.store.keys import KeySource, passphrase_from_env
from crm_desktop.views.messages import error_text

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store

BUSY_DIALOG_DELAY_MS = 400  # a fast open shows no flash of a dialog


class BackgroundTask(QObject):
    """Run one function on a plain thread; `finished(result, error)` arrives on the GUI thread.

    The task object must outlive the thread: keep a reference (the dialogs
    using it hold one) until `finished` has been delivered.
    """

    finished = Signal(object, object)  # result, error (one of them is None)
    _done = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, work: Callable[[], Any]) -> None:
        if self._thread is not None:
            raise RuntimeError("the task is already running")

        def run() -> None:
            try:
                result = work()
            except BaseException as exc:  # delivered to the GUI thread, never lost
                self._done.emit(None, exc)
            else:
                self._done.emit(result, None)

        self._thread = threading.Thread(target=run, name="store-open", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Join the thread (tests and shutdown); `finished` still needs the event loop."""
        if self._thread is not None:
            self._thread.join(timeout)

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        if self._thread is not None:
            self._thread.join()
        self._thread = None
        self.finished.emit(result, error)


class EarlyOpen:
    """A store being opened on a thread of its own from the very start of the app.

    Opening needs sqlalchemy (imported on that thread) and, for a passphrase,
    a KDF: both overlap with the GUI thread's own start-up. `open_or_create`
    takes the outcome where it would otherwise open the store itself.
    """

    def __init__(self, data_dir: Path, passphrase: str | None) -> None:
        self.data_dir = data_dir
        self.passphrase = passphrase
        self.taken = False  # `open_or_create` used the outcome
        self._outcome: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._run, name="store-open-early", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome["result"] = _open(self.data_dir, self.passphrase)
        except BaseException as exc:  # re-raised on the thread that takes the outcome
            self._outcome["error"] = exc

    def result(self) -> Store:
        """The open store (waiting for it), or the error opening raised."""
        self._thread.join()
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["result"]  # type: ignore[no-any-return]

    def matches(self, data_dir: Path, passphrase: str | None) -> bool:
        return self.data_dir == data_dir and self.passphrase == passphrase

    def discard(self) -> None:
        """Close the store if it opened: its outcome is not used."""
        self._thread.join()
        store = self._outcome.get("result")
        if store is not None:
            store.close()


def start_opening(data_dir: Path) -> EarlyOpen | None:
    """Start opening the store of `data_dir` now if that will need nobody's input.

    That is an existing store keyed from the keychain, or locked with a
    passphrase that ``CRM_PASSPHRASE`` gives; else None (nothing started).
    """
    data_dir = Path(data_dir)
    try:
        if not store_exists(data_dir):
            return None
        if not uses_passphrase(data_dir):
            return EarlyOpen(data_dir, None)
    except Exception:  # a damaged manifest, say: reported by `open_or_create`
        return None
    from_env = passphrase_from_env()
    return EarlyOpen(data_dir, from_env) if from_env else None


def _open(data_dir: Path, passphrase: str | None) -> Store:
    from crm_desktop.store.engine import open_store

    provider = None if passphrase is None else (lambda _creating: passphrase)
    return open_store(data_dir, passphrase=provider, create=False)


def store_exists(data_dir: Path) -> bool:
    return (data_dir / DB_FILENAME).exists()


def uses_passphrase(data_dir: Path) -> bool:
    """Whether the existing store in `data_dir` is locked with a passphrase."""
    manifest = read_manifest(data_dir) or {}
    return manifest.get("key_source", KeySource.PASSPHRASE.value) == KeySource.PASSPHRASE.value


def open_or_create(
    data_dir: Path,
    parent_widget: QWidget | None = None,
    *,
    use_keychain: bool | None = None,
    early: EarlyOpen | None = None,
) -> Store | None:
    """The open store of `data_dir`, after unlocking or first-run setup; None if the user quit.

    Args:
        use_keychain: for a new store, force (True) or forbid (False) the OS
            keychain; None uses it where a real one is available.
        early: the opening `start_opening` started, used where it opens the
            store as this would (else its store is closed).
    """
    data_dir = Path(data_dir)
    try:
        return _open_or_create(data_dir, parent_widget, use_keychain, early)
    finally:
        if early is not None and not early.taken:
            early.discard()


def _open_or_create(
    data_dir: Path,
    parent_widget: QWidget | None,
    use_keychain: bool | None,
    early: EarlyOpen | None,
) -> Store | None:
    try:
        if not store_exists(data_dir):
            from crm_desktop.views.welcome import WelcomeWizard

            wizard = WelcomeWizard(data_dir, use_keychain=use_keychain, parent=parent_widget)
            wizard.exec()
            return wizard.store
        if uses_passphrase(data_dir):
            return _unlock(data_dir, parent_widget, early)
        return _open_behind_busy_dialog(parent_widget, data_dir, None, early)
    except StoreError as exc:  # keychain key missing, damaged manifest, newer schema...
        if exc.code == "store.damaged":  # offer the newest backup (views/security_page.py)
            from crm_desktop.views.security_page import offer_restore

            if offer_restore(parent_widget, data_dir, exc):
                return _open_or_create(data_dir, parent_widget, use_keychain, None)
            return None
        show_store_error(parent_widget, exc)
        return None


def _unlock(data_dir: Path, parent: QWidget | None, early: EarlyOpen | None) -> Store | None:
    """A passphrase store: opened with ``CRM_PASSPHRASE`` if set and right, else asked for."""
    message = None
    from_env = passphrase_from_env()
    if from_env:
        try:
            return _open_behind_busy_dialog(parent, data_dir, from_env, early)
        except StoreError as exc:
            if exc.code != "store.wrong_passphrase":
                raise  # a typed passphrase would not help either
            message = error_text(exc)
    from crm_desktop.views.unlock import UnlockDialog

    dialog = UnlockDialog(data_dir, parent, error=message)
    dialog.exec()
    if dialog.damaged is not None:  # the passphrase was right; the file is not
        raise dialog.damaged
    return dialog.store


def _open_behind_busy_dialog(
    parent: QWidget | None, data_dir: Path, passphrase: str | None, early: EarlyOpen | None
) -> Store:
    work: Callable[[], Store]
    if early is not None and early.matches(data_dir, passphrase):
        early.taken = True
        work = early.result
    else:
        work = lambda: _open(data_dir, passphrase)  # noqa: E731
    return run_with_busy_dialog(
        parent, QCoreApplication.translate("StoreOpening", "Opening the store…"), work
    )


def show_store_error(parent: QWidget | None, error: BaseException) -> None:
    """A modal message for a store that cannot be opened."""
    box = QMessageBox(QMessageBox.Icon.Critical, "crm-desktop", error_text(error), parent=parent)
    box.setInformativeText(
        QCoreApplication.translate("StoreOpening", "Nothing was changed. The app will close.")
    )
    box.exec()


def run_with_busy_dialog(parent: QWidget | None, label: str, work: Callable[[], Any]) -> Any:
    """Run `work` off the GUI thread behind a modal busy indicator; return or raise its outcome.

    The indicator shows only if the work takes longer than a moment.
    """
    task = BackgroundTask()
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    busy = QProgressDialog(label, "", 0, 0, parent)
    busy.setCancelButton(None)
    busy.setWindowModality(Qt.WindowModality.ApplicationModal)
    busy.setMinimumDuration(BUSY_DIALOG_DELAY_MS)  # shows itself only if opening is slow

    def finished(result: Any, error: BaseException | None) -> None:
        outcome.update(result=result, error=error)
        loop.quit()

    task.finished.connect(finished)
    task.start(work)
    loop.exec()
    busy.reset()  # stops its show timer and hides it
    busy.deleteLater()
    if outcome["error"] is not None:
        raise outcome["error"]
    return outcome["result"]
