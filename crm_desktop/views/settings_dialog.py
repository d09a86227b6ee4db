"""Settings: General (language, theme), Fields (custom fields), Pipelines, Account (sync).

Pages are registered in a list (as Picard's options pages are): a name, an
icon and a widget; the dialog shows them beside a list to pick from. General
settings are written to `QSettings` on OK; field definitions are written as
they are added (they are data in the store, not preferences).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.views.context import AppContext
from crm_desktop.views.custom_fields_page import CustomFieldsPage
from crm_desktop.views.i18n import LANGUAGE_KEY, LANGUAGES, choose_language, current_language
from crm_desktop.views.icons import icon
from crm_desktop.views.pipelines_page import PipelinesPage
from crm_desktop.views.theme import THEME_KEY, apply_theme, normalize


def language_setting(settings: QSettings) -> str:
    """The stored ``ui/language``: "system", "en" or "zh_CN"."""
    value = settings.value(LANGUAGE_KEY, "system")
    return value if value in LANGUAGES else "system"


def theme_setting(settings: QSettings) -> str:
    """The stored ``ui/theme``: "system", "light" or "dark"."""
    return normalize(settings.value(THEME_KEY, "system"))


class GeneralPage(QWidget):
    """Language and theme."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.language_combo = QComboBox()
        # Language names are shown in their own language, as everywhere.
        for value, name in (
            ("system", self.tr("System")),
            ("en", "English"),
            ("zh_CN", "简体中文"),
        ):
            self.language_combo.addItem(name, value)
        self.theme_combo = QComboBox()
        for value, name in (
            ("system", self.tr("System")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme_combo.addItem(name, value)
        self.restart_label = QLabel(
            self.tr("The new language applies when you restart crm-desktop."), wordWrap=True
        )
        self.restart_label.setEnabled(False)  # secondary text
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.tr("Language:"), self.language_combo)
        form.addRow("", self.restart_label)
        form.addRow(self.tr("Theme:"), self.theme_combo)
        self.load()
        self.language_combo.currentIndexChanged.connect(self._language_picked)

    @property
    def language(self) -> str:
        return str(self.language_combo.currentData())

    @property
    def theme(self) -> str:
        return str(self.theme_combo.currentData())

    def load(self) -> None:
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(language_setting(self.settings)))
        )
        self.theme_combo.setCurrentIndex(
            max(0, self.theme_combo.findData(theme_setting(self.settings)))
        )
        self._language_picked()

    def needs_restart(self) -> bool:
        """Whether the language picked differs from the one the app is showing."""
        return choose_language(self.language) != current_language()

    def _language_picked(self) -> None:
        self.restart_label.setVisible(self.needs_restart())

    def save(self) -> tuple[bool, bool]:
        """Write the settings; returns (language changed, theme changed)."""
        language_changed = self.language != language_setting(self.settings)
        theme_changed = self.theme != theme_setting(self.settings)
        self.settings.setValue(LANGUAGE_KEY, self.language)
        self.settings.setValue(THEME_KEY, self.theme)
        self.settings.sync()
        return language_changed, theme_changed


class SettingsDialog(QDialog):
    """The settings window. Emits `language_changed` / `theme_changed` after OK."""

    language_changed = Signal(str)  # the new ui/language value (applies on restart)
    theme_changed = Signal(str)  # the new ui/theme value (already applied)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Settings"))
        # Opened afresh each time: a closed one must not stay listening to the runner.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 540)
        self.general_page = GeneralPage(ctx.settings)
        self.fields_page = CustomFieldsPage(ctx)
        self.pipelines_page = PipelinesPage(ctx)
        from crm_desktop.views.account_page import AccountPage

        self.account_page = AccountPage(ctx)
        from crm_desktop.views.security_page import SecurityPage

        self.security_page = SecurityPage(ctx)
        self.page_list = QListWidget()
        self.page_list.setIconSize(QSize(20, 20))
        self.page_list.setFixedWidth(170)
        self.pages = QStackedWidget()
        for name, icon_name, page in (
            (self.tr("General"), "settings", self.general_page),
            (self.tr("Fields"), "fields", self.fields_page),
            (self.tr("Pipelines"), "deals", self.pipelines_page),
            (self.tr("Account"), "account", self.account_page),
            (self.tr("Backups & security"), "lock", self.security_page),
        ):
            self.add_page(name, icon_name, page)
        self.page_list.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.page_list.setCurrentRow(0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

    def add_page(self, name: str, icon_name: str, page: QWidget) -> None:
        """Register a page (later issues add theirs, e.g. sync)."""
        self.page_list.addItem(QListWidgetItem(icon(icon_name), name))
        self.pages.addWidget(page)

    def show_page(self, page: QWidget) -> None:
        self.page_list.setCurrentRow(self.pages.indexOf(page))

    def accept(self) -> None:
        if not self.security_page.try_save():
            self.show_page(self.security_page)
            return
        language_changed, theme_changed = self.general_page.save()
        if theme_changed:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, self.general_page.theme)
            self.theme_changed.emit(self.general_page.theme)
        if language_changed:
            self.language_changed.emit(self.general_page.language)
        super().accept()
