"""The contacts screen with real widgets over a real store: editor, undo, search, links."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDesktopServices, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from crm_desktop.services.companies import create_company
from crm_desktop.services.consent import consent_history, record_consent
from crm_desktop.services.contacts import create_contact, delete_contact, get_contact
from crm_desktop.services.custom_fields import define_field
from crm_desktop.services.queries import ContactQuery
from crm_desktop.views.contacts_view import COLUMNS_SETTING, ContactsView
from crm_desktop.views.undo_commands import EditContactCommand
from tests.views.conftest import settle
from tests.views.test_contacts_model import settle_model


def _view(qtbot, ctx) -> ContactsView:
    view = ContactsView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    settle_model(qtbot, ctx, view.model)
    return view


def _wait_editor(qtbot, view: ContactsView):
    qtbot.waitUntil(lambda: view.editor is not None and view.editor.isVisible())
    return view.editor


def _type(qtbot, text: str) -> None:
    """Type into whatever has the keyboard focus. Chinese arrives as an input method's
    commit (as from a real IME); QTest can only press keys of Latin-1 characters."""
    widget = QApplication.focusWidget()
    assert widget is not None
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _key(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key)


def _names(ctx) -> list[str]:
    return [row.name for row in ContactQuery(ctx.store).page_after(None, 50).rows]


def _settle_all(qtbot, ctx, view: ContactsView) -> None:
    settle(qtbot, ctx)
    settle_model(qtbot, ctx, view.model)


def test_create_by_keyboard_then_edit_undo_and_redo(qtbot, ctx) -> None:
    view = _view(qtbot, ctx)
    view.new_record()
    editor = _wait_editor(qtbot, view)
    editor.activateWindow()
    qtbot.waitUntil(lambda: editor.name_edit.hasFocus())
    _type(qtbot, "王芳")
    _key(qtbot, Qt.Key.Key_Tab)  # to the company box
    _type(qtbot, "华信科技")
    _key(qtbot, Qt.Key.Key_Tab)  # to the title
    _type(qtbot, "经理")
    _key(qtbot, Qt.Key.Key_Return)  # Save is the default button
    qtbot.waitUntil(lambda: not editor.isVisible())
    _settle_all(qtbot, ctx, view)
    assert _names(ctx) == ["王芳"]
    contact_id = ContactQuery(ctx.store).page_after(None, 1).rows[0].id
    detail = get_contact(ctx.store, contact_id)
    assert (detail.contact.title, detail.company_name) == ("经理", "华信科技")
    qtbot.waitUntil(lambda: view.selected_id() == contact_id)  # the new row is selected
    assert ctx.undo_stack.count() == 1

    view.activateWindow()  # back from the dialog
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter edits the selected contact
    qtbot.waitUntil(lambda: view.editor is not editor)
    editor = _wait_editor(qtbot, view)
    assert editor.name_edit.text() == "王芳" and editor.company.company_id() is not None
    editor.title_edit.setText("总经理")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    _settle_all(qtbot, ctx, view)
    assert get_contact(ctx.store, contact_id).contact.title == "总经理"
    qtbot.waitUntil(lambda: view.model.data(view.model.index(0, 2)) == "总经理")

    ctx.undo_stack.undo()
    _settle_all(qtbot, ctx, view)
    assert get_contact(ctx.store, contact_id).contact.title == "经理"
    ctx.undo_stack.undo()  # the create: the contact goes
    _settle_all(qtbot, ctx, view)
    assert _names(ctx) == [] and view.model.rowCount() == 0
    ctx.undo_stack.redo()  # it comes back, same id
    ctx.undo_stack.redo()
    _settle_all(qtbot, ctx, view)
    assert get_contact(ctx.store, contact_id).contact.title == "总经理"
    assert view.model.rowCount() == 1


def test_a_bad_email_is_reported_next_to_the_field(qtbot, ctx) -> None:
    view = _view(qtbot, ctx)
    view.new_record()
    editor = _wait_editor(qtbot, view)
    editor.name_edit.setText("Bo")
    editor.emails.edits()[0].setText("bo-at-example.com")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.save_button.isEnabled()  # disabled while the worker checks
    error = editor.form.error_label("emails")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "email" in error.text().lower()
    assert editor.isVisible() and editor.save_button.isEnabled()
    assert ctx.undo_stack.count() == 0
    editor.emails.edits()[0].setText("bo@example.com")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    _settle_all(qtbot, ctx, view)
    assert _names(ctx) == ["Bo"]


def test_required_custom_field_error_shows_under_it(qtbot, ctx) -> None:
    define_field(
        ctx.store, "contact", "region", "Region", "choice", options=["华东", "华南"], required=True
    )
    view = _view(qtbot, ctx)
    view.new_record()
    editor = _wait_editor(qtbot, view)
    editor.name_edit.setText("Bo")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    error = editor.form.error_label("region")
    qtbot.waitUntil(lambda: error.isVisible())
    editor.custom.widgets["region"].setCurrentText("华南")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    _settle_all(qtbot, ctx, view)
    contact_id = ContactQuery(ctx.store).page_after(None, 1).rows[0].id
    assert get_contact(ctx.store, contact_id).custom == {"region": "华南"}


def test_search_finds_chinese_names_by_character_and_pinyin(qtbot, ctx) -> None:
    for name in ("王芳", "李娜", "Alice Wong"):
        create_contact(ctx.store, {"name": name})
    view = _view(qtbot, ctx)
    assert view.model.rowCount() == 3
    view.focus_search()
    _type(qtbot, "王")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    settle_model(qtbot, ctx, view.model)
    assert view.model.data(view.model.index(0, 0)) == "王芳"
    view.search_edit.clear()
    _type(qtbot, "wang")
    qtbot.waitUntil(lambda: view.model.searching and view.model.rowCount() >= 1, timeout=5000)
    settle_model(qtbot, ctx, view.model)
    names = [view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())]
    assert "王芳" in names and "李娜" not in names
    view.search_edit.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)


def test_phone_and_email_links_open_tel_and_mailto(qtbot, ctx, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    contact_id = create_contact(
        ctx.store, {"name": "王芳", "phones": "+8613812345678", "emails": "wf@example.com"}
    ).value
    view = _view(qtbot, ctx)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.detail.record is not None)
    assert view.detail.contact_id == contact_id
    labels = view.detail.link_labels
    assert len(labels) == 2
    for label in labels:
        qtbot.waitExposed(label)
        qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=QPoint(4, label.height() // 2))
    assert opened == ["tel:+8613812345678", "mailto:wf@example.com"]


def test_company_link_and_log_call_signals(qtbot, ctx) -> None:
    contact_id = create_contact(ctx.store, {"name": "Bo"}, company_name="Acme").value
    view = _view(qtbot, ctx)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.detail.record is not None)
    company_id = view.detail.record.contact.company_id
    with qtbot.waitSignal(view.open_company) as opened:
        view.detail.link_labels[0].linkActivated.emit(f"company:{company_id}")
    assert opened.args == [company_id]
    assert view.selected_contact_id() == contact_id
    with qtbot.waitSignal(view.log_call_requested) as asked:
        qtbot.mouseClick(view.detail.call_button, Qt.MouseButton.LeftButton)
    assert asked.args == [contact_id]


def test_delete_asks_first_and_undo_restores(qtbot, ctx, monkeypatch) -> None:
    contact_id = create_contact(ctx.store, {"name": "Bo", "phones": "+8613812345678"}).value
    consent_id = record_consent(ctx.store, contact_id, "email", "given", source="form").value
    view = _view(qtbot, ctx)
    view.table.selectRow(0)
    view.table.setFocus()
    answers = [False, True]
    monkeypatch.setattr(view, "confirm", lambda *_args: answers.pop(0))
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    _settle_all(qtbot, ctx, view)
    assert _names(ctx) == ["Bo"]  # "no": nothing happens
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    _settle_all(qtbot, ctx, view)
    assert _names(ctx) == [] and view.model.rowCount() == 0
    assert consent_history(ctx.store, contact_id) == []
    ctx.undo_stack.undo()
    _settle_all(qtbot, ctx, view)
    assert _names(ctx) == ["Bo"] and view.model.rowCount() == 1
    [consent] = consent_history(ctx.store, contact_id)  # the same record, back with it
    assert (consent.id, consent.purpose, consent.source) == (consent_id, "email", "form")
    assert get_contact(ctx.store, contact_id).contact.consent_email
    ctx.undo_stack.redo()
    _settle_all(qtbot, ctx, view)
    assert _names(ctx) == [] and consent_history(ctx.store, contact_id) == []


def test_column_chooser_hides_columns_and_remembers(qtbot, ctx) -> None:
    view = _view(qtbot, ctx)
    header = view.table.horizontalHeader()
    assert header.isSectionHidden(8)  # "updated" is off by default
    menu = view.column_menu()
    email = next(a for a in menu.actions() if a.text() == "Email")
    email.trigger()
    assert header.isSectionHidden(4)
    assert "email" not in ctx.settings.value(COLUMNS_SETTING)
    again = ContactsView(ctx)
    qtbot.addWidget(again)
    assert again.table.horizontalHeader().isSectionHidden(4)
    settle_model(qtbot, ctx, again.model)


def test_company_type_ahead_links_an_existing_company(qtbot, ctx) -> None:
    company_id = create_company(ctx.store, {"name": "华信科技"}).value
    create_company(ctx.store, {"name": "Acme"})
    view = _view(qtbot, ctx)
    view.new_record()
    editor = _wait_editor(qtbot, view)
    editor.name_edit.setText("王芳")
    qtbot.keyClicks(editor.company.lineEdit(), "huaxin")
    completions = editor.company.completer().model()
    qtbot.waitUntil(lambda: completions.rowCount() == 1, timeout=5000)
    editor.company.completer().activated.emit(completions.index(0, 0).data())
    assert editor.company.company_id() == company_id
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    _settle_all(qtbot, ctx, view)
    row = ContactQuery(ctx.store).page_after(None, 1).rows[0]
    assert row.company_id == company_id  # linked, no second company made


def test_company_filter_narrows_the_list(qtbot, ctx) -> None:
    create_contact(ctx.store, {"name": "Bo"}, company_name="Acme")
    create_contact(ctx.store, {"name": "Cy"}, company_name="Globex")
    view = _view(qtbot, ctx)
    assert view.model.rowCount() == 2
    picker = view.company_filter
    qtbot.keyClicks(picker.lineEdit(), "glob")
    completions = picker.completer().model()
    qtbot.waitUntil(lambda: completions.rowCount() == 1, timeout=5000)
    picker.completer().activated.emit("Globex")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    settle_model(qtbot, ctx, view.model)
    assert view.model.data(view.model.index(0, 0)) == "Cy"


def test_a_failed_edit_leaves_the_undo_stack_and_says_why(qtbot, ctx) -> None:
    contact_id = create_contact(ctx.store, {"name": "Bo"}).value
    view = _view(qtbot, ctx)
    delete_contact(ctx.store, contact_id)  # e.g. by a sync, while the editor was open
    ctx.undo_stack.push(
        EditContactCommand(ctx, contact_id, {"title": "CEO"}, on_error=view.show_error)
    )
    _settle_all(qtbot, ctx, view)
    assert ctx.undo_stack.count() == 0
    assert view.error_label.isVisible() and view.error_label.text()
