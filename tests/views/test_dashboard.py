"""Dashboard: the charts plot what the report services compute, filters, forecast, alerts.

The dataset is the one of tests/core/test_reports.py (hand-computed numbers
there); the view runs over a real store with its real worker, and every
plotted figure is compared with the service's own result for the same filters.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import cast

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QTableWidgetItem

from crm_desktop.services import deals, reports
from crm_desktop.services.reports import DashboardData
from crm_desktop.views.dashboard import DashboardView, period_days
from crm_desktop.views.forecast_view import TARGET, ForecastView
from crm_desktop.views.theme import dark_palette, light_palette
from tests.core.test_reports import Data, build_data, set_deal, utc
from tests.views.conftest import settle

MARCH_10 = utc(2026, 3, 10, 12)


@pytest.fixture
def data(ctx, monkeypatch) -> Data:
    built = build_data(ctx.store, monkeypatch)
    # Every deal but A and B created on March 1st (A and B: June 2025, set by build_data).
    for name in "CDEFGH":
        set_deal(ctx.store, built.deals[name], created_at=utc(2026, 3, 1))
    return built


def make_view(qtbot, ctx, now: datetime = MARCH_10) -> DashboardView:
    view = DashboardView(ctx, clock=lambda: now)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    settle(qtbot, ctx)
    assert view.data is not None
    return view


def heights(chart, n: int = 0) -> list[float]:
    return [float(h) for h in chart.bars[n].opts["height"]]


def data_of(view: DashboardView) -> DashboardData:
    assert view.data is not None
    return view.data


def cell(forecast: ForecastView, row: int, number: int) -> QTableWidgetItem:
    item = forecast.table.item(row, number)
    assert item is not None
    return item


def column(table, number: int) -> list[str]:
    model = table.model()
    return [model.index(row, number).data() for row in range(model.rowCount())]


def choose(combo, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_the_gui_thread_does_not_wait_for_the_aggregates(qtbot, ctx, data) -> None:
    view = DashboardView(ctx, clock=lambda: MARCH_10)
    qtbot.addWidget(view)
    assert view.data is None  # queued on the worker; the constructor returned at once
    with qtbot.waitSignal(view.refreshed, timeout=10_000) as shown:
        pass
    assert shown.args[0] > 0 and view.data is not None
    assert "pyqtgraph" in sys.modules  # imported by the dashboard, not at start-up


def test_charts_plot_the_services_numbers(qtbot, ctx, data) -> None:
    view = make_view(qtbot, ctx)
    store, pid = ctx.store, data.pipeline_id
    assert view.current_currency() == "CNY"  # the currency with the most money
    # Open pipeline value per stage (won / lost stages hold no open deals: not shown).
    values = [
        r for r in reports.pipeline_value(store, pid) if not r.closing and r.currency == "CNY"
    ]
    assert view.pipeline_chart.categories == ["Lead", "Qualified", "Proposal", "Negotiation"]
    assert heights(view.pipeline_chart) == [1500.05, 0, 2000, 0]
    assert heights(view.pipeline_chart, 1) == [150.01, 0, 1000, 0]
    assert sum(heights(view.pipeline_chart)) * 100 == pytest.approx(
        sum(r.value_cents for r in values)
    )
    # Funnel of the deals created in the last 30 days (C..H).
    since, until = date(2026, 2, 9), date(2026, 3, 10)
    steps = reports.funnel(store, pid, since=utc(2026, 2, 9), until=utc(2026, 3, 11))
    assert view.funnel_chart.series[0].values == [s.reached for s in steps] == [6, 6, 5, 4, 3]
    assert view.funnel_chart.bars[0].opts["width"][0] == 1.0  # the widest step
    # Won revenue per month of 2026 beside 2025.
    revenue = reports.won_revenue_vs_previous_year(store, 2026)
    feb = next(r for r in revenue if r.month == 2 and r.currency == "CNY")
    assert heights(view.revenue_chart)[1] == feb.value_cents / 100 == 4000
    assert heights(view.revenue_chart, 1)[1] == feb.previous_year_cents / 100 == 1500
    assert sum(heights(view.revenue_chart)) == 4000  # the USD deal is in the other currency
    # Calls per day per owner: one line each, zeros on days without calls.
    calls = reports.calls_per_day(store, since, until)
    assert [s.name for s in view.calls_chart.series] == ["li", "wang"]
    li, wang = (list(line.yData) for line in view.calls_chart.lines)
    assert sum(wang) == sum(c.calls for c in calls if c.owner == "wang") == 4
    days = view.calls_chart.categories
    assert len(days) == 30 and wang[days.index("03-02")] == 3 and li[days.index("02-28")] == 1
    # Forecast of weighted value from this month on.
    months = reports.next_months(date(2026, 3, 1), 6)
    assert view.forecast_chart.categories == months
    assert heights(view.forecast_chart) == [0, 150.01, 1000, 0, 0, 0]
    # Activity mix of the period.
    mix = reports.activity_mix(store, since, until)
    assert heights(view.mix_chart) == [k.count for k in mix] == [6, 3, 1]
    assert view.mix_chart.categories == ["Call", "Note", "Meeting"]


def test_currency_owner_and_period_filters(qtbot, ctx, data) -> None:
    view = make_view(qtbot, ctx)
    choose(view.currency, "USD")  # re-plots the same data
    assert heights(view.pipeline_chart) == [0, 0, 0, 300]
    assert heights(view.forecast_chart) == [0, 0, 225, 0, 0, 0]

    choose(view.currency, "CNY")
    owners = reports.owners(ctx.store)  # of deals (li, wang) and contacts (the test user)
    assert {"li", "wang"} <= set(owners)
    assert [view.owner.itemData(i) for i in range(view.owner.count())] == ["", *owners]
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        choose(view.owner, "wang")
    settle(qtbot, ctx)
    assert data_of(view).filters.owner == "wang"
    assert heights(view.pipeline_chart) == [1000, 0, 2000, 0]
    assert [s.name for s in view.calls_chart.series] == ["wang"]
    cohort = reports.funnel(
        ctx.store, data.pipeline_id, owner="wang", since=utc(2026, 2, 9), until=utc(2026, 3, 11)
    )
    assert view.funnel_chart.series[0].values == [s.reached for s in cohort] == [3, 3, 2, 1, 1]

    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        choose(view.owner, "")
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        choose(view.period, "365")  # A and B (June 2025) join the funnel's cohort
    settle(qtbot, ctx)
    assert view.funnel_chart.series[0].values == [8, 6, 5, 4, 3]
    assert len(view.calls_chart.categories) == 365
    assert ctx.settings.value("dashboard/period") == "365"  # kept for the next start


def test_pipeline_choice(qtbot, ctx, data) -> None:
    from crm_desktop.services import pipelines

    other = pipelines.create_pipeline(ctx.store, "Renewals", [{"name": "Due"}]).value
    deals.create_deal(ctx.store, {"title": "R", "pipeline_id": other, "value": "70"})
    view = make_view(qtbot, ctx)
    assert view.pipeline.count() == 2
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        choose(view.pipeline, other)
    settle(qtbot, ctx)
    assert view.pipeline_chart.categories == ["Due"]
    assert data_of(view).pipeline_id == other


def test_tooltips_show_exact_numbers(qtbot, ctx, data) -> None:
    view = make_view(qtbot, ctx)
    # Hover the "open value" bar of Proposal (category 2, first of two bars).
    text = view.pipeline_chart.hover_view_point(2 - 0.2, 500)
    assert text == "Proposal\nOpen value: CNY 2,000.00\nWeighted (50%): CNY 1,000.00\nDeals: 1"
    assert view.pipeline_chart.hover_view_point(2, -10_000) == ""  # outside the plot
    assert (
        view.funnel_chart.hover_view_point(0, 0)
    ) == "Lead\nDeals that reached it: 6\nWent on to Qualified: 6 (100.0%)"
    assert view.mix_chart.hover_view_point(0, 1) == "Call: 6 (60.0%)"
    day = view.calls_chart.categories.index("03-02")
    assert view.calls_chart.hover_view_point(day, 3) == "2026-03-02\nwang: 3 calls"
    # A real mouse move over the plot gives the same tooltip.
    chart = view.revenue_chart
    box = chart.plot.getPlotItem().vb
    from PySide6.QtCore import QPointF

    scene = box.mapViewToScene(QPointF(1 - 0.2, 100))
    with qtbot.waitSignal(chart.hovered, timeout=2000) as hovered:
        qtbot.mouseMove(chart.plot.viewport(), chart.plot.mapFromScene(scene))
    assert hovered.args[0].startswith("Feb") or "CNY 4,000.00" in hovered.args[0]
    assert "2026: CNY 4,000.00\n2025: CNY 1,500.00" in chart.tooltip


def test_csv_and_png_export(qtbot, ctx, data, tmp_path, monkeypatch) -> None:
    view = make_view(qtbot, ctx)
    path = tmp_path / "pipeline.csv"
    monkeypatch.setattr(
        "crm_desktop.views.charts.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(path), "CSV"),
    )
    view.pipeline_chart.csv_button.click()
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Stage,Probability %,Currency,Deals,Open value,Weighted"
    assert lines[1:] == [
        "Lead,10,CNY,2,1500.05,150.01",
        "Qualified,25,CNY,0,0.00,0.00",
        "Proposal,50,CNY,1,2000.00,1000.00",
        "Negotiation,75,CNY,0,0.00,0.00",
    ]
    view.calls_chart.export_csv(tmp_path / "calls.csv")
    calls = (tmp_path / "calls.csv").read_text(encoding="utf-8-sig").splitlines()
    assert calls == [
        "Day,Owner,Calls",
        "2026-02-28,li,1",
        "2026-03-02,li,1",
        "2026-03-02,wang,3",
        "2026-03-04,wang,1",
    ]
    png = tmp_path / "funnel.png"
    monkeypatch.setattr(
        "crm_desktop.views.charts.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(png), "PNG"),
    )
    with qtbot.waitSignal(view.funnel_chart.exported):
        view.funnel_chart.png_button.click()
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert not image.isNull() and image.width() > 100 and image.height() > 100
    # Cancelled dialog: nothing written. Unwritable path: said in the chart, no crash.
    monkeypatch.setattr(
        "crm_desktop.views.charts.QFileDialog.getSaveFileName", lambda *a, **k: ("", "")
    )
    view.mix_chart.csv_button.click()
    monkeypatch.setattr(
        "crm_desktop.views.charts.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(tmp_path / "missing" / "dir" / "x.csv"), "CSV"),
    )
    view.mix_chart.csv_button.click()
    assert view.mix_chart.note.text().startswith("Could not save")


def test_forecast_against_targets_survives_restart(qtbot, ctx, data, tmp_path) -> None:
    view = make_view(qtbot, ctx)
    forecast = view.forecast
    assert [(p.month, p.committed_cents, p.best_case_cents) for p in forecast.plan[:3]] == [
        ("2026-03", 0, 0),
        ("2026-04", 15001, 150005),
        ("2026-05", 100000, 200000),
    ]
    # The user types targets in the table (group separators are fine).
    cell(forecast, 1, TARGET).setText("1,000")
    cell(forecast, 2, TARGET).setText("800")
    april, may = forecast.plan[1], forecast.plan[2]
    assert april.target_cents == 100000 and april.committed_share == pytest.approx(0.15001)
    assert may.target_cents == 80000 and may.committed_share == 1.25
    assert cell(forecast, 1, 5).text() == "15%" and cell(forecast, 2, 5).text() == "125%"
    committed, best = (heights(forecast.chart, n) for n in (0, 1))
    assert committed[:3] == [0, 150.01, 1000] and best[:3] == [0, 1500.05, 2000]
    target_line = forecast.chart.lines[0]
    assert list(target_line.xData) == [1, 2] and list(target_line.yData) == [1000, 800]
    # Bad input: said, and the saved target stays.
    cell(forecast, 1, TARGET).setText("lots")
    assert forecast.status.text()
    assert forecast.plan[1].target_cents == 100000
    assert cell(forecast, 1, TARGET).text() == "1,000.00"
    # Cleared: no target.
    cell(forecast, 2, TARGET).setText("")
    assert forecast.plan[2].target_cents is None
    # Each change is one undo step (Ctrl+Z): back to 800, then to no target.
    assert ctx.undo_stack.count() == 3 and ctx.undo_stack.undoText() == "Set the target of 2026-05"
    ctx.undo_stack.undo()
    assert forecast.plan[2].target_cents == 80000
    ctx.undo_stack.undo()
    assert forecast.plan[2].target_cents is None
    ctx.undo_stack.redo()
    assert forecast.plan[2].target_cents == 80000
    cell(forecast, 2, TARGET).setText("")
    # Kept in the settings file: a new view (a restart) reads them back.
    ctx.settings.sync()
    reopened = QSettings(ctx.settings.fileName(), QSettings.Format.IniFormat)
    again = ForecastView(reopened)
    qtbot.addWidget(again)
    again.set_forecast(data_of(view).forecast, data_of(view).months, "CNY")
    assert [p.target_cents for p in again.plan[:3]] == [None, 100000, None]
    again.set_forecast(data_of(view).forecast, data_of(view).months, "USD")  # per currency
    assert [p.target_cents for p in again.plan] == [None] * 6


def test_stale_and_overdue_lists_open_deals(qtbot, ctx, data) -> None:
    view = make_view(qtbot, ctx, now=utc(2026, 5, 1, 12))
    store = ctx.store
    stale = reports.stale_deals(store, utc(2026, 5, 1, 12))
    overdue = reports.overdue_deals(store, date(2026, 5, 1))
    table = view.stale_table
    assert column(table, 0) == [s.title for s in stale]
    assert [s.title for s in stale] == ["A", "C", "D", "B"]  # longest idle first
    assert column(table, 4) == [str(s.idle_days) for s in stale]
    assert column(table, 3)[0] == "CNY 1,000.00"
    table = view.overdue_table
    assert column(table, 0) == ["A", "B"]
    assert column(table, 5) == [str(o.days_overdue) for o in overdue] == ["16", "11"]
    assert view.tabs.tabText(2).endswith(f"({len(stale) + 2})")
    view.tabs.setCurrentIndex(2)
    rect = table.visualRect(table.model().index(1, 0))
    with qtbot.waitSignal(view.open_deal) as opened:
        # As a person does it: the first press selects, the second one double-clicks.
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [data.deals["B"]]


def test_changes_refresh_and_theme(qtbot, ctx, data) -> None:
    view = make_view(qtbot, ctx)
    store, lead = ctx.store, data.stages["Lead"]
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        ctx.runner.submit(
            lambda: deals.create_deal(store, {"title": "New", "value": "10", "currency": "CNY"})
        )
    settle(qtbot, ctx)
    assert heights(view.pipeline_chart)[0] == 1510.05
    assert any(r.stage_id == lead for r in data_of(view).pipeline)
    # A theme switch re-colours the plots (background = the palette's base colour).
    app = cast(QApplication, QApplication.instance())
    previous = app.palette()
    try:
        app.setPalette(dark_palette())
        qtbot.waitUntil(
            lambda: view.mix_chart.plot.backgroundBrush().color() == dark_palette().base().color()
        )
        app.setPalette(light_palette())
        qtbot.waitUntil(
            lambda: view.mix_chart.plot.backgroundBrush().color() == light_palette().base().color()
        )
    finally:
        app.setPalette(previous)


def test_a_failed_refresh_is_shown(qtbot, ctx, data, monkeypatch) -> None:
    view = make_view(qtbot, ctx)

    def broken(*_args, **_kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(reports, "dashboard", broken)
    with qtbot.waitSignal(view.failed, timeout=10_000) as failed:
        view.refresh()
    assert "disk gone" in failed.args[0] and view.status.text() == failed.args[0]
    assert heights(view.pipeline_chart) == [1500.05, 0, 2000, 0]  # the last good figures stay


def test_period_days() -> None:
    today = date(2026, 3, 10)
    assert period_days("7", today) == (date(2026, 3, 4), today)
    assert period_days("year", today) == (date(2026, 1, 1), today)
    assert period_days("nonsense", today) == (date(2026, 2, 9), today)


def test_refreshes_coalesce(qtbot, ctx, data) -> None:
    view = make_view(qtbot, ctx)
    runs = []
    real = reports.dashboard

    def counting(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    import crm_desktop.services.reports as module

    module.dashboard = counting
    try:
        for _ in range(5):
            view.refresh()
        settle(qtbot, ctx)
        qtbot.waitUntil(lambda: not view._running)
        settle(qtbot, ctx)
    finally:
        module.dashboard = real
    assert len(runs) == 2  # the running one and one follow-up with the newest filters


def test_an_empty_store_shows_empty_charts(qtbot, ctx) -> None:
    view = make_view(qtbot, ctx)  # no pipeline, no deals, no activities
    assert data_of(view).pipelines == [] and data_of(view).currencies == []
    assert view.current_currency() == ""
    for chart in view.charts:
        assert chart._empty.scene() is not None, chart.title.text()  # "No data"
    assert view.forecast.plan and all(p.best_case_cents == 0 for p in view.forecast.plan)
    assert view.stale_table.model().rowCount() == 0
    assert view.tabs.tabText(2) == "Stale and overdue (0)"
    view.forecast.set_target(data_of(view).months[0], 100)  # no currency yet: nothing to set
    assert view.forecast.plan[0].target_cents is None
