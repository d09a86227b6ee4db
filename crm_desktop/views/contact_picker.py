"""A contact field with type-ahead: search as you type (off-thread), pick with arrows and Enter.

The search (name, pinyin, initials, company, phone...) runs in the services,
so the completer shows its hits unfiltered; typing again is debounced, and a
result that arrives after the text has changed is dropped.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QWidget

from crm_desktop.services.contacts import get_contact
from crm_desktop.services.search import SearchHit, search
from crm_desktop.views.context import AppContext
from crm_desktop.views.jobs import Jobs

DEBOUNCE_MS = 150
MAX_HITS = 20
ID_ROLE = Qt.ItemDataRole.UserRole

_Index = QModelIndex | QPersistentModelIndex


class HitsModel(QAbstractListModel):
    """The current search hits: shown as "name · detail", completed as the name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.name} · {hit.detail}" if hit.detail else hit.name
        if role == Qt.ItemDataRole.EditRole:
            return hit.name
        if role == ID_ROLE:
            return hit.record_id
        return None


class ContactPicker(QLineEdit):
    """Type a name, pick a contact; `contact_id` is set only by picking (or `set_contact`)."""

    contact_changed = Signal(object)  # the picked contact's id, or None when cleared/retyped
    searched = Signal(int)  # hits shown for the latest text (tests and status)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self._contact_id: str | None = None
        self._cancel: threading.Event | None = None
        self.setPlaceholderText(self.tr("Type a name, company or phone…"))
        self.setClearButtonEnabled(True)
        self._hits = HitsModel(self)
        self._completer = QCompleter(self._hits, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCompletionRole(Qt.ItemDataRole.EditRole)
        self._completer.setMaxVisibleItems(10)
        # setWidget, not setCompleter: the line edit must not rewrite its text
        # while the user arrows through hits; picking does that.
        self._completer.setWidget(self)
        self._completer.activated[QModelIndex].connect(self._picked)  # type: ignore[index]
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._search)
        self.textEdited.connect(self._edited)

    # -- public ---------------------------------------------------------------------
    @property
    def contact_id(self) -> str | None:
        return self._contact_id

    def completer_popup(self) -> QAbstractItemView:
        popup = self._completer.popup()
        assert popup is not None  # a QCompleter always makes its popup
        return popup

    def set_contact(self, contact_id: str | None, name: str = "") -> None:
        """Preselect a contact (or clear with None)."""
        self._debounce.stop()
        self.setText(name if contact_id else "")
        self._set_id(contact_id)

    def load_contact(self, contact_id: str) -> None:
        """Preselect a contact by id; its name is read off the GUI thread."""
        self._set_id(contact_id)
        self._jobs.submit(
            lambda: get_contact(self._ctx.store, contact_id).contact.name,
            lambda name: self._loaded(contact_id, name),
            lambda _error: self._set_id(None),
        )

    # -- internals ------------------------------------------------------------------
    def _loaded(self, contact_id: str, name: str) -> None:
        if self._contact_id == contact_id and not self.text():
            self.setText(name)

    def _set_id(self, contact_id: str | None) -> None:
        if contact_id != self._contact_id:
            self._contact_id = contact_id
            self.contact_changed.emit(contact_id)

    def _edited(self, _text: str) -> None:
        self._set_id(None)  # the text no longer names the picked contact
        self._debounce.start()

    def _search(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        query = self.text()
        if not query.strip():
            self.completer_popup().hide()
            return
        store = self._ctx.store
        self._cancel = self._jobs.submit(
            lambda: search(store, query, limit=MAX_HITS, entity="contact"),
            lambda hits: self._show(query, hits),
            lambda _error: None,  # a bad query finds nothing; typing on retries
        )

    def _show(self, query: str, hits: list[SearchHit]) -> None:
        if query != self.text():
            return  # typed on meanwhile: a newer search is coming
        self._hits.set_hits(hits)
        if hits and self.hasFocus():
            self._completer.complete()
        else:
            self.completer_popup().hide()
        self.searched.emit(len(hits))

    def _picked(self, index: QModelIndex) -> None:
        self._debounce.stop()
        self.setText(str(index.data(Qt.ItemDataRole.EditRole)))
        self._set_id(str(index.data(ID_ROLE)))
