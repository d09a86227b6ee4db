"""Log a call (记录通话) in seconds: contact, outcome, duration timer, notes, follow-up.

Keyboard first: type a name and pick it with the arrows and Enter, Tab through
the fields; Ctrl+Enter saves from anywhere (Enter too, outside the notes);
Esc cancels. The "Start timer" button counts the call live and fills the
duration when stopped (`start_timer()` lets a dialler start it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from itertools import pairwise

from PySide6.QtCore import QDateTime, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.domain.enums import CallOutcome
from crm_desktop.services.activities import MAX_FOLLOW_UP_DAYS, LoggedCall, log_call
from crm_desktop.services.results import OpResult
from crm_desktop.views.activities_model import (
    DIRECTION_LABELS,
    OUTCOME_LABELS,
    format_duration,
    label,
    parse_duration,
)
from crm_desktop.views.contact_picker import ContactPicker
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import ErrorLabel
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

TICK_MS = 250
DEFAULT_FOLLOW_UP_DAYS = 3
Clock = Callable[[], float]


class DateTimeField(QDateTimeEdit):
    """A date-time edit where Tab leaves the field (arrows move between its sections)."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class CallTimer(QWidget):
    """A start/stop button counting a call; `elapsed` seconds are reported on each tick."""

    ticked = Signal(int)  # whole seconds since start, live
    stopped = Signal(int)

    def __init__(self, clock: Clock = time.monotonic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._started: float | None = None
        self.button = QPushButton(self.tr("Start timer"), self)
        self.button.setCheckable(True)
        self.button.toggled.connect(self._toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(lambda: self.ticked.emit(self.elapsed()))

    def running(self) -> bool:
        return self._started is not None

    def elapsed(self) -> int:
        return 0 if self._started is None else int(self._clock() - self._started)

    def start(self) -> None:
        self.button.setChecked(True)

    def stop(self) -> None:
        self.button.setChecked(False)

    def _toggled(self, on: bool) -> None:
        if on:
            self._started = self._clock()
            self._tick.start()
            self.button.setText(self.tr("Stop timer"))
            self.ticked.emit(0)
            return
        seconds = self.elapsed()
        self._tick.stop()
        self._started = None
        self.button.setText(self.tr("Start timer"))
        self.stopped.emit(seconds)


class CallDialog(QDialog):
    """The compact "Log a call" dialog; closes once the call is saved."""

    saved = Signal(object)  # the LoggedCall

    def __init__(
        self,
        ctx: AppContext,
        contact_id: str | None = None,
        parent: QWidget | None = None,
        *,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self.logged: LoggedCall | None = None
        self.setWindowTitle(self.tr("Log a call"))
        self._build(clock)
        self._wire()
        if contact_id:
            self.contact.load_contact(contact_id)
            self.outcome.setFocus()
        else:
            self.contact.setFocus()

    # -- layout ---------------------------------------------------------------------
    def _build(self, clock: Clock) -> None:
        self.contact = ContactPicker(self._ctx, self)
        self.outcome = self._combo(OUTCOME_LABELS, [o.value for o in CallOutcome])
        self.direction = self._combo(DIRECTION_LABELS, ["outbound", "inbound"])
        self.started = DateTimeField(QDateTime.currentDateTime(), self)
        self.started.setCalendarPopup(True)
        self.started.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.duration = QLineEdit(self)
        self.duration.setPlaceholderText(self.tr("mm:ss"))
        self.duration.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,4}(:\d{0,2})?"), self)
        )
        self.timer = CallTimer(clock, self)
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(self.tr("What was said, what comes next…"))
        self.follow_up = QCheckBox(self.tr("Create follow-up task in"), self)
        self.follow_days = QSpinBox(self)
        self.follow_days.setRange(0, MAX_FOLLOW_UP_DAYS)
        self.follow_days.setValue(DEFAULT_FOLLOW_UP_DAYS)
        self.follow_days.setSuffix(self.tr(" days"))
        self.follow_days.setEnabled(False)
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("Save (Ctrl+Enter)"))
        self._lay_out()

    def _combo(self, labels: dict[str, str], values: list[str]) -> QComboBox:
        combo = QComboBox(self)
        for value in values:
            combo.addItem(label(labels, value), value)
        return combo

    def _lay_out(self) -> None:
        call_row = QHBoxLayout()
        call_row.addWidget(self.outcome, 1)
        call_row.addWidget(self.direction)
        duration_row = QHBoxLayout()
        duration_row.addWidget(self.duration, 1)
        duration_row.addWidget(self.timer)
        follow_row = QHBoxLayout()
        follow_row.addWidget(self.follow_up)
        follow_row.addWidget(self.follow_days)
        follow_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Contact"), self.contact)
        form.addRow(self.tr("Outcome"), call_row)
        form.addRow(self.tr("Notes"), self.notes)
        form.addRow(self.tr("Duration"), duration_row)
        form.addRow(self.tr("Started"), self.started)
        form.addRow(follow_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        order = [
            self.contact,
            self.outcome,
            self.direction,
            self.notes,
            self.duration,
            self.timer.button,
            self.started,
            self.follow_up,
            self.follow_days,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _wire(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.follow_up.toggled.connect(self.follow_days.setEnabled)
        self.timer.ticked.connect(self._show_elapsed)
        self.timer.stopped.connect(self._show_elapsed)
        self.timer.button.toggled.connect(self._timer_toggled)

    # -- timer ----------------------------------------------------------------------
    def start_timer(self) -> None:
        """Start counting the call now (e.g. when dialling)."""
        self.timer.start()

    def _timer_toggled(self, on: bool) -> None:
        if on:  # the call starts now
            self.started.setDateTime(QDateTime.currentDateTime())

    def _show_elapsed(self, seconds: int) -> None:
        self.duration.setText(format_duration(seconds))

    # -- saving ---------------------------------------------------------------------
    def save(self) -> None:
        """Validate and log the call off-thread; closes on success, shows the error otherwise."""
        if not self.save_button.isEnabled():
            return  # already saving
        if self.timer.running():
            self.timer.stop()
        contact_id = self.contact.contact_id
        if contact_id is None:
            self._show_error(self.tr("Choose a contact from the list."), self.contact)
            return
        try:
            duration = parse_duration(self.duration.text())
        except ValueError:
            self._show_error(self.tr("Enter the duration as minutes:seconds."), self.duration)
            return
        args = {
            "direction": self.direction.currentData(),
            "outcome": self.outcome.currentData(),
            "started_at": self._started_at(),
            "duration_s": duration,
            "notes": self.notes.toPlainText().strip() or None,
            "follow_up_days": self.follow_days.value() if self.follow_up.isChecked() else None,
        }
        store = self._ctx.store
        self.save_button.setEnabled(False)
        self._jobs.submit(lambda: log_call(store, contact_id, **args), self._saved, self._failed)

    def _started_at(self) -> datetime:
        local: datetime = self.started.dateTime().toPython()  # type: ignore[assignment]
        return local.astimezone()  # naive local time, made aware

    def _saved(self, result: OpResult[LoggedCall]) -> None:
        self.logged = result.value
        self.saved.emit(result.value)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._show_error(error_text(error))

    def _show_error(self, text: str, focus: QWidget | None = None) -> None:
        self.error.show_error(text)
        if focus is not None:
            focus.setFocus()

    def reject(self) -> None:
        self.timer.stop()
        super().reject()
