"""The companies screen: a lazily filled list (by name) or search hits, and the company page.

Companies are about an eighth of the contacts, so the list grows page by page
as the user scrolls (`canFetchMore`/`fetchMore`, each page a keyset query on
the worker) instead of the contacts' windowed model; search shows at most
`SEARCH_LIMIT` hits.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.companies import (
    CompanyRow,
    company_rows,
    count_companies,
    list_companies,
)
from crm_desktop.services.search import search
from crm_desktop.store.changeset import ChangeSet
from crm_desktop.store.engine import Store
from crm_desktop.views.company_editor import CompanyEditor, CompanyEdits, load_company_editor_data
from crm_desktop.views.company_page import CompanyPage
from crm_desktop.views.contact_model import IdRole
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import ErrorLabel
from crm_desktop.views.messages import error_text
from crm_desktop.views.undo_commands import (
    CreateCompanyCommand,
    DeleteCompanyCommand,
    EditCompanyCommand,
)

PAGE_SIZE = 200
SEARCH_LIMIT = 500
SEARCH_DEBOUNCE_MS = 200
HEADERS = (
    QT_TRANSLATE_NOOP("CompanyListModel", "Name"),
    QT_TRANSLATE_NOOP("CompanyListModel", "Industry"),
    QT_TRANSLATE_NOOP("CompanyListModel", "City"),
    QT_TRANSLATE_NOOP("CompanyListModel", "Phone"),
    QT_TRANSLATE_NOOP("CompanyListModel", "Owner"),
    QT_TRANSLATE_NOOP("CompanyListModel", "Contacts"),
)
_DISPLAY = Qt.ItemDataRole.DisplayRole
Index = QModelIndex | QPersistentModelIndex


def _cells(row: CompanyRow) -> tuple[str, ...]:
    return (
        row.name,
        row.industry or "",
        row.city or "",
        row.phone or "",
        row.owner or "",
        str(row.contacts),
    )


def _reload(store: Store, text: str, rows: int) -> tuple[list[CompanyRow], bool, int]:
    """Runs on the worker: (rows, whether that is all of them, total companies)."""
    if text:
        hits = search(store, text, limit=SEARCH_LIMIT, entity="company")
        found = company_rows(store, [h.record_id for h in hits])
        return found, True, len(found)
    loaded: list[CompanyRow] = []
    while True:
        after = loaded[-1].key if loaded else None
        page = list_companies(store, after=after, limit=PAGE_SIZE)
        loaded += page
        if len(page) < PAGE_SIZE or len(loaded) >= rows:
            return loaded, len(page) < PAGE_SIZE, count_companies(store)


class CompanyListModel(QAbstractTableModel):
    """Companies by name, fetched a page at a time; or search hits."""

    count_changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._rows: list[CompanyRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._at_end = False
        self._loading = False
        self._text = ""
        self._generation = 0
        self.refresh()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        if role == _DISPLAY:
            return self._cells[index.row()][index.column()]
        if role == IdRole:
            return self._rows[index.row()].id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == len(HEADERS) - 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return super().headerData(section, orientation, role)
        if role != _DISPLAY:
            return None
        return QCoreApplication.translate("CompanyListModel", str(HEADERS[section]))

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._at_end and not self._loading

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, store = self._generation, self._ctx.store
        after = self._rows[-1].key if self._rows else None
        self._ctx.runner.submit(
            lambda: list_companies(store, after=after, limit=PAGE_SIZE),
            lambda rows: self._appended(generation, rows),
            lambda _error: self._stop_loading(generation),
        )

    # -- what the view uses ----------------------------------------------------------
    def id_at(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, company_id: str) -> int | None:
        for row, company in enumerate(self._rows):
            if company.id == company_id:
                return row
        return None

    def is_idle(self) -> bool:
        return not self._loading

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._text:
            self._text = text
            self.refresh()

    def refresh(self) -> None:
        """Reload as many rows as are loaded now (or the search hits)."""
        self._generation += 1
        self._loading = True
        generation, store, text = self._generation, self._ctx.store, self._text
        wanted = max(len(self._rows), PAGE_SIZE)
        self._ctx.runner.submit(
            lambda: _reload(store, text, wanted),
            lambda result: self._reloaded(generation, *result),
            lambda _error: self._stop_loading(generation),
        )

    # -- arrivals ----------------------------------------------------------------------
    def _appended(self, generation: int, rows: list[CompanyRow]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._at_end = len(rows) < PAGE_SIZE
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows += rows
            self._cells += [_cells(r) for r in rows]
            self.endInsertRows()

    def _reloaded(self, generation: int, rows: list[CompanyRow], at_end: bool, total: int) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows, self._cells = rows, [_cells(r) for r in rows]
        self._at_end, self._loading = at_end, False
        self.endResetModel()
        self.count_changed.emit(total)

    def _stop_loading(self, generation: int) -> None:
        if generation == self._generation:
            self._loading = False


class CompaniesView(QWidget):
    """Companies list + the selected company's page.

    Signals:
        open_contact(id): a contact was activated on a company page.
    """

    open_contact = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = CompanyListModel(ctx, self)
        self.editor: CompanyEditor | None = None
        self.merge_into_dialog: Any = None  # the open "Merge into…" steps, for tests
        self.merge_dialog: Any = None
        self._keep_id: str | None = None
        self._build()
        self._connect()

    def _build(self) -> None:
        column = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search companies: name, pinyin, city…"))
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.new_button = QPushButton(self.tr("New company"), self)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.new_button)
        column.addLayout(bar)
        self.error_label = ErrorLabel(self)
        column.addWidget(self.error_label)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.table = QTableView(splitter)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().resizeSection(0, 220)
        self.page = CompanyPage(self._ctx, splitter)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        column.addWidget(splitter, 1)
        self.delete_action = QAction(self.tr("Delete company"), self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(lambda: self.delete_company(self.selected_id()))
        self.table.addAction(self.delete_action)
        # Right-click on a company: merge it into another (undoable), or delete it.
        self.merge_action = QAction(self.tr("Merge into…"), self)
        self.merge_action.triggered.connect(lambda: self.merge_company(self.selected_id()))
        self.table.insertAction(self.delete_action, self.merge_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _connect(self) -> None:
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(lambda: self.model.set_search(self.search_edit.text()))
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.new_button.clicked.connect(self.new_record)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda index: self.edit_company(self.model.id_at(index.row())))
        self.model.modelReset.connect(self._reselect)
        self.model.count_changed.connect(
            lambda n: self.count_label.setText(self.tr("%n company(s)", "", n))
        )
        self.page.open_contact.connect(self.open_contact)
        self.page.edit_requested.connect(self.edit_company)
        self.page.delete_requested.connect(self.delete_company)
        self.page.merge_requested.connect(self.merge_company)
        self._ctx.runner.changed.connect(self._on_changed)

    # -- public ------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def refresh(self) -> None:
        self.model.refresh()

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def open_company(self, company_id: str) -> None:
        """Show a company (e.g. followed from a contact) and select it if listed."""
        self._keep_id = company_id
        self.page.show_company(company_id)
        self._reselect()

    def new_record(self) -> None:
        self._open_editor(None)

    def edit_company(self, company_id: str | None = None) -> None:
        company_id = company_id or self.selected_id()
        if company_id:
            self._open_editor(company_id)

    def delete_company(self, company_id: str | None) -> None:
        """Delete after confirmation; its contacts, deals... stay, without a company."""
        if company_id is None:
            return
        row = self.model.row_of(company_id)
        name = self.model.data(self.model.index(row, 0)) if row is not None else ""
        name = name or (self.page.company.name if self.page.company else "")
        question = self.tr(
            "Delete the company {0}? Its contacts, deals, activities and tasks are kept, "
            "without a company."
        ).format(name)
        if self.confirm(self.tr("Delete company"), question):
            command = DeleteCompanyCommand(
                self._ctx, company_id, name=name, detach=True, on_error=self.show_error
            )
            self._ctx.undo_stack.push(command)

    def merge_company(self, company_id: str | None) -> None:
        """Merge into…: pick the company to keep, then the fields (merge dialog)."""
        if company_id is None:
            return
        from crm_desktop.views.merge_dialog import MergeIntoDialog

        row = self.model.row_of(company_id)
        name = self.model.data(self.model.index(row, 0)) if row is not None else ""
        name = name or (self.page.company.name if self.page.company else "")
        dialog = MergeIntoDialog(self._ctx, company_id, str(name), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._merge_picked(company_id, dialog.target_id))
        self.merge_into_dialog = dialog
        dialog.open()

    def _merge_picked(self, company_id: str, target_id: str | None) -> None:
        if target_id is None:
            return
        from crm_desktop.views.merge_dialog import MergeDialog

        dialog = MergeDialog(
            self._ctx, target_id, company_id, self, entity="company", on_error=self.show_error
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.merged.connect(lambda outcome: self.open_company(outcome.survivor_id))
        self.merge_dialog = dialog
        dialog.open()

    def confirm(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def show_error(self, error: BaseException) -> None:
        self.error_label.show_error(error_text(error))

    # -- editing -----------------------------------------------------------------------
    def _open_editor(self, company_id: str | None) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(
            lambda: load_company_editor_data(store, company_id), self._show_editor, self.show_error
        )

    def _show_editor(self, data: Any) -> None:
        if self.editor is not None:
            self.editor.deleteLater()
        self.editor = CompanyEditor(self._ctx, data, self)
        self.editor.saved.connect(lambda edits, ed=self.editor: self._save(ed, edits))
        self.editor.open()

    def _save(self, editor: CompanyEditor, edits: CompanyEdits) -> None:
        self.error_label.show_error("")
        command: Any
        if editor.company_id is None:
            command = CreateCompanyCommand(
                self._ctx,
                edits.values,
                edits.custom,
                on_error=self.show_error,
                on_done=self.open_company,
            )
        elif edits.values or edits.custom:
            command = EditCompanyCommand(
                self._ctx,
                editor.company_id,
                edits.values,
                edits.custom,
                name=editor.name_edit.text(),
                on_error=self.show_error,
            )
        else:
            return
        self._ctx.undo_stack.push(command)

    # -- selection ---------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        company_id = self.model.id_at(current.row()) if current.isValid() else None
        if company_id is not None:
            self._keep_id = company_id
            if company_id != self.page.company_id:
                self.page.show_company(company_id)

    def _reselect(self) -> None:
        row = self.model.row_of(self._keep_id) if self._keep_id else None
        if row is None:
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.entities() & {"company", "contact"}:
            self.model.refresh()
