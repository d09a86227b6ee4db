"""An editable company box with type-ahead over the companies (search on the worker)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from crm_desktop.services.search import SearchHit, search
from crm_desktop.views.context import AppContext

DEBOUNCE_MS = 200
SUGGESTIONS = 20


class CompanyPicker(QComboBox):
    """Type a company's name (Chinese, pinyin, initials...) and pick from the suggestions.

    `company_id()` is the picked company's id while the text is its name; text
    naming no picked company is a new company's name (`text()`).

    Signals:
        company_changed(object): the picked company id, or None (text cleared or typed).
    """

    company_changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ids: dict[str, str] = {}  # suggested name -> id
        self._picked: tuple[str, str] | None = None  # (id, name)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._names = QStringListModel(self)
        self._completer = QCompleter(self._names, self)
        # The search already matched (pinyin, initials): show its hits unfiltered.
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(self._completer)
        self._completer.activated.connect(self._pick_name)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._suggest)
        edit = self.lineEdit()
        assert edit is not None  # editable
        edit.textEdited.connect(self._edited)
        edit.returnPressed.connect(self._typed_done)

    # -- public ----------------------------------------------------------------------
    def text(self) -> str:
        return self.currentText().strip()

    def company_id(self) -> str | None:
        """The picked company's id, if the text is still its name."""
        if self._picked and self._picked[1] == self.text():
            return self._picked[0]
        return None

    def set_placeholder(self, text: str) -> None:
        edit = self.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(text)

    def set_company(self, company_id: str | None, name: str | None) -> None:
        self._picked = (company_id, name) if company_id and name else None
        self.setEditText(name or "")

    # -- internals --------------------------------------------------------------------
    def _edited(self, text: str) -> None:
        if self._picked and self._picked[1] != text.strip():
            self._picked = None
            self.company_changed.emit(None)
        self._timer.start()

    def _suggest(self) -> None:
        text, store = self.text(), self._ctx.store
        if not text:
            self._names.setStringList([])
            return
        self._ctx.runner.submit(
            lambda: search(store, text, limit=SUGGESTIONS, entity="company"),
            lambda hits: self._show(text, hits),
        )

    def _show(self, text: str, hits: list[SearchHit]) -> None:
        if text != self.text():
            return  # typed on since: a newer search is coming
        self._ids = {}
        for hit in hits:
            self._ids.setdefault(hit.name, hit.record_id)
        self._names.setStringList(list(self._ids))
        if hits and self.hasFocus():
            self._completer.complete()

    def _pick_name(self, name: str) -> None:
        company_id = self._ids.get(name)
        if company_id is None:
            return
        self._picked = (company_id, name)
        self.setEditText(name)
        self.company_changed.emit(company_id)

    def _typed_done(self) -> None:
        """Enter on the text: an exact suggestion counts as picked."""
        name = self.text()
        if name in self._ids and self.company_id() is None:
            self._pick_name(name)
        elif not name:
            self.company_changed.emit(None)
