"""The contacts screen's custom field filter: a field, then its value (options or text)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from crm_desktop.services.contacts import create_contact
from crm_desktop.services.custom_fields import define_field
from crm_desktop.views.contacts_view import ContactsView
from tests.views.conftest import settle
from tests.views.test_contacts_model import settle_model


def _view(qtbot, ctx) -> ContactsView:
    view = ContactsView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    settle(qtbot, ctx)
    settle_model(qtbot, ctx, view.model)
    return view


def _settle(qtbot, ctx, view: ContactsView) -> None:
    settle(qtbot, ctx)
    settle_model(qtbot, ctx, view.model)


def _names(view: ContactsView) -> list[str]:
    model = view.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def test_filter_by_a_choice_field_then_a_text_field(qtbot, ctx) -> None:
    store = ctx.store
    level = define_field(store, "contact", "level", "Level", "choice", options=["gold", "silver"])
    note = define_field(store, "contact", "note", "Note", "text")
    create_contact(store, {"name": "Ann", "owner": "amy"}, {"level": "gold", "note": "hi"})
    create_contact(store, {"name": "Bo", "owner": "bob"}, {"level": "silver", "note": "hi"})
    create_contact(store, {"name": "Cy", "owner": "amy"}, {"level": "gold"})
    create_contact(store, {"name": "Di", "owner": "amy"}, {})
    view = _view(qtbot, ctx)
    assert view.model.rowCount() == 4
    assert not view.value_combo.isVisible() and not view.value_edit.isVisible()

    view.field_combo.setCurrentIndex(view.field_combo.findData(level.value))
    _settle(qtbot, ctx, view)
    assert view.value_combo.isVisible() and not view.value_edit.isVisible()
    assert [view.value_combo.itemData(i) for i in range(view.value_combo.count())] == [
        None,
        "gold",
        "silver",
    ]
    assert view.model.rowCount() == 4  # "Any value": no filter yet
    view.value_combo.setCurrentIndex(view.value_combo.findData("gold"))
    _settle(qtbot, ctx, view)
    assert view.model.rowCount() == 2
    assert _names(view) == ["Ann", "Cy"]
    assert view.count_label.text() == view.tr("%n contact(s)", "", 2)

    view.owner_combo.setCurrentIndex(view.owner_combo.findData("amy"))  # combines
    view.value_combo.setCurrentIndex(view.value_combo.findData("silver"))
    _settle(qtbot, ctx, view)
    assert view.model.rowCount() == 0
    view.owner_combo.setCurrentIndex(0)
    _settle(qtbot, ctx, view)
    assert _names(view) == ["Bo"]

    view.field_combo.setCurrentIndex(view.field_combo.findData(note.value))
    _settle(qtbot, ctx, view)
    assert view.value_edit.isVisible() and not view.value_combo.isVisible()
    assert view.model.rowCount() == 4
    view.value_edit.setFocus()
    qtbot.keyClicks(view.value_edit, "hi")
    qtbot.keyClick(view.value_edit, Qt.Key.Key_Return)  # Enter applies at once
    _settle(qtbot, ctx, view)
    assert _names(view) == ["Ann", "Bo"]
    view.value_edit.setText("nothing like it")  # the debounce applies it too
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    _settle(qtbot, ctx, view)

    view.field_combo.setCurrentIndex(0)  # "Any field"
    _settle(qtbot, ctx, view)
    assert view.model.rowCount() == 4
    assert not view.value_combo.isVisible() and not view.value_edit.isVisible()


def test_custom_filter_applies_to_search_hits_and_new_fields_appear(qtbot, ctx) -> None:
    store = ctx.store
    view = _view(qtbot, ctx)
    assert view.field_combo.count() == 1
    level = define_field(store, "contact", "level", "Level", "choice", options=["gold", "silver"])
    create_contact(store, {"name": "Anna Gold"}, {"level": "gold"})
    create_contact(store, {"name": "Anna Silver"}, {"level": "silver"})
    ctx.runner.changed.emit(level.changes)
    _settle(qtbot, ctx, view)
    qtbot.waitUntil(lambda: view.field_combo.count() == 2)
    view.field_combo.setCurrentIndex(1)
    view.value_combo.setCurrentIndex(view.value_combo.findData("silver"))
    view.search_edit.setText("Anna")
    view._search_now()
    _settle(qtbot, ctx, view)
    assert _names(view) == ["Anna Silver"]
