"""Forecast (销售预测): each coming month's committed and best-case value against a target.

Committed is the probability-weighted value of the open deals expected to
close in the month, best case their full value. The user types a target per
month and currency in the table; targets are kept in the application
settings (QSettings, ``dashboard/targets/<currency>/<YYYY-MM>`` in cents), so
they survive restarts and apply to every pipeline and owner filter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QSettings, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.errors import ValidationError
from crm_desktop.services.reports import ForecastMonth, ForecastPlan, forecast_plan, parse_target
from crm_desktop.views.charts import BarChart, Series
from crm_desktop.views.messages import error_text

TARGET_KEY = "dashboard/targets"
MONTH, DEALS, COMMITTED, BEST, TARGET, SHARE = range(6)
BEHIND = QColor("#c0392b")
AHEAD = QColor("#15803d")


def money(cents: int | None, currency: str) -> str:
    return "" if cents is None else f"{currency} {cents / 100:,.2f}"


def load_targets(settings: QSettings, currency: str) -> dict[str, int]:
    """Target cents per 'YYYY-MM' for `currency` (unreadable entries are skipped)."""
    settings.beginGroup(f"{TARGET_KEY}/{currency}")
    try:
        out = {}
        for month in settings.childKeys():
            try:
                out[month] = int(settings.value(month))
            except (TypeError, ValueError):
                continue
        return out
    finally:
        settings.endGroup()


def save_target(settings: QSettings, currency: str, month: str, cents: int | None) -> None:
    key = f"{TARGET_KEY}/{currency}/{month}"
    if cents is None:
        settings.remove(key)
    else:
        settings.setValue(key, cents)
    settings.sync()


class SetTargetCommand(QUndoCommand):
    """Set a month's target; undo puts the previous one (or none) back."""

    def __init__(
        self,
        view: ForecastView,
        currency: str,
        month: str,
        before: int | None,
        after: int | None,
    ) -> None:
        super().__init__(
            QCoreApplication.translate("ForecastView", "Set the target of {0}").format(month)
        )
        self._view, self._currency, self._month = view, currency, month
        self._before, self._after = before, after

    def redo(self) -> None:
        self._view.apply_target(self._currency, self._month, self._after)

    def undo(self) -> None:
        self._view.apply_target(self._currency, self._month, self._before)


class ForecastView(QWidget):
    """The forecast chart (committed, best case, target) over an editable table.

    Signals:
        target_changed(month, cents): the user set (cents >= 0) or cleared (-1) a target.
    """

    target_changed = Signal(str, int)

    def __init__(
        self,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        undo_stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._undo_stack = undo_stack
        self._rows: list[ForecastMonth] = []
        self._months: list[str] = []
        self.currency = ""
        self.plan: list[ForecastPlan] = []
        self.chart = BarChart(self.tr("Forecast against target"), self)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Month"),
                self.tr("Deals"),
                self.tr("Committed (weighted)"),
                self.tr("Best case"),
                self.tr("Target"),
                self.tr("Committed / target"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.hint = QLabel(
            self.tr(
                "Type a target in the Target column (empty clears it). Targets are saved "
                "on this computer, per month and currency."
            ),
            self,
        )
        self.hint.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("forecastStatus")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)

    def set_forecast(self, rows: list[ForecastMonth], months: list[str], currency: str) -> None:
        """Show `months` of the `forecast` rows in `currency` with the saved targets."""
        self._rows, self._months, self.currency = list(rows), list(months), currency
        self._replot()

    def set_target(self, month: str, cents: int | None) -> None:
        """Set (or with None clear) the target of `month` in the current currency;
        undoable when the view has an undo stack."""
        if not self.currency:
            return
        before = load_targets(self._settings, self.currency).get(month)
        if before == cents:
            self._replot()
            return
        if self._undo_stack is None:
            self.apply_target(self.currency, month, cents)
        else:
            self._undo_stack.push(SetTargetCommand(self, self.currency, month, before, cents))

    def apply_target(self, currency: str, month: str, cents: int | None) -> None:
        """Save a target (no undo step) and show it if `currency` is the one shown."""
        save_target(self._settings, currency, month, cents)
        self.target_changed.emit(month, -1 if cents is None else cents)
        if currency == self.currency:
            self._replot()

    def _replot(self) -> None:
        targets = load_targets(self._settings, self.currency) if self.currency else {}
        self.plan = forecast_plan(self._rows, self._months, self.currency, targets)
        self._fill_table()
        self._draw()

    def _fill_table(self) -> None:
        blocker = QSignalBlocker(self.table)
        self.table.setRowCount(len(self.plan))
        for row, p in enumerate(self.plan):
            share = p.committed_share
            cells = (
                p.month,
                f"{p.deal_count:,}",
                money(p.committed_cents, p.currency),
                money(p.best_case_cents, p.currency),
                "" if p.target_cents is None else f"{p.target_cents / 100:,.2f}",
                "" if share is None else f"{share:.0%}",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if column == TARGET:
                    flags |= Qt.ItemFlag.ItemIsEditable
                    item.setToolTip(self.tr("Target for {0} in {1}").format(p.month, p.currency))
                item.setFlags(flags)
                if column != MONTH:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == SHARE and share is not None:
                    item.setForeground(QBrush(AHEAD if share >= 1 else BEHIND))
                self.table.setItem(row, column, item)
        del blocker

    def _draw(self) -> None:
        currency = self.currency
        self.chart.note.setText(currency)

        def tips(kind: str, values: Sequence[int | None]) -> list[str]:
            return [
                f"{p.month}\n{kind}: {money(c, currency)}" if c is not None else ""
                for p, c in zip(self.plan, values, strict=True)
            ]

        committed = [p.committed_cents for p in self.plan]
        best = [p.best_case_cents for p in self.plan]
        target = [p.target_cents for p in self.plan]
        names = (self.tr("Committed"), self.tr("Best case"), self.tr("Target"))
        detailed = [
            f"{p.month}\n{names[0]}: {money(p.committed_cents, currency)}"
            + (
                f"\n{names[2]}: {money(p.target_cents, currency)} ({p.committed_share:.0%})"
                if p.target_cents
                else ""
            )
            for p in self.plan
        ]
        self.chart.set_data(
            [p.month for p in self.plan],
            [
                Series(names[0], [c / 100 for c in committed], tips=detailed),
                Series(names[1], [c / 100 for c in best], tips=tips(names[1], best)),
            ],
            overlay=[
                Series(
                    names[2],
                    [math.nan if c is None else c / 100 for c in target],
                    color="#ef4444",
                    tips=tips(names[2], target),
                )
            ],
            fmt=lambda value: f"{currency} {value:,.2f}",
        )
        self.chart.set_table(
            [
                self.tr("Month"),
                self.tr("Currency"),
                self.tr("Deals"),
                self.tr("Committed (weighted)"),
                self.tr("Best case"),
                self.tr("Target"),
            ],
            [
                [
                    p.month,
                    p.currency,
                    p.deal_count,
                    f"{p.committed_cents / 100:.2f}",
                    f"{p.best_case_cents / 100:.2f}",
                    "" if p.target_cents is None else f"{p.target_cents / 100:.2f}",
                ]
                for p in self.plan
            ],
        )

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != TARGET or not 0 <= item.row() < len(self.plan):
            return
        month = self.plan[item.row()].month
        try:
            cents = parse_target(item.text())
        except ValidationError as error:
            self.status.setText(error_text(error))
            self._fill_table()  # back to the saved value
            return
        self.status.clear()
        self.set_target(month, cents)
