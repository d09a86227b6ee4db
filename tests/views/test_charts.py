"""Chart widgets on their own: plotted data, hover text, export, empty state, theme."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from crm_desktop.views.charts import BarChart, FunnelChart, LineChart, Series, compact
from crm_desktop.views.theme import dark_palette


def shown(qtbot, chart):
    qtbot.addWidget(chart)
    chart.resize(520, 320)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def test_bar_chart_groups_series_and_hovers(qtbot) -> None:
    chart = shown(qtbot, BarChart("Pipeline"))
    chart.set_data(
        ["线索", "方案"],
        [Series("Open", [1500.05, 2000]), Series("Weighted", [150.01, 1000])],
        overlay=[Series("Target", [1000, math.nan])],
        fmt=lambda v: f"CNY {v:,.2f}",
    )
    assert [list(b.opts["height"]) for b in chart.bars] == [[1500.05, 2000], [150.01, 1000]]
    xs = [list(b.opts["x"]) for b in chart.bars]
    assert xs[0][0] < 0 < xs[1][0] and xs[0][1] < 1 < xs[1][1]  # side by side per category
    assert chart.hover_view_point(-0.2, 10) == "线索\nOpen: CNY 1,500.05"
    assert chart.hover_view_point(1.2, 10) == "方案\nWeighted: CNY 1,000.00"
    assert chart.hover_view_point(0, 1000) == "线索\nTarget: CNY 1,000.00"  # the marker
    assert chart.hover_view_point(0.5, 10) == ""  # between the groups
    assert list(chart.lines[0].yData) == [1000]  # no marker for a month without target


def test_bar_chart_real_mouse_move_shows_tooltip(qtbot) -> None:
    chart = shown(qtbot, BarChart("Mix"))
    chart.set_data(["Call", "Email"], [Series("Activities", [6, 3], tips=["Call: 6", "Email: 3"])])
    scene = chart.plot.getPlotItem().vb.mapViewToScene(QPointF(1, 1))
    with qtbot.waitSignal(chart.hovered, timeout=2000) as hovered:
        qtbot.mouseMove(chart.plot.viewport(), chart.plot.mapFromScene(scene))
    assert hovered.args == ["Email: 3"] and chart.tooltip == "Email: 3"


def test_line_chart_nearest_point(qtbot) -> None:
    chart = shown(qtbot, LineChart("Calls"))
    chart.set_data(
        ["03-01", "03-02", "03-03"], [Series("li", [0, 2, 5]), Series("wang", [1, 2, 3])]
    )
    assert [list(line.yData) for line in chart.lines] == [[0, 2, 5], [1, 2, 3]]
    assert chart.hover_view_point(2, 4.6) == "03-03\nli: 5"
    assert chart.hover_view_point(2, 2.8) == "03-03\nwang: 3"
    assert chart.hover_view_point(1, 2) == "03-02\nli, wang: 2"  # a tie names both
    assert chart.hover_view_point(7, 2) == ""


def test_funnel_chart(qtbot) -> None:
    chart = shown(qtbot, FunnelChart("Funnel"))
    chart.set_data(["Lead", "Won"], [8, 2], ["Lead: 8", "Won: 2"], ["8  ↓ 25%", "2"])
    widths = list(chart.bars[0].opts["width"])
    assert widths == [1.0, 0.25]
    assert list(chart.bars[0].opts["x0"]) == [-0.5, -0.125]  # centred
    assert [label.toPlainText() for label in chart.labels] == ["8  ↓ 25%", "2"]
    assert chart.hover_view_point(0.1, -1) == "Won: 2"
    assert chart.hover_view_point(0.3, -1) == ""  # beside the narrow bar


def test_empty_data_says_so(qtbot) -> None:
    chart = shown(qtbot, BarChart("Revenue"))
    chart.set_data(["Jan", "Feb"], [Series("2026", [0, 0])])
    assert chart._empty.scene() is not None
    chart.set_data(["Jan", "Feb"], [Series("2026", [0, 5])])
    assert chart._empty.scene() is None
    chart.set_data([], [])
    assert chart._empty.scene() is not None and chart.hover_view_point(0, 0) == ""


def test_csv_is_utf8_with_bom_and_png_is_an_image(qtbot, tmp_path) -> None:
    chart = shown(qtbot, BarChart("赢单 revenue"))
    chart.set_data(["一月"], [Series("2026", [12.5])])
    chart.set_table(["月份", "Value"], [["一月", "12.50"], ["二月, 春节", "0.00"]])
    chart.export_csv(tmp_path / "a.csv")
    raw = (tmp_path / "a.csv").read_bytes()
    assert raw == '\ufeff月份,Value\r\n一月,12.50\r\n"二月, 春节",0.00\r\n'.encode()
    chart.export_png(tmp_path / "a.png")
    image = QImage(str(tmp_path / "a.png"))
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.size() == chart.size()
    with pytest.raises(OSError):
        chart.export_csv(tmp_path / "no" / "such" / "dir.csv")
    assert chart.file_stem() == "赢单-revenue"


def test_context_menu_offers_both_exports(qtbot, monkeypatch) -> None:
    chart = shown(qtbot, BarChart("Mix"))
    menus: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, *_: menus.append(self))
    chart.plot.customContextMenuRequested.emit(QPoint(10, 10))
    assert [a.text() for a in menus[0].actions()] == ["Save as PNG…", "Save data as CSV…"]


def test_charts_follow_the_palette(qtbot) -> None:
    chart = shown(qtbot, BarChart("Mix"))
    dark = dark_palette()
    chart.setPalette(dark)
    assert chart.plot.backgroundBrush().color() == dark.color(QPalette.ColorRole.Base)
    axis = chart.plot.getAxis("left")
    assert axis.textPen().color() == dark.color(QPalette.ColorRole.Text)
    chart.setPalette(QApplication.palette())


@pytest.mark.parametrize(
    ("value", "text"),
    [(950, "950"), (1200, "1.2K"), (3_400_000, "3.4M"), (5e9, "5B"), (0.5, "0.50")],
)
def test_compact_axis_labels(value: float, text: str) -> None:
    assert compact(value) == text
