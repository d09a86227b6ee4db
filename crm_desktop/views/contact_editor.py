"""The contact editor: every field of a contact, validated by the service before saving.

The dialog does not write: on Save it asks `validate_contact` (on the worker)
whether the input is acceptable, shows a refusal under the field at fault,
and once accepted emits `saved` with the edits; the view then pushes an undo
command that performs the write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.errors import ValidationError
from crm_desktop.services.contacts import ContactDetail, get_contact, validate_contact
from crm_desktop.services.custom_fields import list_fields
from crm_desktop.services.duplicates import likely_duplicates
from crm_desktop.services.queries import contact_owners
from crm_desktop.services.tags import list_tags
from crm_desktop.store.engine import Store
from crm_desktop.views.company_picker import CompanyPicker
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import (
    CustomFieldEditors,
    ErrorForm,
    ErrorLabel,
    LabelledList,
    field_error_text,
)

GRADES = ("", "A", "B", "C")
CONSENTS = ("consent_email", "consent_call", "consent_sms")


@dataclass
class EditorData:
    """What the editor needs, read on the worker before it opens."""

    fields: list[Any]
    tags: list[str]
    owners: list[str]
    detail: ContactDetail | None = None


def load_editor_data(store: Store, contact_id: str | None = None) -> EditorData:
    """Runs on the worker."""
    detail = get_contact(store, contact_id) if contact_id else None
    return EditorData(
        list_fields(store, "contact"), list_tags(store), contact_owners(store), detail
    )


@dataclass
class ContactEdits:
    """What to save: fields for create/update_contact, custom values by key, and the
    name of a company to link (created if new) when no existing one was picked."""

    values: dict[str, Any]
    custom: dict[str, Any] = field(default_factory=dict)
    company_name: str | None = None


class TagCompleter(QCompleter):
    """Completes the last tag of a comma-separated list."""

    def splitPath(self, path: str) -> list[str]:
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index: Any) -> str:
        edit = self.widget()
        done = edit.text().split(",")[:-1] if isinstance(edit, QLineEdit) else []
        return ", ".join([*(t.strip() for t in done if t.strip()), super().pathFromIndex(index)])


class ContactEditor(QDialog):
    """Create or edit one contact. Emits `saved(ContactEdits)` once the input is valid."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, data: EditorData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._data = data
        self.contact_id = data.detail.contact.id if data.detail else None
        self.setWindowTitle(self.tr("Edit contact") if self.contact_id else self.tr("New contact"))
        self.resize(560, 640)
        self._build()
        if data.detail is not None:
            self._populate(data.detail)
        self._initial = self.edits()
        self.name_edit.setFocus()

    # -- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.general_error = ErrorLabel(self)
        outer.addWidget(self.general_error)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        self.form = ErrorForm(body)
        self._add_fields()
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)

    def _add_fields(self) -> None:
        f = self.form
        self.name_edit = f.add_field("name", self.tr("Name *"), QLineEdit())
        self.company = f.add_field("company", self.tr("Company"), CompanyPicker(self._ctx))
        self.title_edit = f.add_field("title", self.tr("Title"), QLineEdit())
        phone_labels = [self.tr("mobile"), self.tr("work"), self.tr("home")]
        self.phones = f.add_field(
            "phones", self.tr("Phones"), LabelledList("number", phone_labels, "+86 138 0013 8000")
        )
        email_labels = [self.tr("work"), self.tr("personal")]
        self.emails = f.add_field(
            "emails", self.tr("Emails"), LabelledList("address", email_labels, "name@example.com")
        )
        self.address_edit = f.add_field("address", self.tr("Address"), QLineEdit())
        self.birthday_edit = f.add_field("birthday", self.tr("Birthday"), QLineEdit())
        self.birthday_edit.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.source_edit = f.add_field("source", self.tr("Source"), QLineEdit())
        self.grade_combo = f.add_field("grade", self.tr("Grade"), QComboBox())
        self.grade_combo.addItems(list(GRADES))
        self.tags_edit = f.add_field("tags", self.tr("Tags"), QLineEdit())
        self.tags_edit.setPlaceholderText(self.tr("comma-separated, e.g. VIP, 华东"))
        completer = TagCompleter(QStringListModel(self._data.tags, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(completer)
        self.owner_combo = f.add_field("owner", self.tr("Owner"), QComboBox())
        self.owner_combo.setEditable(True)
        self.owner_combo.addItems(["", *self._data.owners])
        self.notes_edit = f.add_field("notes", self.tr("Notes"), QPlainTextEdit())
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(80)
        f.add_field("consent", self.tr("Consent"), self._consent_row())
        self.custom = CustomFieldEditors(f, self._data.fields)

    def _consent_row(self) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        texts = (self.tr("Email"), self.tr("Calls"), self.tr("SMS"))
        self.consents = {
            key: QCheckBox(text, row) for key, text in zip(CONSENTS, texts, strict=True)
        }
        for box in self.consents.values():
            line.addWidget(box)
        line.addStretch(1)
        return row

    def _populate(self, detail: ContactDetail) -> None:
        c = detail.contact
        self.name_edit.setText(c.name)
        self.company.set_company(c.company_id, detail.company_name)
        self.title_edit.setText(c.title or "")
        self.phones.set_values(c.phones or [])
        self.emails.set_values(c.emails or [])
        self.address_edit.setText(c.address or "")
        self.birthday_edit.setText(c.birthday.isoformat() if c.birthday else "")
        self.source_edit.setText(c.source or "")
        self.grade_combo.setCurrentText(c.grade or "")
        self.tags_edit.setText(", ".join(c.tags or []))
        self.owner_combo.setCurrentText(c.owner or "")
        self.notes_edit.setPlainText(c.notes or "")
        for key, box in self.consents.items():
            box.setChecked(bool(getattr(c, key)))
        self.custom.set_values(detail.custom)

    # -- reading the form ------------------------------------------------------------
    def edits(self) -> ContactEdits:
        """Everything in the form, as the services take it."""
        values: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "title": self.title_edit.text().strip() or None,
            "phones": self.phones.values(),
            "emails": self.emails.values(),
            "address": self.address_edit.text().strip() or None,
            "birthday": self.birthday_edit.text().strip() or None,
            "source": self.source_edit.text().strip() or None,
            "grade": self.grade_combo.currentText() or None,
            "tags": [t.strip() for t in self.tags_edit.text().split(",") if t.strip()],
            "owner": self.owner_combo.currentText().strip() or None,
            "notes": self.notes_edit.toPlainText().strip() or None,
        }
        values.update({key: box.isChecked() for key, box in self.consents.items()})
        company_id, company_text = self.company.company_id(), self.company.text()
        values["company_id"] = company_id
        new_company = company_text if company_text and company_id is None else None
        return ContactEdits(values, self.custom.values(), new_company)

    def changes(self) -> ContactEdits:
        """What to send: for a new contact the fields filled in, for an edit those changed."""
        now = self.edits()
        if self.contact_id is None:
            values = {k: v for k, v in now.values.items() if v not in (None, "", [], False)}
            custom = {k: v for k, v in now.custom.items() if v is not None}
            return ContactEdits(values, custom, now.company_name)
        before = self._initial
        values = {k: v for k, v in now.values.items() if before.values.get(k) != v}
        if now.company_name:
            values.pop("company_id", None)
        custom = {k: v for k, v in now.custom.items() if before.custom.get(k) != v}
        return ContactEdits(values, custom, now.company_name)

    # -- saving ----------------------------------------------------------------------
    def save(self) -> None:
        """Validate on the worker; emit `saved` and close when valid."""
        if not self.save_button.isEnabled():
            return
        self.form.clear_errors()
        self.general_error.show_error("")
        self.save_button.setEnabled(False)
        edits = self.changes()
        creating, store = self.contact_id is None, self._ctx.store

        def check() -> list[Any]:
            validate_contact(
                store,
                edits.values,
                edits.custom,
                creating=creating,
                company_name=edits.company_name,
            )
            # A new contact that looks like an existing one: warn (duplicates_view).
            if not creating:
                return []
            return likely_duplicates(store, edits.values, company_name=edits.company_name)

        self._ctx.runner.submit(check, lambda found: self._valid(edits, found), self._invalid)

    def _valid(self, edits: ContactEdits, duplicates: list[Any] | None = None) -> None:
        self.save_button.setEnabled(True)
        if duplicates:  # a banner in the form: "Save anyway" or open the existing one
            from crm_desktop.views.duplicates_view import show_duplicate_warning

            show_duplicate_warning(self, duplicates, lambda: self._save_valid(edits))
            return
        self._save_valid(edits)

    def _save_valid(self, edits: ContactEdits) -> None:
        self.saved.emit(edits)
        self.accept()

    def _invalid(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.show_error(error)

    def show_error(self, error: BaseException) -> None:
        """Show an error under its field (or above the form when it names none)."""
        text = field_error_text(error)
        name = error.field if isinstance(error, ValidationError) else None
        if name == "company_id":
            name = "company"
        if not self.form.show_error(name, text):
            self.general_error.show_error(text)
