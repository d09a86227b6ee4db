"""Logging a call: keyboard only, follow-up task, the live timer, errors in the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from crm_desktop.services import activities, tasks
from crm_desktop.services.contacts import create_contact
from crm_desktop.views.call_dialog import CallDialog
from crm_desktop.views.contact_picker import ContactPicker
from tests.views.conftest import settle


def make_contacts(ctx) -> dict[str, str]:
    return {
        name: create_contact(ctx.store, {"name": name}).value
        for name in ("王芳", "王小明", "Zhang Wei")
    }


def open_dialog(qtbot, ctx, contact_id: str | None = None, **kwargs) -> CallDialog:
    dialog = CallDialog(ctx, contact_id, **kwargs)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    return dialog


def pick(qtbot, ctx, picker: ContactPicker, text: str, presses: int = 1) -> None:
    """Type `text`, wait for the hits, arrow down `presses` times and press Enter."""
    with qtbot.waitSignal(picker.searched, timeout=5000):
        if text.isascii():
            qtbot.keyClicks(picker, text)
        else:  # Chinese arrives from the input method, not as key presses
            event = QInputMethodEvent()
            event.setCommitString(text)
            QApplication.sendEvent(picker, event)
    popup = picker.completer_popup()
    qtbot.waitUntil(popup.isVisible)
    for _ in range(presses):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def test_log_a_call_with_the_keyboard_only(qtbot, ctx) -> None:
    people = make_contacts(ctx)
    dialog = open_dialog(qtbot, ctx)
    assert QApplication.focusWidget() is dialog.contact

    pick(qtbot, ctx, dialog.contact, "Zhang")
    assert dialog.contact.contact_id == people["Zhang Wei"]
    assert dialog.contact.text() == "Zhang Wei" and dialog.isVisible()  # Enter picked, not saved

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.outcome
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)  # connected -> no answer
    for _ in range(2):  # direction, notes
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.notes
    qtbot.keyClicks(dialog.notes, "left a message")
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    settle(qtbot, ctx)
    assert not dialog.isVisible() and dialog.result() == CallDialog.DialogCode.Accepted
    call = activities.timeline(ctx.store, contact_id=people["Zhang Wei"])[0]
    assert (call.kind, call.outcome, call.direction) == ("call", "no_answer", "outbound")
    assert call.notes == "left a message" and call.id == dialog.logged.activity_id
    listed = activities.list_activities(ctx.store)
    assert [r.id for r in listed] == [call.id]


def test_chinese_name_and_follow_up_task(qtbot, ctx) -> None:
    people = make_contacts(ctx)
    dialog = open_dialog(qtbot, ctx)
    pick(qtbot, ctx, dialog.contact, "王", presses=2)
    assert dialog.contact.contact_id in {people["王芳"], people["王小明"]}
    chosen = dialog.contact.contact_id
    dialog.follow_up.setChecked(True)
    dialog.follow_days.setValue(2)
    dialog.duration.setText("3:05")
    with qtbot.waitSignal(ctx.runner.changed) as changed:
        qtbot.keyClick(dialog.duration, Qt.Key.Key_Return)  # Enter outside the notes saves
    assert "activity" in changed.args[0].created and "task" in changed.args[0].created
    settle(qtbot, ctx)
    follow_up = tasks.open_tasks_for(ctx.store, contact_id=chosen)
    assert [t.id for t in follow_up] == [dialog.logged.task_id]
    assert activities.timeline(ctx.store, contact_id=chosen)[-1].duration_s == 185


def test_opened_from_a_contact_preselects_it(qtbot, ctx) -> None:
    people = make_contacts(ctx)
    dialog = open_dialog(qtbot, ctx, people["王芳"])
    settle(qtbot, ctx)
    assert dialog.contact.contact_id == people["王芳"] and dialog.contact.text() == "王芳"
    assert QApplication.focusWidget() is dialog.outcome
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, ctx)
    assert dialog.logged is not None


def test_the_running_timer_fills_the_duration(qtbot, ctx) -> None:
    people = make_contacts(ctx)
    now = [1000.0]
    dialog = open_dialog(qtbot, ctx, people["王芳"], clock=lambda: now[0])
    settle(qtbot, ctx)
    qtbot.mouseClick(dialog.timer.button, Qt.MouseButton.LeftButton)
    assert dialog.timer.running() and dialog.duration.text() == "0:00"
    now[0] += 65
    qtbot.waitUntil(lambda: dialog.duration.text() == "1:05")  # counts up live
    now[0] += 60
    qtbot.mouseClick(dialog.timer.button, Qt.MouseButton.LeftButton)
    assert not dialog.timer.running() and dialog.duration.text() == "2:05"
    dialog.save()
    settle(qtbot, ctx)
    assert activities.list_activities(ctx.store)[0].duration_s == 125


def test_saving_while_the_timer_runs_stops_it(qtbot, ctx) -> None:
    people = make_contacts(ctx)
    now = [0.0]
    dialog = open_dialog(qtbot, ctx, people["王芳"], clock=lambda: now[0])
    settle(qtbot, ctx)
    dialog.start_timer()
    now[0] += 42
    dialog.save()
    settle(qtbot, ctx)
    assert activities.list_activities(ctx.store)[0].duration_s == 42


def test_errors_show_in_the_dialog(qtbot, ctx) -> None:
    people = make_contacts(ctx)
    dialog = open_dialog(qtbot, ctx)
    dialog.save()
    assert dialog.isVisible() and dialog.error.isVisible() and not dialog.error.isHidden()
    assert QApplication.focusWidget() is dialog.contact

    dialog.contact.set_contact("no-such-contact", "Ghost")
    dialog.save()
    settle(qtbot, ctx)
    assert dialog.isVisible() and "no longer exists" in dialog.error.text()
    assert dialog.save_button.isEnabled()

    dialog.contact.set_contact(people["王芳"], "王芳")
    dialog.duration.setText("1:75")
    dialog.save()
    assert dialog.isVisible() and dialog.duration.hasFocus()
    assert activities.list_activities(ctx.store) == []


def test_escape_cancels(qtbot, ctx) -> None:
    dialog = open_dialog(qtbot, ctx)
    qtbot.keyClick(dialog.contact, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == CallDialog.DialogCode.Rejected
