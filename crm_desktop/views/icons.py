"""The app's icons: line icons authored as SVG, drawn in the current theme's colours.

Each icon in ``crm_desktop/resources/icons`` strokes with ``currentColor``.
`icon()` returns a `QIcon` whose engine renders the SVG at paint time, in
the application palette's text colour for the icon's mode (normal, disabled,
selected). Two things follow: icons stay sharp at any size and device pixel
ratio (HiDPI), and a theme switch recolours every icon on its next repaint,
without rebuilding a widget. ``app`` (the window icon) has colours of its own
and is loaded as it is.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from crm_desktop import resources

ICONS_DIR = resources.path("icons")
APP_ICON = "app"

NAMES = (
    "about",
    "account",
    "activities",
    "call",
    "companies",
    "contacts",
    "dashboard",
    "deals",
    "delete",
    "down",
    "edit",
    "email",
    "fields",
    "lock",
    "new",
    "redo",
    "refresh",
    "reports",
    "search",
    "settings",
    "sync",
    "tasks",
    "undo",
    "up",
    "warning",
)
"""Every themed icon; ``app`` is the one fixed-colour icon."""


def icon(name: str) -> QIcon:
    """The icon called `name` (one of `NAMES`, or ``"app"``).

    Raises:
        KeyError: no such icon (a bug in the caller, not a user error).
    """
    if name == APP_ICON:
        return _app_icon()
    if name not in NAMES:
        raise KeyError(f"no icon named {name!r}")
    return QIcon(_ThemedSvgEngine(_svg_source(name)))


@cache
def _app_icon() -> QIcon:
    return QIcon(str(ICONS_DIR / f"{APP_ICON}.svg"))


@cache
def _svg_source(name: str) -> str:
    return (ICONS_DIR / f"{name}.svg").read_text(encoding="utf-8")


def icon_color(mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    """The stroke colour for `mode` in the current application palette."""
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorRole.HighlightedText)
    return palette.color(QPalette.ColorRole.WindowText)


class _ThemedSvgEngine(QIconEngine):
    """Renders one SVG with ``currentColor`` replaced by the palette's colour."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self._source = source
        self._renderers: dict[str, QSvgRenderer] = {}

    def _renderer(self, color: QColor) -> QSvgRenderer:
        name = color.name()  # opaque: alpha is applied as painter opacity
        renderer = self._renderers.get(name)
        if renderer is None:
            svg = self._source.replace("currentColor", name)
            renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
            self._renderers[name] = renderer
        return renderer

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        color = icon_color(mode)
        painter.save()
        if color.alpha() < 255:  # SVG colours are opaque: carry alpha as opacity
            painter.setOpacity(painter.opacity() * color.alphaF())
        self._renderer(color).render(painter, QRectF(rect))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        pixels = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        pixmap = QPixmap(pixels)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(QPoint(0, 0), pixels), mode, state)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return size  # vector: any size is exact

    def clone(self) -> QIconEngine:
        return _ThemedSvgEngine(self._source)

    def key(self) -> str:
        return "crm-themed-svg"
