"""Chart widgets of the dashboard (pyqtgraph): bars, lines and a funnel.

Each chart shows a title, the plot and two buttons (also in its context
menu): save the picture as PNG and save the numbers it plots as CSV (UTF-8
with BOM, so spreadsheet programs read Chinese correctly). Hovering a bar or
a point shows its exact numbers in a tooltip. The data a chart plots stays
readable (`categories`, `series`, `bars`/`lines`, `table`) so tests can compare it
with what the services computed.

pyqtgraph is imported here only, and this module only by the dashboard, so
start-up never pays for it. Colours follow the application palette
(`crm_desktop.views.theme`): the plot background is the palette's Base colour
and axes use its Text colour, also after a theme switch.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

pg.setConfigOptions(antialias=True)

# Series colours readable on both the light and the dark background.
COLORS = (
    "#2563eb",
    "#f59e0b",
    "#10b981",
    "#ef4444",
    "#8b5cf6",
    "#06b6d4",
    "#ec4899",
    "#84cc16",
)
GROUP_WIDTH = 0.8  # share of a category's slot that its bars fill
MAX_X_LABELS = 12


@dataclass
class Series:
    """One named row of values, one value per category."""

    name: str
    values: list[float]
    color: str | None = None
    tips: list[str] = field(default_factory=list)  # tooltip per value; default: name: value


def compact(value: float) -> str:
    """An axis label: 950, 1.2K, 3.4M, 5.6B (exact figures are in tooltips and CSV)."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}"


class CompactAxis(pg.AxisItem):
    """A value axis with short labels and no "(x1e+06)" scaling."""

    def __init__(self, orientation: str = "left", **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [compact(v * scale) for v in values]


class Chart(QFrame):
    """Title, plot and export; subclasses draw and answer hover positions.

    Signals:
        hovered(text): the tooltip text shown for the point under the mouse ("" when none).
        exported(path): a PNG or CSV file was written.
    """

    hovered = Signal(str)
    exported = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chart")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.headers: list[str] = []
        self.rows: list[list[Any]] = []
        self.tooltip = ""
        self.tip_for: Callable[[Series, int], str] | None = None
        self._colors: dict[str, str] = {}
        self._legend_key: tuple[tuple[str, str], ...] = ()
        self.title = QLabel(title, self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.plot = pg.PlotWidget(
            self, axisItems={"left": CompactAxis("left")} if self._value_axis_left() else None
        )
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(180)
        self.plot.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.plot.customContextMenuRequested.connect(self._context_menu)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.png_button = self._button(
            QCoreApplication.translate("Chart", "PNG"),
            QCoreApplication.translate("Chart", "Save the chart as a PNG image"),
        )
        self.png_button.clicked.connect(self.save_png)
        self.csv_button = self._button(
            QCoreApplication.translate("Chart", "CSV"),
            QCoreApplication.translate("Chart", "Save the chart's data as CSV"),
        )
        self.csv_button.clicked.connect(self.save_csv)
        self._empty = pg.TextItem(QCoreApplication.translate("Chart", "No data"), anchor=(0.5, 0.5))
        self._empty.setZValue(10)
        self.legend = QLabel(self)
        self.legend.setObjectName("chartLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.hide()
        self.note = QLabel(self)  # e.g. "Currency: CNY"
        self.note.setObjectName("chartNote")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.note)
        top.addWidget(self.png_button)
        top.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        self.apply_palette()

    def _value_axis_left(self) -> bool:
        return True

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # -- data ------------------------------------------------------------------------
    def set_table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """The numbers behind the chart, as the CSV export writes them."""
        self.headers = list(headers)
        self.rows = [list(r) for r in rows]

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.headers)
        writer.writerows(self.rows)
        return out.getvalue()

    def export_csv(self, path: str | Path) -> None:
        """Write the chart's data to `path` (UTF-8 with BOM).

        Raises:
            OSError: the file could not be written.
        """
        Path(path).write_text(self.csv_text(), encoding="utf-8-sig", newline="")
        self.exported.emit(str(path))

    def export_png(self, path: str | Path) -> None:
        """Write the chart (title and plot) to `path` as a PNG image.

        Raises:
            OSError: the image could not be written.
        """
        if not self.grab().save(str(path), "PNG"):
            raise OSError(QCoreApplication.translate("Chart", "Could not write {0}").format(path))
        self.exported.emit(str(path))

    def file_stem(self) -> str:
        keep = "".join(c if c.isalnum() else "-" for c in self.title.text().strip().lower())
        return "-".join(p for p in keep.split("-") if p) or "chart"

    def save_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("Chart", "Save chart"),
            f"{self.file_stem()}.png",
            QCoreApplication.translate("Chart", "PNG images (*.png)"),
        )
        if path:
            self._guarded(lambda: self.export_png(path))

    def save_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("Chart", "Save chart data"),
            f"{self.file_stem()}.csv",
            QCoreApplication.translate("Chart", "CSV files (*.csv)"),
        )
        if path:
            self._guarded(lambda: self.export_csv(path))

    def _guarded(self, write: Callable[[], None]) -> None:
        try:
            write()
        except OSError as error:
            self.note.setText(
                QCoreApplication.translate("Chart", "Could not save: {0}").format(
                    error.strerror or error
                )
            )

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        png = QAction(QCoreApplication.translate("Chart", "Save as PNG…"), menu)
        png.triggered.connect(self.save_png)
        data = QAction(QCoreApplication.translate("Chart", "Save data as CSV…"), menu)
        data.triggered.connect(self.save_csv)
        menu.addActions([png, data])
        menu.popup(self.plot.mapToGlobal(pos))

    # -- theme -----------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_palette()

    def apply_palette(self) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        self.plot.setBackground(base)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(palette.color(QPalette.ColorRole.Mid)))
            axis.setTextPen(pg.mkPen(text))
        self._empty.setColor(palette.color(QPalette.ColorRole.PlaceholderText))
        self._text_color_changed(text)

    def _text_color_changed(self, color: QColor) -> None:
        """Subclasses with text items recolour them."""

    # -- drawing helpers -------------------------------------------------------------
    # New data updates the plot items in place (setData / setOpts): re-creating
    # them, and the legend, cost ~10x more on the GUI thread.
    def _color_of(self, name: str) -> QColor:
        """A series keeps its colour while the chart lives (e.g. a rep across filters)."""
        if name not in self._colors:
            self._colors[name] = COLORS[len(self._colors) % len(COLORS)]
        return QColor(self._colors[name])

    def _set_legend(self, entries: Sequence[tuple[str, QColor]]) -> None:
        """Colour swatches with the series' names in the header row (not over the bars);
        none for a single series."""
        key = tuple((name, color.name()) for name, color in entries)
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.setText(
            "&nbsp;&nbsp;".join(
                f'<span style="color:{color}">&#9632;</span>&nbsp;{html.escape(name)}'
                for name, color in key
            )
            if len(key) > 1
            else ""
        )
        self.legend.setVisible(len(key) > 1)

    def _show_empty(self, empty: bool) -> None:
        item = self.plot.getPlotItem()
        self.tooltip = ""
        if empty:
            if self._empty.scene() is None:
                item.addItem(self._empty, ignoreBounds=True)
            self._empty.setPos(0.5, 0.5)
            self.plot.setXRange(0, 1, padding=0)
            self.plot.setYRange(0, 1, padding=0)
        elif self._empty.scene() is not None:
            item.removeItem(self._empty)

    def _set_x_labels(self, labels: Sequence[str], axis: str = "bottom") -> None:
        step = max(1, math.ceil(len(labels) / MAX_X_LABELS)) if axis == "bottom" else 1
        ticks = [(i, label) for i, label in enumerate(labels) if i % step == 0]
        self.plot.getAxis(axis).setTicks([ticks, []])

    # -- hover -----------------------------------------------------------------------
    def _mouse_moved(self, scene_pos: QPointF) -> None:
        box = self.plot.getPlotItem().vb
        text = ""
        if box.sceneBoundingRect().contains(scene_pos):
            point = box.mapSceneToView(scene_pos)
            text = self.text_at(point.x(), point.y())
        if text == self.tooltip:
            return
        self.tooltip = text
        if text:
            where = self.plot.mapToGlobal(self.plot.mapFromScene(scene_pos))
            QToolTip.showText(where + QPoint(12, 12), text, self.plot)
        else:
            QToolTip.hideText()
        self.hovered.emit(text)

    def hover_view_point(self, x: float, y: float) -> str:
        """Move "the mouse" to plot coordinates (x, y): as a real hover does (tests, keyboard)."""
        scene = self.plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
        self._mouse_moved(scene)
        return self.tooltip

    def text_at(self, x: float, y: float) -> str:
        """The tooltip for plot coordinates (x, y); "" when nothing is there."""
        return ""

    def _tip(self, s: Series, index: int, fmt: Callable[[float], str]) -> str:
        if index < len(s.tips) and s.tips[index]:
            return s.tips[index]
        if self.tip_for is not None:  # made on hover: long series need not build them all
            return self.tip_for(s, index)
        return f"{self.categories[index]}\n{s.name}: {fmt(s.values[index])}"


def plain_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


class BarChart(Chart):
    """Vertical bars per category; several series stand side by side."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.bars: list[pg.BarGraphItem] = []
        self.lines: list[pg.PlotDataItem] = []  # overlay series (e.g. a target)
        self.overlay: list[Series] = []
        self.format: Callable[[float], str] = plain_number
        self.apply_palette()

    def set_data(
        self,
        categories: Sequence[str],
        series: Sequence[Series],
        *,
        overlay: Sequence[Series] = (),
        fmt: Callable[[float], str] = plain_number,
    ) -> None:
        """Draw `series` as grouped bars over `categories`; `overlay` as lines with dots."""
        self.categories, self.series, self.format = list(categories), list(series), fmt
        self.overlay = list(overlay)
        count = max(len(self.series), 1)
        width = GROUP_WIDTH / count
        colors = [QColor(s.color) if s.color else self._color_of(s.name) for s in self.series]
        while len(self.bars) > len(self.series):
            self.plot.removeItem(self.bars.pop())
        for j, s in enumerate(self.series):
            xs = [i - GROUP_WIDTH / 2 + width * (j + 0.5) for i in range(len(self.categories))]
            opts = {
                "x": xs,
                "height": list(s.values),
                "width": width * 0.92,
                "brush": colors[j],
                "pen": pg.mkPen(None),
            }
            if j < len(self.bars):
                self.bars[j].setOpts(**opts)
            else:
                bar = pg.BarGraphItem(**opts)
                self.plot.addItem(bar)
                self.bars.append(bar)
        while len(self.lines) > len(self.overlay):
            self.plot.removeItem(self.lines.pop())
        for k, s in enumerate(self.overlay):
            color = QColor(s.color) if s.color else self._color_of(s.name)
            pairs = [(i, v) for i, v in enumerate(s.values) if not math.isnan(v)]
            style = {
                "pen": pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                "symbol": "d",
                "symbolBrush": color,
                "symbolPen": pg.mkPen(None),
            }
            if k >= len(self.lines):
                self.lines.append(self.plot.plot([], [], **style))
            # A line joins neighbouring months only; a month without a value breaks it.
            joined = [b[0] == a[0] + 1 for a, b in itertools.pairwise(pairs)] + [False]
            self.lines[k].setData(
                [p[0] for p in pairs],
                [p[1] for p in pairs],
                connect=np.array(joined, dtype=bool) if pairs else "all",
                **style,
            )
        entries = [(s.name, c) for s, c in zip(self.series, colors, strict=True)]
        overlay_entries = [
            (s.name, QColor(s.color) if s.color else self._color_of(s.name)) for s in self.overlay
        ]
        self._set_legend(entries + overlay_entries)
        self._set_x_labels(self.categories)
        values = [v for s in [*self.series, *self.overlay] for v in s.values if not math.isnan(v)]
        empty = not self.categories or not any(values)
        self._show_empty(empty)
        if not empty:
            top = max(max(values), 0)
            self.plot.setXRange(-0.6, len(self.categories) - 0.4, padding=0)
            self.plot.setYRange(min(min(values), 0), top * 1.08 or 1, padding=0)

    def text_at(self, x: float, y: float) -> str:
        if not self.categories:
            return ""
        index = round(x)
        if not 0 <= index < len(self.categories):
            return ""
        for s in self.overlay:  # a target's marker wins when near it
            value = s.values[index] if index < len(s.values) else math.nan
            span = self.plot.getPlotItem().vb.viewRange()[1]
            near = (span[1] - span[0]) * 0.04
            if not math.isnan(value) and abs(x - index) < 0.2 and abs(y - value) <= near:
                return self._tip(s, index, self.format)
        count = len(self.series)
        if not count:
            return ""
        offset = x - (index - GROUP_WIDTH / 2)
        if not 0 <= offset < GROUP_WIDTH:
            return ""
        j = min(int(offset / (GROUP_WIDTH / count)), count - 1)
        return self._tip(self.series[j], index, self.format)


class LineChart(Chart):
    """A line per series over categories (e.g. days); hover picks the nearest point."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.lines: list[pg.PlotDataItem] = []
        self.format: Callable[[float], str] = plain_number
        self.apply_palette()

    def set_data(
        self,
        categories: Sequence[str],
        series: Sequence[Series],
        *,
        fmt: Callable[[float], str] = plain_number,
    ) -> None:
        self.categories, self.series, self.format = list(categories), list(series), fmt
        xs = list(range(len(self.categories)))
        dots = len(xs) <= 62
        while len(self.lines) > len(self.series):
            self.plot.removeItem(self.lines.pop())
        colors = [QColor(s.color) if s.color else self._color_of(s.name) for s in self.series]
        for j, s in enumerate(self.series):
            style = {
                "pen": pg.mkPen(colors[j], width=2),
                "symbol": "o" if dots else None,
                "symbolSize": 5,
                "symbolBrush": colors[j],
                "symbolPen": pg.mkPen(None),
            }
            if j >= len(self.lines):
                self.lines.append(self.plot.plot([], [], **style))
            self.lines[j].setData(xs, list(s.values), **style)
        self._set_legend([(s.name, c) for s, c in zip(self.series, colors, strict=True)])
        self._set_x_labels(self.categories)
        values = [v for s in self.series for v in s.values]
        empty = not self.categories or not any(values)
        self._show_empty(empty)
        if not empty:
            self.plot.setXRange(-0.5, len(xs) - 0.5, padding=0)
            self.plot.setYRange(0, max(values) * 1.1 or 1, padding=0)

    def text_at(self, x: float, y: float) -> str:
        index = round(x)
        if not self.series or not 0 <= index < len(self.categories):
            return ""
        nearest = min(self.series, key=lambda s: abs(s.values[index] - y))
        same = [s for s in self.series if s.values[index] == nearest.values[index]]
        if len(same) > 1:  # several reps with the same count: list them all
            names = ", ".join(s.name for s in same)
            return f"{self.categories[index]}\n{names}: {self.format(nearest.values[index])}"
        return self._tip(nearest, index, self.format)


class FunnelChart(Chart):
    """Centred horizontal bars, widest at the top, with stage-to-stage conversion."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.labels: list[pg.TextItem] = []
        self.tips: list[str] = []
        self.plot.getAxis("bottom").hide()
        self._text = QColor("black")
        self.bar = pg.BarGraphItem(x0=[], y=[], width=[], height=0.72, pen=pg.mkPen(None))
        self.plot.addItem(self.bar)
        self.bars = [self.bar]
        self.apply_palette()

    def _value_axis_left(self) -> bool:
        return False

    def set_data(
        self,
        stages: Sequence[str],
        reached: Sequence[int],
        tips: Sequence[str],
        labels: Sequence[str] = (),
    ) -> None:
        """`reached[i]`: deals that reached stage i; `tips[i]`: its tooltip; `labels[i]`:
        the text beside its bar (default: the count)."""
        self.categories, self.tips = list(stages), list(tips)
        self.series = [Series("reached", [float(n) for n in reached])]
        widest = max(reached, default=0) or 1
        ys = [-i for i in range(len(stages))]
        widths = [max(n / widest, 0.004) for n in reached]
        self.bar.setOpts(
            x0=[-w / 2 for w in widths],
            y=ys,
            width=widths,
            height=0.72,
            brushes=[QColor(COLORS[i % len(COLORS)]) for i in range(len(stages))],
        )
        while len(self.labels) > len(stages):
            self.plot.removeItem(self.labels.pop())
        while len(self.labels) < len(stages):
            label = pg.TextItem("", color=self._text, anchor=(0, 0.5))
            self.plot.addItem(label)
            self.labels.append(label)
        for i, n in enumerate(reached):
            self.labels[i].setText(labels[i] if i < len(labels) else f"{n:,}")
            self.labels[i].setPos(widths[i] / 2 + 0.02, ys[i])
        self.plot.getAxis("left").setTicks([[(ys[i], s) for i, s in enumerate(stages)], []])
        self._show_empty(not any(reached))
        if stages:
            self.plot.setXRange(-0.55, 0.95, padding=0)
            self.plot.setYRange(-len(stages) + 0.5, 0.5, padding=0)

    def _text_color_changed(self, color: QColor) -> None:
        self._text = color
        for label in getattr(self, "labels", []):
            label.setColor(color)

    def text_at(self, x: float, y: float) -> str:
        index = round(-y)
        if not 0 <= index < len(self.categories):
            return ""
        half = max(self.series[0].values[index] / (max(self.series[0].values) or 1), 0.004) / 2
        return self.tips[index] if abs(x) <= max(half, 0.05) else ""
