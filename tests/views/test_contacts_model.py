"""The windowed contacts model: Qt's model contract, paging, sorting, filters, search."""

from __future__ import annotations

from PySide6.QtCore import Qt

from crm_desktop.services.contacts import create_contact, update_contact
from crm_desktop.services.custom_fields import define_field
from crm_desktop.services.queries import ContactFilter
from crm_desktop.views.contact_model import PAGE_SIZE, PLACEHOLDER, ContactTableModel, IdRole
from tests.views.conftest import settle


def settle_model(qtbot, ctx, model: ContactTableModel) -> None:
    """Wait until the model has fetched what it was asked for."""
    qtbot.waitUntil(model.is_idle, timeout=10_000)
    settle(qtbot, ctx)
    qtbot.waitUntil(model.is_idle, timeout=10_000)


def _names(model: ContactTableModel) -> list[str]:
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def _make(ctx, names: list[str], **values) -> list[str]:
    return [create_contact(ctx.store, {"name": n, **values}).value for n in names]


def test_model_passes_qt_model_tester(qtbot, qtmodeltester, ctx) -> None:
    _make(ctx, [f"Person {i:03d}" for i in range(250)], tags=["vip"], emails="p@example.com")
    model = ContactTableModel(ctx)
    settle_model(qtbot, ctx, model)
    assert model.rowCount() == 250
    qtmodeltester.check(model, force_py=True)
    settle_model(qtbot, ctx, model)  # pages asked for by the tester arrive while it watches
    qtmodeltester.check(model, force_py=True)
    settle_model(qtbot, ctx, model)


def test_rows_arrive_as_pages_with_a_placeholder_meanwhile(qtbot, ctx) -> None:
    _make(ctx, [f"Person {i:03d}" for i in range(250)])
    model = ContactTableModel(ctx)
    settle_model(qtbot, ctx, model)
    assert model.page_fetches == 1  # the first page comes with the count
    assert model.data(model.index(0, 0)) == "Person 000"
    assert model.data(model.index(PAGE_SIZE * 2 + 5, 0)) == PLACEHOLDER
    with qtbot.waitSignal(model.dataChanged):
        pass
    assert model.data(model.index(PAGE_SIZE * 2 + 5, 0)) == "Person 205"
    assert model.data(model.index(205, 0), IdRole)
    assert model.page_fetches == 2


def test_sort_by_name_descending_and_unsortable_columns(qtbot, ctx) -> None:
    _make(ctx, ["Bo", "Al", "Cy"])
    model = ContactTableModel(ctx)
    settle_model(qtbot, ctx, model)
    assert _names(model) == ["Al", "Bo", "Cy"]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    settle_model(qtbot, ctx, model)
    assert _names(model) == ["Cy", "Bo", "Al"]
    model.sort(1, Qt.SortOrder.AscendingOrder)  # company: not sortable, nothing changes
    settle_model(qtbot, ctx, model)
    assert _names(model) == ["Cy", "Bo", "Al"]


def test_filters_and_search_go_to_the_services(qtbot, ctx) -> None:
    _make(ctx, ["王芳", "王伟"], tags=["vip"])
    _make(ctx, ["Alice"])
    model = ContactTableModel(ctx)
    settle(qtbot, ctx)
    model.set_filters(ContactFilter(tag="vip"))
    settle_model(qtbot, ctx, model)
    assert model.rowCount() == 2
    model.set_filters(ContactFilter())
    model.set_search("wang")
    settle_model(qtbot, ctx, model)
    assert sorted(_names(model)) == ["王伟", "王芳"]
    model.set_search("")
    settle_model(qtbot, ctx, model)
    assert model.rowCount() == 3


def test_a_change_refreshes_rows_and_custom_fields_become_columns(qtbot, ctx) -> None:
    (bo,) = _make(ctx, ["Bo"])
    model = ContactTableModel(ctx)
    settle_model(qtbot, ctx, model)
    ctx.runner.submit(lambda: update_contact(ctx.store, bo, {"title": "CEO"}))
    qtbot.waitUntil(lambda: model.data(model.index(0, 2)) == "CEO")
    ctx.runner.submit(lambda: define_field(ctx.store, "contact", "region", "Region", "text"))
    qtbot.waitUntil(lambda: model.columnCount() == len(model.columns) and model.columns[-1].custom)
    assert model.headerData(model.columnCount() - 1, Qt.Orientation.Horizontal) == "Region"
    settle_model(qtbot, ctx, model)
