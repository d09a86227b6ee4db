"""Tasks (任务): overdue (已逾期), today, upcoming; one click completes, undo reopens.

Each list is small (services cap them), so the model holds it whole. The
three lists and the names of their contacts are read in one job; the view
reloads when a change touches tasks (or renames a contact) and when shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut, QShowEvent, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.domain.models import Task
from crm_desktop.services.tasks import (
    complete_task,
    contact_names,
    due_today,
    overdue,
    reopen_task,
    upcoming,
)
from crm_desktop.store.changeset import ChangeSet
from crm_desktop.store.engine import Store
from crm_desktop.views.activities_model import format_when
from crm_desktop.views.context import AppContext
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text
from crm_desktop.views.task_dialog import TaskDialog

UPCOMING_DAYS = 7
OVERDUE, TODAY, UPCOMING = 0, 1, 2
CHECK_COLUMN, TITLE_COLUMN = 0, 1
ID_ROLE = Qt.ItemDataRole.UserRole
OVERDUE_COLOR = QColor("#c0392b")
_CONTEXT = "TasksView"
_Index = QModelIndex | QPersistentModelIndex

COLUMNS = cast(
    tuple[str, ...],
    (
        "",
        QT_TRANSLATE_NOOP("TasksView", "Task"),
        QT_TRANSLATE_NOOP("TasksView", "Due"),
        QT_TRANSLATE_NOOP("TasksView", "Contact"),
    ),
)


@dataclass(frozen=True)
class TaskItem:
    task: Task
    contact_name: str
    done: bool = False  # ticked here, the list not yet reloaded


@dataclass(frozen=True)
class TaskLists:
    lists: tuple[list[TaskItem], list[TaskItem], list[TaskItem]]


def load_task_lists(store: Store, now: datetime) -> TaskLists:
    """Overdue, today's and upcoming open tasks with their contacts' names (worker side)."""
    found = (overdue(store, now), due_today(store, now), upcoming(store, UPCOMING_DAYS, now))
    names = contact_names(store, [t for ts in found for t in ts])
    lists = tuple(
        [TaskItem(t, names.get(t.contact_id or "", "")) for t in tasks] for tasks in found
    )
    return TaskLists(lists)  # type: ignore[arg-type]


class TaskListModel(QAbstractTableModel):
    """One due list; the first column is the "done" box."""

    def __init__(self, overdue_list: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[TaskItem] = []
        self._overdue = overdue_list

    def set_items(self, items: list[TaskItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> TaskItem:
        return self._items[row]

    def mark_done(self, row: int) -> None:
        self._items[row] = replace(self._items[row], done=True)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self._items[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == CHECK_COLUMN:
            return Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == TITLE_COLUMN:
            return item.task.notes or None
        if role == Qt.ItemDataRole.ForegroundRole and self._overdue and column == 2:
            return QBrush(OVERDUE_COLOR)
        if role == Qt.ItemDataRole.FontRole and item.done:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == ID_ROLE:
            return item.task.id
        return None

    @staticmethod
    def _text(item: TaskItem, column: int) -> str:
        if column == TITLE_COLUMN:
            return item.task.title
        if column == 2:
            return format_when(item.task.due_at)
        if column == 3:
            return item.contact_name
        return ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return QCoreApplication.translate(_CONTEXT, COLUMNS[section]) if section else ""
        return None


class CompleteTaskCommand(QUndoCommand):
    """Complete a task; undo reopens it. Both run on the worker, in order."""

    def __init__(self, jobs: Jobs, store: Store, task: Task, on_error: Callable[[str], None]):
        text = QCoreApplication.translate(_CONTEXT, "Complete task “{0}”").format(task.title)
        super().__init__(text)
        self._jobs, self._store, self._task_id = jobs, store, task.id
        self._on_error = on_error

    def redo(self) -> None:
        store, task_id = self._store, self._task_id
        self._jobs.submit(lambda: complete_task(store, task_id), None, self._failed)

    def undo(self) -> None:
        store, task_id = self._store, self._task_id
        self._jobs.submit(lambda: reopen_task(store, task_id), None, self._failed)

    def _failed(self, error: BaseException) -> None:
        self._on_error(error_text(error))


class TasksView(QWidget):
    """Tabs Overdue / Today / Upcoming over the open tasks, and "New task"."""

    open_contact = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self._clock = clock
        self._shown_before = False
        self.models = [TaskListModel(i == OVERDUE, self) for i in range(3)]
        self.tables = [self._table(m) for m in self.models]
        self._build()
        ctx.runner.changed.connect(self._changed)
        self.reload()

    # -- layout ---------------------------------------------------------------------
    def _table(self, model: TaskListModel) -> QTableView:
        table = QTableView(self)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((28, 320, 130)):
            table.setColumnWidth(column, width)
        table.clicked.connect(lambda index, t=table: self._clicked(t, index))
        table.activated.connect(lambda index, m=model: self._activated(m, index))
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), table)
        space.setContext(Qt.ShortcutContext.WidgetShortcut)
        space.activated.connect(lambda t=table: self._complete_current(t))
        return table

    def _build(self) -> None:
        self.tabs = QTabWidget(self)
        for table in self.tables:
            self.tabs.addTab(table, "")
        self.new_task = QPushButton(self.tr("New task…"), self)
        self.new_task.clicked.connect(lambda: self.open_task_dialog())
        self.status = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.new_task)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        self._retitle()

    def _retitle(self) -> None:
        titles = (self.tr("Overdue ({0})"), self.tr("Today ({0})"), self.tr("Upcoming ({0})"))
        for i, title in enumerate(titles):
            self.tabs.setTabText(i, title.format(self.models[i].rowCount()))

    # -- loading --------------------------------------------------------------------
    def reload(self) -> None:
        store, now = self._ctx.store, self._clock()
        self._jobs.submit(lambda: load_task_lists(store, now), self._loaded, self._failed)

    def _loaded(self, result: TaskLists) -> None:
        for model, items in zip(self.models, result.lists, strict=True):
            model.set_items(items)
        self._retitle()
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def _changed(self, changes: ChangeSet) -> None:
        if "task" in changes.entities() or "contact" in changes.updated:
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown_before:
            self.reload()  # "today" may have moved on while hidden
        self._shown_before = True

    # -- completing -----------------------------------------------------------------
    def _clicked(self, table: QTableView, index: QModelIndex) -> None:
        if index.column() == CHECK_COLUMN:
            self.complete_row(self.tables.index(table), index.row())

    def _complete_current(self, table: QTableView) -> None:
        index = table.currentIndex()
        if index.isValid():
            self.complete_row(self.tables.index(table), index.row())

    def complete_row(self, tab: int, row: int) -> None:
        """Complete the task in `row` of list `tab` (undoable)."""
        model = self.models[tab]
        item = model.item(row)
        if item.done:
            return
        model.mark_done(row)
        self.status.clear()
        command = CompleteTaskCommand(self._jobs, self._ctx.store, item.task, self._error)
        self._ctx.undo_stack.push(command)

    def _error(self, text: str) -> None:
        self.status.setText(text)
        self.reload()

    def _activated(self, model: TaskListModel, index: QModelIndex) -> None:
        contact_id = model.item(index.row()).task.contact_id
        if contact_id and index.column() != CHECK_COLUMN:
            self.open_contact.emit(contact_id)

    # -- new task -------------------------------------------------------------------
    def open_task_dialog(self, contact_id: str | None = None) -> TaskDialog:
        due = self._clock() + timedelta(days=1)
        dialog = TaskDialog(self._ctx, contact_id, self, due=due)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
