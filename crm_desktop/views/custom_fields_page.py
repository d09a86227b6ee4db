"""Settings → Fields: the custom fields of contacts, companies and deals.

Lists the fields defined for one entity (a handful: a `QTableWidget` is
plenty), adds new ones and reorders them, all through
`crm_desktop.services.custom_fields` on the store's worker. Field definitions
are company-wide and sync like any record; the list reloads on any change to
them, from here or from a sync.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.errors import CrmError, ValidationError
from crm_desktop.services import custom_fields
from crm_desktop.store.changeset import ChangeSet
from crm_desktop.views.context import AppContext
from crm_desktop.views.icons import icon
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

ENTITY_TABLE = "custom_field"
KEY_MAX = 40
ERROR_STYLE = "color: #d1242f;"


def entity_names() -> list[tuple[str, str]]:
    """(entity, translated plural name) for every entity that has custom fields."""
    return [
        ("contact", QCoreApplication.translate("CustomFieldsPage", "Contacts")),
        ("company", QCoreApplication.translate("CustomFieldsPage", "Companies")),
        ("deal", QCoreApplication.translate("CustomFieldsPage", "Deals")),
    ]


def type_names() -> list[tuple[str, str]]:
    return [
        ("text", QCoreApplication.translate("CustomFieldsPage", "Text")),
        ("number", QCoreApplication.translate("CustomFieldsPage", "Number")),
        ("date", QCoreApplication.translate("CustomFieldsPage", "Date")),
        ("choice", QCoreApplication.translate("CustomFieldsPage", "Choice")),
    ]


def suggest_key(label: str) -> str:
    """A field key from its label: "Lead source" → "lead_source", "客户来源" → "ke_hu_lai_yuan"."""
    from crm_desktop.domain.text import char_pinyin, is_cjk

    parts: list[str] = []
    for char in label.strip().lower():
        if char.isascii() and char.isalnum():
            parts.append(char)
        elif is_cjk(char):
            parts.append(f"_{char_pinyin(char)}_")
        else:
            parts.append("_")
    key = re.sub(r"_+", "_", "".join(parts)).strip("_")
    if key and key[0].isdigit():
        key = f"f_{key}"
    return key[:KEY_MAX].rstrip("_")


class CustomFieldsPage(QWidget):
    """Define custom fields per entity: label, key, type, options, required, order."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fields: list[Any] = []  # CustomField rows shown, in order
        self._key_edited = False
        self.jobs = Jobs(ctx.runner, self)  # no call back once the page is gone
        self._build()
        ctx.runner.changed.connect(self._on_changed)
        self.reload()

    # -- layout --------------------------------------------------------------
    def _build(self) -> None:
        self.entity_combo = QComboBox()
        for entity, name in entity_names():
            self.entity_combo.addItem(name, entity)
        self.entity_combo.currentIndexChanged.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Fields of:")))
        top.addWidget(self.entity_combo)
        top.addStretch(1)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Label"), self.tr("Key"), self.tr("Type"), self.tr("Required"),
             self.tr("Options")]
        )  # fmt: skip
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.up_button = QPushButton(icon("up"), self.tr("Move up"))
        self.down_button = QPushButton(icon("down"), self.tr("Move down"))
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        side = QVBoxLayout()
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addLayout(side)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self._build_form())
        self._update_buttons()

    def _build_form(self) -> QGroupBox:
        box = QGroupBox(self.tr("New field"))
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText(self.tr("e.g. Lead source"))
        self.label_edit.textChanged.connect(self._label_changed)
        self.key_edit = QLineEdit(maxLength=KEY_MAX)
        self.key_edit.setPlaceholderText(self.tr("lead_source"))
        self.key_edit.setToolTip(
            self.tr("The field's stable name in exports and sync: a-z, 0-9 and _.")
        )
        self.key_edit.textEdited.connect(self._key_typed)
        self.type_combo = QComboBox()
        for field_type, name in type_names():
            self.type_combo.addItem(name, field_type)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.options_edit = QPlainTextEdit()
        self.options_edit.setPlaceholderText(self.tr("One option per line"))
        self.options_edit.setMaximumHeight(80)
        self.options_label = QLabel(self.tr("Options:"))
        self.required_check = QCheckBox(self.tr("Required"))
        self.add_button = QPushButton(icon("new"), self.tr("Add field"))
        self.add_button.clicked.connect(self.add_field)
        self.message_label = QLabel(wordWrap=True)
        form = QFormLayout(box)
        form.addRow(self.tr("Label:"), self.label_edit)
        form.addRow(self.tr("Key:"), self.key_edit)
        form.addRow(self.tr("Type:"), self.type_combo)
        form.addRow(self.options_label, self.options_edit)
        form.addRow("", self.required_check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message_label, 1)
        buttons.addWidget(self.add_button)
        form.addRow(buttons)
        self._type_changed()
        return box

    # -- state ---------------------------------------------------------------
    @property
    def entity(self) -> str:
        return str(self.entity_combo.currentData())

    def reload(self) -> None:
        """Fetch the current entity's fields on the worker, then show them."""
        entity, store = self.entity, self.ctx.store
        self.jobs.submit(
            lambda: custom_fields.list_fields(store, entity),
            lambda rows: self._show(entity, rows),
            self._failed,
        )

    def _show(self, entity: str, rows: list[Any]) -> None:
        if entity != self.entity:
            return  # the user switched entity meanwhile; that reload follows
        selected = self._selected_id()  # by id: a moved field stays selected
        self.fields = list(rows)
        types = dict(type_names())
        self.table.clearSelection()
        self.table.setRowCount(len(self.fields))
        for row, f in enumerate(self.fields):
            cells = (
                f.label,
                f.key,
                types.get(f.type, f.type),
                self.tr("Yes") if f.required else "",
                ", ".join(f.options or ()),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, f.id)
                self.table.setItem(row, column, item)
            if f.id == selected:
                self.table.selectRow(row)
        self._update_buttons()

    def _selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.fields[rows[0].row()].id if rows and rows[0].row() < len(self.fields) else None

    def _on_changed(self, changes: ChangeSet) -> None:
        if ENTITY_TABLE in changes.entities():
            self.reload()

    def _update_buttons(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        movable = row >= 0
        self.up_button.setEnabled(movable and row > 0)
        self.down_button.setEnabled(movable and 0 <= row < len(self.fields) - 1)

    # -- form ----------------------------------------------------------------
    def _label_changed(self, text: str) -> None:
        if not self._key_edited:
            self.key_edit.setText(suggest_key(text))

    def _key_typed(self, text: str) -> None:
        self._key_edited = bool(text)  # cleared: follow the label again

    def _type_changed(self) -> None:
        choice = self.type_combo.currentData() == "choice"
        self.options_label.setVisible(choice)
        self.options_edit.setVisible(choice)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.setStyleSheet(ERROR_STYLE if error else "")
        self.message_label.setText(text)

    def add_field(self) -> None:
        """Define the field in the form (on the worker); errors show beside the button."""
        entity, store = self.entity, self.ctx.store
        label = self.label_edit.text().strip()
        key = self.key_edit.text().strip()
        field_type = str(self.type_combo.currentData())
        options = [o.strip() for o in self.options_edit.toPlainText().splitlines() if o.strip()]
        required = self.required_check.isChecked()
        self.add_button.setEnabled(False)
        self.jobs.submit(
            lambda: custom_fields.define_field(
                store,
                entity,
                key,
                label,
                field_type,
                options=options if field_type == "choice" else None,
                required=required,
            ),
            lambda _result: self._added(label),
            self._add_failed,
        )

    def _added(self, label: str) -> None:
        self.add_button.setEnabled(True)
        self._say(self.tr("Field “{0}” added.").format(label))
        self.label_edit.clear()
        self.key_edit.clear()
        self._key_edited = False
        self.options_edit.clear()
        self.required_check.setChecked(False)
        self.label_edit.setFocus()

    def _add_failed(self, error: BaseException) -> None:
        self.add_button.setEnabled(True)
        self._say(self._validation_text(error), error=True)

    def _validation_text(self, error: BaseException) -> str:
        if not isinstance(error, ValidationError):
            return error_text(error)
        known = {
            ("key", "validation.duplicate"): self.tr("A field with this key already exists."),
            ("key", "validation.required"): self.tr("Enter a key."),
            ("key", "validation.invalid"): self.tr(
                "The key may hold only a-z, 0-9 and _, and not start with a digit."
            ),
            ("label", "validation.required"): self.tr("Enter a label."),
            ("options", "validation.required"): self.tr(
                "A choice field needs at least one option."
            ),
        }
        return known.get((error.field or "", error.code), error.message)

    # -- order ---------------------------------------------------------------
    def move_selected(self, offset: int) -> None:
        """Move the selected field `offset` places (-1 up, +1 down)."""
        field_id = self._selected_id()
        if field_id is None:
            return
        store = self.ctx.store
        self.up_button.setEnabled(False)
        self.down_button.setEnabled(False)
        # The change it broadcasts reloads the list (see `_on_changed`).
        self.jobs.submit(
            lambda: custom_fields.move_field(store, field_id, offset), None, self._failed
        )

    def _failed(self, error: BaseException) -> None:
        self._update_buttons()
        if isinstance(error, CrmError):
            self._say(error_text(error), error=True)
            return
        raise error
