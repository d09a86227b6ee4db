"""A contact's privacy: consent records, "export everything", erasure.

`privacy_menu` is what the contact detail pane's "Privacy" button opens:

- Consents… (`ConsentDialog`): the person's consent history, newest first, and
  a form to record a consent given or withdrawn (purpose, when, how). Consent
  records are append-only proof: a withdrawal is a new record, not an undo.
- Export everything…: a JSON file with all the store holds about the person.
- Erase…(`EraseDialog`): after typing the person's name, removes them here, on
  the HQ server and (as they sync) every device. Cannot be undone. It lists the
  other records whose text mentions the person first, and after erasing opens
  them for review (`crm_desktop.views.mentions_dialog`).

All store work runs on the worker (`Jobs`), never on the GUI thread.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.errors import CrmError
from crm_desktop.views.icons import icon
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

if TYPE_CHECKING:
    from crm_desktop.services.consent import ConsentRecord
    from crm_desktop.services.mentions import Mentions
    from crm_desktop.views.context import AppContext

ERROR_STYLE = "color: #d1242f;"


def purpose_names() -> dict[str, str]:
    return {
        "email": QCoreApplication.translate("ConsentDialog", "Email marketing"),
        "call": QCoreApplication.translate("ConsentDialog", "Phone calls"),
        "sms": QCoreApplication.translate("ConsentDialog", "SMS"),
        "processing": QCoreApplication.translate("ConsentDialog", "Processing of personal data"),
        "profiling": QCoreApplication.translate("ConsentDialog", "Profiling"),
        "sharing": QCoreApplication.translate("ConsentDialog", "Sharing with third parties"),
        "transfer_abroad": QCoreApplication.translate("ConsentDialog", "Transfer abroad"),
    }


def status_name(status: str) -> str:
    return (
        QCoreApplication.translate("ConsentDialog", "Given")
        if status == "given"
        else QCoreApplication.translate("ConsentDialog", "Withdrawn")
    )


class ConsentDialog(QDialog):
    """A person's consent records, and recording a new one."""

    recorded = Signal(str)  # the new consent record's id

    def __init__(
        self, ctx: AppContext, contact_id: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.contact_id = contact_id
        self.jobs = Jobs(ctx.runner, self)
        self.records: list[ConsentRecord] = []
        self.setWindowTitle(self.tr("Consents of {0}").format(name))
        self.resize(720, 520)
        self._build()
        self.reload()

    def _build(self) -> None:
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Purpose"), self.tr("Status"), self.tr("When"), self.tr("How"), self.tr("By")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.purpose_combo = QComboBox(editable=True)
        for key, name in purpose_names().items():
            self.purpose_combo.addItem(name, key)
        self.given_radio = QRadioButton(self.tr("Given"))
        self.withdrawn_radio = QRadioButton(self.tr("Withdrawn"))
        self.given_radio.setChecked(True)
        status_row = QHBoxLayout()
        status_row.addWidget(self.given_radio)
        status_row.addWidget(self.withdrawn_radio)
        status_row.addStretch(1)
        self.when_edit = QDateTimeEdit(QDateTime.currentDateTime())
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setMaximumDateTime(QDateTime.currentDateTime().addSecs(300))
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText(self.tr("e.g. web form, phone call, signed paper"))
        self.notes_edit = QLineEdit()
        self.error_label = QLabel(wordWrap=True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.record_button = QPushButton(self.tr("Record"))
        self.record_button.clicked.connect(self.record)
        form = QFormLayout()
        form.addRow(self.tr("Purpose:"), self.purpose_combo)
        form.addRow(self.tr("Status:"), status_row)
        form.addRow(self.tr("When:"), self.when_edit)
        form.addRow(self.tr("How:"), self.source_edit)
        form.addRow(self.tr("Notes:"), self.notes_edit)
        form.addRow("", self.record_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("History (newest first):")))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def reload(self) -> None:
        from crm_desktop.services.consent import consent_history

        store, contact_id = self.ctx.store, self.contact_id
        self.jobs.submit(lambda: consent_history(store, contact_id), self._show, self._failed)

    def _show(self, records: list[ConsentRecord]) -> None:
        self.records = records
        names = purpose_names()
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            when = record.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M")
            for column, text in enumerate(
                (
                    names.get(record.purpose, record.purpose),
                    status_name(record.status),
                    when,
                    record.source or "",
                    record.recorded_by or "",
                )
            ):
                item = QTableWidgetItem(text)
                if record.notes:
                    item.setToolTip(record.notes)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def purpose(self) -> str:
        text = self.purpose_combo.currentText().strip()
        index = self.purpose_combo.findText(text)
        if index >= 0 and self.purpose_combo.itemData(index):
            return str(self.purpose_combo.itemData(index))
        return text

    def record(self) -> None:
        from crm_desktop.services.consent import GIVEN, WITHDRAWN, record_consent

        store, contact_id = self.ctx.store, self.contact_id
        purpose = self.purpose()
        status = GIVEN if self.given_radio.isChecked() else WITHDRAWN
        picked = self.when_edit.dateTime().toPython()
        assert isinstance(picked, datetime)
        when = picked.astimezone(UTC)
        source, notes = self.source_edit.text(), self.notes_edit.text()
        self.record_button.setEnabled(False)
        self.jobs.submit(
            lambda: record_consent(
                store, contact_id, purpose, status, recorded_at=when, source=source, notes=notes
            ),
            self._recorded,
            self._failed,
        )

    def _recorded(self, result: Any) -> None:
        self.record_button.setEnabled(True)
        self.error_label.hide()
        self.source_edit.clear()
        self.notes_edit.clear()
        self.recorded.emit(result.value)
        self.reload()

    def _failed(self, error: BaseException) -> None:
        self.record_button.setEnabled(True)
        if not isinstance(error, CrmError):
            raise error
        self.error_label.setText(error_text(error))
        self.error_label.show()


class EraseDialog(QDialog):
    """Confirms an erasure by typing the person's name; then erases on the worker.

    While the name is typed, the other records that mention the person are
    looked up and listed; after erasing, `ReviewMentionsDialog` shows them.
    """

    erased = Signal(str)  # the contact id

    def __init__(
        self, ctx: AppContext, contact_id: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.contact_id = contact_id
        self.name = name
        self.review: QDialog | None = None  # the review of mentions, once erased
        self.jobs = Jobs(ctx.runner, self)
        self.setWindowTitle(self.tr("Erase {0}").format(name))
        self.setMinimumWidth(460)
        warning = QLabel(
            self.tr(
                "This erases {0} and their personal data: the contact, consents, activities "
                "and tasks; deals stay without the link. It is removed here, on the company "
                "server and on every device when they sync, and cannot be undone.\n\n"
                "Type the name to confirm:"
            ).format(name),
            wordWrap=True,
        )
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(name)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("Reason (kept in the audit log)"))
        self._build_mentions()
        self.error_label = QLabel(wordWrap=True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.buttons = QDialogButtonBox()
        self.erase_button = self.buttons.addButton(
            self.tr("Erase"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button.setEnabled(False)
        self.erase_button.clicked.connect(self.erase)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(
            lambda text: self.erase_button.setEnabled(text.strip() == name.strip())
        )
        layout = QVBoxLayout(self)
        for widget in (warning, self.name_edit, self.reason_edit, self.mentions_label):
            layout.addWidget(widget)
        layout.addWidget(self.mentions_table)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._find_mentions()

    def _build_mentions(self) -> None:
        from crm_desktop.views.mentions_dialog import mentions_table

        self.mentions_label = QLabel(
            self.tr("Looking for mentions in other records…"), wordWrap=True
        )
        self.mentions_table = mentions_table(self)
        self.mentions_table.setMaximumHeight(140)
        self.mentions_table.hide()

    def _find_mentions(self) -> None:
        from crm_desktop.services.mentions import find_mentions

        store, contact_id = self.ctx.store, self.contact_id
        self.jobs.submit(
            lambda: find_mentions(store, contact_id), self._show_mentions, self._mentions_failed
        )

    def _show_mentions(self, mentions: Mentions) -> None:
        from crm_desktop.views.mentions_dialog import fill_mentions, mentions_heading

        self.mentions_label.setText(mentions_heading(mentions, self.name, erased=False))
        fill_mentions(self.mentions_table, mentions)
        self.mentions_table.setVisible(bool(mentions))

    def _mentions_failed(self, error: BaseException) -> None:
        if not isinstance(error, CrmError):
            raise error
        # The erasure itself says what is wrong (e.g. the person is gone already).
        self.mentions_label.setText(error_text(error))

    def erase(self) -> None:
        from crm_desktop.services.privacy import erase_contact

        if self.name_edit.text().strip() != self.name.strip():
            return
        store, contact_id, reason = self.ctx.store, self.contact_id, self.reason_edit.text()
        self.erase_button.setEnabled(False)
        self.jobs.submit(
            lambda: erase_contact(store, contact_id, reason=reason), self._erased, self._failed
        )

    def _erased(self, result: Any) -> None:
        from crm_desktop.views.mentions_dialog import show_review

        # An erased person cannot be undone: drop undo steps that would recreate them.
        self.ctx.undo_stack.clear()
        mentions = result.value.mentions
        if mentions:  # found again as it erased: what the audit entry counts
            self.review = show_review(mentions, self.name, self.parentWidget())
        self.erased.emit(self.contact_id)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, CrmError):
            raise error
        self.error_label.setText(error_text(error))
        self.error_label.show()
        self.erase_button.setEnabled(True)


def export_person_to(
    parent: QWidget, ctx: AppContext, contact_id: str, name: str, target: str | None = None
) -> None:
    """Ask for a file (unless `target`), then write the person's export on the worker."""
    from crm_desktop.services.privacy import write_export

    if target is None:
        suggested = str(Path.home() / f"{name or contact_id}.json")
        target, _ = QFileDialog.getSaveFileName(
            parent,
            QCoreApplication.translate("ConsentDialog", "Export everything about {0}").format(name),
            suggested,
            "JSON (*.json)",
        )
        if not target:
            return
    store, path = ctx.store, Path(target)

    def done(_data: Any) -> None:
        QMessageBox.information(
            parent,
            QCoreApplication.translate("ConsentDialog", "Export"),
            QCoreApplication.translate(
                "ConsentDialog", "Everything about {0} was written to {1}"
            ).format(name, path),
        )

    def failed(error: BaseException) -> None:
        QMessageBox.warning(
            parent, QCoreApplication.translate("ConsentDialog", "Export"), error_text(error)
        )

    Jobs(ctx.runner, parent).submit(lambda: write_export(store, contact_id, path), done, failed)


def privacy_menu(parent: QWidget, ctx: AppContext, contact_id: str, name: str) -> QMenu:
    """The "Privacy" menu of a contact: consents, export, erase."""
    menu = QMenu(parent)
    menu.addAction(
        icon("edit"),
        QCoreApplication.translate("ConsentDialog", "Consents…"),
        lambda: ConsentDialog(ctx, contact_id, name, parent).open(),
    )
    menu.addAction(
        icon("down"),
        QCoreApplication.translate("ConsentDialog", "Export everything…"),
        lambda: export_person_to(parent, ctx, contact_id, name),
    )
    menu.addSeparator()
    menu.addAction(
        icon("delete"),
        QCoreApplication.translate("ConsentDialog", "Erase…"),
        lambda: EraseDialog(ctx, contact_id, name, parent).open(),
    )
    return menu
