"""Settings → Pipelines: pipelines and stages edited through the services; the board follows."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QSpinBox

from crm_desktop.services import deals, pipelines
from crm_desktop.store.engine import Store
from crm_desktop.views.deals_board import DealsBoardView
from crm_desktop.views.pipelines_page import PROBABILITY, STALE, PipelinesPage
from crm_desktop.views.settings_dialog import SettingsDialog
from tests.views.conftest import settle


@pytest.fixture
def pipeline_id(store: Store) -> str:
    return pipelines.ensure_default_pipeline(store).value


def stage_names(store: Store, pipeline_id: str) -> list[str]:
    return [s.name for s in pipelines.list_stages(store, pipeline_id)]


def open_page(qtbot, ctx) -> PipelinesPage:
    page = PipelinesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    settle(qtbot, ctx)
    return page


def settle_all(qtbot, ctx, *boards: DealsBoardView) -> None:
    for _ in range(3):
        settle(qtbot, ctx)
        for board in boards:
            qtbot.waitUntil(lambda b=board: not b.loading(), timeout=5000)
        settle(qtbot, ctx)


def answer(page: PipelinesPage, monkeypatch, **answers: Any) -> list[tuple[str, Any]]:
    asked: list[tuple[str, Any]] = []
    for name, value in answers.items():

        def reply(*args: Any, _name: str = name, _value: Any = value) -> Any:
            asked.append((_name, args))
            return _value

        monkeypatch.setattr(page, name, reply)
    return asked


def test_page_shows_the_default_pipeline(qtbot, ctx, pipeline_id) -> None:
    page = open_page(qtbot, ctx)
    assert page.pipeline_list.count() == 1 and page.pipeline_list.item(0).text() == "Sales"
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert names == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    kinds = [page.table.item(r, 3).text() for r in range(page.table.rowCount())]
    assert kinds[-2:] == ["Won", "Lost"] and set(kinds[:4]) == {"Open"}
    probability = page.table.cellWidget(2, PROBABILITY)
    stale = page.table.cellWidget(0, STALE)
    assert isinstance(probability, QSpinBox) and probability.value() == 50
    assert isinstance(stale, QSpinBox) and stale.value() == 14
    won_stale = page.table.cellWidget(4, STALE)
    assert isinstance(won_stale, QSpinBox) and won_stale.text() == "Never"
    # One pipeline: it cannot be deleted (the board always has one).
    assert not page.delete_pipeline_button.isEnabled()


def test_edit_stages_and_the_board_follows(qtbot, ctx, pipeline_id, monkeypatch) -> None:
    deals.create_deal(ctx.store, {"title": "Router", "value": "1000"})
    board = DealsBoardView(ctx)
    qtbot.addWidget(board)
    board.show()
    page = open_page(qtbot, ctx)
    settle_all(qtbot, ctx, board)
    assert [c.name for c in board.columns()] == ["Lead", "Qualified", "Proposal", "Negotiation"]

    # Rename in place.
    page.table.item(0, 0).setText("Prospect")
    settle_all(qtbot, ctx, board)
    assert stage_names(ctx.store, pipeline_id)[0] == "Prospect"
    assert board.columns()[0].title_label.text() == "Prospect · 1"

    # Probability and stale days.
    spin = page.table.cellWidget(0, PROBABILITY)
    assert isinstance(spin, QSpinBox)
    spin.setValue(40)
    settle_all(qtbot, ctx, board)
    lead = pipelines.list_stages(ctx.store, pipeline_id)[0]
    assert lead.probability == 40
    assert page.table.cellWidget(0, PROBABILITY) is spin  # updated in place, focus kept
    assert "40%" in board.columns()[0].totals_label.text()
    assert "¥400" in board.columns()[0].totals_label.text()  # weighted 40 % of 1,000
    stale = page.table.cellWidget(0, STALE)
    assert isinstance(stale, QSpinBox)
    stale.setValue(0)
    settle_all(qtbot, ctx, board)
    assert pipelines.list_stages(ctx.store, pipeline_id)[0].stale_days is None

    # Add a stage: it goes before Won/Lost and shows as a column.
    answer(page, monkeypatch, ask_text="Demo")
    page.add_stage()
    settle_all(qtbot, ctx, board)
    assert stage_names(ctx.store, pipeline_id) == [
        "Prospect",
        "Qualified",
        "Proposal",
        "Negotiation",
        "Demo",
        "Won",
        "Lost",
    ]
    assert [c.name for c in board.columns()][-1] == "Demo"

    # Reorder: Demo up one.
    page.select_stage(page.stages[4].id)
    page.move_selected(-1)
    settle_all(qtbot, ctx, board)
    assert stage_names(ctx.store, pipeline_id)[3:5] == ["Demo", "Negotiation"]
    assert [c.name for c in board.columns()][3] == "Demo"
    selected = page.selected_stage()
    assert selected is not None and selected.name == "Demo"  # the selection follows it
    page.move_selected(-1)
    settle_all(qtbot, ctx, board)
    assert stage_names(ctx.store, pipeline_id)[2:4] == ["Demo", "Proposal"]
    assert [c.name for c in board.columns()][2] == "Demo"

    # A duplicate name is refused and shown.
    answer(page, monkeypatch, ask_text="demo")
    page.add_stage()
    settle_all(qtbot, ctx, board)
    assert page.error_label.isVisibleTo(page) and page.error_label.text()
    assert len(stage_names(ctx.store, pipeline_id)) == 7


def test_delete_stage_with_deals_asks_where_to(qtbot, ctx, pipeline_id, monkeypatch) -> None:
    stages = {s.name: s for s in pipelines.list_stages(ctx.store, pipeline_id)}
    deal_id = deals.create_deal(
        ctx.store, {"title": "Keep me", "stage_id": stages["Proposal"].id}
    ).value
    page = open_page(qtbot, ctx)
    page.select_stage(stages["Proposal"].id)

    # Cancelled: nothing deleted.
    asked = answer(page, monkeypatch, ask_move_target=None)
    page.delete_selected_stage()
    settle(qtbot, ctx)
    assert "Proposal" in stage_names(ctx.store, pipeline_id)
    [(_, (name, count, choices))] = asked
    assert (name, count) == ("Proposal", 1)
    # Only open stages can take open deals.
    assert [c.name for c in choices] == ["Lead", "Qualified", "Negotiation"]

    answer(page, monkeypatch, ask_move_target=stages["Negotiation"].id)
    page.select_stage(stages["Proposal"].id)
    page.delete_selected_stage()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert "Proposal" not in stage_names(ctx.store, pipeline_id)
    assert deals.get_deal(ctx.store, deal_id).deal.stage_id == stages["Negotiation"].id
    assert [m.to_stage_name for m in deals.deal_history(ctx.store, deal_id)][-1] == "Negotiation"

    # An empty stage only asks for confirmation.
    asked = answer(page, monkeypatch, confirm=False, ask_move_target="x")
    page.select_stage(stages["Qualified"].id)
    page.delete_selected_stage()
    settle(qtbot, ctx)
    assert "Qualified" in stage_names(ctx.store, pipeline_id)
    assert [a[0] for a in asked] == ["confirm"]
    answer(page, monkeypatch, confirm=True)
    page.delete_selected_stage()
    settle(qtbot, ctx)
    assert "Qualified" not in stage_names(ctx.store, pipeline_id)


def test_lost_stage_with_deals_and_no_other_lost_stage(
    qtbot, ctx, pipeline_id, monkeypatch
) -> None:
    deal_id = deals.create_deal(ctx.store, {"title": "Gone"}).value
    deals.lose_deal(ctx.store, deal_id, "price")
    page = open_page(qtbot, ctx)
    lost = next(s for s in page.stages if s.is_lost)
    page.select_stage(lost.id)
    asked = answer(page, monkeypatch, ask_move_target="x", confirm=True)
    page.delete_selected_stage()
    settle(qtbot, ctx)
    assert asked == []  # nothing to choose from: refused with a message
    assert page.error_label.text() and "Lost" in stage_names(ctx.store, pipeline_id)


def test_pipelines_create_rename_delete(qtbot, ctx, pipeline_id, monkeypatch) -> None:
    board = DealsBoardView(ctx)
    qtbot.addWidget(board)
    page = open_page(qtbot, ctx)
    answer(page, monkeypatch, ask_text="Renewals")
    page.new_pipeline()
    settle_all(qtbot, ctx, board)
    found = pipelines.list_pipelines(ctx.store)
    assert [p.name for p in found] == ["Sales", "Renewals"]
    renewals = found[1].id
    assert page.selected_pipeline_id() == renewals
    assert stage_names(ctx.store, renewals)[0] == "Lead"  # the default stages
    assert [board.pipeline_combo.itemText(i) for i in range(board.pipeline_combo.count())] == [
        "Sales",
        "Renewals",
    ]
    answer(page, monkeypatch, ask_text="Service renewals")
    page.rename_pipeline()
    settle_all(qtbot, ctx, board)
    assert pipelines.list_pipelines(ctx.store)[1].name == "Service renewals"
    assert page.pipeline_list.item(1).text() == "Service renewals"
    assert board.pipeline_combo.itemText(1) == "Service renewals"

    # The board shows the chosen pipeline.
    board.set_pipeline(renewals)
    settle_all(qtbot, ctx, board)
    assert board.pipeline_combo.currentText() == "Service renewals"

    # A pipeline with deals is not deleted.
    deals.create_deal(ctx.store, {"title": "Renew", "pipeline_id": renewals})
    answer(page, monkeypatch, confirm=True)
    page.delete_pipeline()
    settle(qtbot, ctx)
    settle(qtbot, ctx)
    assert len(pipelines.list_pipelines(ctx.store)) == 2
    assert page.error_label.text()
    # An empty one is; the board falls back to the first pipeline.
    sales_only = pipelines.create_pipeline(ctx.store, "Empty", [{"name": "One"}]).value
    page.select_pipeline(sales_only)
    settle(qtbot, ctx)
    page.delete_pipeline()
    settle_all(qtbot, ctx, board)
    assert [p.name for p in pipelines.list_pipelines(ctx.store)] == ["Sales", "Service renewals"]


def test_settings_dialog_has_the_pipelines_page(qtbot, ctx, pipeline_id) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    names = [dialog.page_list.item(i).text() for i in range(dialog.page_list.count())]
    assert "Pipelines" in names
    assert names.index("Pipelines") == names.index("Fields") + 1
    dialog.show_page(dialog.pipelines_page)
    assert dialog.pages.currentWidget() is dialog.pipelines_page
    settle(qtbot, ctx)
    assert dialog.pipelines_page.pipeline_list.count() == 1
