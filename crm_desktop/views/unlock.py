"""Unlocking a store kept under a passphrase.

A wrong passphrase shows a message under the field and lets the user retry;
the store file is not touched (`open_store` checks the key before anything
else); the dialog can also open with such a message shown (a wrong
``CRM_PASSPHRASE``). Each attempt derives the key (~150 ms of KDF) on a
thread of its own, with a busy bar, so the window stays responsive.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.errors import StoreError
from crm_desktop.store.engine import Store, open_store
from crm_desktop.views.icons import icon
from crm_desktop.views.messages import error_text
from crm_desktop.views.store_opening import BackgroundTask

ERROR_STYLE = "color: #d1242f;"


class UnlockDialog(QDialog):
    """Asks for the passphrase of the store in `data_dir`; `store` is set once it opens.

    Args:
        error: a message to show from the start (a passphrase that was tried already).
    """

    def __init__(
        self, data_dir: Path, parent: QWidget | None = None, *, error: str | None = None
    ) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.store: Store | None = None
        self.damaged: StoreError | None = None  # set when the file, not the passphrase, failed
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._opened)
        self._build()
        if error:
            self.error_label.setText(error)
            self.error_label.show()

    def _build(self) -> None:
        self.setWindowTitle(self.tr("Unlock crm-desktop"))
        self.setWindowIcon(icon("app"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Your data is encrypted. Enter the passphrase to unlock it."), wordWrap=True
        )
        where = QLabel(self.tr("Store: {0}").format(self.data_dir), wordWrap=True)
        where.setEnabled(False)  # secondary text
        self.passphrase_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(self.tr("Passphrase"))
        self.passphrase_edit.textChanged.connect(self._edited)
        self.error_label = QLabel(wordWrap=True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.busy_bar = QProgressBar(minimum=0, maximum=0, textVisible=False)
        self.busy_bar.setMaximumHeight(6)
        self.busy_bar.hide()
        self.buttons = QDialogButtonBox()
        self.unlock_button: QPushButton = self.buttons.addButton(
            self.tr("Unlock"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.quit_button: QPushButton = self.buttons.addButton(
            self.tr("Quit"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.unlock_button.setDefault(True)
        self.unlock_button.setEnabled(False)
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        for widget in (intro, where, self.passphrase_edit, self.error_label, self.busy_bar):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @property
    def busy(self) -> bool:
        return self._task.running

    def _edited(self, text: str) -> None:
        self.error_label.hide()
        self.unlock_button.setEnabled(bool(text) and not self.busy)

    def try_unlock(self) -> None:
        """Open the store with the passphrase typed (off the GUI thread)."""
        passphrase = self.passphrase_edit.text()
        if not passphrase or self.busy:
            return
        self._set_busy(True)
        data_dir = self.data_dir
        self._task.start(
            lambda: open_store(data_dir, passphrase=lambda _c: passphrase, create=False)
        )

    def _opened(self, store: Store | None, error: BaseException | None) -> None:
        self._set_busy(False)
        if error is None:
            self.store = store
            super().accept()
            return
        if not isinstance(error, StoreError):
            raise error  # a bug: let the app's error hook report it
        if error.code == "store.damaged":  # the caller offers the newest backup
            self.damaged = error
            super().reject()
            return
        self.error_label.setText(error_text(error))
        self.error_label.show()
        self.passphrase_edit.selectAll()
        self.passphrase_edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.passphrase_edit.setReadOnly(busy)
        self.unlock_button.setEnabled(not busy and bool(self.passphrase_edit.text()))
        self.quit_button.setEnabled(not busy)

    def accept(self) -> None:  # Enter in the field
        self.try_unlock()

    def reject(self) -> None:
        if not self.busy:  # an open in flight would leave a store nobody closes
            super().reject()
