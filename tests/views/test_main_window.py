"""The main window: every section opens, shortcuts are there, layout persists."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from crm_desktop.services.contacts import create_contact
from crm_desktop.views.main_window import SECTIONS, MainWindow
from tests.views.conftest import settle


def test_every_section_opens(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    for section in SECTIONS:
        widget = window.show_section(section.key)
        settle(qtbot, ctx)
        assert widget.isVisibleTo(window) or not window.isVisible()
        assert window.current_section() == section.key


def test_standard_shortcuts(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    expected = {QKeySequence(k).toString() for k in ("Ctrl+N", "Ctrl+F", "Ctrl+L", "F5")}
    assert expected <= shortcuts | {window.refresh_action.shortcut().toString()}
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()


def test_layout_and_last_section_persist(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(700, 500)  # inside the offscreen screen
    window.show_section("tasks")
    window.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.current_section() == "tasks"
    assert again.size().width() == 700


def test_find_focuses_the_contact_search(qtbot, ctx) -> None:
    create_contact(ctx.store, {"name": "李雷"})
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_section("contacts")
    settle(qtbot, ctx)
    window.activateWindow()
    window.find_action.trigger()
    contacts = window.section("contacts")
    assert contacts is not None
    qtbot.waitUntil(lambda: contacts.search_edit.hasFocus())
    assert window.windowTitle()
    assert window.statusBar().isVisible()
    assert window.menuBar().actions()[0].text().replace("&", "") in ("File", "文件")


def test_a_deal_from_the_dashboard_opens_on_the_board(qtbot, ctx) -> None:
    from crm_desktop.services.deals import create_deal
    from crm_desktop.services.pipelines import ensure_default_pipeline

    ensure_default_pipeline(ctx.store)
    deal_id = create_deal(ctx.store, {"title": "Pilot for Acme", "value": "5000"}).value
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dashboard = window.show_section("dashboard")
    settle(qtbot, ctx)
    dashboard.open_deal.emit(deal_id)  # type: ignore[attr-defined]
    board = window.section("deals")
    assert window.current_section() == "deals" and board is not None
    qtbot.waitUntil(lambda: board.editor is not None and board.editor.isVisible(), timeout=5000)
    assert board.editor.deal_id == deal_id
    assert board.editor.title_edit.text() == "Pilot for Acme"
