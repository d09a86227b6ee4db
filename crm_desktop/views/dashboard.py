"""Dashboard (仪表盘): charts of the pipeline, revenue and calls, the forecast, alerts.

All aggregates (`crm_desktop.services.reports.dashboard`) are read in one job
on the store worker; the GUI thread only plots. A refresh requested while one
is running is merged into a single follow-up, and results of superseded
requests are not drawn. Changes to deals, stages or activities refresh the
dashboard (after a short pause, so a burst of changes costs one refresh);
while it is hidden the refresh waits until it is shown again.

The period applies to calls per day, the activity mix and the funnel's cohort
(deals created in the period); revenue is for the year the period ends in,
beside the year before; pipeline value, forecast and alerts are as of now.
Money is never added across currencies: the currency choice picks which one
the money charts show.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, cast

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services import reports
from crm_desktop.services.reports import DashboardData, DashboardFilters
from crm_desktop.store.changes import ChangeSet
from crm_desktop.views.activities_model import KIND_LABELS
from crm_desktop.views.charts import BarChart, FunnelChart, LineChart, Series
from crm_desktop.views.context import AppContext
from crm_desktop.views.forecast_view import ForecastView, money
from crm_desktop.views.icons import icon
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

_CONTEXT = "DashboardView"
ID_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex
CHANGE_DELAY_MS = 400
REPORT_TABLES = {"deal", "stage", "pipeline", "activity", "deal_stage_history", "contact"}
PERIOD_KEY = "dashboard/period"
# (key, label): the days before today included, or "year" for this calendar year.
PERIODS = cast(
    tuple[tuple[str, str], ...],
    (
        ("7", QT_TRANSLATE_NOOP("DashboardView", "Last 7 days")),
        ("30", QT_TRANSLATE_NOOP("DashboardView", "Last 30 days")),
        ("90", QT_TRANSLATE_NOOP("DashboardView", "Last 90 days")),
        ("year", QT_TRANSLATE_NOOP("DashboardView", "This year")),
        ("365", QT_TRANSLATE_NOOP("DashboardView", "Last 12 months")),
    ),
)
DEFAULT_PERIOD = "30"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def period_days(key: str, today: date) -> tuple[date, date]:
    """(since, until) of a period choice ending `today` (both included)."""
    if key == "year":
        return date(today.year, 1, 1), today
    days = int(key) if key.isdigit() else int(DEFAULT_PERIOD)
    return today - timedelta(days=days - 1), today


def local_now() -> datetime:
    return datetime.now().astimezone()


class DashboardView(QWidget):
    """Filters, six charts, the forecast and the stale / overdue deal lists.

    Signals:
        open_deal(id): a deal of an alert list was double-clicked.
        refreshed(ms): all charts plotted; ms from the refresh request.
        failed(text): a refresh failed (also shown in the status line).
    """

    open_deal = Signal(str)
    refreshed = Signal(float)
    failed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = local_now,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self._clock = clock
        self._running = False
        self._again = False
        self._dirty = False
        self._requested_at = 0.0
        self.data: DashboardData | None = None
        self.last_ms = 0.0
        self.plot_ms = 0.0  # of the last refresh, on the GUI thread
        self._build()
        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_DELAY_MS)
        self._change_timer.timeout.connect(self._refresh_if_visible)
        ctx.runner.changed.connect(self._changed)
        self.refresh()

    # -- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.period = QComboBox(self)
        for key, label in PERIODS:
            self.period.addItem(_tr(label), key)
        saved = str(self._ctx.settings.value(PERIOD_KEY, DEFAULT_PERIOD))
        self.period.setCurrentIndex(max(self.period.findData(saved), 0))
        self.owner = QComboBox(self)
        self.owner.addItem(self.tr("All owners"), "")
        self.pipeline = QComboBox(self)
        self.currency = QComboBox(self)
        self.refresh_button = QToolButton(self)
        self.refresh_button.setIcon(icon("refresh"))
        self.refresh_button.setToolTip(self.tr("Refresh the dashboard"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel(self)
        self.status.setObjectName("dashboardStatus")
        bar = QHBoxLayout()
        for label, combo in (
            (self.tr("Period:"), self.period),
            (self.tr("Owner:"), self.owner),
            (self.tr("Pipeline:"), self.pipeline),
            (self.tr("Currency:"), self.currency),
        ):
            caption = QLabel(label, self)
            caption.setBuddy(combo)
            bar.addWidget(caption)
            bar.addWidget(combo)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.status, 1)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.owner.currentIndexChanged.connect(lambda _i: self.refresh())
        self.pipeline.currentIndexChanged.connect(lambda _i: self.refresh())
        self.currency.currentIndexChanged.connect(lambda _i: self._plot())

        self.pipeline_chart = BarChart(self.tr("Open pipeline value by stage"))
        self.funnel_chart = FunnelChart(self.tr("Funnel: stage to stage"))
        self.revenue_chart = BarChart(self.tr("Won revenue by month"))
        self.calls_chart = LineChart(self.tr("Calls per day by owner"))
        self.forecast_chart = BarChart(self.tr("Weighted forecast by expected close"))
        self.mix_chart = BarChart(self.tr("Activity mix"))
        self.charts = [
            self.pipeline_chart,
            self.funnel_chart,
            self.revenue_chart,
            self.calls_chart,
            self.forecast_chart,
            self.mix_chart,
        ]
        grid_page = QWidget()
        grid = QGridLayout(grid_page)
        grid.setContentsMargins(0, 0, 0, 0)
        for n, chart in enumerate(self.charts):
            chart.setMinimumHeight(240)
            grid.addWidget(chart, n // 3, n % 3)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(grid_page)

        self.forecast = ForecastView(self._ctx.settings, self, undo_stack=self._ctx.undo_stack)
        self.stale_table = self._alert_table(
            [
                self.tr("Deal"),
                self.tr("Stage"),
                self.tr("Owner"),
                self.tr("Value"),
                self.tr("Idle days"),
            ]
        )
        self.overdue_table = self._alert_table(
            [
                self.tr("Deal"),
                self.tr("Stage"),
                self.tr("Owner"),
                self.tr("Value"),
                self.tr("Expected close"),
                self.tr("Days overdue"),
            ]
        )
        self.stale_label = QLabel(self)
        self.overdue_label = QLabel(self)
        alerts = QSplitter(Qt.Orientation.Vertical, self)
        for caption, table in (
            (self.stale_label, self.stale_table),
            (self.overdue_label, self.overdue_table),
        ):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(caption)
            column.addWidget(table, 1)
            alerts.addWidget(box)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(scroll, self.tr("Charts"))
        self.tabs.addTab(self.forecast, self.tr("Forecast"))
        self.tabs.addTab(alerts, "")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        self._retitle_alerts()

    def _alert_table(self, headers: list[str]) -> QTableView:
        table = QTableView(self)
        table.setModel(AlertModel(headers, table))
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the deal's title
        header.setMinimumSectionSize(60)
        for column, width in enumerate((0, 95, 105, 135, 105, 90)[1 : len(headers)], start=1):
            table.setColumnWidth(column, width)
        table.activated.connect(lambda index, t=table: self._activated(t, index.row()))
        return table

    def _retitle_alerts(self) -> None:
        stale = len(self.data.stale) if self.data else 0
        overdue = len(self.data.overdue) if self.data else 0

        def count(n: int) -> str:  # the lists stop at MAX_ROWS: "200+"
            return f"{n:,}+" if n >= reports.MAX_ROWS else f"{n:,}"

        total = (
            count(stale + overdue)
            if max(stale, overdue) < reports.MAX_ROWS
            else (f"{stale + overdue:,}+")
        )
        self.tabs.setTabText(2, self.tr("Stale and overdue ({0})").format(total))
        self.stale_label.setText(
            self.tr("Stale deals: no activity or stage move for too long ({0})").format(
                count(stale)
            )
        )
        self.overdue_label.setText(
            self.tr("Overdue: expected close date has passed ({0})").format(count(overdue))
        )

    # -- refreshing ---------------------------------------------------------------------
    def filters(self) -> DashboardFilters:
        """What the filter bar asks for, as of the clock's today."""
        now = self._clock()
        offset = now.utcoffset()
        since, until = period_days(str(self.period.currentData()), now.date())
        return DashboardFilters(
            since=since,
            until=until,
            owner=str(self.owner.currentData() or "") or None,
            pipeline_id=str(self.pipeline.currentData() or "") or None,
            utc_offset_minutes=int(offset.total_seconds() // 60) if offset else 0,
        )

    def refresh(self) -> None:
        """Read every aggregate again on the worker, then plot (the GUI thread never waits)."""
        self._dirty = False
        self._requested_at = time.perf_counter()
        if self._running:
            self._again = True  # one follow-up with the newest filters
            return
        self._running = True
        self.status.setText(self.tr("Updating…"))
        store, filters, now = self._ctx.store, self.filters(), self._clock()
        self._jobs.submit(
            lambda: reports.dashboard(store, filters, now), self._loaded, self._failed
        )

    def _finish_run(self) -> bool:
        """True when a newer request is pending (and now started) instead."""
        self._running = False
        if self._again:
            self._again = False
            requested = self._requested_at
            self.refresh()
            self._requested_at = requested
            return True
        return False

    def _loaded(self, data: DashboardData) -> None:
        if self._finish_run():
            return
        self.data = data
        started = time.perf_counter()
        self._fill_filters(data)
        self._plot()
        self.plot_ms = (time.perf_counter() - started) * 1000
        self.last_ms = (time.perf_counter() - self._requested_at) * 1000
        self.status.setText(self.tr("Updated in {0} ms").format(f"{self.last_ms:.0f}"))
        self.refreshed.emit(self.last_ms)

    def _failed(self, error: BaseException) -> None:
        if self._finish_run():
            return
        text = error_text(error)
        self.status.setText(text)
        self.failed.emit(text)

    def _fill_filters(self, data: DashboardData) -> None:
        def refill(combo: QComboBox, items: list[tuple[str, str]], keep: str, first: int) -> None:
            combo.blockSignals(True)
            try:
                while combo.count() > first:
                    combo.removeItem(first)
                for value, text in items:
                    combo.addItem(text, value)
                combo.setCurrentIndex(max(combo.findData(keep), 0))
            finally:
                combo.blockSignals(False)

        refill(self.owner, [(o, o) for o in data.owners], data.filters.owner or "", 1)
        refill(self.pipeline, [(p, n) for p, n in data.pipelines], data.pipeline_id or "", 0)
        current = str(self.currency.currentData() or "")
        keep = current if current in data.currencies else (data.currencies or [""])[0]
        refill(self.currency, [(c, c) for c in data.currencies], keep, 0)

    def _period_changed(self, _index: int) -> None:
        self._ctx.settings.setValue(PERIOD_KEY, self.period.currentData())
        self.refresh()

    def _changed(self, changes: ChangeSet) -> None:
        if REPORT_TABLES & set(changes.entities()):
            self._change_timer.start()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # -- plotting (GUI thread; the numbers are ready) -------------------------------------
    def current_currency(self) -> str:
        data = self.data
        chosen = str(self.currency.currentData() or "")
        if chosen:
            return chosen
        return data.currencies[0] if data and data.currencies else ""

    def _plot(self) -> None:
        data = self.data
        if data is None:
            return
        currency = self.current_currency()
        for chart in (self.pipeline_chart, self.revenue_chart, self.forecast_chart):
            chart.note.setText(currency)
        self._plot_pipeline(data, currency)
        self._plot_funnel(data)
        self._plot_revenue(data, currency)
        self._plot_calls(data)
        self._plot_forecast(data, currency)
        self._plot_mix(data)
        self.forecast.set_forecast(data.forecast, data.months, currency)
        self._fill_alerts(data)

    def _plot_pipeline(self, data: DashboardData, currency: str) -> None:
        stages: dict[str, tuple[str, int]] = {}
        found: dict[str, reports.StageValue] = {}
        for r in data.pipeline:
            if r.closing:
                continue
            stages.setdefault(r.stage_id, (r.stage_name, r.probability))
            if r.currency == currency:
                found[r.stage_id] = r
        names = [name for name, _ in stages.values()]
        rows = [found.get(sid) for sid in stages]
        open_name, weighted_name = self.tr("Open value"), self.tr("Weighted")
        tips = []
        for (name, probability), row in zip(stages.values(), rows, strict=True):
            count = row.deal_count if row else 0
            tips.append(
                self.tr("{0}\nOpen value: {1}\nWeighted ({2}%): {3}\nDeals: {4}").format(
                    name,
                    money(row.value_cents if row else 0, currency),
                    probability,
                    money(row.weighted_cents if row else 0, currency),
                    f"{count:,}",
                )
            )
        self.pipeline_chart.set_data(
            names,
            [
                Series(open_name, [(r.value_cents if r else 0) / 100 for r in rows], tips=tips),
                Series(
                    weighted_name, [(r.weighted_cents if r else 0) / 100 for r in rows], tips=tips
                ),
            ],
            fmt=lambda value: f"{currency} {value:,.2f}",
        )
        self.pipeline_chart.set_table(
            [
                self.tr("Stage"),
                self.tr("Probability %"),
                self.tr("Currency"),
                self.tr("Deals"),
                open_name,
                weighted_name,
            ],
            [
                [
                    name,
                    probability,
                    currency,
                    r.deal_count if r else 0,
                    _amount(r.value_cents if r else 0),
                    _amount(r.weighted_cents if r else 0),
                ]
                for (name, probability), r in zip(stages.values(), rows, strict=True)
            ],
        )

    def _plot_funnel(self, data: DashboardData) -> None:
        steps = data.funnel
        tips, labels = [], []
        for n, s in enumerate(steps):
            tip = self.tr("{0}\nDeals that reached it: {1}").format(s.stage_name, f"{s.reached:,}")
            label = f"{s.reached:,}"
            if s.conversion is not None and n + 1 < len(steps):
                tip += "\n" + self.tr("Went on to {0}: {1} ({2})").format(
                    steps[n + 1].stage_name, f"{s.next_reached:,}", f"{s.conversion:.1%}"
                )
                label += f"  ↓ {s.conversion:.0%}"
            tips.append(tip)
            labels.append(label)
        self.funnel_chart.set_data(
            [s.stage_name for s in steps], [s.reached for s in steps], tips, labels
        )
        self.funnel_chart.set_table(
            [self.tr("Stage"), self.tr("Reached"), self.tr("Went on"), self.tr("Conversion")],
            [
                [
                    s.stage_name,
                    s.reached,
                    "" if s.next_reached is None else s.next_reached,
                    "" if s.conversion is None else f"{s.conversion:.4f}",
                ]
                for s in steps
            ],
        )

    def _plot_revenue(self, data: DashboardData, currency: str) -> None:
        locale = QLocale()
        months = [locale.monthName(m, QLocale.FormatType.ShortFormat) for m in range(1, 13)]
        this_year = [0] * 12
        last_year = [0] * 12
        for r in data.revenue:
            if r.currency == currency:
                this_year[r.month - 1] = r.value_cents
                last_year[r.month - 1] = r.previous_year_cents
        year, previous = str(data.year), str(data.year - 1)
        tips = [
            f"{months[m]}\n{year}: {money(this_year[m], currency)}\n"
            f"{previous}: {money(last_year[m], currency)}"
            for m in range(12)
        ]
        self.revenue_chart.set_data(
            months,
            [
                Series(year, [c / 100 for c in this_year], tips=tips),
                Series(previous, [c / 100 for c in last_year], color="#94a3b8", tips=tips),
            ],
            fmt=lambda value: f"{currency} {value:,.2f}",
        )
        self.revenue_chart.set_table(
            [self.tr("Month"), self.tr("Currency"), year, previous],
            [
                [f"{m + 1:02d}", currency, _amount(this_year[m]), _amount(last_year[m])]
                for m in range(12)
            ],
        )

    def _plot_calls(self, data: DashboardData) -> None:
        filters = data.filters
        days = [
            (filters.since + timedelta(days=n)).isoformat()
            for n in range((filters.until - filters.since).days + 1)
        ]
        position = {day: n for n, day in enumerate(days)}
        per_owner: dict[str, list[float]] = {}
        nobody = self.tr("(no owner)")
        for r in data.calls:
            name = r.owner or nobody
            values = per_owner.setdefault(name, [0.0] * len(days))
            if r.day in position:
                values[position[r.day]] = r.calls
        labels = [day[5:] for day in days]  # MM-DD; the tooltip has the full date
        template = self.tr("{0}\n{1}: {2} calls")
        self.calls_chart.tip_for = lambda s, n: template.format(
            days[n], s.name, f"{s.values[n]:,.0f}"
        )
        self.calls_chart.set_data(
            labels, [Series(name, per_owner[name]) for name in sorted(per_owner)]
        )
        self.calls_chart.set_table(
            [self.tr("Day"), self.tr("Owner"), self.tr("Calls")],
            [[r.day, r.owner or "", r.calls] for r in data.calls],
        )

    def _plot_forecast(self, data: DashboardData, currency: str) -> None:
        plan = reports.forecast_plan(data.forecast, data.months, currency)
        tips = [
            self.tr("{0}\nWeighted: {1}\nBest case: {2}\nDeals: {3}").format(
                p.month,
                money(p.committed_cents, currency),
                money(p.best_case_cents, currency),
                f"{p.deal_count:,}",
            )
            for p in plan
        ]
        self.forecast_chart.set_data(
            [p.month for p in plan],
            [Series(self.tr("Weighted"), [p.committed_cents / 100 for p in plan], tips=tips)],
            fmt=lambda value: f"{currency} {value:,.2f}",
        )
        self.forecast_chart.set_table(
            [
                self.tr("Month"),
                self.tr("Currency"),
                self.tr("Deals"),
                self.tr("Weighted"),
                self.tr("Best case"),
            ],
            [
                [
                    p.month,
                    currency,
                    p.deal_count,
                    _amount(p.committed_cents),
                    _amount(p.best_case_cents),
                ]
                for p in plan
            ],
        )

    def _plot_mix(self, data: DashboardData) -> None:
        total = sum(k.count for k in data.mix) or 1
        names = [
            QCoreApplication.translate("Activities", KIND_LABELS.get(k.kind, k.kind))
            for k in data.mix
        ]
        tips = [
            f"{name}: {k.count:,} ({k.count / total:.1%})"
            for name, k in zip(names, data.mix, strict=True)
        ]
        self.mix_chart.set_data(
            names, [Series(self.tr("Activities"), [float(k.count) for k in data.mix], tips=tips)]
        )
        self.mix_chart.set_table(
            [self.tr("Kind"), self.tr("Activities"), self.tr("Share")],
            [[k.kind, k.count, f"{k.count / total:.4f}"] for k in data.mix],
        )

    def _fill_alerts(self, data: DashboardData) -> None:
        self._fill_table(
            self.stale_table,
            [
                (
                    d.deal_id,
                    [
                        d.title,
                        d.stage_name,
                        d.owner or "",
                        money(d.value_cents, d.currency),
                        str(d.idle_days),
                    ],
                )
                for d in data.stale
            ],
        )
        self._fill_table(
            self.overdue_table,
            [
                (
                    d.deal_id,
                    [
                        d.title,
                        d.stage_name,
                        d.owner or "",
                        money(d.value_cents, d.currency),
                        d.expected_close.isoformat(),
                        str(d.days_overdue),
                    ],
                )
                for d in data.overdue
            ],
        )
        self._retitle_alerts()

    @staticmethod
    def _fill_table(table: QTableView, rows: list[tuple[str, list[str]]]) -> None:
        cast(AlertModel, table.model()).set_rows(rows)

    def _activated(self, table: QTableView, row: int) -> None:
        deal_id = table.model().index(row, 0).data(ID_ROLE)
        if deal_id:
            self.open_deal.emit(str(deal_id))


class AlertModel(QAbstractTableModel):
    """A read-only list of deals: (deal id, cells) per row; the id under ID_ROLE."""

    def __init__(self, headers: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = headers
        self._rows: list[tuple[str, list[str]]] = []

    def set_rows(self, rows: list[tuple[str, list[str]]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        deal_id, cells = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cells[index.column()]
        if role == ID_ROLE:
            return deal_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 3:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None


def _amount(cents: int) -> str:
    """Money in the CSV: plain units with two decimals, no grouping."""
    return f"{cents / 100:.2f}"
