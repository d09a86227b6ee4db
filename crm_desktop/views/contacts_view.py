"""The contacts screen: search, filters, the (windowed) table, and the detail pane.

Every edit goes through an undo command on `ctx.undo_stack`; the table and the
detail pane refresh from `runner.changed`, not from the command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.domain.enums import CustomFieldType
from crm_desktop.services.field_defs import filter_value, list_fields
from crm_desktop.services.queries import ContactFilter, contact_owners
from crm_desktop.services.tags import list_tags
from crm_desktop.store.changeset import ChangeSet
from crm_desktop.views.company_picker import CompanyPicker
from crm_desktop.views.contact_detail import ContactDetail
from crm_desktop.views.contact_model import DEFAULT_COLUMNS, SEARCH_LIMIT, ContactTableModel
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import ErrorLabel
from crm_desktop.views.messages import error_text

if TYPE_CHECKING:
    # The editor and the undo commands need the ORM-backed services: they load
    # when first used, not at start-up.
    from crm_desktop.views.contact_editor import ContactEditor, ContactEdits

SEARCH_DEBOUNCE_MS = 200
CUSTOM_DEBOUNCE_MS = 300
COLUMNS_SETTING = "contacts/columns"
COLUMN_WIDTHS = {"name": 150, "company": 200, "title": 120, "phone": 130, "email": 190}


class ContactsView(QWidget):
    """Contacts list + detail.

    Signals:
        open_company(id): the user followed a contact's company link.
        log_call_requested(id): Ctrl+L (or the detail's button) on a contact.
    """

    open_company = Signal(str)
    log_call_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = ContactTableModel(ctx, parent=self)
        self.editor: ContactEditor | None = None
        self._reveal_id: str | None = None  # the contact to scroll to once located
        self._sized: set[str] = set()  # columns given their default width
        self._fields: dict[str, Any] = {}  # custom field id -> definition (the field filter)
        self._build()
        self._add_actions()
        self._connect()
        self._load_filters()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        column = QVBoxLayout(self)
        column.addLayout(self._toolbar())
        self.error_label = ErrorLabel(self)
        column.addWidget(self.error_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.table = self._make_table()
        self.detail = ContactDetail(self._ctx, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        column.addWidget(self.splitter, 1)

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search contacts: name, pinyin, phone, email…"))
        self.search_edit.setClearButtonEnabled(True)
        self.tag_combo = QComboBox(self)
        self.owner_combo = QComboBox(self)
        self.company_filter = CompanyPicker(self._ctx, self)
        self.company_filter.set_placeholder(self.tr("Any company"))
        self.field_combo = QComboBox(self)
        self.field_combo.setToolTip(self.tr("Filter by a custom field"))
        self.value_combo = QComboBox(self)  # a choice field's options
        self.value_edit = QLineEdit(self)  # any other field's value
        self.value_edit.setPlaceholderText(self.tr("Value"))
        self.value_edit.setClearButtonEnabled(True)
        self.value_combo.hide()
        self.value_edit.hide()
        self.count_label = QLabel(self)
        self.new_button = QPushButton(self.tr("New contact"), self)
        bar.addWidget(self.search_edit, 2)
        for widget in (self.tag_combo, self.owner_combo, self.company_filter, self.field_combo):
            bar.addWidget(widget, 1)
        bar.addWidget(self.value_combo, 1)
        bar.addWidget(self.value_edit, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.new_button)
        self._set_combo(self.tag_combo, self.tr("All tags"), [])
        self._set_combo(self.owner_combo, self.tr("All owners"), [])
        self.field_combo.addItem(self.tr("Any field"), None)
        return bar

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        rows = table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never ResizeToContents
        rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # The model starts sorted by name, ascending: say so before sorting is enabled
        # (which sorts by the header's indicator, by default descending).
        header.setSortIndicator(*self.model.sort_column())
        table.setSortingEnabled(True)
        return table

    def _add_actions(self) -> None:
        # Ctrl+N, Ctrl+F and Ctrl+L are the main window's (it calls new_record,
        # focus_search and selected_contact_id); a second shortcut here would be ambiguous.
        self.delete_action = QAction(self.tr("Delete contact"), self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)
        # Enter edits on every platform (QAbstractItemView's own Enter handling varies).
        self.edit_action = QAction(self.tr("Edit contact"), self)
        self.edit_action.setShortcuts(
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)]
        )
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.edit_action.triggered.connect(lambda: self.edit_record())
        self.table.addAction(self.edit_action)

    def _connect(self) -> None:
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(lambda: self.model.set_search(self.search_edit.text()))
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._search_now)
        self.tag_combo.currentIndexChanged.connect(self._filters_changed)
        self.owner_combo.currentIndexChanged.connect(self._filters_changed)
        self.company_filter.company_changed.connect(self._filters_changed)
        self._value_timer = QTimer(self, singleShot=True, interval=CUSTOM_DEBOUNCE_MS)
        self._value_timer.timeout.connect(self._filters_changed)
        self.field_combo.currentIndexChanged.connect(self._field_chosen)
        self.value_combo.currentIndexChanged.connect(self._filters_changed)
        self.value_edit.textChanged.connect(lambda _text: self._value_timer.start())
        self.value_edit.returnPressed.connect(self._filters_changed)
        self.new_button.clicked.connect(self.new_record)
        self.table.doubleClicked.connect(
            lambda index: self.edit_record(self.model.id_at(index.row()))
        )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.horizontalHeader().customContextMenuRequested.connect(self._column_menu)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_indicator)
        self.model.modelReset.connect(self._apply_columns)
        self.model.located.connect(self._select)
        self.model.count_changed.connect(self._show_count)
        self.model.dataChanged.connect(self._rows_arrived)
        self.detail.open_company.connect(self.open_company)
        self.detail.edit_requested.connect(self.edit_record)
        self.detail.log_call_requested.connect(self.log_call_requested)
        self._ctx.runner.changed.connect(self._on_changed)
        self._apply_columns()

    # -- public ---------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def selected_contact_id(self) -> str | None:
        """The contact a global action (log a call) applies to."""
        return self.selected_id() or self.detail.contact_id

    def refresh(self) -> None:
        """Re-read the list (F5)."""
        self.model.refresh()
        self._load_filters()

    def show_contact(self, contact_id: str) -> None:
        """Show a contact (e.g. followed from a company page) and select its row."""
        self.model.keep_id = self._reveal_id = contact_id
        self.detail.show_contact(contact_id)
        self.model.locate(contact_id)

    def new_record(self) -> None:
        """Ctrl+N: open the editor for a new contact."""
        self._open_editor(None)

    def edit_record(self, contact_id: str | None = None) -> None:
        """Open the editor on `contact_id` (default: the selected contact)."""
        contact_id = contact_id or self.selected_id()
        if contact_id:
            self._open_editor(contact_id)

    def delete_selected(self) -> None:
        """Del: delete the selected contact, after confirmation (undoable)."""
        contact_id = self.selected_id()
        if contact_id is None:
            return
        name = self.model.data(self.model.index(self.table.currentIndex().row(), 0)) or ""
        question = self.tr(
            "Delete {0}? Their tasks and activities are deleted too; deals are kept."
        ).format(name)
        if self.confirm(self.tr("Delete contact"), question):
            from crm_desktop.views.undo_commands import DeleteContactCommand

            self._ctx.undo_stack.push(
                DeleteContactCommand(self._ctx, contact_id, name=name, on_error=self.show_error)
            )

    def log_call(self) -> None:
        """Ask the main window to log a call with the selected contact."""
        contact_id = self.selected_contact_id()
        if contact_id:
            self.log_call_requested.emit(contact_id)

    def confirm(self, title: str, question: str) -> bool:
        """Ask yes/no (a method so tests can answer)."""
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def show_error(self, error: BaseException) -> None:
        self.error_label.show_error(error_text(error))

    # -- editing --------------------------------------------------------------------------
    def _open_editor(self, contact_id: str | None) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(
            lambda: _load_editor_data(store, contact_id), self._show_editor, self.show_error
        )

    def _show_editor(self, data: Any) -> None:
        from crm_desktop.views.contact_editor import ContactEditor

        if self.editor is not None:
            self.editor.deleteLater()
        self.editor = ContactEditor(self._ctx, data, self)
        self.editor.saved.connect(lambda edits, ed=self.editor: self._save(ed, edits))
        self.editor.open()

    def _save(self, editor: ContactEditor, edits: ContactEdits) -> None:
        from crm_desktop.views.undo_commands import CreateContactCommand, EditContactCommand

        self.error_label.show_error("")
        if editor.contact_id is None:
            command: Any = CreateContactCommand(
                self._ctx,
                edits.values,
                edits.custom,
                company_name=edits.company_name,
                on_error=self.show_error,
                on_done=self._created,
            )
        elif edits.values or edits.custom or edits.company_name:
            command = EditContactCommand(
                self._ctx,
                editor.contact_id,
                edits.values,
                edits.custom,
                name=editor.name_edit.text(),
                company_name=edits.company_name,
                on_error=self.show_error,
            )
        else:
            return  # nothing changed: nothing to undo either
        self._ctx.undo_stack.push(command)

    def _created(self, contact_id: str) -> None:
        self.model.keep_id = self._reveal_id = contact_id  # the refresh after it selects it
        self.detail.show_contact(contact_id)

    # -- list state -----------------------------------------------------------------------
    def _search_now(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_edit.text())

    def _filters_changed(self, *_args: Any) -> None:
        self._value_timer.stop()
        field_id = self.field_combo.currentData()
        self.model.set_filters(
            ContactFilter(
                tag=self.tag_combo.currentData(),
                owner=self.owner_combo.currentData(),
                company_id=self.company_filter.company_id(),
                custom_field_id=field_id,
                custom_value=self._custom_value(field_id),
            )
        )

    def _custom_value(self, field_id: str | None) -> Any:
        definition = self._fields.get(field_id or "")
        if definition is None:
            return None
        if definition.type == CustomFieldType.CHOICE:
            return self.value_combo.currentData()
        return filter_value(definition, self.value_edit.text().strip())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        contact_id = self.model.id_at(current.row()) if current.isValid() else None
        if contact_id is not None:
            self.model.keep_id = contact_id
        if contact_id != self.detail.contact_id and (contact_id or not current.isValid()):
            self.detail.show_contact(contact_id)

    def _rows_arrived(self, top: QModelIndex, bottom: QModelIndex, *_args: Any) -> None:
        """The current row's page arrived: show that contact (selected on a placeholder)."""
        current = self.table.currentIndex()
        if current.isValid() and top.row() <= current.row() <= bottom.row():
            self._current_changed(current, current)

    def _select(self, contact_id: str, row: int) -> None:
        """Select the kept contact's row; scroll to it only when asked to show it (after a
        background refresh the list stays where the user left it)."""
        if contact_id != self.model.keep_id or row >= self.model.rowCount():
            return
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        reveal, self._reveal_id = self._reveal_id == contact_id, None
        self.table.setAutoScroll(reveal)  # a new current index scrolls to it when on
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.setAutoScroll(True)
        if reveal:
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _show_count(self, count: int) -> None:
        text = self.tr("%n contact(s)", "", count)
        if self.model.searching and count >= SEARCH_LIMIT:
            text = self.tr("first {0} matches").format(count)
        self.count_label.setText(text)

    def _sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        if not self.model.is_sortable(column):  # sorting happens in SQL, by name or update
            sorted_by, order = self.model.sort_column()
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(sorted_by, order)
            header.blockSignals(False)

    # -- columns --------------------------------------------------------------------------
    def visible_columns(self) -> list[str]:
        saved = self._ctx.settings.value(COLUMNS_SETTING)
        if saved is None:
            return list(DEFAULT_COLUMNS)
        return [saved] if isinstance(saved, str) else [str(key) for key in saved]

    def set_column_visible(self, key: str, visible: bool) -> None:
        keys = [k for k in self.visible_columns() if k != key]
        if visible:
            keys.append(key)
        if not keys:
            return  # keep at least one column
        self._ctx.settings.setValue(COLUMNS_SETTING, keys)
        self._apply_columns()

    def _apply_columns(self) -> None:
        visible = set(self.visible_columns())
        header = self.table.horizontalHeader()
        for section, column in enumerate(self.model.columns):
            header.setSectionHidden(section, column.key not in visible)
            if column.key in COLUMN_WIDTHS and column.key not in self._sized:
                header.resizeSection(section, COLUMN_WIDTHS[column.key])
                self._sized.add(column.key)

    def _column_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """The header's menu: one checkable entry per column."""
        menu = QMenu(self)
        visible = set(self.visible_columns())
        for section, column in enumerate(self.model.columns):
            title = self.model.headerData(section, Qt.Orientation.Horizontal)
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(column.key in visible)
            action.toggled.connect(lambda on, key=column.key: self.set_column_visible(key, on))
        return menu

    # -- filters --------------------------------------------------------------------------
    def _load_filters(self) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(
            lambda: (list_tags(store), contact_owners(store), list_fields(store, "contact")),
            self._filled,
        )

    def _filled(self, lists: tuple[list[str], list[str], list[Any]]) -> None:
        tags, owners, fields = lists
        self._set_combo(self.tag_combo, self.tr("All tags"), tags)
        self._set_combo(self.owner_combo, self.tr("All owners"), owners)
        self._set_fields(fields)

    def _set_fields(self, fields: list[Any]) -> None:
        """Fill the custom field filter; keeps the chosen field (and value) if it still exists."""
        current = self.field_combo.currentData()
        self._fields = {f.id: f for f in fields}
        combo = self.field_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Any field"), None)
        for definition in fields:
            combo.addItem(definition.label, definition.id)
        found = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)
        self._show_value_editor(keep=True)
        if current is not None:
            self._filters_changed()

    def _field_chosen(self, *_args: Any) -> None:
        self._show_value_editor(keep=False)
        self._filters_changed()

    def _show_value_editor(self, *, keep: bool) -> None:
        """Show the value editor the chosen field needs: its options, or a text box."""
        definition = self._fields.get(self.field_combo.currentData() or "")
        choice = definition is not None and definition.type == CustomFieldType.CHOICE
        self.value_combo.blockSignals(True)
        current = self.value_combo.currentData() if keep else None
        self.value_combo.clear()
        if definition is not None and choice:
            self.value_combo.addItem(self.tr("Any value"), None)
            for option in definition.options:
                self.value_combo.addItem(option, option)
            self.value_combo.setCurrentIndex(max(self.value_combo.findData(current), 0))
        self.value_combo.blockSignals(False)
        if not keep:
            self.value_edit.blockSignals(True)
            self.value_edit.clear()
            self.value_edit.blockSignals(False)
        if definition is not None and definition.type == CustomFieldType.DATE:
            self.value_edit.setPlaceholderText(self.tr("YYYY-MM-DD"))
        else:
            self.value_edit.setPlaceholderText(self.tr("Value"))
        self.value_combo.setVisible(choice)
        self.value_edit.setVisible(definition is not None and not choice)

    def _set_combo(self, combo: QComboBox, everything: str, items: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for item in items:
            combo.addItem(item, item)
        found = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)
        if current is not None and found < 0:
            self._filters_changed()

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.entities() & {"tag", "custom_field"} or changes.created.get("contact"):
            self._load_filters()


def _load_editor_data(store: Any, contact_id: str | None) -> Any:
    """Runs on the worker, which so also loads the editor's modules off the GUI thread."""
    from crm_desktop.views.contact_editor import load_editor_data

    return load_editor_data(store, contact_id)
