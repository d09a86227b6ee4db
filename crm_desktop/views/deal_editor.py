"""The deal editor: a deal's fields, validated by the service before saving.

Like the contact and company editors it writes nothing itself: on Save it asks
`validate_deal` (on the worker) whether the input is acceptable, shows a
refusal under the field at fault, and once accepted emits `saved(DealEdits)`;
the board then pushes an undo command that performs the write.
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

from crm_desktop.errors import ValidationError
from crm_desktop.services.custom_fields import list_fields
from crm_desktop.services.deals import DealDetail, deal_owners, get_deal, validate_deal
from crm_desktop.services.pipelines import list_pipelines, list_stages
from crm_desktop.store.engine import Store
from crm_desktop.views.company_picker import CompanyPicker
from crm_desktop.views.contact_picker import ContactPicker
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import (
    CustomFieldEditors,
    ErrorForm,
    ErrorLabel,
    field_error_text,
)

CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP")


@dataclass
class DealEditorData:
    """What the editor needs, read on the worker before it opens."""

    fields: list[Any]
    stages: list[Any]  # the pipeline's stages, in order
    owners: list[str]
    pipeline_id: str | None
    detail: DealDetail | None = None


def load_deal_editor_data(
    store: Store, deal_id: str | None = None, pipeline_id: str | None = None
) -> DealEditorData:
    """Runs on the worker. A new deal goes in `pipeline_id` (default: the first pipeline)."""
    detail = get_deal(store, deal_id) if deal_id else None
    if detail is not None:
        pipeline_id = detail.deal.pipeline_id
    if pipeline_id is None:
        pipelines = list_pipelines(store)
        pipeline_id = pipelines[0].id if pipelines else None
    stages = list_stages(store, pipeline_id) if pipeline_id else []
    return DealEditorData(
        list_fields(store, "deal"), stages, deal_owners(store), pipeline_id, detail
    )


@dataclass
class DealEdits:
    """What to save: fields for create/update_deal and custom values by key."""

    values: dict[str, Any]
    custom: dict[str, Any] = field(default_factory=dict)


def cents_text(cents: int) -> str:
    whole, part = divmod(int(cents), 100)
    return f"{whole}.{part:02d}" if part else str(whole)


class DealEditor(QDialog):
    """Create or edit a deal. Emits `saved(DealEdits)` once the input is valid."""

    saved = Signal(object)

    def __init__(
        self, ctx: AppContext, data: DealEditorData, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._data = data
        detail = data.detail
        self.deal_id = detail.deal.id if detail else None
        self.setWindowTitle(self.tr("Edit deal") if self.deal_id else self.tr("New deal"))
        self.resize(540, 620)
        self._build(data)
        if detail is not None:
            self._populate(detail)
        self._stage_changed()
        self._initial = self.edits()
        self.title_edit.setFocus()

    # -- layout ----------------------------------------------------------------------
    def _build(self, data: DealEditorData) -> None:
        outer = QVBoxLayout(self)
        self.general_error = ErrorLabel(self)
        outer.addWidget(self.general_error)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        self.form = ErrorForm(body)
        self.title_edit = self.form.add_field("title", self.tr("Title *"), QLineEdit())
        self.company_picker = self.form.add_field(
            "company_id", self.tr("Company"), CompanyPicker(self._ctx)
        )
        self.contact_picker = self.form.add_field(
            "contact_id", self.tr("Contact"), ContactPicker(self._ctx)
        )
        self.value_edit = self.form.add_field("value", self.tr("Value"), QLineEdit())
        self.value_edit.setPlaceholderText("0.00")
        self.currency_combo = self.form.add_field("currency", self.tr("Currency"), QComboBox())
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(list(CURRENCIES))
        self.close_edit = self.form.add_field(
            "expected_close", self.tr("Expected close"), QLineEdit()
        )
        self.close_edit.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.stage_combo = self.form.add_field("stage_id", self.tr("Stage"), QComboBox())
        for stage in data.stages:
            self.stage_combo.addItem(stage.name, stage.id)
        self.reason_edit = self.form.add_field("lost_reason", self.tr("Lost reason"), QLineEdit())
        self.owner_combo = self.form.add_field("owner", self.tr("Owner"), QComboBox())
        self.owner_combo.setEditable(True)
        self.owner_combo.addItem("")
        self.owner_combo.addItems(data.owners)
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
        self.stage_combo.currentIndexChanged.connect(self._stage_changed)

    def _populate(self, detail: DealDetail) -> None:
        deal = detail.deal
        self.title_edit.setText(deal.title)
        self.company_picker.set_company(deal.company_id, detail.company_name)
        self.contact_picker.set_contact(deal.contact_id, detail.contact_name or "")
        self.value_edit.setText(cents_text(deal.value_cents) if deal.value_cents else "")
        self.currency_combo.setCurrentText(deal.currency)
        self.close_edit.setText(deal.expected_close.isoformat() if deal.expected_close else "")
        self.stage_combo.setCurrentIndex(max(self.stage_combo.findData(deal.stage_id), 0))
        self.reason_edit.setText(deal.lost_reason or "")
        self.owner_combo.setCurrentText(deal.owner or "")
        self.notes_edit.setPlainText(deal.notes or "")
        self.custom.set_values(detail.custom)

    def set_stage(self, stage_id: str) -> None:
        """Preselect the stage (a new deal from a column)."""
        index = self.stage_combo.findData(stage_id)
        if index >= 0:
            self.stage_combo.setCurrentIndex(index)
            self._initial = self.edits()

    def _lost_stage(self) -> bool:
        stage_id = self.stage_combo.currentData()
        return any(s.id == stage_id and s.is_lost for s in self._data.stages)

    def _stage_changed(self, *_args: Any) -> None:
        lost = self._lost_stage()
        self.reason_edit.setEnabled(lost)
        if not lost:
            self.reason_edit.clear()

    # -- values ------------------------------------------------------------------------
    def edits(self) -> DealEdits:
        values: dict[str, Any] = {
            "title": self.title_edit.text().strip(),
            "company_id": self.company_picker.company_id(),
            "contact_id": self.contact_picker.contact_id,
            "value": self.value_edit.text().strip(),
            "currency": self.currency_combo.currentText().strip(),
            "expected_close": self.close_edit.text().strip() or None,
            "stage_id": self.stage_combo.currentData(),
            "owner": self.owner_combo.currentText().strip() or None,
            "notes": self.notes_edit.toPlainText().strip() or None,
        }
        if self._lost_stage():
            values["lost_reason"] = self.reason_edit.text().strip() or None
        return DealEdits(values, self.custom.values())

    def changes(self) -> DealEdits:
        """For a new deal the fields filled in; for an edit those changed."""
        now = self.edits()
        if self.deal_id is None:
            values = {"title": now.values["title"]}  # checked first: the field on top
            values.update({k: v for k, v in now.values.items() if v not in (None, "", [])})
            if self._data.pipeline_id and "stage_id" not in values:
                values["pipeline_id"] = self._data.pipeline_id
            return DealEdits(values, {k: v for k, v in now.custom.items() if v is not None})
        before = self._initial
        values = {k: v for k, v in now.values.items() if before.values.get(k) != v}
        if "lost_reason" in now.values and "stage_id" in values:
            values["lost_reason"] = now.values["lost_reason"]
        return DealEdits(values, {k: v for k, v in now.custom.items() if before.custom.get(k) != v})

    def _unpicked(self) -> str | None:
        """A field whose text names no picked record: the company or the contact."""
        if self.company_picker.text() and self.company_picker.company_id() is None:
            return "company_id"
        if self.contact_picker.text().strip() and self.contact_picker.contact_id is None:
            return "contact_id"
        return None

    # -- saving ------------------------------------------------------------------------
    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        self.form.clear_errors()
        self.general_error.show_error("")
        unpicked = self._unpicked()
        if unpicked is not None:
            self.form.show_error(unpicked, self.tr("Pick one of the suggestions, or clear it."))
            return
        edits = self.changes()
        if self.deal_id is not None and not (edits.values or edits.custom):
            self.accept()  # nothing changed: nothing to save or undo
            return
        self.save_button.setEnabled(False)
        creating, store = self.deal_id is None, self._ctx.store
        self._ctx.runner.submit(
            lambda: validate_deal(store, edits.values, edits.custom, creating=creating),
            lambda _row: self._valid(edits),
            self._invalid,
        )

    def _valid(self, edits: DealEdits) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(edits)
        self.accept()

    def _invalid(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        text = field_error_text(error)
        name = error.field if isinstance(error, ValidationError) else None
        if name == "value_cents":
            name = "value"
        if name == "pipeline_id":
            name = "stage_id"
        if not self.form.show_error(name, text):
            self.general_error.show_error(text)
