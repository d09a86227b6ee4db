"""Backups & security page, the backup scheduler, the integrity watch, privacy dialogs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from crm_desktop.errors import StoreError
from crm_desktop.services import backup_schedule as bs
from crm_desktop.services.consent import consent_history
from crm_desktop.services.contacts import create_contact
from crm_desktop.store.engine import open_store
from crm_desktop.views.audit_view import AuditView
from crm_desktop.views.consent_dialog import ConsentDialog, EraseDialog, export_person_to
from crm_desktop.views.lock import AUTO_LOCK_KEY, is_locked, lock_store
from crm_desktop.views.security_page import (
    BackupScheduler,
    IntegrityWatch,
    SecurityPage,
    offer_restore,
    restore_in_app,
)
from tests.store.store_testkit import add_contact, contact_names
from tests.views.conftest import settle


def _click_later(text: str) -> None:
    """Click the button labelled `text` of the message box once it shows."""

    def click() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                for button in widget.buttons():
                    if button.text().replace("&", "") == text:
                        button.click()
                        return
        QTimer.singleShot(20, click)

    QTimer.singleShot(20, click)


def test_security_page_saves_schedule_and_auto_lock(qtbot, ctx, tmp_path: Path) -> None:
    page = SecurityPage(ctx)
    qtbot.addWidget(page)
    assert page.enabled_check.isChecked() and page.keep_spin.value() == bs.DEFAULT_KEEP
    assert page.interval_combo.currentData() == 24
    page.keep_spin.setValue(3)
    page.interval_combo.setCurrentIndex(page.interval_combo.findData(6))
    page.folder_edit.setText(str(tmp_path / "bk"))
    page.lock_spin.setValue(5)
    page.save()
    saved = json.loads((ctx.store.data_dir / bs.SCHEDULE_FILENAME).read_text())
    assert saved == {
        "enabled": True,
        "interval_hours": 6,
        "keep": 3,
        "folder": str(tmp_path / "bk"),
    }
    assert int(ctx.settings.value(AUTO_LOCK_KEY)) == 5
    again = SecurityPage(ctx)
    qtbot.addWidget(again)
    assert again.keep_spin.value() == 3 and again.lock_spin.value() == 5


def test_back_up_now_shows_progress_and_lists_the_backup(qtbot, ctx) -> None:
    add_contact(ctx.store, "Ann")
    page = SecurityPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.backup_list.count() == 0
    page.back_up_now()
    assert page.progress_bar.isVisible() and not page.backup_button.isEnabled()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    qtbot.waitUntil(lambda: page.backup_list.count() == 1, timeout=5_000)
    assert "verified" in page.result_label.text()
    assert page.backup_button.isEnabled() and not page.progress_bar.isVisible()


def test_back_up_now_into_an_unusable_folder_says_why(qtbot, ctx, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    page = SecurityPage(ctx)
    qtbot.addWidget(page)
    page.folder_edit.setText(str(blocker))
    page.back_up_now()
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    qtbot.waitUntil(lambda: "cannot be used" in page.result_label.text(), timeout=5_000)
    assert page.backup_list.count() == 0


def test_scheduler_backs_up_when_due_not_when_locked(qtbot, ctx) -> None:
    add_contact(ctx.store, "Ann")
    window = QWidget()
    qtbot.addWidget(window)
    scheduler = BackupScheduler(ctx, window)
    with qtbot.waitSignal(scheduler.backed_up, timeout=20_000):
        assert scheduler.check()
    assert not scheduler.check()  # the next is due tomorrow
    assert len(bs.list_backups(ctx.store.data_dir / "backups")) == 1
    for old in bs.list_backups(ctx.store.data_dir / "backups"):
        old.path.unlink()
    settle(qtbot, ctx)
    lock_store(ctx.store)
    assert not scheduler.check()  # locked: no key, no backup


def test_integrity_watch_reports_a_damaged_store(qtbot, ctx) -> None:
    for i in range(300):
        add_contact(ctx.store, f"Person {i}", notes="x" * 400)
    window = QWidget()
    qtbot.addWidget(window)
    watch = IntegrityWatch(ctx, window)
    watch.ask = False
    with qtbot.waitSignal(watch.checked, timeout=20_000) as ok:
        assert watch.run_if_due()
    assert ok.args[0].ok
    assert not watch.run_if_due()  # done this week
    with ctx.store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    path = ctx.store.path
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x04
    path.write_bytes(bytes(data))
    with qtbot.waitSignal(watch.damaged, timeout=20_000) as bad:
        assert watch.run_if_due(force=True)
    assert not bad.args[0].ok and bad.args[0].problems


def test_restore_in_app_replaces_the_store(qtbot, ctx, monkeypatch) -> None:
    add_contact(ctx.store, "Before Backup")
    info, _ = bs.backup_now(ctx.store)
    add_contact(ctx.store, "After Backup")
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    assert restore_in_app(None, ctx, info.path)
    assert is_locked(ctx.store)  # the app closes after a restore
    reopened = open_store(ctx.store.data_dir, create=False)
    try:
        assert contact_names(reopened) == ["Before Backup"]
    finally:
        reopened.close()


def test_restore_in_app_of_a_damaged_backup_keeps_the_store(qtbot, ctx, monkeypatch) -> None:
    add_contact(ctx.store, "Only Copy")
    info, _ = bs.backup_now(ctx.store)
    data = bytearray(info.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    info.path.write_bytes(bytes(data))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    assert not restore_in_app(None, ctx, info.path)
    assert warnings and not is_locked(ctx.store)  # opened again, as it was
    assert contact_names(ctx.store) == ["Only Copy"]


def test_offer_restore_at_start_restores_the_newest_backup(qtbot, store, tmp_path) -> None:
    add_contact(store, "Saved")
    bs.backup_now(store)
    data_dir = store.data_dir
    store.close()
    (data_dir / "crm.db").write_bytes(b"")  # the store lost its content
    _click_later("Restore the backup")
    assert offer_restore(None, data_dir, StoreError("store.damaged", "damaged"))
    reopened = open_store(data_dir, create=False)
    try:
        assert contact_names(reopened) == ["Saved"]
    finally:
        reopened.close()


def test_offer_restore_without_a_backup_just_says_so(qtbot, tmp_path) -> None:
    _click_later("OK")
    assert not offer_restore(None, tmp_path, StoreError("store.damaged", "damaged"))


def test_consent_dialog_records_and_refuses_bad_input(qtbot, ctx) -> None:
    contact = create_contact(ctx.store, {"name": "Ann"}).value
    dialog = ConsentDialog(ctx, contact, "Ann")
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, ctx)
    assert dialog.table.rowCount() == 0
    dialog.source_edit.setText("web form")
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        dialog.record()
    settle(qtbot, ctx)
    assert dialog.table.rowCount() == 1
    assert consent_history(ctx.store, contact)[0].source == "web form"
    dialog.purpose_combo.setEditText("   ")
    dialog.record()
    settle(qtbot, ctx)
    assert dialog.error_label.isVisible() and dialog.table.rowCount() == 1


def test_erase_dialog_needs_the_name_then_erases(qtbot, ctx) -> None:
    contact = create_contact(ctx.store, {"name": "Erin Erased"}).value
    dialog = EraseDialog(ctx, contact, "Erin Erased")
    qtbot.addWidget(dialog)
    assert not dialog.erase_button.isEnabled()
    dialog.name_edit.setText("Erin")
    assert not dialog.erase_button.isEnabled()
    dialog.name_edit.setText("Erin Erased")
    dialog.reason_edit.setText("asked in person")
    with qtbot.waitSignal(dialog.erased, timeout=10_000):
        dialog.erase_button.click()
    assert contact_names(ctx.store) == []
    view = AuditView(ctx)
    qtbot.addWidget(view)
    settle(qtbot, ctx)
    texts = [view.table.item(r, 4).text() for r in range(view.table.rowCount())]
    assert any("asked in person" in t for t in texts)
    assert not any("Erin" in view.table.item(r, 3).text() for r in range(view.table.rowCount()))


def test_export_from_the_gui_writes_the_file(qtbot, ctx, tmp_path: Path, monkeypatch) -> None:
    contact = create_contact(ctx.store, {"name": "Ann"}).value
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    parent = QWidget()
    qtbot.addWidget(parent)
    target = tmp_path / "ann.json"
    export_person_to(parent, ctx, contact, "Ann", str(target))
    settle(qtbot, ctx)
    assert json.loads(target.read_text(encoding="utf-8"))["contact"]["name"] == "Ann"
    assert shown


@pytest.fixture(autouse=True)
def _no_real_dialogs_left(qtbot):
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


def test_start_up_on_a_damaged_store_offers_and_restores_the_backup(qtbot, store) -> None:
    from crm_desktop.views.store_opening import open_or_create

    add_contact(store, "Kept Safe")
    bs.backup_now(store)
    data_dir = store.data_dir
    store.close()
    db = data_dir / "crm.db"
    db.write_bytes(db.read_bytes()[:5000])  # cut short mid-page
    _click_later("Restore the backup")
    opened = open_or_create(data_dir, None)
    assert opened is not None
    try:
        assert contact_names(opened) == ["Kept Safe"]
    finally:
        opened.close()
    assert any(p.name.startswith("before-restore-") for p in data_dir.iterdir())
