"""Duplicates in the GUI: the warning a new contact gets, and File → Find duplicates….

The scan (`crm_desktop.services.duplicates.find_duplicates` for contacts,
`find_company_duplicates` for companies) runs on the store's worker; the
dialog lists the pairs found and opens the merge dialog for the one selected
(an undoable merge).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.duplicates import DuplicateMatch, DuplicatePair
from crm_desktop.views.context import AppContext

SHOWN_MATCHES = 5


def reason_text(reason: str) -> str:
    texts = {
        "email": QCoreApplication.translate("Duplicates", "same email"),
        "phone": QCoreApplication.translate("Duplicates", "same phone"),
        "name+company": QCoreApplication.translate(
            "Duplicates", "similar name at the same company"
        ),
        "company_name": QCoreApplication.translate(
            "Duplicates", "same name (legal suffix ignored)"
        ),
    }
    return texts.get(reason, reason)


def reasons_text(reasons: list[str]) -> str:
    return QCoreApplication.translate("Duplicates", ", ").join(reason_text(r) for r in reasons)


class DuplicateWarning(QFrame):
    """A banner in the contact editor: the contacts the new one may duplicate."""

    save_anyway = Signal()
    open_existing = Signal(str)

    def __init__(self, matches: list[DuplicateMatch], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicateWarning")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("This contact may already exist:"), self)
        title.setStyleSheet("font-weight: bold")
        layout.addWidget(title)
        self.open_buttons: list[QPushButton] = []
        for match in matches[:SHOWN_MATCHES]:
            row = QHBoxLayout()
            who = match.name + (f" ({match.company})" if match.company else "")
            label = QLabel(f"{who} — {reasons_text(match.reasons)}", self)
            label.setWordWrap(True)
            row.addWidget(label, 1)
            button = QPushButton(self.tr("Open"), self)
            button.clicked.connect(lambda _=False, ref=match.ref: self.open_existing.emit(ref))
            row.addWidget(button)
            self.open_buttons.append(button)
            layout.addLayout(row)
        self.save_button = QPushButton(self.tr("Save anyway"), self)
        self.save_button.clicked.connect(self.save_anyway)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)


def show_duplicate_warning(
    editor: QDialog, matches: list[DuplicateMatch], proceed: Callable[[], None]
) -> DuplicateWarning:
    """Put a `DuplicateWarning` at the top of `editor` (replacing an older one).

    "Save anyway" calls `proceed`; "Open" closes the editor and shows that contact
    (through the main window's ``open_contact``).
    """
    old = editor.findChild(DuplicateWarning)
    if old is not None:
        old.setParent(None)
        old.deleteLater()
    banner = DuplicateWarning(matches, editor)
    banner.save_anyway.connect(proceed)

    def open_existing(contact_id: str) -> None:
        parent = editor.parentWidget()
        window = parent.window() if parent is not None else None
        editor.reject()
        opener = getattr(window, "open_contact", None)
        if opener is not None:
            opener(contact_id)

    banner.open_existing.connect(open_existing)
    layout = editor.layout()
    if isinstance(layout, QVBoxLayout):
        layout.insertWidget(0, banner)
    banner.save_button.setFocus()
    return banner


class DuplicatesDialog(QDialog):
    """File → Find duplicates…: every likely duplicate pair of contacts or of companies,
    merge the selected one.

    Args:
        entity: what to scan first, "contact" or "company" (the box at the top switches).
    """

    scanned = Signal(object)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, entity: str = "contact"
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.pairs: list[DuplicatePair] = []
        self.setWindowTitle(self.tr("Find duplicates"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.entity_box = QComboBox(self)
        self.entity_box.addItem(self.tr("Contacts"), "contact")
        self.entity_box.addItem(self.tr("Companies"), "company")
        self.entity_box.setCurrentIndex(1 if entity == "company" else 0)
        self.status = QLabel(self.tr("Looking for duplicates…"), self)
        top.addWidget(self.entity_box)
        top.addWidget(self.status, 1)
        layout.addLayout(top)
        self.table = QTableWidget(0, 3, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.merge_selected())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.merge_button = buttons.addButton(
            self.tr("Merge…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge_selected)
        self.rescan_button = buttons.addButton(
            self.tr("Scan again"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.rescan_button.clicked.connect(self.scan)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.merge_dialog: QDialog | None = None
        self.entity_box.currentIndexChanged.connect(lambda _index: self.scan())
        self.scan()

    @property
    def entity(self) -> str:
        """What the list holds: "contact" or "company"."""
        return str(self.entity_box.currentData())

    def scan(self) -> None:
        """Run the scan on the store's worker (never on the GUI thread)."""
        from crm_desktop.services.duplicates import find_company_duplicates, find_duplicates

        self.rescan_button.setEnabled(False)
        self.entity_box.setEnabled(False)
        self.status.setText(self.tr("Looking for duplicates…"))
        first = self.tr("Company") if self.entity == "company" else self.tr("Contact")
        self.table.setHorizontalHeaderLabels([first, self.tr("Possible duplicate"), self.tr("Why")])
        self.pairs = []
        self._fill()
        store = self._ctx.store
        scan = find_company_duplicates if self.entity == "company" else find_duplicates
        self._ctx.runner.submit(lambda: scan(store), self._show, self._failed)

    def _show(self, result: Any) -> None:
        self.rescan_button.setEnabled(True)
        self.entity_box.setEnabled(True)
        self.pairs = list(result.pairs)
        self._fill()
        if self.entity == "company":
            text = self.tr("{0} possible duplicates among {1} companies.")
            total = result.companies
        else:
            text = self.tr("{0} possible duplicates among {1} contacts.")
            total = result.contacts
        self.status.setText(text.format(len(self.pairs), total))
        self.scanned.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.rescan_button.setEnabled(True)
        self.entity_box.setEnabled(True)
        self.status.setText(self.tr("The scan failed: {0}").format(error))

    def _fill(self) -> None:
        self.table.setRowCount(len(self.pairs))
        for row, pair in enumerate(self.pairs):
            for column, text in enumerate((pair.a_name, pair.b_name, reasons_text(pair.reasons))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row)
                self.table.setItem(row, column, item)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.merge_button.setEnabled(self.selected_pair() is not None)

    def selected_pair(self) -> DuplicatePair | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.pairs[rows[0].row()]

    def merge_selected(self) -> None:
        pair = self.selected_pair()
        if pair is None:
            return
        from crm_desktop.views.merge_dialog import MergeDialog

        dialog = MergeDialog(self._ctx, pair.a, pair.b, self, entity=self.entity)
        dialog.merged.connect(self._merged)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.merge_dialog = dialog
        dialog.open()

    def _merged(self, outcome: Any) -> None:
        """Pairs that held the merged-away contact are gone (the survivor may pair anew)."""
        gone = outcome.merged_id
        self.pairs = [p for p in self.pairs if gone not in (p.a, p.b)]
        self._fill()
        self.status.setText(
            self.tr("Merged. {0} possible duplicates left.").format(len(self.pairs))
        )
