"""The audit log window: who changed what, when (File ▸ Audit log…).

Lists the newest entries of the local change log (writes made on this
device: which record, which fields, created/edited/deleted, when, device) and
every erasure (who, when, why; never the erased data). Filter by kind of
record; "Show more" loads further back. Loaded on the worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

if TYPE_CHECKING:
    from crm_desktop.services.audit import AuditEntry
    from crm_desktop.views.context import AppContext

PAGE = 200


def action_name(action: str) -> str:
    return {
        "upsert": QCoreApplication.translate("AuditView", "Created or edited"),
        "delete": QCoreApplication.translate("AuditView", "Deleted"),
        "restore": QCoreApplication.translate("AuditView", "Restored"),
        "erase": QCoreApplication.translate("AuditView", "Erased (personal data removed)"),
    }.get(action, action)


def entity_names() -> dict[str, str]:
    return {
        "contact": QCoreApplication.translate("AuditView", "Contact"),
        "company": QCoreApplication.translate("AuditView", "Company"),
        "deal": QCoreApplication.translate("AuditView", "Deal"),
        "activity": QCoreApplication.translate("AuditView", "Activity"),
        "task": QCoreApplication.translate("AuditView", "Task"),
        "consent": QCoreApplication.translate("AuditView", "Consent"),
        "pipeline": QCoreApplication.translate("AuditView", "Pipeline"),
        "stage": QCoreApplication.translate("AuditView", "Stage"),
        "tag": QCoreApplication.translate("AuditView", "Tag"),
        "custom_field": QCoreApplication.translate("AuditView", "Custom field"),
    }


class AuditView(QDialog):
    """The audit log, newest first."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = Jobs(ctx.runner, self)
        self.entries: list[AuditEntry] = []
        self.limit = PAGE
        self.setWindowTitle(self.tr("Audit log"))
        self.resize(900, 560)
        self.entity_combo = QComboBox()
        self.entity_combo.addItem(self.tr("All records"), None)
        for key, name in entity_names().items():
            self.entity_combo.addItem(name, key)
        self.entity_combo.currentIndexChanged.connect(self._filter_changed)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Who"), self.tr("What"), self.tr("Record"), self.tr("Fields")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status_label = QLabel()
        self.more_button = QPushButton(self.tr("Show more"))
        self.more_button.clicked.connect(self.show_more)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.entity_combo)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.more_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(buttons)
        self.reload()

    def _filter_changed(self) -> None:
        self.limit = PAGE
        self.reload()

    def show_more(self) -> None:
        self.limit += PAGE
        self.reload()

    def reload(self) -> None:
        from crm_desktop.services.audit import audit_log

        store, limit = self.ctx.store, self.limit
        entity = self.entity_combo.currentData()
        self.status_label.setText(self.tr("Loading…"))
        self.jobs.submit(
            lambda: audit_log(store, limit=limit, entity=entity), self._show, self._failed
        )

    def _show(self, entries: list[AuditEntry]) -> None:
        self.entries = entries
        names = entity_names()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            record = entry.label or entry.record_id
            cells = (
                entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                entry.user or entry.device_id or "",
                f"{names.get(entry.entity, entry.entity)}: {action_name(entry.action)}",
                record,
                ", ".join(entry.fields) if entry.fields else (entry.detail or ""),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setToolTip(entry.record_id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.more_button.setEnabled(len(entries) >= self.limit)
        self.status_label.setText(self.tr("{0} entries").format(len(entries)))

    def _failed(self, error: BaseException) -> None:
        self.status_label.setText(error_text(error))
