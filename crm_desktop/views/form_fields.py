"""Building blocks of the record editors: a form whose fields show their own errors,
lists of labelled phones/emails, and editors for user-defined (custom) fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.domain.enums import CustomFieldType
from crm_desktop.errors import CrmError
from crm_desktop.views.messages import error_text

ERROR_STYLE = "color: #c62828;"
W = TypeVar("W", bound=QWidget)


def _tr(text: str) -> str:
    return QCoreApplication.translate("FormFields", text)


def field_error_text(error: BaseException) -> str:
    """A short, translated message for an error shown under its field."""
    if not isinstance(error, CrmError):
        return error_text(error)
    params = error.params
    known = {
        "validation.required": lambda: _tr("Required."),
        "validation.email": lambda: _tr("Not a valid email address."),
        "validation.phone": lambda: _tr("Not a valid phone number."),
        "validation.date": lambda: _tr("Not a date (use YYYY-MM-DD)."),
        "validation.number": lambda: _tr("Not a number."),
        "validation.choice": lambda: _tr("Choose one of: {0}").format(
            ", ".join(params.get("choices") or [])
        ),
        "validation.too_long": lambda: _tr("Too long (at most {0} characters).").format(
            params.get("maximum")
        ),
        "validation.reference": lambda: _tr("That record no longer exists."),
    }
    make = known.get(error.code)
    return make() if make is not None else error_text(error)


class ErrorLabel(QLabel):
    """Red text under a field; hidden while there is no error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class ErrorForm(QFormLayout):
    """A form layout whose fields each have an error label right under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._errors: dict[str, ErrorLabel] = {}
        self._widgets: dict[str, QWidget] = {}

    def add_field(self, key: str, label: str, widget: W) -> W:
        """Add `widget` labelled `label`; errors naming `key` show under it."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = ErrorLabel(box)
        column.addWidget(error)
        self.addRow(label, box)
        self._errors[key] = error
        self._widgets[key] = widget
        return widget

    def error_label(self, key: str) -> ErrorLabel | None:
        return self._errors.get(key)

    def show_error(self, field: str | None, text: str) -> bool:
        """Show `text` under the field `field` names ("phones[1]" is "phones"); False when
        no such field is on this form."""
        key = (field or "").split("[", 1)[0]
        label = self._errors.get(key)
        if label is None:
            return False
        label.show_error(text)
        widget = self._widgets[key]
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.show_error("")


class LabelledList(QWidget):
    """Several labelled values (phones, emails): a label combo and a line edit per row."""

    changed = Signal()

    def __init__(
        self, value_key: str, labels: Sequence[str], placeholder: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._value_key = value_key
        self._labels = list(labels)
        self._placeholder = placeholder
        self._rows: list[tuple[QWidget, QComboBox, QLineEdit]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._rows_box = QVBoxLayout()
        layout.addLayout(self._rows_box)
        self.add_button = QPushButton(_tr("Add another"), self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_row()[2].setFocus())
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_row()

    def add_row(self, label: str = "", value: str = "") -> tuple[QWidget, QComboBox, QLineEdit]:
        row = QWidget(self)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        combo = QComboBox(row)
        combo.setEditable(True)
        combo.addItems(self._labels)
        combo.setCurrentText(label or self._labels[0])
        edit = QLineEdit(value, row)
        edit.setPlaceholderText(self._placeholder)
        remove = QPushButton("×", row)
        remove.setAutoDefault(False)
        remove.setToolTip(_tr("Remove"))
        remove.setFixedWidth(28)
        line.addWidget(combo)
        line.addWidget(edit, 1)
        line.addWidget(remove)
        entry = (row, combo, edit)
        remove.clicked.connect(lambda: self._remove(entry))
        self._rows.append(entry)
        self._rows_box.addWidget(row)
        return entry

    def _remove(self, entry: tuple[QWidget, QComboBox, QLineEdit]) -> None:
        self._rows.remove(entry)
        entry[0].deleteLater()
        if not self._rows:
            self.add_row()

    def edits(self) -> list[QLineEdit]:
        return [edit for _, _, edit in self._rows]

    def values(self) -> list[dict[str, str]]:
        """Non-empty rows as {"label", value_key} dicts."""
        return [
            {"label": combo.currentText().strip(), self._value_key: edit.text().strip()}
            for _, combo, edit in self._rows
            if edit.text().strip()
        ]

    def set_values(self, items: Sequence[dict[str, str]]) -> None:
        for entry in list(self._rows):
            self._rows.remove(entry)
            entry[0].deleteLater()
        for item in items:
            self.add_row(item.get("label", ""), item.get(self._value_key, ""))
        if not self._rows:
            self.add_row()


class CustomFieldEditors:
    """Widgets for a record's custom fields, added to an `ErrorForm` (errors by field key)."""

    def __init__(self, form: ErrorForm, fields: Sequence[Any]) -> None:
        self._fields = list(fields)
        self.widgets: dict[str, QLineEdit | QComboBox] = {}
        for definition in self._fields:
            label = definition.label + (" *" if definition.required else "")
            form.add_field(definition.key, label, self._widget(definition))

    def _widget(self, definition: Any) -> QLineEdit | QComboBox:
        widget: QLineEdit | QComboBox
        if definition.type == CustomFieldType.CHOICE:
            widget = QComboBox()
            widget.addItem("")
            widget.addItems(list(definition.options))
        else:
            widget = QLineEdit()
            if definition.type == CustomFieldType.DATE:
                widget.setPlaceholderText(_tr("YYYY-MM-DD"))
            elif definition.type == CustomFieldType.NUMBER:
                widget.setPlaceholderText("0")
        self.widgets[definition.key] = widget
        return widget

    def values(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key, widget in self.widgets.items():
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            out[key] = text.strip() or None
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        for key, widget in self.widgets.items():
            value = values.get(key)
            text = "" if value is None else str(value)
            if isinstance(widget, QComboBox):
                widget.setCurrentText(text)
            else:
                widget.setText(text)
