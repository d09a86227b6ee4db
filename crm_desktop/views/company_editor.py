"""The company editor: a company's fields, validated by the service before saving.

Like the contact editor it writes nothing itself: once `validate_company`
accepts the input it emits `saved(CompanyEdits)` and the view pushes an undo
command that performs the write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.domain.models import Company
from crm_desktop.errors import ValidationError
from crm_desktop.services.companies import get_company, validate_company
from crm_desktop.services.custom_fields import custom_values_many, list_fields
from crm_desktop.store.engine import Store
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import (
    CustomFieldEditors,
    ErrorForm,
    ErrorLabel,
    field_error_text,
)

GRADES = ("", "A", "B", "C")
TEXT_FIELDS = ("industry", "website", "phone", "email", "address", "city", "country")


@dataclass
class CompanyEditorData:
    fields: list[Any]
    company: Company | None = None
    custom: dict[str, Any] = field(default_factory=dict)


def load_company_editor_data(store: Store, company_id: str | None = None) -> CompanyEditorData:
    """Runs on the worker."""
    fields = list_fields(store, "company")
    if company_id is None:
        return CompanyEditorData(fields)
    custom = custom_values_many(store, [company_id]).get(company_id, {})
    return CompanyEditorData(fields, get_company(store, company_id), custom)


@dataclass
class CompanyEdits:
    values: dict[str, Any]
    custom: dict[str, Any] = field(default_factory=dict)


class CompanyEditor(QDialog):
    """Create or edit a company. Emits `saved(CompanyEdits)` once the input is valid."""

    saved = Signal(object)

    def __init__(
        self, ctx: AppContext, data: CompanyEditorData, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.company_id = data.company.id if data.company else None
        self.setWindowTitle(self.tr("Edit company") if self.company_id else self.tr("New company"))
        self.resize(520, 560)
        self._build(data)
        if data.company is not None:
            self._populate(data.company, data.custom)
        self._initial = self.edits()
        self.name_edit.setFocus()

    def _build(self, data: CompanyEditorData) -> None:
        outer = QVBoxLayout(self)
        self.general_error = ErrorLabel(self)
        outer.addWidget(self.general_error)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        self.form = ErrorForm(body)
        self.name_edit = self.form.add_field("name", self.tr("Name *"), QLineEdit())
        labels = {
            "industry": self.tr("Industry"),
            "website": self.tr("Website"),
            "phone": self.tr("Phone"),
            "email": self.tr("Email"),
            "address": self.tr("Address"),
            "city": self.tr("City"),
            "country": self.tr("Country"),
        }
        self.edits_by_key = {k: self.form.add_field(k, labels[k], QLineEdit()) for k in TEXT_FIELDS}
        self.grade_combo = self.form.add_field("grade", self.tr("Grade"), QComboBox())
        self.grade_combo.addItems(list(GRADES))
        self.tags_edit = self.form.add_field("tags", self.tr("Tags"), QLineEdit())
        self.owner_edit = self.form.add_field("owner", self.tr("Owner"), QLineEdit())
        self.notes_edit = self.form.add_field("notes", self.tr("Notes"), QPlainTextEdit())
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(80)
        self.custom = CustomFieldEditors(self.form, data.fields)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)

    def _populate(self, company: Company, custom: dict[str, Any]) -> None:
        self.name_edit.setText(company.name)
        for key, edit in self.edits_by_key.items():
            edit.setText(getattr(company, key) or "")
        self.grade_combo.setCurrentText(company.grade or "")
        self.tags_edit.setText(", ".join(company.tags or []))
        self.owner_edit.setText(company.owner or "")
        self.notes_edit.setPlainText(company.notes or "")
        self.custom.set_values(custom)

    def edits(self) -> CompanyEdits:
        values: dict[str, Any] = {"name": self.name_edit.text().strip()}
        values.update({k: e.text().strip() or None for k, e in self.edits_by_key.items()})
        values["grade"] = self.grade_combo.currentText() or None
        values["tags"] = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()]
        values["owner"] = self.owner_edit.text().strip() or None
        values["notes"] = self.notes_edit.toPlainText().strip() or None
        return CompanyEdits(values, self.custom.values())

    def changes(self) -> CompanyEdits:
        """For a new company the fields filled in; for an edit those changed."""
        now = self.edits()
        if self.company_id is None:
            values = {k: v for k, v in now.values.items() if v not in (None, "", [])}
            return CompanyEdits(values, {k: v for k, v in now.custom.items() if v is not None})
        before = self._initial
        return CompanyEdits(
            {k: v for k, v in now.values.items() if before.values.get(k) != v},
            {k: v for k, v in now.custom.items() if before.custom.get(k) != v},
        )

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        self.form.clear_errors()
        self.general_error.show_error("")
        self.save_button.setEnabled(False)
        edits = self.changes()
        creating, store = self.company_id is None, self._ctx.store
        self._ctx.runner.submit(
            lambda: validate_company(store, edits.values, edits.custom, creating=creating),
            lambda _row: self._valid(edits),
            self._invalid,
        )

    def _valid(self, edits: CompanyEdits) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(edits)
        self.accept()

    def _invalid(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        text = field_error_text(error)
        name = error.field if isinstance(error, ValidationError) else None
        if not self.form.show_error(name, text):
            self.general_error.show_error(text)
