"""Data in, in the GUI: import wizard (CSV and vCard, undo), duplicate warning in the
contact editor, Find duplicates and the merge dialog. Real widgets over a real store."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from crm_desktop.services.activities import log_activity
from crm_desktop.services.contacts import create_contact, get_contact
from crm_desktop.services.queries import ContactQuery
from crm_desktop.views.contacts_view import ContactsView
from crm_desktop.views.duplicates_view import DuplicatesDialog, DuplicateWarning
from crm_desktop.views.import_wizard import (
    PAGE_CHECK,
    PAGE_FORMAT,
    PAGE_IMPORT,
    PAGE_MAPPING,
    ImportWizard,
)
from crm_desktop.views.merge_dialog import MergeDialog
from tests.views.conftest import settle


def _names(ctx) -> list[str]:
    return sorted(row.name for row in ContactQuery(ctx.store).page_after(None, 50).rows)


def _wizard(qtbot, ctx, path: Path) -> ImportWizard:
    wizard = ImportWizard(ctx, None, str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=10_000)
    return wizard


def _next(qtbot, wizard: ImportWizard, expected: int) -> None:
    qtbot.waitUntil(
        lambda: (
            wizard.button(QWizard.WizardButton.NextButton).isEnabled()
            or wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
        )
    )
    if wizard.button(QWizard.WizardButton.CommitButton).isVisible():
        wizard.button(QWizard.WizardButton.CommitButton).click()
    else:
        wizard.next()
    assert wizard.currentId() == expected


def test_csv_wizard_encoding_mapping_duplicates_import_and_undo(qtbot, ctx, tmp_path) -> None:
    create_contact(ctx.store, {"name": "Alice", "emails": ["alice@example.com"]})
    text = (
        "Who;Mobile;Email\n"
        "张伟;13812345678;zw@example.com\n"
        "Al;;ALICE@example.com\n"  # duplicate of the stored Alice (email)
        "Bad;123;\n"  # refused: not a phone number
        "李娜;13912345678;\n"
    )
    path = tmp_path / "gb.csv"
    path.write_bytes(text.encode("gb18030"))
    wizard = _wizard(qtbot, ctx, path)
    _next(qtbot, wizard, PAGE_FORMAT)
    page = wizard.page(PAGE_FORMAT)
    assert page.encoding.currentText() == "gb18030" and page.delimiter.currentData() == ";"
    assert page.preview.item(0, 0).text() == "张伟"
    # A wrong choice shows a clear error and blocks Next; the right one recovers.
    page.encoding.setCurrentText("utf-8")
    qtbot.waitUntil(lambda: "utf-8" in page.status.text())
    assert not page.isComplete()
    page.encoding.setCurrentText("gb18030")
    qtbot.waitUntil(page.isComplete)
    _next(qtbot, wizard, PAGE_MAPPING)
    mapping = wizard.page(PAGE_MAPPING)
    assert mapping.mapping() == {"Mobile": "phones", "Email": "emails"}  # "Who" is not guessed
    assert not mapping.isComplete()
    mapping.combos["Who"].setCurrentIndex(mapping.combos["Who"].findData("name"))
    assert mapping.isComplete()
    _next(qtbot, wizard, PAGE_CHECK)
    check = wizard.page(PAGE_CHECK)
    qtbot.waitUntil(check.isComplete, timeout=10_000)
    assert check.duplicates.rowCount() == 1 and check.duplicates.item(0, 0).text() == "3"
    assert "row 4" in check.problems.toPlainText()
    _next(qtbot, wizard, PAGE_IMPORT)  # "Import" (commit)
    done = wizard.page(PAGE_IMPORT)
    qtbot.waitUntil(done.isComplete, timeout=20_000)
    settle(qtbot, ctx)
    assert _names(ctx) == ["Alice", "张伟", "李娜"]
    assert "row 3: likely duplicate of Alice" in done.report_view.toPlainText()
    assert ctx.undo_stack.count() == 1
    qtbot.mouseClick(done.undo_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    assert _names(ctx) == ["Alice"]
    ctx.undo_stack.redo()  # redo imports the same rows again
    settle(qtbot, ctx)
    assert _names(ctx) == ["Alice", "张伟", "李娜"]


def test_vcard_wizard_skips_format_pages_and_imports_anyway(qtbot, ctx, tmp_path) -> None:
    create_contact(ctx.store, {"name": "Ada", "emails": ["ada@example.org"]})
    cards = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:=D5=C5=CE=B0\r\n"
        "TEL;CELL:13812345678\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada L.\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nbroken\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "phone.vcf"
    path.write_bytes(cards.encode("ascii"))
    wizard = _wizard(qtbot, ctx, path)
    assert "3 cards" in wizard.page(0).status.text()
    _next(qtbot, wizard, PAGE_CHECK)
    check = wizard.page(PAGE_CHECK)
    qtbot.waitUntil(check.isComplete, timeout=10_000)
    assert check.duplicates.rowCount() == 1
    assert "card 3" in check.problems.toPlainText()
    check.anyway.setChecked(True)
    _next(qtbot, wizard, PAGE_IMPORT)
    done = wizard.page(PAGE_IMPORT)
    qtbot.waitUntil(done.isComplete, timeout=20_000)
    settle(qtbot, ctx)
    assert _names(ctx) == ["Ada", "Ada L.", "张伟"]
    assert done.progress_bar.value() == done.progress_bar.maximum()
    wizard.accept()  # closed: Edit → Undo still takes the whole import back
    ctx.undo_stack.undo()
    settle(qtbot, ctx)
    assert _names(ctx) == ["Ada"]


def test_unreadable_file_says_why(qtbot, ctx, tmp_path) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 50)
    wizard = ImportWizard(ctx, None, str(path))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: "Cannot import" in wizard.page(0).status.text(), timeout=10_000)
    assert not wizard.page(0).isComplete()


def test_editor_warns_of_a_duplicate_and_can_save_anyway(qtbot, ctx) -> None:
    create_contact(ctx.store, {"name": "Zhang Wei", "phones": ["+86 138 1234 5678"]})
    view = ContactsView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.new_record()
    qtbot.waitUntil(lambda: view.editor is not None and view.editor.isVisible())
    editor = view.editor
    editor.name_edit.setText("张伟")
    editor.phones.edits()[0].setText("138 1234 5678")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.findChild(DuplicateWarning) is not None)
    banner = editor.findChild(DuplicateWarning)
    assert editor.isVisible() and len(banner.open_buttons) == 1
    assert ctx.undo_stack.count() == 0  # nothing saved yet
    qtbot.mouseClick(banner.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    settle(qtbot, ctx)
    assert _names(ctx) == ["Zhang Wei", "张伟"]


def test_find_duplicates_and_merge_with_field_picks(qtbot, ctx) -> None:
    a = create_contact(ctx.store, {"name": "Li Na", "title": "Buyer", "emails": ["ln@x.cn"]}).value
    b = create_contact(ctx.store, {"name": "李娜", "title": "CTO", "emails": ["LN@x.cn"]}).value
    log_activity(ctx.store, "note", contact_id=b, subject="kept")
    dialog = DuplicatesDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert "same email" in dialog.table.item(0, 2).text()
    dialog.table.selectRow(0)
    assert dialog.merge_button.isEnabled()
    dialog.merge_selected()
    merge = dialog.merge_dialog
    assert isinstance(merge, MergeDialog)
    qtbot.waitUntil(lambda: merge.merge_button.isEnabled(), timeout=10_000)
    assert set(merge.groups) >= {"name", "title"}
    survivor = merge.survivor_id
    other = b if survivor == a else a
    merge.groups["title"].button(1).setChecked(True)  # the other one's title
    with qtbot.waitSignal(merge.merged, timeout=10_000):
        qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ctx)
    kept = get_contact(ctx.store, survivor).contact
    assert kept.title == get_contact_title(other, a, b)
    assert dialog.table.rowCount() == 0
    assert len(_names(ctx)) == 1


def get_contact_title(other: str, a: str, b: str) -> str:
    return "Buyer" if other == a else "CTO"


def test_editor_open_existing_closes_without_saving(qtbot, ctx) -> None:
    made = create_contact(ctx.store, {"name": "Bo", "emails": ["bo@example.com"]}).value
    view = ContactsView(ctx)
    qtbot.addWidget(view)
    view.show()
    opened: list[str] = []
    view.window().open_contact = opened.append  # type: ignore[attr-defined]  (the main window's)
    view.new_record()
    qtbot.waitUntil(lambda: view.editor is not None and view.editor.isVisible())
    editor = view.editor
    editor.name_edit.setText("Robert")
    editor.emails.edits()[0].setText("BO@example.com")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.findChild(DuplicateWarning) is not None)
    banner = editor.findChild(DuplicateWarning)
    qtbot.mouseClick(banner.open_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    settle(qtbot, ctx)
    assert opened == [made]
    assert _names(ctx) == ["Bo"] and ctx.undo_stack.count() == 0


def test_check_page_shows_progress_and_ignores_a_stale_check(
    qtbot, ctx, tmp_path, monkeypatch
) -> None:
    from crm_desktop.services import csv_import

    monkeypatch.setattr(csv_import, "PROGRESS_STEP", 5)
    path = tmp_path / "many.csv"
    rows = [f"Person {i},+86 138 0000 {i:04d}" for i in range(40)]
    path.write_text("Name,Mobile\n" + "\n".join(rows) + "\n", encoding="utf-8")
    wizard = _wizard(qtbot, ctx, path)
    _next(qtbot, wizard, PAGE_FORMAT)
    _next(qtbot, wizard, PAGE_MAPPING)
    check = wizard.page(PAGE_CHECK)
    seen: list[tuple[int, int]] = []
    check.progress.moved.connect(lambda _run, done, total: seen.append((done, total)))
    _next(qtbot, wizard, PAGE_CHECK)
    qtbot.waitUntil(check.isComplete, timeout=10_000)
    # Rows then duplicates, on one bar of twice the rows; hidden once done.
    assert seen[-1] == (80, 80) and (40, 80) in seen and seen == sorted(seen)
    assert check.progress_bar.isHidden()
    assert "40 contacts can be imported" in check.summary.text()
    # A result from an earlier visit of the page (Back, Next) is ignored.
    generation = check._generation
    check._checked_rows((generation - 1, [], csv_import.ImportReport()))
    assert "40 contacts can be imported" in check.summary.text()
