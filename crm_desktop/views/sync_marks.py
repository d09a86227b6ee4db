"""Which records have changes not yet sent to the server (the per-record "unsynced" mark).

A tiny shared holder, one per open store: the sync controller fills it (on the
store worker, after writes and after each sync round) and list models read
it in ``data()`` with one set lookup. It imports nothing of the sync engine,
so the contact list can use it without slowing start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store


class SyncMarks(QObject):
    """Entity -> ids of records with unsent changes; `changed` after each update."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: dict[str, frozenset[str]] = {}

    def ids(self, entity: str) -> frozenset[str]:
        return self._ids.get(entity, frozenset())

    def set_ids(self, ids: dict[str, frozenset[str]]) -> None:
        if ids != self._ids:
            self._ids = ids
            self.changed.emit()


_MARKS: WeakKeyDictionary[Store, SyncMarks] = WeakKeyDictionary()


def marks_for(store: Store) -> SyncMarks:
    """The marks of `store` (created empty on first use)."""
    marks = _MARKS.get(store)
    if marks is None:
        marks = SyncMarks()
        _MARKS[store] = marks
    return marks
