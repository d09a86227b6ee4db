"""Light and dark themes: the Fusion style with a palette of our own.

Fusion looks the same on every OS and honours the palette fully, so one
light and one dark palette cover Windows, macOS and Linux. "system" follows
the OS colour scheme (`QStyleHints.colorScheme()`), also when it changes
while the app runs. Icons (`crm_desktop.views.icons`) take their colour from
the palette at paint time, so they follow too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEME_KEY = "ui/theme"
THEMES = ("system", "light", "dark")
DEFAULT_THEME = "system"

_state: dict[str, object] = {"theme": DEFAULT_THEME, "hooked": False}

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup


def normalize(theme: object) -> str:
    """A valid theme name from a stored setting (unknown or empty: "system")."""
    return theme if isinstance(theme, str) and theme in THEMES else DEFAULT_THEME


def apply_theme(app: QApplication, theme: str) -> str:
    """Use `theme` ("system", "light" or "dark"); returns the scheme applied.

    Returns:
        "light" or "dark": what "system" resolved to, or `theme` itself.
    """
    theme = normalize(theme)
    _state["theme"] = theme
    hints = app.styleHints()
    if theme == "system":
        if hasattr(hints, "unsetColorScheme"):  # Qt 6.8+: stop forcing a scheme
            hints.unsetColorScheme()
    elif hasattr(hints, "setColorScheme"):  # native title bars and dialogs follow
        hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    scheme = theme if theme != "system" else system_scheme()
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if scheme == "dark" else light_palette())
    if not _state["hooked"]:
        hints.colorSchemeChanged.connect(_on_system_scheme_changed)
        _state["hooked"] = True
    return scheme


def current_theme() -> str:
    """The theme last applied ("system", "light" or "dark")."""
    return str(_state["theme"])


def system_scheme() -> str:
    """ "dark" when the OS asks for a dark scheme, else "light"."""
    hints = QGuiApplication.styleHints()
    if hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark:
        return "dark"
    return "light"


def _on_system_scheme_changed(_scheme: Qt.ColorScheme) -> None:
    app = QApplication.instance()
    if _state["theme"] == "system" and isinstance(app, QApplication):
        app.setPalette(dark_palette() if system_scheme() == "dark" else light_palette())


def light_palette() -> QPalette:
    """A neutral light palette (Fusion's own, with a calmer accent)."""
    return _palette(
        window="#f5f6f8",
        base="#ffffff",
        alternate="#f0f2f5",
        text="#1f2328",
        button="#eceef1",
        highlight="#2563eb",
        link="#1d4ed8",
        disabled="#8c959f",
        tooltip="#ffffff",
        mid="#c9ced6",
    )


def dark_palette() -> QPalette:
    """A dark palette with enough contrast for long sessions."""
    return _palette(
        window="#202226",
        base="#18191c",
        alternate="#25272b",
        text="#e6e8eb",
        button="#2b2d31",
        highlight="#3b82f6",
        link="#7aa7ff",
        disabled="#6e7681",
        tooltip="#2b2d31",
        mid="#3d4046",
    )


def _palette(
    *,
    window: str,
    base: str,
    alternate: str,
    text: str,
    button: str,
    highlight: str,
    link: str,
    disabled: str,
    tooltip: str,
    mid: str,
) -> QPalette:
    p = QPalette()
    colors = {
        _Role.Window: window,
        _Role.WindowText: text,
        _Role.Base: base,
        _Role.AlternateBase: alternate,
        _Role.ToolTipBase: tooltip,
        _Role.ToolTipText: text,
        _Role.PlaceholderText: disabled,
        _Role.Text: text,
        _Role.Button: button,
        _Role.ButtonText: text,
        _Role.BrightText: "#ff5555",
        _Role.Highlight: highlight,
        _Role.HighlightedText: "#ffffff",
        _Role.Link: link,
        _Role.LinkVisited: link,
        _Role.Light: QColor(button).lighter(130).name(),
        _Role.Midlight: QColor(button).lighter(115).name(),
        _Role.Mid: mid,
        _Role.Dark: QColor(mid).darker(130).name(),
        _Role.Shadow: "#000000",
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.HighlightedText):
        p.setColor(_Group.Disabled, role, QColor(disabled))
    p.setColor(_Group.Disabled, _Role.Highlight, QColor(mid))
    # Selection stays visible when the window loses focus.
    p.setColor(_Group.Inactive, _Role.Highlight, QColor(highlight).lighter(115))
    return p
