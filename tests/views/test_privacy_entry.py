"""The contact detail pane's Privacy button: consents, export, erase."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

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


def _person_with_mentions(store) -> dict[str, str]:
    from crm_desktop.services.contacts import update_contact
    from crm_desktop.services.deals import create_deal
    from crm_desktop.services.pipelines import ensure_default_pipeline

    person = create_contact(
        store, {"name": "张伟", "emails": "zw@example.com", "phones": "+86 138 1234 5678"}
    ).value
    other = create_contact(store, {"name": "Li Na"}).value
    update_contact(store, other, {"notes": "Mobile of her boss: 138 1234 5678"})
    ensure_default_pipeline(store)
    deal = create_deal(store, {"title": "Pumps", "notes": "张伟 signs", "value": "10"}).value
    return {"person": person, "other": other, "deal": deal}


def test_erase_lists_mentions_then_opens_them_for_review(qtbot, ctx) -> None:
    from crm_desktop.views.main_window import MainWindow
    from crm_desktop.views.mentions_dialog import ReviewMentionsDialog

    ids = _person_with_mentions(ctx.store)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    contacts = window.show_section("contacts")
    settle(qtbot, ctx)
    detail = contacts.detail  # type: ignore[attr-defined]
    detail.show_contact(ids["person"])
    settle(qtbot, ctx)
    eraser = EraseDialog(ctx, ids["person"], "张伟", detail)
    settle(qtbot, ctx)
    # Before confirming: which other records mention the person.
    assert eraser.mentions_label.text().startswith("2 field(s) of other records mention 张伟")
    assert eraser.mentions_table.isVisibleTo(eraser)
    listed = {
        (eraser.mentions_table.item(r, 0).text(), eraser.mentions_table.item(r, 2).text())
        for r in range(eraser.mentions_table.rowCount())
    }
    assert listed == {("Deal", "Notes"), ("Contact", "Notes")}
    eraser.name_edit.setText("张伟")
    with qtbot.waitSignal(eraser.erased, timeout=10_000):
        eraser.erase_button.click()
    settle(qtbot, ctx)
    review = eraser.review
    assert isinstance(review, ReviewMentionsDialog) and review.isVisible()
    assert review.parent() is detail and not review.isModal()
    rows = {review.table.item(r, 1).text(): r for r in range(review.table.rowCount())}
    assert set(rows) == {"Pumps", "Li Na"}
    assert "张伟 signs" in review.table.item(rows["Pumps"], 3).text()
    # Double-clicking a row opens the record in the main window.
    with qtbot.waitSignal(review.open_record) as opened:
        review.table.cellDoubleClicked.emit(rows["Li Na"], 0)
    assert opened.args == ["contact", ids["other"]]
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: detail.contact_id == ids["other"], timeout=5000)
    review.table.cellDoubleClicked.emit(rows["Pumps"], 0)
    board = window.section("deals")
    assert window.current_section() == "deals" and board is not None
    qtbot.waitUntil(lambda: board.editor is not None and board.editor.isVisible(), timeout=5000)
    assert board.editor.deal_id == ids["deal"]
    board.editor.close()
    review.close()


def test_erase_without_mentions_opens_no_review(qtbot, ctx) -> None:
    person = create_contact(ctx.store, {"name": "Pat Private"}).value
    create_contact(ctx.store, {"name": "Someone Else", "notes": "Pat is a nice name"})
    eraser = EraseDialog(ctx, person, "Pat Private")
    qtbot.addWidget(eraser)
    settle(qtbot, ctx)
    assert eraser.mentions_label.text() == "No other records mention Pat Private."
    assert not eraser.mentions_table.isVisibleTo(eraser)
    eraser.name_edit.setText("Pat Private")
    with qtbot.waitSignal(eraser.erased, timeout=10_000):
        eraser.erase_button.click()
    assert eraser.review is None


def test_erase_dialog_for_a_person_gone_already_says_so(qtbot, ctx) -> None:
    eraser = EraseDialog(ctx, "no-such-id", "Ghost")
    qtbot.addWidget(eraser)
    settle(qtbot, ctx)
    assert eraser.mentions_label.text() == (
        "That record no longer exists (deleted here or by a sync)."
    )
    eraser.name_edit.setText("Ghost")
    eraser.erase_button.click()
    settle(qtbot, ctx)
    assert eraser.error_label.isVisibleTo(eraser) and eraser.review is None


def test_review_dialog_open_button_and_rows_without_a_target(qtbot, ctx) -> None:
    from crm_desktop.services.mentions import Mention, Mentions
    from crm_desktop.views.mentions_dialog import ReviewMentionsDialog

    mentions = Mentions(
        [
            Mention("activity", "a1", "Lunch", "notes", "…met 张伟…", None),
            Mention("company", "c1", "Acme", "cf:buyer", "张伟", ("company", "c1")),
        ],
        capped=True,
    )
    review = ReviewMentionsDialog(mentions, "张伟")
    qtbot.addWidget(review)
    assert review.table.item(1, 2).text() == "Custom field buyer"
    emitted: list[tuple[str, str]] = []
    review.open_record.connect(lambda entity, rid: emitted.append((entity, rid)))
    review.table.selectRow(0)
    review.open_button.click()  # nothing to open for an unlinked activity
    review.table.selectRow(1)
    review.open_button.click()
    assert emitted == [("company", "c1")]
    heading = review.findChildren(QLabel)[0].text()
    assert heading.startswith("2 field(s)") and "Only the first ones are listed." in heading
