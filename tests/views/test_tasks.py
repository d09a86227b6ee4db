"""Tasks: the due lists, one-click complete with undo, new task dialog, reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSystemTrayIcon

from crm_desktop.services import tasks
from crm_desktop.services.contacts import create_contact
from crm_desktop.views import reminders as reminders_module
from crm_desktop.views.reminders import Reminders
from crm_desktop.views.task_dialog import TaskDialog
from crm_desktop.views.tasks_view import OVERDUE, TODAY, UPCOMING, TaskListModel, TasksView
from tests.views.conftest import settle

NOW = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def due(ctx) -> dict[str, str]:
    wang = create_contact(ctx.store, {"name": "王芳"}).value

    def task(title: str, days: int, **extra: object) -> str:
        values = {"title": title, "due_at": NOW + timedelta(days=days), **extra}
        return tasks.create_task(ctx.store, values).value

    return {
        "contact": wang,
        "late": task("Send the quote", -2, contact_id=wang),
        "today": task("Call back 王芳", 0, contact_id=wang),
        "soon": task("Visit the factory", 3),
        "later": task("Renewal", 30),
    }


def make_view(qtbot, ctx) -> TasksView:
    view = TasksView(ctx, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.show()
    settle(qtbot, ctx)
    return view


def titles(model: TaskListModel) -> list[str]:
    return [model.item(r).task.title for r in range(model.rowCount())]


def click_box(qtbot, view: TasksView, tab: int, row: int) -> None:
    view.tabs.setCurrentIndex(tab)
    table = view.tables[tab]
    rect = table.visualRect(view.models[tab].index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_overdue_today_upcoming(qtbot, ctx, due) -> None:
    view = make_view(qtbot, ctx)
    assert titles(view.models[OVERDUE]) == ["Send the quote"]
    assert titles(view.models[TODAY]) == ["Call back 王芳"]
    assert titles(view.models[UPCOMING]) == ["Visit the factory"]  # within 7 days only
    assert view.tabs.tabText(OVERDUE) == "Overdue (1)"
    overdue = view.models[OVERDUE]
    assert overdue.index(0, 3).data() == "王芳"
    assert overdue.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert overdue.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_one_click_completes_and_undo_reopens(qtbot, ctx, due) -> None:
    view = make_view(qtbot, ctx)
    click_box(qtbot, view, OVERDUE, 0)
    settle(qtbot, ctx)
    assert tasks.overdue(ctx.store, NOW) == [] and titles(view.models[OVERDUE]) == []
    assert view.tabs.tabText(OVERDUE) == "Overdue (0)"
    assert ctx.undo_stack.undoText() == "Complete task “Send the quote”"

    ctx.undo_stack.undo()
    settle(qtbot, ctx)
    assert [t.id for t in tasks.overdue(ctx.store, NOW)] == [due["late"]]
    assert titles(view.models[OVERDUE]) == ["Send the quote"]
    ctx.undo_stack.redo()
    settle(qtbot, ctx)
    assert titles(view.models[OVERDUE]) == []


def test_clicking_the_title_does_not_complete(qtbot, ctx, due) -> None:
    view = make_view(qtbot, ctx)
    table = view.tables[TODAY]
    view.tabs.setCurrentIndex(TODAY)
    rect = table.visualRect(view.models[TODAY].index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, ctx)
    assert ctx.undo_stack.count() == 0 and titles(view.models[TODAY]) == ["Call back 王芳"]
    qtbot.keyClick(table, Qt.Key.Key_Space)  # Space completes the current row
    settle(qtbot, ctx)
    assert titles(view.models[TODAY]) == []


def test_a_failed_complete_is_shown_and_the_list_restored(qtbot, ctx, due) -> None:
    view = make_view(qtbot, ctx)
    tasks.delete_task(ctx.store, due["soon"])  # e.g. deleted by a sync meanwhile
    click_box(qtbot, view, UPCOMING, 0)
    settle(qtbot, ctx)
    assert "no longer exists" in view.status.text() and titles(view.models[UPCOMING]) == []


def test_new_task_dialog(qtbot, ctx, due) -> None:
    view = make_view(qtbot, ctx)
    dialog = view.open_task_dialog(due["contact"])
    settle(qtbot, ctx)
    assert dialog.contact.text() == "王芳"
    qtbot.keyClicks(dialog.title, "Prepare the contract")
    dialog.has_remind.setChecked(True)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    settle(qtbot, ctx)
    created = tasks.open_tasks_for(ctx.store, contact_id=due["contact"])
    new = next(t for t in created if t.title == "Prepare the contract")
    assert new.id == dialog.task_id and new.remind_at is not None and new.due_at is not None
    assert new.remind_at < new.due_at
    assert "Prepare the contract" in titles(view.models[TODAY]) + titles(view.models[UPCOMING])


def test_new_task_needs_a_title(qtbot, ctx) -> None:
    dialog = TaskDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.save()
    assert dialog.isVisible() and not dialog.error.isHidden() and dialog.task_id is None


def test_task_model_passes_the_model_tester(qtbot, ctx, due, qtmodeltester) -> None:
    view = make_view(qtbot, ctx)
    qtmodeltester.check(view.models[OVERDUE], force_py=True)


# -- reminders ---------------------------------------------------------------------------
def test_a_reminder_fires_once_when_its_time_has_passed(qtbot, ctx, monkeypatch) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    now = [datetime.now(UTC)]
    tasks.create_task(ctx.store, {"title": "Call 王芳", "remind_at": now[0] - timedelta(minutes=1)})
    tasks.create_task(ctx.store, {"title": "Later", "remind_at": now[0] + timedelta(minutes=5)})
    reminders = Reminders(ctx, clock=lambda: now[0])
    messages: list[str] = []
    reminders.notify.connect(messages.append)

    reminders.start()
    settle(qtbot, ctx)
    assert len(messages) == 1 and "Call 王芳" in messages[0] and "Later" not in messages[0]
    reminders.check()
    settle(qtbot, ctx)
    assert len(messages) == 1  # not twice

    now[0] += timedelta(minutes=10)
    reminders.check()
    settle(qtbot, ctx)
    assert len(messages) == 2 and "Later" in messages[1]
    reminders.stop()

    # The next start picks up where this one stopped (kept in the settings).
    assert Reminders(ctx, clock=lambda: now[0]).since == now[0]


def test_reminders_use_the_tray_when_there_is_one(qtbot, ctx, monkeypatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "show", lambda self: None)
    monkeypatch.setattr(
        QSystemTrayIcon, "showMessage", lambda self, title, body, *a: shown.append((title, body))
    )
    monkeypatch.setattr(reminders_module, "MAX_LISTED", 2)
    past = datetime.now(UTC) - timedelta(minutes=1)
    for title in ("A", "B", "C"):
        tasks.create_task(ctx.store, {"title": title, "remind_at": past})
    reminders = Reminders(ctx)
    reminders.check()
    settle(qtbot, ctx)
    assert shown == [("3 task reminders", "A\nB\n…and 1 more")]
    with qtbot.waitSignal(reminders.open_tasks):
        reminders.tray.messageClicked.emit()
