"""Records that mention an erased person, to review by hand.

Erasing a person leaves other records' text alone: a deal's notes or another
contact's notes may name them, quote their email or phone number, and only a
person can tell whether "张伟" there is the same 张伟 and what to cut.
`EraseDialog` lists those records before the erasure (`fill_mentions`) and
opens `ReviewMentionsDialog` after it: double-clicking a row opens the record
(an activity, task or consent: the record it belongs to) in the main window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from crm_desktop.services.mentions import Mention, Mentions


def entity_name(entity: str) -> str:
    names = {
        "contact": QCoreApplication.translate("MentionsDialog", "Contact"),
        "company": QCoreApplication.translate("MentionsDialog", "Company"),
        "deal": QCoreApplication.translate("MentionsDialog", "Deal"),
        "task": QCoreApplication.translate("MentionsDialog", "Task"),
        "activity": QCoreApplication.translate("MentionsDialog", "Activity"),
        "consent": QCoreApplication.translate("MentionsDialog", "Consent record"),
    }
    return names.get(entity, entity)


def field_name(field: str) -> str:
    if field.startswith("cf:"):
        return QCoreApplication.translate("MentionsDialog", "Custom field {0}").format(field[3:])
    names = {
        "name": QCoreApplication.translate("MentionsDialog", "Name"),
        "title": QCoreApplication.translate("MentionsDialog", "Title"),
        "subject": QCoreApplication.translate("MentionsDialog", "Subject"),
        "notes": QCoreApplication.translate("MentionsDialog", "Notes"),
        "emails": QCoreApplication.translate("MentionsDialog", "Emails"),
        "email": QCoreApplication.translate("MentionsDialog", "Email"),
        "phones": QCoreApplication.translate("MentionsDialog", "Phones"),
        "phone": QCoreApplication.translate("MentionsDialog", "Phone"),
        "lost_reason": QCoreApplication.translate("MentionsDialog", "Lost reason"),
        "source": QCoreApplication.translate("MentionsDialog", "How"),
    }
    return names.get(field, field)


def mentions_table(parent: QWidget | None = None) -> QTableWidget:
    """An empty read-only table for `fill_mentions`: record, name, field, text."""
    table = QTableWidget(0, 4, parent)
    table.setHorizontalHeaderLabels(
        [
            QCoreApplication.translate("MentionsDialog", "Record"),
            QCoreApplication.translate("MentionsDialog", "Name"),
            QCoreApplication.translate("MentionsDialog", "Field"),
            QCoreApplication.translate("MentionsDialog", "Text"),
        ]
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill_mentions(table: QTableWidget, mentions: Mentions) -> None:
    table.setRowCount(len(mentions))
    for row, mention in enumerate(mentions):
        cells = (
            entity_name(mention.entity),
            mention.label,
            field_name(mention.field),
            mention.snippet,
        )
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(mention.snippet)
            table.setItem(row, column, item)
    table.resizeColumnsToContents()


def mentions_heading(mentions: Mentions, name: str, *, erased: bool) -> str:
    """What the list is: before erasing, a warning; after, what to do."""
    if not mentions:
        return QCoreApplication.translate("MentionsDialog", "No other records mention {0}.").format(
            name
        )
    count = len(mentions)  # a plain name: lupdate drops a plural whose count is a call
    if erased:
        text = QCoreApplication.translate(
            "MentionsDialog",
            "%n field(s) of other records mention {0}. They were not changed: open each one "
            "(double-click) and remove what is about the erased person.",
            "",
            count,
        )
    else:
        text = QCoreApplication.translate(
            "MentionsDialog",
            "%n field(s) of other records mention {0}; they are not changed. Review them "
            "after erasing:",
            "",
            count,
        )
    if mentions.capped:
        text += " " + QCoreApplication.translate(
            "MentionsDialog", "Only the first ones are listed."
        )
    return text.format(name)


def open_in_main_window(widget: QWidget | None, target: tuple[str, str] | None) -> bool:
    """Show `target` (entity, id) in the main window `widget` belongs to; False if none can."""
    if widget is None or target is None:
        return False
    entity, record_id = target
    opener = getattr(widget.window(), f"open_{entity}", None)
    if entity not in ("contact", "company", "deal") or not callable(opener):
        return False
    opener(record_id)
    return True


class ReviewMentionsDialog(QDialog):
    """After an erasure: the records that mention the person; double-click opens one.

    Not modal, so that the main window stays usable while records are edited.
    """

    open_record = Signal(str, str)  # entity, id: the record to show

    def __init__(self, mentions: Mentions, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mentions = list(mentions)
        self.setWindowTitle(self.tr("Review mentions of {0}").format(name))
        self.resize(720, 420)
        heading = QLabel(mentions_heading(mentions, name, erased=True), wordWrap=True)
        self.table = mentions_table(self)
        fill_mentions(self.table, mentions)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_row(row))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton(
            self.tr("Open"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.open_record.connect(
            lambda entity, record_id: open_in_main_window(parent, (entity, record_id))
        )

    def open_row(self, row: int) -> None:
        mention = self.mention(row)
        if mention is not None and mention.target is not None:
            self.open_record.emit(*mention.target)

    def mention(self, row: int) -> Mention | None:
        return self.mentions[row] if 0 <= row < len(self.mentions) else None


def show_review(mentions: Mentions, name: str, parent: QWidget | None) -> ReviewMentionsDialog:
    dialog = ReviewMentionsDialog(mentions, name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
