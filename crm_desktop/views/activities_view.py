"""The activities list (活动 / 通话记录): every call, meeting, email, visit and note, newest first.

Filters (type, date range, call outcome) go to SQL through the model; the
list reloads when a change touches activities (or renames a contact).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.domain.enums import ActivityKind, CallOutcome
from crm_desktop.store.changeset import ChangeSet
from crm_desktop.views.activities_model import (
    KIND_LABELS,
    OUTCOME_LABELS,
    ActivitiesModel,
    ActivityFilter,
    label,
)
from crm_desktop.views.call_dialog import CallDialog
from crm_desktop.views.context import AppContext

# Date range presets; "7" and "30" are days back, today included.
RANGE_ANY, RANGE_TODAY, RANGE_7, RANGE_30, RANGE_CUSTOM = "any", "today", "7", "30", "custom"
COLUMN_WIDTHS = (130, 80, 140, 260, 70)  # the owner column stretches


def local_midnight(day: date) -> datetime:
    """The start of `day` in local time, as an aware datetime."""
    return datetime.combine(day, time()).astimezone()


class ActivitiesView(QWidget):
    """Filter bar over a lazily loaded table of activities."""

    open_contact = Signal(str)  # a row was activated: show its contact

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = ActivitiesModel(ctx, self)
        self._build()
        self._wire()
        self.model.reload(keep_loaded=False)

    # -- layout ---------------------------------------------------------------------
    def _build(self) -> None:
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("All types"), None)
        for kind in ActivityKind:
            self.kind.addItem(label(KIND_LABELS, kind.value), kind.value)
        self.outcome = QComboBox(self)
        self.outcome.addItem(self.tr("Any outcome"), None)
        for outcome in CallOutcome:
            self.outcome.addItem(label(OUTCOME_LABELS, outcome.value), outcome.value)
        self.range = QComboBox(self)
        for key, text in (
            (RANGE_ANY, self.tr("Any time")),
            (RANGE_TODAY, self.tr("Today")),
            (RANGE_7, self.tr("Last 7 days")),
            (RANGE_30, self.tr("Last 30 days")),
            (RANGE_CUSTOM, self.tr("Custom range")),
        ):
            self.range.addItem(text, key)
        self.date_from = self._date_edit(QDate.currentDate().addDays(-30))
        self.date_to = self._date_edit(QDate.currentDate())
        self.log_call = QPushButton(self.tr("Log a call…"), self)
        self.status = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never ResizeToContents
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self._lay_out()

    def _date_edit(self, day: QDate) -> QDateEdit:
        edit = QDateEdit(day, self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setVisible(False)
        return edit

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        for widget in (self.kind, self.outcome, self.range, self.date_from, self.date_to):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.log_call)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def _wire(self) -> None:
        for combo in (self.kind, self.outcome, self.range):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.date_from.dateChanged.connect(self._filters_changed)
        self.date_to.dateChanged.connect(self._filters_changed)
        self.log_call.clicked.connect(self.open_call_dialog)
        self.table.activated.connect(self._activated)
        self.model.failed.connect(self.status.setText)
        self.model.loading.connect(self._loading)
        self._ctx.runner.changed.connect(self._changed)

    # -- behaviour ------------------------------------------------------------------
    def current_filter(self) -> ActivityFilter:
        """The filter the bar shows (dates as local days)."""
        since, until = self._date_range()
        return ActivityFilter(
            kind=self.kind.currentData(),
            outcome=self.outcome.currentData(),
            since=since,
            until=until,
        )

    def _date_range(self) -> tuple[datetime | None, datetime | None]:
        key = self.range.currentData()
        today = date.today()
        tomorrow = local_midnight(today + timedelta(days=1))
        if key == RANGE_TODAY:
            return local_midnight(today), tomorrow
        if key in (RANGE_7, RANGE_30):
            return local_midnight(today - timedelta(days=int(key) - 1)), tomorrow
        if key == RANGE_CUSTOM:
            first: date = self.date_from.date().toPython()  # type: ignore[assignment]
            last: date = self.date_to.date().toPython()  # type: ignore[assignment]
            return local_midnight(first), local_midnight(last + timedelta(days=1))
        return None, None

    def _filters_changed(self) -> None:
        custom = self.range.currentData() == RANGE_CUSTOM
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        # Outcomes belong to calls: choosing one while another type is shown shows calls.
        if self.outcome.currentData() is not None and self.kind.currentData() not in (
            None,
            ActivityKind.CALL.value,
        ):
            self.kind.setCurrentIndex(self.kind.findData(ActivityKind.CALL.value))
            return  # the kind change comes back here
        self.model.set_filter(self.current_filter())

    def _changed(self, changes: ChangeSet) -> None:
        if "activity" in changes.entities() or "contact" in changes.updated:
            self.model.reload()

    def _loading(self, busy: bool) -> None:
        self.status.setText(self.tr("Loading…") if busy else "")

    def _activated(self, index: QModelIndex) -> None:
        contact_id = self.model.row_at(index.row()).contact_id
        if contact_id:
            self.open_contact.emit(contact_id)

    def open_call_dialog(self) -> None:
        dialog = CallDialog(self._ctx, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
