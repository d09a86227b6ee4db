"""Settings: language and theme persist in QSettings; custom fields through the services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from crm_desktop.services import custom_fields
from crm_desktop.views.custom_fields_page import CustomFieldsPage, suggest_key
from crm_desktop.views.i18n import install_translations
from crm_desktop.views.icons import NAMES, icon
from crm_desktop.views.settings_dialog import SettingsDialog
from crm_desktop.views.theme import apply_theme
from tests.views.conftest import settle


@pytest.fixture
def restore_theme(qapp) -> Iterator[None]:
    style, palette = qapp.style().name(), QPalette(qapp.palette())
    yield
    apply_theme(qapp, "system")
    qapp.setStyle(style)
    qapp.setPalette(palette)


def _select(combo, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))
    assert combo.currentData() == value


def test_language_and_theme_persist(qtbot, ctx, restore_theme) -> None:
    install_translations(QApplication.instance(), "en")
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    general = dialog.general_page
    assert general.language == "system" and general.theme == "system"
    assert not general.restart_label.isVisible()

    _select(general.language_combo, "zh_CN")
    assert general.restart_label.isVisible()  # the language applies at the next start
    _select(general.theme_combo, "dark")
    with (
        qtbot.waitSignal(dialog.language_changed) as language,
        qtbot.waitSignal(dialog.theme_changed) as theme,
    ):
        dialog.accept()
    assert language.args == ["zh_CN"] and theme.args == ["dark"]
    assert ctx.settings.value("ui/language") == "zh_CN"
    assert ctx.settings.value("ui/theme") == "dark"
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    assert window.lightness() < 100  # the dark theme is applied at once

    again = SettingsDialog(ctx)
    qtbot.addWidget(again)
    assert again.general_page.language == "zh_CN" and again.general_page.theme == "dark"


def test_cancel_keeps_the_settings(qtbot, ctx) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    _select(dialog.general_page.theme_combo, "light")
    dialog.reject()
    assert ctx.settings.value("ui/theme") is None


def test_themes_are_light_and_dark(qapp, restore_theme) -> None:
    assert apply_theme(qapp, "light") == "light"
    assert qapp.style().name().lower() == "fusion"
    light = qapp.palette().color(QPalette.ColorRole.Window).lightness()
    assert apply_theme(qapp, "dark") == "dark"
    dark = qapp.palette().color(QPalette.ColorRole.Window).lightness()
    assert light > 200 > 60 > dark
    assert apply_theme(qapp, "system") in ("light", "dark")
    assert apply_theme(qapp, "bogus") in ("light", "dark")  # an unknown value: system


def test_a_custom_field_defined_on_the_page_exists(qtbot, ctx) -> None:
    page = CustomFieldsPage(ctx)
    qtbot.addWidget(page)
    settle(qtbot, ctx)
    _select(page.entity_combo, "company")
    qtbot.keyClicks(page.label_edit, "Lead source")
    assert page.key_edit.text() == "lead_source"  # suggested from the label
    _select(page.type_combo, "choice")
    assert not page.options_edit.isHidden()
    page.options_edit.setPlainText("Web\nTrade fair\n\n")
    page.required_check.setChecked(True)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    settle(qtbot, ctx)  # the reload the change triggered

    (field,) = custom_fields.list_fields(ctx.store, "company")
    assert (field.key, field.label, field.type) == ("lead_source", "Lead source", "choice")
    assert field.options == ["Web", "Trade fair"] and field.required
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "lead_source"
    assert page.label_edit.text() == "" and "Lead source" in page.message_label.text()
    assert custom_fields.list_fields(ctx.store, "contact") == []


def test_a_rejected_field_says_why(qtbot, ctx) -> None:
    custom_fields.define_field(ctx.store, "contact", "region", "Region", "text")
    page = CustomFieldsPage(ctx)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.label_edit, "Region")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert page.message_label.text() == "A field with this key already exists."
    _select(page.type_combo, "choice")
    page.key_edit.setText("area")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert page.message_label.text() == "A choice field needs at least one option."
    assert [f.key for f in custom_fields.list_fields(ctx.store, "contact")] == ["region"]


def test_fields_move_up_and_down(qtbot, ctx) -> None:
    for key in ("first", "second", "third"):
        custom_fields.define_field(ctx.store, "deal", key, key.title(), "text")
    page = CustomFieldsPage(ctx)
    qtbot.addWidget(page)
    _select(page.entity_combo, "deal")
    settle(qtbot, ctx)
    page.table.selectRow(2)
    assert page.up_button.isEnabled() and not page.down_button.isEnabled()
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    keys = [f.key for f in custom_fields.list_fields(ctx.store, "deal")]
    assert keys == ["first", "third", "second"]
    assert [f.key for f in page.fields] == keys
    assert page._selected_id() == page.fields[1].id  # the moved field stays selected


def test_every_page_can_be_shown_by_name(qtbot, ctx) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    names = [dialog.page_list.item(row).text() for row in range(dialog.page_list.count())]
    assert names[:3] == ["General", "Fields", "Pipelines"] and "Account" in names
    dialog.show_page(dialog.account_page)
    assert dialog.pages.currentWidget() is dialog.account_page


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Lead source", "lead_source"),
        ("  VIP level (1-5) ", "vip_level_1_5"),
        ("2nd phone", "f_2nd_phone"),
        ("客户来源", "ke_hu_lai_yuan"),
        ("微信 ID", "wei_xin_id"),
        ("", ""),
    ],
)
def test_keys_are_suggested_from_labels(label: str, key: str) -> None:
    assert suggest_key(label) == key


def test_icons_are_sharp_and_follow_the_theme(qapp, restore_theme) -> None:
    for name in (*NAMES, "app"):
        assert not icon(name).isNull(), name
    with pytest.raises(KeyError):
        icon("no-such-icon")
    pixmap = icon("contacts").pixmap(QSize(24, 24), 2.0)  # HiDPI: rendered at 48 px
    assert pixmap.size() == QSize(48, 48) and pixmap.devicePixelRatio() == 2.0

    plus = icon("new")

    def darkest_stroke() -> int:
        image = plus.pixmap(QSize(48, 48)).toImage()
        ink = [image.pixelColor(x, y) for x in range(48) for y in range(48)]
        return min(c.lightness() for c in ink if c.alpha() == 255)

    apply_theme(qapp, "light")
    on_light = darkest_stroke()
    apply_theme(qapp, "dark")
    assert on_light < 80 and darkest_stroke() > 180  # the same icon object, recoloured
