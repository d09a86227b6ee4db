"""The contact detail pane's Privacy button: consents, export, erase."""

from __future__ import annotations

from crm_desktop.services.consent import record_consent
from crm_desktop.services.contacts import create_contact
from crm_desktop.views.consent_dialog import ConsentDialog, EraseDialog
from crm_desktop.views.contact_detail import ContactDetail
from tests.views.conftest import settle


def test_privacy_menu_offers_consents_export_and_erase(qtbot, ctx) -> None:
    contact = create_contact(ctx.store, {"name": "Pat Private"}).value
    detail = ContactDetail(ctx)
    qtbot.addWidget(detail)
    detail.show()
    detail.show_contact(contact)
    settle(qtbot, ctx)
    assert detail.privacy_button.isVisible()
    detail.show_privacy_menu()
    menu = detail.privacy_menu
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == ["Consents…", "Export everything…", "Erase…"]
    menu.close()
    menu.actions()[0].trigger()
    dialogs = detail.findChildren(ConsentDialog)
    assert dialogs and dialogs[0].contact_id == contact
    dialogs[0].close()
    # A consent recorded elsewhere shows in the pane's consent row after the change signal.
    result = record_consent(ctx.store, contact, "email", "given")
    ctx.runner.changed.emit(result.changes)
    settle(qtbot, ctx)
    erase = next(a for a in menu.actions() if a.text() == "Erase…")
    erase.trigger()
    erasers = detail.findChildren(EraseDialog)
    assert erasers and erasers[0].name == "Pat Private"
    erasers[0].name_edit.setText("Pat Private")
    with qtbot.waitSignal(erasers[0].erased, timeout=10_000):
        erasers[0].erase_button.click()
    ctx.runner.wait_idle()
    settle(qtbot, ctx)
    assert detail.contact_id is None or detail.record is None


def test_privacy_button_does_nothing_without_a_contact(qtbot, ctx) -> None:
    detail = ContactDetail(ctx)
    qtbot.addWidget(detail)
    detail.show_privacy_menu()
    assert getattr(detail, "privacy_menu", None) is None
