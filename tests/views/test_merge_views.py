"""Merging in the GUI, undoable: contacts and companies from Find duplicates, companies
from the companies list's "Merge into…"; undo and redo on the app's undo stack. Real
widgets over a real store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from crm_desktop.domain.models import Activity, MergeRedirect
from crm_desktop.errors import NotFoundError
from crm_desktop.services.activities import log_activity
from crm_desktop.services.companies import create_company, delete_company, get_company
from crm_desktop.services.contacts import create_contact, get_contact
from crm_desktop.views.companies_view import CompaniesView
from crm_desktop.views.duplicates_view import DuplicatesDialog
from crm_desktop.views.merge_dialog import MergeDialog, MergeIntoDialog
from tests.views.conftest import settle


def _redirects(ctx) -> dict[str, str]:
    with ctx.store.read() as conn:
        return dict(conn.execute(select(MergeRedirect.id, MergeRedirect.survivor_id)).all())


def _activity_contacts(ctx) -> set[str | None]:
    with ctx.store.read() as conn:
        return set(conn.execute(select(Activity.contact_id)).scalars())


def _merge_in(qtbot, merge: MergeDialog) -> None:
    qtbot.waitUntil(lambda: merge.merge_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(merge.merged, timeout=10_000):
        qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)


def _gone(fetch, record_id: str) -> bool:
    try:
        fetch(record_id)
    except NotFoundError:
        return True
    return False


def _duplicates(qtbot, ctx, entity: str = "contact") -> DuplicatesDialog:
    dialog = DuplicatesDialog(ctx, entity=entity)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.rescan_button.isEnabled(), timeout=10_000)
    return dialog


def test_contact_merge_is_undone_and_redone_on_the_undo_stack(qtbot, ctx) -> None:
    a = create_contact(ctx.store, {"name": "Li Na", "title": "Buyer", "emails": ["ln@x.cn"]}).value
    b = create_contact(ctx.store, {"name": "李娜", "title": "CTO", "emails": ["LN@x.cn"]}).value
    log_activity(ctx.store, "note", contact_id=b, subject="b's note")
    dialog = _duplicates(qtbot, ctx)
    dialog.table.selectRow(0)
    dialog.merge_selected()
    merge = dialog.merge_dialog
    assert isinstance(merge, MergeDialog)
    qtbot.waitUntil(lambda: merge.merge_button.isEnabled(), timeout=10_000)
    survivor = merge.survivor_id
    other = b if survivor == a else a
    merge.groups["title"].button(1).setChecked(True)
    _merge_in(qtbot, merge)
    settle(qtbot, ctx)
    assert ctx.undo_stack.count() == 1 and ctx.undo_stack.canUndo()
    assert "Merge" in ctx.undo_stack.undoText()
    assert _redirects(ctx) == {other: survivor}
    assert _gone(lambda i: get_contact(ctx.store, i), other)
    ctx.undo_stack.undo()
    settle(qtbot, ctx)
    assert _redirects(ctx) == {}
    assert {get_contact(ctx.store, a).contact.title, get_contact(ctx.store, b).contact.title} == {
        "Buyer",
        "CTO",
    }
    assert _activity_contacts(ctx) == {b}
    ctx.undo_stack.redo()
    settle(qtbot, ctx)
    assert _redirects(ctx) == {other: survivor}
    assert _activity_contacts(ctx) == {survivor}
    assert get_contact(ctx.store, survivor).contact.title == ("Buyer" if other == a else "CTO")


def test_company_duplicates_scan_merge_and_undo(qtbot, ctx) -> None:
    x = create_company(ctx.store, {"name": "华为技术有限公司", "city": "深圳"}).value
    y = create_company(ctx.store, {"name": "华为技术", "tags": ["telecom"]}).value
    create_company(ctx.store, {"name": "Acme"})
    wang = create_contact(ctx.store, {"name": "王芳", "company_id": y}).value
    dialog = _duplicates(qtbot, ctx)
    dialog.entity_box.setCurrentIndex(1)  # companies
    qtbot.waitUntil(lambda: dialog.rescan_button.isEnabled(), timeout=10_000)
    assert dialog.table.rowCount() == 1
    assert "legal suffix" in dialog.table.item(0, 2).text()
    assert "3 companies" in dialog.status.text()
    dialog.table.selectRow(0)
    dialog.merge_selected()
    merge = dialog.merge_dialog
    assert isinstance(merge, MergeDialog) and merge.entity == "company"
    qtbot.waitUntil(lambda: merge.merge_button.isEnabled(), timeout=10_000)
    assert "city" in merge.groups or "name" in merge.groups
    survivor, other = merge.survivor_id, merge.other_id
    _merge_in(qtbot, merge)
    settle(qtbot, ctx)
    assert dialog.table.rowCount() == 0
    assert get_contact(ctx.store, wang).contact.company_id == survivor
    assert get_company(ctx.store, survivor).tags == ["telecom"]
    ctx.undo_stack.undo()
    settle(qtbot, ctx)
    assert get_contact(ctx.store, wang).contact.company_id == y
    assert {get_company(ctx.store, x).name, get_company(ctx.store, y).name} == {
        "华为技术有限公司",
        "华为技术",
    }
    assert get_company(ctx.store, x).tags == [] and _redirects(ctx) == {}
    assert other in (x, y)


def _companies_view(qtbot, ctx) -> CompaniesView:
    view = CompaniesView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and view.model.is_idle(), timeout=10_000)
    return view


def _merge_into(qtbot, ctx, view: CompaniesView, source: str, target_name: str) -> MergeDialog:
    """Right-click → Merge into…, type the target's name, pick it, Next…"""
    view.table.selectRow(view.model.row_of(source))
    assert view.merge_action in view.table.actions()
    assert view.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    view.merge_action.trigger()
    step = view.merge_into_dialog
    assert isinstance(step, MergeIntoDialog) and not step.next_button.isEnabled()
    qtbot.keyClicks(step.picker.lineEdit(), target_name)
    qtbot.waitUntil(lambda: target_name in step.picker._names.stringList(), timeout=10_000)
    qtbot.keyClick(step.picker.lineEdit(), Qt.Key.Key_Return)
    assert step.next_button.isEnabled()
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    merge = view.merge_dialog
    assert isinstance(merge, MergeDialog) and merge.entity == "company"
    assert merge.other_id == source
    return merge


def test_merge_into_from_the_companies_list_with_type_ahead(qtbot, ctx) -> None:
    keep = create_company(ctx.store, {"name": "Acme Inc.", "phone": "+862161234567"}).value
    away = create_company(ctx.store, {"name": "ACME Ltd", "website": "https://acme.example"}).value
    deal_contact = create_contact(ctx.store, {"name": "Bo", "company_id": away}).value
    view = _companies_view(qtbot, ctx)
    merge = _merge_into(qtbot, ctx, view, away, "Acme Inc.")
    assert merge.survivor_id == keep
    _merge_in(qtbot, merge)
    settle(qtbot, ctx)
    kept = get_company(ctx.store, keep)
    assert kept.website == "https://acme.example" and kept.phone == "+862161234567"
    assert get_contact(ctx.store, deal_contact).contact.company_id == keep
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    assert view.page.company_id == keep
    ctx.undo_stack.undo()
    settle(qtbot, ctx)
    assert get_company(ctx.store, away).name == "ACME Ltd"
    assert get_company(ctx.store, keep).website is None
    assert get_contact(ctx.store, deal_contact).contact.company_id == away
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)


def test_merge_into_itself_is_refused(qtbot, ctx) -> None:
    only = create_company(ctx.store, {"name": "Solo GmbH"}).value
    create_company(ctx.store, {"name": "Other"})
    view = _companies_view(qtbot, ctx)
    view.table.selectRow(view.model.row_of(only))
    view.merge_action.trigger()
    step = view.merge_into_dialog
    qtbot.keyClicks(step.picker.lineEdit(), "Solo GmbH")
    qtbot.waitUntil(lambda: "Solo GmbH" in step.picker._names.stringList(), timeout=10_000)
    qtbot.keyClick(step.picker.lineEdit(), Qt.Key.Key_Return)
    assert step.picker.company_id() == only
    assert not step.next_button.isEnabled()
    assert step.error.text() == "Pick another company."


def test_a_failed_undo_is_shown_and_changes_nothing(qtbot, ctx) -> None:
    keep = create_company(ctx.store, {"name": "Acme Inc."}).value
    away = create_company(ctx.store, {"name": "ACME Ltd"}).value
    view = _companies_view(qtbot, ctx)
    merge = _merge_into(qtbot, ctx, view, away, "Acme Inc.")
    _merge_in(qtbot, merge)
    settle(qtbot, ctx)
    delete_company(ctx.store, keep)  # e.g. by a sync: the survivor is gone
    ctx.undo_stack.undo()
    settle(qtbot, ctx)
    assert "deleted since" in view.error_label.text()
    with pytest.raises(NotFoundError):
        get_company(ctx.store, away)
    assert _redirects(ctx) == {away: keep}


def test_a_failed_merge_stays_in_the_dialog_and_leaves_no_undo_step(qtbot, ctx) -> None:
    a = create_contact(ctx.store, {"name": "Li Na", "emails": ["ln@x.cn"]}).value
    b = create_contact(ctx.store, {"name": "李娜", "emails": ["ln@x.cn"]}).value
    merge = MergeDialog(ctx, a, b)
    qtbot.addWidget(merge)
    merge.show()
    qtbot.waitUntil(lambda: merge.merge_button.isEnabled(), timeout=10_000)
    from crm_desktop.services.contacts import delete_contact

    delete_contact(ctx.store, b)  # gone before the user clicks Merge
    qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: merge.error.text() != "", timeout=10_000)
    settle(qtbot, ctx)
    assert merge.isVisible() and "no longer exists" in merge.error.text()
    assert ctx.undo_stack.count() == 0
