"""Task reminders while the app runs: a desktop notification when a task's reminder time comes.

Every `INTERVAL_MS` the worker asks `services.tasks.due_reminders` for tasks
whose `remind_at` fell between the last check and now; each is announced
once. The last check time is kept in the settings, so reminders that came
due while the app was closed are announced at the next start (grouped when
there are many). Without a system tray, `notify` carries the text (the main
window shows it in its status bar).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from crm_desktop.views.context import AppContext
from crm_desktop.views.jobs import Jobs

if TYPE_CHECKING:
    from crm_desktop.domain.models import Task
    from crm_desktop.store.engine import Store

INTERVAL_MS = 30_000
SETTINGS_KEY = "reminders/since"
FIRST_RUN_LOOKBACK = timedelta(days=1)  # on a first start, announce the last day's reminders
MAX_LISTED = 3  # more reminders at once are summarised in one message
MESSAGE_MS = 10_000

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Reminders(QObject):
    """Polls for due reminders off the GUI thread and announces each task once."""

    notify = Signal(str)  # the message, when there is no system tray to show it
    open_tasks = Signal()  # the user clicked a reminder

    def __init__(
        self,
        ctx: AppContext,
        parent: QObject | None = None,
        *,
        clock: Clock = _utcnow,
        interval_ms: int = INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self._clock = clock
        self._since = self._stored_since()
        self._announced: set[tuple[str, datetime | None]] = set()
        self._checking = False
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.check)
        self.tray = self._make_tray()

    # -- public ---------------------------------------------------------------------
    def start(self) -> None:
        """Check now, then every interval."""
        self._timer.start()
        self.check()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def since(self) -> datetime:
        return self._since

    def check(self) -> None:
        """Ask the worker for reminders due since the last check (one question at a time)."""
        if self._checking:
            return
        self._checking = True
        store, now, since = self._ctx.store, self._clock(), self._since
        self._jobs.submit(
            lambda: _due_reminders(store, now, since),
            lambda tasks: self._due(tasks, now),
            self._failed,
        )

    # -- internals ------------------------------------------------------------------
    def _due(self, tasks: list[Task], now: datetime) -> None:
        self._checking = False
        self._since = now
        self._ctx.settings.setValue(SETTINGS_KEY, now.isoformat())
        fresh = [t for t in tasks if (t.id, t.remind_at) not in self._announced]
        self._announced.update((t.id, t.remind_at) for t in fresh)
        if fresh:
            self._announce(fresh)

    def _failed(self, _error: BaseException) -> None:
        self._checking = False  # e.g. store locked: the next tick tries again

    def _announce(self, tasks: list[Task]) -> None:
        if len(tasks) == 1:
            title = self.tr("Task reminder")
        else:
            title = self.tr("{0} task reminders").format(len(tasks))
        lines = [self._line(t) for t in tasks[:MAX_LISTED]]
        if len(tasks) > MAX_LISTED:
            lines.append(self.tr("…and {0} more").format(len(tasks) - MAX_LISTED))
        body = "\n".join(lines)
        if self.tray is not None:
            icon = QSystemTrayIcon.MessageIcon.Information
            self.tray.showMessage(title, body, icon, MESSAGE_MS)
        else:
            self.notify.emit(f"{title}: {'; '.join(lines)}")

    def _line(self, task: Task) -> str:
        from crm_desktop.views.activities_model import format_when

        if task.due_at is None:
            return task.title
        return self.tr("{0} (due {1})").format(task.title, format_when(task.due_at))

    def _stored_since(self) -> datetime:
        stored = self._ctx.settings.value(SETTINGS_KEY)
        if isinstance(stored, str):
            try:
                parsed = datetime.fromisoformat(stored)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed
        return self._clock() - FIRST_RUN_LOOKBACK

    def _make_tray(self) -> QSystemTrayIcon | None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        icon = QApplication.windowIcon()
        if icon.isNull():
            icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        tray = QSystemTrayIcon(QIcon(icon), self)
        tray.setToolTip(QApplication.applicationDisplayName())
        tray.messageClicked.connect(self.open_tasks)
        tray.activated.connect(lambda _reason: self.open_tasks.emit())
        tray.show()
        return tray


def _due_reminders(store: Store, now: datetime, since: datetime) -> list[Task]:
    """Runs on the worker; the task services (and the ORM) load there, not at start-up."""
    from crm_desktop.services.tasks import due_reminders

    return due_reminders(store, now, since)
