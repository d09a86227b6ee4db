"""Companies: the lazy list, the company page (contacts, deals, merged timeline), editing
with undo."""

from __future__ import annotations

from PySide6.QtCore import Qt

from crm_desktop.services.activities import log_activity
from crm_desktop.services.companies import create_company, get_company, list_companies
from crm_desktop.services.contacts import create_contact, get_contact
from crm_desktop.services.deals import create_deal
from crm_desktop.services.pipelines import ensure_default_pipeline
from crm_desktop.views.companies_view import PAGE_SIZE, CompaniesView, CompanyListModel
from crm_desktop.views.contact_model import IdRole
from tests.views.conftest import settle
from tests.views.test_contacts_model import settle_model


def _settle(qtbot, ctx, model) -> None:
    settle(qtbot, ctx)
    qtbot.waitUntil(model.is_idle)
    settle(qtbot, ctx)


def _view(qtbot, ctx) -> CompaniesView:
    view = CompaniesView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    _settle(qtbot, ctx, view.model)
    return view


def test_company_model_passes_qt_model_tester_and_fetches_more(qtbot, qtmodeltester, ctx) -> None:
    for i in range(PAGE_SIZE + 50):
        create_company(ctx.store, {"name": f"Company {i:03d}", "city": "上海"})
    model = CompanyListModel(ctx)
    _settle(qtbot, ctx, model)
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore(model.index(-1, -1))
    qtmodeltester.check(model, force_py=True)
    model.fetchMore(model.index(-1, -1))
    _settle(qtbot, ctx, model)
    assert model.rowCount() == PAGE_SIZE + 50
    assert not model.canFetchMore(model.index(-1, -1))
    assert model.data(model.index(PAGE_SIZE + 49, 0)) == "Company 249"
    qtmodeltester.check(model, force_py=True)


def test_company_page_shows_contacts_deals_and_the_merged_timeline(qtbot, ctx) -> None:
    company = create_company(ctx.store, {"name": "华信科技", "phone": "+862161234567"}).value
    create_company(ctx.store, {"name": "Acme"})
    wang = create_contact(ctx.store, {"name": "王芳", "company_id": company}).value
    li = create_contact(ctx.store, {"name": "李娜", "company_id": company}).value
    log_activity(ctx.store, "note", contact_id=wang, notes="met at the fair")
    log_activity(ctx.store, "meeting", contact_id=li, subject="contract review")
    ensure_default_pipeline(ctx.store)
    create_deal(ctx.store, {"title": "ERP rollout", "company_id": company, "value": "120000"})
    view = _view(qtbot, ctx)
    assert view.model.rowCount() == 2
    view.search_edit.setText("huaxin")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    page = view.page
    qtbot.waitUntil(lambda: page.company is not None and page.company.id == company)
    settle_model(qtbot, ctx, page.contacts_model)
    model = page.contacts_model
    assert sorted(model.data(model.index(r, 0)) for r in range(model.rowCount())) == [
        "李娜",
        "王芳",
    ]
    assert page.deals_tree.topLevelItemCount() == 1
    assert page.deals_tree.topLevelItem(0).text(0) == "ERP rollout"
    lines = [page.timeline.item(i).text() for i in range(page.timeline.count())]
    assert any("王芳" in line and "met at the fair" in line for line in lines)
    assert any("李娜" in line and "contract review" in line for line in lines)
    with qtbot.waitSignal(page.open_contact) as opened:
        page.contacts_table.activated.emit(model.index(0, 0))
    assert opened.args == [model.data(model.index(0, 0), IdRole)]


def test_create_edit_delete_company_with_undo(qtbot, ctx, monkeypatch) -> None:
    view = _view(qtbot, ctx)
    view.new_record()
    qtbot.waitUntil(lambda: view.editor is not None and view.editor.isVisible())
    editor = view.editor
    editor.name_edit.setText("Acme Ltd")
    editor.edits_by_key["email"].setText("not-an-email")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    error = editor.form.error_label("email")
    qtbot.waitUntil(lambda: error.isVisible())
    editor.edits_by_key["email"].setText("info@acme.example")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    _settle(qtbot, ctx, view.model)
    (row,) = list_companies(ctx.store)
    qtbot.waitUntil(lambda: view.page.company is not None)  # the new company is shown
    contact = create_contact(ctx.store, {"name": "Bo", "company_id": row.id}).value

    view.edit_company(row.id)
    qtbot.waitUntil(lambda: view.editor is not editor and view.editor.isVisible())
    view.editor.edits_by_key["city"].setText("Shanghai")
    qtbot.mouseClick(view.editor.save_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, ctx, view.model)
    assert get_company(ctx.store, row.id).city == "Shanghai"

    monkeypatch.setattr(view, "confirm", lambda *_args: True)
    view.delete_company(row.id)
    _settle(qtbot, ctx, view.model)
    assert list_companies(ctx.store) == []
    assert get_contact(ctx.store, contact).contact.company_id is None
    ctx.undo_stack.undo()  # the delete: back, with its contact linked again
    _settle(qtbot, ctx, view.model)
    assert get_contact(ctx.store, contact).contact.company_id == row.id
    ctx.undo_stack.undo()  # the edit
    _settle(qtbot, ctx, view.model)
    assert get_company(ctx.store, row.id).city is None
    assert view.model.rowCount() == 1
