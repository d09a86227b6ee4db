"""The funnel board: real widgets over a real store, moves through the undo stack."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from crm_desktop.services import custom_fields, deals, pipelines
from crm_desktop.services.companies import create_company
from crm_desktop.store.engine import Store
from crm_desktop.views.context import AppContext
from crm_desktop.views.deals_board import DealsBoardView
from crm_desktop.views.deals_board_model import (
    CARD_ROLE,
    MIME_TYPE,
    StageCardsModel,
    encode_card,
    money_text,
)
from crm_desktop.views.main_window import MainWindow
from tests.views.conftest import settle


@pytest.fixture
def stages(store: Store) -> dict[str, Any]:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    return {s.name: s for s in pipelines.list_stages(store, pipeline_id)}


def open_board(qtbot, ctx: AppContext) -> DealsBoardView:
    board = DealsBoardView(ctx)
    qtbot.addWidget(board)
    board.resize(1300, 700)
    board.show()
    wait_loaded(qtbot, ctx, board)
    return board


def wait_loaded(qtbot, ctx: AppContext, board: DealsBoardView) -> None:
    """Let queued writes, the re-read they trigger, and its delivery all finish."""
    for _ in range(3):
        settle(qtbot, ctx)
        qtbot.waitUntil(lambda: not board._reload_timer.isActive(), timeout=5000)
        settle(qtbot, ctx)
    qtbot.waitUntil(lambda: not board.loading(), timeout=5000)


def titles(board: DealsBoardView, stage_id: str) -> list[str]:
    column = board.column(stage_id)
    assert column is not None
    return [c.title for c in column.model.cards]


def history(store: Store, deal_id: str) -> list[tuple[str | None, str | None]]:
    return [(m.from_stage_name, m.to_stage_name) for m in deals.deal_history(store, deal_id)]


def drag_payload(deal_id: str, stage_id: str) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, encode_card(deal_id, stage_id))
    return data


def test_board_shows_columns_cards_and_headers(qtbot, ctx, stages) -> None:
    acme = create_company(ctx.store, {"name": "ACME"}).value
    deals.create_deal(
        ctx.store,
        {
            "title": "Router",
            "company_id": acme,
            "value": "1000",
            "currency": "CNY",
            "owner": "wang",
        },
    )
    deals.create_deal(ctx.store, {"title": "Switch", "value": "500", "currency": "CNY"})
    deals.create_deal(ctx.store, {"title": "Late", "expected_close": "2020-01-01"})
    board = open_board(qtbot, ctx)
    assert [c.name for c in board.columns()] == ["Lead", "Qualified", "Proposal", "Negotiation"]
    assert titles(board, stages["Lead"].id) == ["Late", "Router", "Switch"]
    lead = board.column(stages["Lead"].id)
    assert lead is not None
    assert lead.title_label.text() == "Lead · 3"
    # Total and weighted (Lead: 10 %) value.
    assert "¥1,500" in lead.totals_label.text() and "¥150" in lead.totals_label.text()
    router = lead.model.cards[1]
    assert (router.company_name, router.owner) == ("ACME", "wang")
    assert lead.model.cards[0].overdue
    assert board.count_label.text() == "Open deals: 3"
    assert board.pipeline_combo.currentText() == "Sales"
    assert "Won" in board.won_area.label.text() and "Lost" in board.lost_area.label.text()
    # Cards are painted by the delegate: a column is one list view, not a widget per card.
    assert lead.list.model().rowCount() == 3
    image = lead.list.grab()
    assert not image.isNull()


def test_drag_between_columns_and_undo(qtbot, ctx, stages) -> None:
    deal_id = deals.create_deal(ctx.store, {"title": "Router", "value": "100"}).value
    board = open_board(qtbot, ctx)
    lead, qualified = stages["Lead"].id, stages["Qualified"].id
    target = board.column(qualified)
    assert target is not None
    # The drop path a QListView takes: the target model's dropMimeData.
    dropped = target.model.dropMimeData(
        drag_payload(deal_id, lead), Qt.DropAction.MoveAction, -1, 0, QModelIndex()
    )
    assert dropped is False  # the board moves the card, not the source view
    assert titles(board, qualified) == ["Router"]  # shown at once
    assert titles(board, lead) == []
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == qualified
    assert history(ctx.store, deal_id) == [(None, "Lead"), ("Lead", "Qualified")]
    assert titles(board, qualified) == ["Router"]
    assert ctx.undo_stack.undoText() == "Move Router to Qualified"

    ctx.undo_stack.undo()  # Ctrl+Z
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == lead
    assert history(ctx.store, deal_id)[-1] == ("Qualified", "Lead")
    assert titles(board, lead) == ["Router"] and titles(board, qualified) == []
    ctx.undo_stack.redo()
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == qualified


def test_drop_events_on_a_column_view(qtbot, ctx, stages) -> None:
    """The events a drag delivers to the target list view: enter, move, drop."""
    deal_id = deals.create_deal(ctx.store, {"title": "Dragged"}).value
    board = open_board(qtbot, ctx)
    source = board.column(stages["Lead"].id)
    target = board.column(stages["Proposal"].id)
    assert source is not None and target is not None
    payload = source.model.mimeData([source.model.index(0, 0)])
    viewport = target.list.viewport()
    point = viewport.rect().center()
    args = (
        Qt.DropAction.MoveAction,
        payload,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(point, *args)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(point, *args)
    QApplication.sendEvent(viewport, move)
    assert move.isAccepted()
    QApplication.sendEvent(viewport, QDropEvent(QPointF(point), *args))
    assert titles(board, stages["Proposal"].id) == ["Dragged"]
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == stages["Proposal"].id
    assert titles(board, stages["Proposal"].id) == ["Dragged"]
    assert titles(board, stages["Lead"].id) == []


def test_drop_on_lost_asks_a_reason(qtbot, ctx, stages, monkeypatch) -> None:
    deal_id = deals.create_deal(ctx.store, {"title": "Gone", "value": "70"}).value
    board = open_board(qtbot, ctx)
    lead = stages["Lead"].id
    asked: list[str] = []
    # Cancelling the question keeps the deal open.
    monkeypatch.setattr(board, "ask_lost_reason", lambda title: asked.append(title) or None)
    board.close_deal(deal_id, lead, won=False)
    wait_loaded(qtbot, ctx, board)
    assert asked == ["Gone"] and deals.get_deal(ctx.store, deal_id).deal.status == "open"
    assert titles(board, lead) == ["Gone"]

    monkeypatch.setattr(board, "ask_lost_reason", lambda title: "too expensive")
    board.lost_area.dropEvent(_drop_event(board.lost_area, deal_id, lead))
    assert titles(board, lead) == []
    wait_loaded(qtbot, ctx, board)
    deal = deals.get_deal(ctx.store, deal_id).deal
    assert (deal.status, deal.lost_reason, deal.stage_id) == (
        "lost",
        "too expensive",
        stages["Lost"].id,
    )
    assert "1" in board.lost_area.label.text() and "¥70" in board.lost_area.label.text()
    ctx.undo_stack.undo()
    wait_loaded(qtbot, ctx, board)
    deal = deals.get_deal(ctx.store, deal_id).deal
    assert (deal.status, deal.stage_id, deal.lost_reason) == ("open", lead, None)
    assert titles(board, lead) == ["Gone"]


def test_drop_on_won(qtbot, ctx, stages) -> None:
    deal_id = deals.create_deal(
        ctx.store, {"title": "Yes", "stage_id": stages["Negotiation"].id}
    ).value
    board = open_board(qtbot, ctx)
    board.won_area.dropEvent(_drop_event(board.won_area, deal_id, stages["Negotiation"].id))
    wait_loaded(qtbot, ctx, board)
    deal = deals.get_deal(ctx.store, deal_id).deal
    assert (deal.status, deal.stage_id) == ("won", stages["Won"].id)
    assert titles(board, stages["Negotiation"].id) == []
    ctx.undo_stack.undo()
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == stages["Negotiation"].id


_KEEP: list[QMimeData] = []  # a QDropEvent does not own its data: keep it alive


def _drop_event(widget, deal_id: str, stage_id: str) -> QDropEvent:
    data = drag_payload(deal_id, stage_id)
    _KEEP.append(data)
    return QDropEvent(
        QPointF(widget.rect().center()),
        Qt.DropAction.MoveAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_ctrl_left_right_moves_the_selected_card(qtbot, ctx, stages) -> None:
    deal_id = deals.create_deal(ctx.store, {"title": "Keys"}).value
    board = open_board(qtbot, ctx)
    assert board.select_deal(deal_id)
    lead = board.column(stages["Lead"].id)
    assert lead is not None
    QTest.keyClick(lead.list, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert titles(board, stages["Qualified"].id) == ["Keys"]
    wait_loaded(qtbot, ctx, board)
    qualified = board.column(stages["Qualified"].id)
    assert qualified is not None and qualified.list.hasFocus()
    QTest.keyClick(qualified.list, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == stages["Proposal"].id
    proposal = board.column(stages["Proposal"].id)
    assert proposal is not None
    QTest.keyClick(proposal.list, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == stages["Qualified"].id
    assert [m[1] for m in history(ctx.store, deal_id)] == [
        "Lead",
        "Qualified",
        "Proposal",
        "Qualified",
    ]
    # At the first stage Ctrl+Left goes nowhere.
    board.select_deal(deal_id)
    board.move_selected(-1)
    wait_loaded(qtbot, ctx, board)
    board.move_selected(-1)
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == stages["Lead"].id
    assert len(history(ctx.store, deal_id)) == 5


def test_filters(qtbot, ctx, stages) -> None:
    acme = create_company(ctx.store, {"name": "ACME"}).value
    deals.create_deal(ctx.store, {"title": "Router", "owner": "wang", "company_id": acme})
    deals.create_deal(ctx.store, {"title": "Switch", "owner": "li", "expected_close": "2020-02-02"})
    deals.create_deal(ctx.store, {"title": "Cable", "owner": "li"})
    board = open_board(qtbot, ctx)
    lead = stages["Lead"].id
    assert sorted(titles(board, lead)) == ["Cable", "Router", "Switch"]
    board.owner_combo.setCurrentIndex(board.owner_combo.findData("li"))
    wait_loaded(qtbot, ctx, board)
    assert titles(board, lead) == ["Switch", "Cable"]
    board.period_combo.setCurrentIndex(board.period_combo.findData("overdue"))
    wait_loaded(qtbot, ctx, board)
    assert titles(board, lead) == ["Switch"]
    board.period_combo.setCurrentIndex(0)
    board.owner_combo.setCurrentIndex(0)
    qtbot.keyClicks(board.search_edit, "acme")
    qtbot.waitUntil(lambda: titles(board, lead) == ["Router"], timeout=5000)
    assert board.count_label.text() == "Open deals: 1"
    board.search_edit.clear()
    board.search_edit.setText("nothing like it")
    board.reload()
    wait_loaded(qtbot, ctx, board)
    assert titles(board, lead) == []


def test_new_and_edit_deal_through_the_editor(qtbot, ctx, stages) -> None:
    custom_fields.define_field(ctx.store, "deal", "region", "Region", "text", required=True)
    board = open_board(qtbot, ctx)
    board.new_record()
    qtbot.waitUntil(lambda: board.editor is not None and board.editor.isVisible(), timeout=5000)
    editor = board.editor
    assert editor is not None and editor.windowTitle() == "New deal"
    # Validation: the messages show next to the fields, nothing is written.
    editor.title_edit.setText("  ")
    editor.value_edit.setText("lots")
    editor.save()
    settle(qtbot, ctx)
    assert editor.isVisible()
    errors = {key: editor.form.error_label(key) for key in ("title", "value", "region")}
    assert errors["title"] is not None and errors["title"].text() == "Required."
    editor.title_edit.setText("Big order")
    editor.save()
    settle(qtbot, ctx)
    assert errors["value"] is not None and errors["value"].text() == "Not a number."
    editor.value_edit.setText("2500")
    editor.close_edit.setText("31/12/2026")
    editor.save()
    settle(qtbot, ctx)
    label = editor.form.error_label("expected_close")
    assert label is not None and "YYYY-MM-DD" in label.text()
    editor.close_edit.setText("2026-12-31")
    editor.save()
    settle(qtbot, ctx)
    assert errors["region"] is not None and errors["region"].text() == "Required."
    editor.company_picker.setEditText("Not picked Ltd")
    editor.custom.widgets["region"].setText("North")
    editor.save()
    label = editor.form.error_label("company_id")
    assert label is not None and label.isVisibleTo(editor) and label.text()
    editor.company_picker.setEditText("")
    editor.stage_combo.setCurrentIndex(editor.stage_combo.findData(stages["Proposal"].id))
    editor.save()
    wait_loaded(qtbot, ctx, board)
    assert not editor.isVisible()
    assert titles(board, stages["Proposal"].id) == ["Big order"]
    [card] = board.column(stages["Proposal"].id).model.cards  # type: ignore[union-attr]
    detail = deals.get_deal(ctx.store, card.id)
    assert (detail.deal.value_cents, str(detail.deal.expected_close)) == (250000, "2026-12-31")
    assert detail.custom == {"region": "North"}

    # Double-click opens the editor on the deal; an edit is undoable.
    proposal = board.column(stages["Proposal"].id)
    assert proposal is not None
    rect = proposal.list.visualRect(proposal.model.index(0, 0))
    # A real double-click: the first click, then the second one, a double-click event.
    QTest.mouseClick(proposal.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(proposal.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: (
            board.editor is not None and board.editor is not editor and board.editor.isVisible()
        ),
        timeout=5000,
    )
    edit = board.editor
    assert edit is not None and edit.windowTitle() == "Edit deal"
    assert edit.title_edit.text() == "Big order" and edit.value_edit.text() == "2500"
    edit.title_edit.setText("Bigger order")
    edit.stage_combo.setCurrentIndex(edit.stage_combo.findData(stages["Negotiation"].id))
    edit.save()
    wait_loaded(qtbot, ctx, board)
    assert titles(board, stages["Negotiation"].id) == ["Bigger order"]
    assert history(ctx.store, card.id)[-1] == ("Proposal", "Negotiation")
    ctx.undo_stack.undo()
    wait_loaded(qtbot, ctx, board)
    assert titles(board, stages["Proposal"].id) == ["Big order"]
    ctx.undo_stack.undo()  # the create
    wait_loaded(qtbot, ctx, board)
    assert titles(board, stages["Proposal"].id) == []
    ctx.undo_stack.redo()  # comes back under the same id
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, card.id).deal.title == "Big order"


def test_main_window_deals_section(qtbot, ctx, stages) -> None:
    deals.create_deal(ctx.store, {"title": "In the window"})
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    board = window.show_section("deals")
    assert isinstance(board, DealsBoardView)
    wait_loaded(qtbot, ctx, board)
    assert titles(board, stages["Lead"].id) == ["In the window"]
    window.focus_search()
    assert board.search_edit.hasFocus()
    window.new_record()  # Ctrl+N on the board: a new deal
    qtbot.waitUntil(lambda: board.editor is not None and board.editor.isVisible(), timeout=5000)
    board.editor.reject()  # type: ignore[union-attr]
    deals.create_deal(ctx.store, {"title": "Behind its back"})
    window.refresh()  # F5
    wait_loaded(qtbot, ctx, board)
    assert sorted(titles(board, stages["Lead"].id)) == ["Behind its back", "In the window"]


def test_store_without_pipeline_gets_the_default(qtbot, ctx) -> None:
    board = open_board(qtbot, ctx)
    assert [c.name for c in board.columns()] == ["Lead", "Qualified", "Proposal", "Negotiation"]
    assert [p.name for p in pipelines.list_pipelines(ctx.store)] == ["Sales"]


def test_refreshes_when_the_store_changes(qtbot, ctx, stages) -> None:
    board = open_board(qtbot, ctx)
    store = ctx.store
    ctx.runner.submit(lambda: deals.create_deal(store, {"title": "From elsewhere"}))
    wait_loaded(qtbot, ctx, board)
    assert titles(board, stages["Lead"].id) == ["From elsewhere"]


def test_money_text() -> None:
    assert money_text(123456, "CNY") == "¥1,234.56"
    assert money_text(100000, "USD") == "$1,000"
    assert money_text(990, "CHF") == "CHF 9.90"


def test_card_model_rejects_foreign_drops(qapp) -> None:
    model = StageCardsModel("s1")
    seen: list[tuple[str, str, str]] = []
    model.card_dropped.connect(lambda *args: seen.append(args))
    plain = QMimeData()
    plain.setText("hello")
    assert not model.canDropMimeData(plain, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    assert model.dropMimeData(plain, Qt.DropAction.MoveAction, -1, 0, QModelIndex()) is False
    broken = QMimeData()
    broken.setData(MIME_TYPE, b"not json")
    model.dropMimeData(broken, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    model.dropMimeData(drag_payload("d1", "s1"), Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    assert seen == []  # nothing, and a drop on its own column is no move
    model.dropMimeData(drag_payload("d1", "s0"), Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    assert seen == [("d1", "s0", "s1")]
    assert model.data(model.index(0, 0), CARD_ROLE) is None


def test_card_menu_and_enter(qtbot, ctx, stages) -> None:
    deal_id = deals.create_deal(ctx.store, {"title": "Menu"}).value
    board = open_board(qtbot, ctx)
    lead = board.column(stages["Lead"].id)
    assert lead is not None
    assert board.select_deal(deal_id)
    menu = board.card_menu(lead, lead.model.cards[0])
    move_to = next(a.menu() for a in menu.actions() if a.menu() is not None)
    entries = {a.text(): a for a in move_to.actions()}
    assert list(entries) == ["Lead", "Qualified", "Proposal", "Negotiation"]
    assert not entries["Lead"].isEnabled()
    entries["Negotiation"].trigger()
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == stages["Negotiation"].id
    # Enter on the selected card opens the editor on it.
    negotiation = board.column(stages["Negotiation"].id)
    assert negotiation is not None and board.select_deal(deal_id)
    QTest.keyClick(negotiation.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: board.editor is not None and board.editor.isVisible(), timeout=5000)
    assert board.editor is not None and board.editor.deal_id == deal_id
    # Moving it to Lost in the editor needs a reason, shown under the field.
    editor = board.editor
    editor.stage_combo.setCurrentIndex(editor.stage_combo.findData(stages["Lost"].id))
    assert editor.reason_edit.isEnabled()
    editor.save()
    settle(qtbot, ctx)
    label = editor.form.error_label("lost_reason")
    assert label is not None and label.text() == "Required." and editor.isVisible()
    editor.reason_edit.setText("budget cut")
    editor.save()
    wait_loaded(qtbot, ctx, board)
    deal = deals.get_deal(ctx.store, deal_id).deal
    assert (deal.status, deal.lost_reason) == ("lost", "budget cut")
    assert titles(board, stages["Negotiation"].id) == []
    # The won action of the menu (on another deal).
    other = deals.create_deal(ctx.store, {"title": "Winner"}).value
    board.refresh()  # written behind the runner's back: no `changed`, so F5
    wait_loaded(qtbot, ctx, board)
    assert board.select_deal(other)
    board.won_action.trigger()
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, other).deal.status == "won"


def test_pipeline_without_closing_stages(qtbot, ctx, stages) -> None:
    renewals = pipelines.create_pipeline(ctx.store, "Renewals", [{"name": "Due"}]).value
    deal_id = deals.create_deal(ctx.store, {"title": "Renew", "pipeline_id": renewals}).value
    board = open_board(qtbot, ctx)
    board.pipeline_combo.setCurrentIndex(board.pipeline_combo.findData(renewals))
    board.pipeline_combo.activated.emit(board.pipeline_combo.currentIndex())
    wait_loaded(qtbot, ctx, board)
    [due] = board.columns()
    assert due.name == "Due" and titles(board, due.stage_id) == ["Renew"]
    assert ctx.settings.value("deals/pipeline") == renewals  # remembered
    # Won in place: the card leaves the board; undo brings it back, open.
    board.won_area.dropEvent(_drop_event(board.won_area, deal_id, due.stage_id))
    wait_loaded(qtbot, ctx, board)
    deal = deals.get_deal(ctx.store, deal_id).deal
    assert (deal.status, deal.stage_id) == ("won", due.stage_id)
    assert titles(board, due.stage_id) == []
    assert "1" in board.won_area.label.text()
    ctx.undo_stack.undo()
    wait_loaded(qtbot, ctx, board)
    assert deals.get_deal(ctx.store, deal_id).deal.status == "open"
    assert titles(board, due.stage_id) == ["Renew"]
    # A second board opens on the remembered pipeline.
    again = open_board(qtbot, ctx)
    assert again.pipeline_id() == renewals and [c.name for c in again.columns()] == ["Due"]


def test_move_of_a_deal_deleted_meanwhile_is_reported(qtbot, ctx, stages) -> None:
    deal_id = deals.create_deal(ctx.store, {"title": "Vanishing"}).value
    board = open_board(qtbot, ctx)
    deals.delete_deal(ctx.store, deal_id)  # e.g. by a sync, before the board re-read
    board.move_deal(deal_id, stages["Lead"].id, stages["Qualified"].id)
    wait_loaded(qtbot, ctx, board)
    assert board.error_label.isVisibleTo(board) and board.error_label.text()
    assert titles(board, stages["Qualified"].id) == []  # the re-read put things right
    assert ctx.undo_stack.count() == 0  # the failed move is not left to undo
