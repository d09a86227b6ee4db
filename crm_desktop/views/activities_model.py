"""The activities list model (newest first, loaded page by page) and shared labels.

Activities may number a million: the model holds only the pages loaded so
far and asks the worker for the next one (`fetchMore`) as the view scrolls
to the bottom; filters and order are applied in SQL by
`services.activities.list_activities`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
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

from crm_desktop.services.activities import MAX_ACTIVITY_PAGE, ActivityRow, list_activities
from crm_desktop.views.context import AppContext
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole
_CONTEXT = "Activities"
_Index = QModelIndex | QPersistentModelIndex

# English sources of the vocabularies (marked for lupdate, translated when shown).
KIND_LABELS = cast(
    dict[str, str],
    {
        "call": QT_TRANSLATE_NOOP("Activities", "Call"),
        "meeting": QT_TRANSLATE_NOOP("Activities", "Meeting"),
        "email": QT_TRANSLATE_NOOP("Activities", "Email"),
        "visit": QT_TRANSLATE_NOOP("Activities", "Visit"),
        "note": QT_TRANSLATE_NOOP("Activities", "Note"),
    },
)
OUTCOME_LABELS = cast(
    dict[str, str],
    {
        "connected": QT_TRANSLATE_NOOP("Activities", "Connected"),
        "no_answer": QT_TRANSLATE_NOOP("Activities", "No answer"),
        "busy": QT_TRANSLATE_NOOP("Activities", "Busy"),
        "voicemail": QT_TRANSLATE_NOOP("Activities", "Voicemail"),
        "wrong_number": QT_TRANSLATE_NOOP("Activities", "Wrong number"),
    },
)
DIRECTION_LABELS = cast(
    dict[str, str],
    {
        "outbound": QT_TRANSLATE_NOOP("Activities", "Outgoing"),
        "inbound": QT_TRANSLATE_NOOP("Activities", "Incoming"),
    },
)
COLUMNS = cast(
    tuple[str, ...],
    (
        QT_TRANSLATE_NOOP("Activities", "When"),
        QT_TRANSLATE_NOOP("Activities", "Type"),
        QT_TRANSLATE_NOOP("Activities", "Contact"),
        QT_TRANSLATE_NOOP("Activities", "Subject / outcome"),
        QT_TRANSLATE_NOOP("Activities", "Duration"),
        QT_TRANSLATE_NOOP("Activities", "Owner"),
    ),
)
DURATION_COLUMN = 4


def label(labels: dict[str, str], value: str | None) -> str:
    """The translated label of a stored value (the value itself when unknown)."""
    if value is None:
        return ""
    source = labels.get(value)
    return QCoreApplication.translate(_CONTEXT, source) if source else value


def format_duration(seconds: int | None) -> str:
    """``m:ss`` (minutes may exceed 59), or "" when unknown."""
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def parse_duration(text: str) -> int | None:
    """Seconds from ``mm:ss`` or plain minutes; None when blank.

    Raises:
        ValueError: not a duration (seconds must be under 60).
    """
    text = text.strip()
    if not text:
        return None
    minutes, _, seconds = text.partition(":")
    mins = int(minutes or "0")
    secs = int(seconds or "0")
    if mins < 0 or not 0 <= secs < 60:
        raise ValueError(text)
    return mins * 60 + secs


def format_when(moment: datetime | None) -> str:
    """A stored (UTC) time in local time, to the minute."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class ActivityFilter:
    kind: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _cells(row: ActivityRow) -> tuple[str, ...]:
    """The display text of a row, computed once when its page arrives."""
    if row.kind == "call":
        parts = [label(DIRECTION_LABELS, row.direction), label(OUTCOME_LABELS, row.outcome)]
        summary = " · ".join(p for p in parts if p)
        if row.subject:
            summary = f"{summary} — {row.subject}"
    else:
        summary = row.subject or (row.notes or "").split("\n", 1)[0]
    return (
        format_when(row.occurred_at),
        label(KIND_LABELS, row.kind),
        row.contact_name or "",
        summary,
        format_duration(row.duration_s),
        row.owner or "",
    )


class ActivitiesModel(QAbstractTableModel):
    """All activities matching a filter, newest first; more pages load on demand."""

    loading = Signal(bool)
    failed = Signal(str)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self._filter = ActivityFilter()
        self._rows: list[ActivityRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._at_end = False
        self._busy = False
        self._cancel: threading.Event | None = None

    # -- public ---------------------------------------------------------------------
    @property
    def filter(self) -> ActivityFilter:
        return self._filter

    def set_filter(self, activity_filter: ActivityFilter) -> None:
        self._filter = activity_filter
        self.reload(keep_loaded=False)

    def reload(self, *, keep_loaded: bool = True) -> None:
        """Read the list again from the top (as many rows as are loaded, when `keep_loaded`)."""
        wanted = len(self._rows) if keep_loaded else 0
        limit = min(max(PAGE_SIZE, wanted), MAX_ACTIVITY_PAGE)
        self._request(None, limit, replace=True)

    def row_at(self, row: int) -> ActivityRow:
        return self._rows[row]

    def is_loading(self) -> bool:
        return self._busy

    # -- Qt model -------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._rows[index.row()].notes or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == DURATION_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return self._rows[index.row()].id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return QCoreApplication.translate(_CONTEXT, COLUMNS[section])
        return None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._at_end and not self._busy

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            after = self._rows[-1].key if self._rows else None
            self._request(after, PAGE_SIZE, replace=not self._rows)

    # -- loading --------------------------------------------------------------------
    def _request(self, after: tuple[datetime, str] | None, limit: int, *, replace: bool) -> None:
        if self._cancel is not None:
            self._cancel.set()  # a newer question makes the pending answer stale
        store, f = self._ctx.store, self._filter

        def work() -> list[ActivityRow]:
            return list_activities(
                store,
                kind=f.kind,
                outcome=f.outcome,
                since=f.since,
                until=f.until,
                before=after,
                limit=limit,
            )

        self._set_busy(True)
        self._cancel = self._jobs.submit(
            work, lambda rows: self._arrived(rows, limit, replace), self._failed
        )

    def _arrived(self, rows: list[ActivityRow], limit: int, replace: bool) -> None:
        self._cancel = None
        cells = [_cells(r) for r in rows]
        if replace:
            self.beginResetModel()
            self._rows, self._cells = rows, cells
            self._at_end = len(rows) < limit
            self.endResetModel()
        elif rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows += rows
            self._cells += cells
            self._at_end = len(rows) < limit
            self.endInsertRows()
        else:
            self._at_end = True
        self._set_busy(False)
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self._cancel = None
        self._set_busy(False)
        self.failed.emit(error_text(error))

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.loading.emit(busy)
