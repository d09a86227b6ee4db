"""New task (新建任务): title, due time, reminder, contact; saved off-thread.

Keys as in the call dialog: Enter or Ctrl+Enter saves, Esc cancels.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.results import OpResult
from crm_desktop.services.tasks import create_task
from crm_desktop.views.call_dialog import DateTimeField
from crm_desktop.views.contact_picker import ContactPicker
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import ErrorLabel
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

DEFAULT_REMIND_BEFORE = timedelta(minutes=15)


def _qt_time(moment: datetime) -> QDateTime:
    local = moment.astimezone()
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _aware(edit: DateTimeField) -> datetime:
    local: datetime = edit.dateTime().toPython()  # type: ignore[assignment]
    return local.astimezone()  # naive local time, made aware


class TaskDialog(QDialog):
    """Create a task; closes once saved (`task_id` holds the new id)."""

    saved = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        contact_id: str | None = None,
        parent: QWidget | None = None,
        *,
        due: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self.task_id: str | None = None
        self.setWindowTitle(self.tr("New task"))
        self._build(due or datetime.now().astimezone() + timedelta(days=1))
        self._wire()
        if contact_id:
            self.contact.load_contact(contact_id)
        self.title.setFocus()

    def _build(self, due: datetime) -> None:
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("What needs doing?"))
        self.has_due = QCheckBox(self.tr("Due"), self)
        self.has_due.setChecked(True)
        self.due = DateTimeField(_qt_time(due), self)
        self.has_remind = QCheckBox(self.tr("Remind me"), self)
        self.remind = DateTimeField(_qt_time(due - DEFAULT_REMIND_BEFORE), self)
        self.remind.setEnabled(False)
        for edit in (self.due, self.remind):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.contact = ContactPicker(self._ctx, self)
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        form = QFormLayout()
        form.addRow(self.tr("Task"), self.title)
        form.addRow(self._pair(self.has_due, self.due))
        form.addRow(self._pair(self.has_remind, self.remind))
        form.addRow(self.tr("Contact"), self.contact)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @staticmethod
    def _pair(box: QCheckBox, edit: DateTimeField) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(box)
        row.addWidget(edit, 1)
        return row

    def _wire(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.has_due.toggled.connect(self.due.setEnabled)
        self.has_remind.toggled.connect(self.remind.setEnabled)

    def values(self) -> dict[str, Any] | None:
        """The task to create, or None (with the reason shown) when the form is incomplete."""
        title = self.title.text().strip()
        if not title:
            self._invalid(self.tr("Give the task a title."), self.title)
            return None
        if self.contact.text().strip() and self.contact.contact_id is None:
            self._invalid(self.tr("Choose a contact from the list, or clear the field."))
            return None
        return {
            "title": title,
            "due_at": _aware(self.due) if self.has_due.isChecked() else None,
            "remind_at": _aware(self.remind) if self.has_remind.isChecked() else None,
            "contact_id": self.contact.contact_id,
        }

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        values = self.values()
        if values is None:
            return
        store = self._ctx.store
        self.save_button.setEnabled(False)
        self._jobs.submit(lambda: create_task(store, values), self._saved, self._failed)

    def _saved(self, result: OpResult[str]) -> None:
        self.task_id = result.value
        self.saved.emit(result.value)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._invalid(error_text(error))

    def _invalid(self, text: str, focus: QWidget | None = None) -> None:
        self.error.show_error(text)
        if focus is not None:
            focus.setFocus()
