"""A customer's timeline (calls, meetings, notes, tasks, deal moves), newest first.

Timelines are short (`services.activities.timeline` returns at most its
limit), so a plain list widget is the right tool here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

if TYPE_CHECKING:
    from crm_desktop.services.activities import TimelineItem

_CONTEXT = "Timeline"
KIND_NAMES = {
    "call": QT_TRANSLATE_NOOP("Timeline", "Call"),
    "meeting": QT_TRANSLATE_NOOP("Timeline", "Meeting"),
    "email": QT_TRANSLATE_NOOP("Timeline", "Email"),
    "visit": QT_TRANSLATE_NOOP("Timeline", "Visit"),
    "note": QT_TRANSLATE_NOOP("Timeline", "Note"),
    "task": QT_TRANSLATE_NOOP("Timeline", "Task"),
    "task_done": QT_TRANSLATE_NOOP("Timeline", "Task done"),
    "created": QT_TRANSLATE_NOOP("Timeline", "Deal created"),
    "moved": QT_TRANSLATE_NOOP("Timeline", "Deal moved"),
    "won": QT_TRANSLATE_NOOP("Timeline", "Deal won"),
    "lost": QT_TRANSLATE_NOOP("Timeline", "Deal lost"),
}
WORDS = {
    "inbound": QT_TRANSLATE_NOOP("Timeline", "inbound"),
    "outbound": QT_TRANSLATE_NOOP("Timeline", "outbound"),
    "connected": QT_TRANSLATE_NOOP("Timeline", "connected"),
    "no_answer": QT_TRANSLATE_NOOP("Timeline", "no answer"),
    "busy": QT_TRANSLATE_NOOP("Timeline", "busy"),
    "voicemail": QT_TRANSLATE_NOOP("Timeline", "voicemail"),
    "wrong_number": QT_TRANSLATE_NOOP("Timeline", "wrong number"),
}
ItemRole = Qt.ItemDataRole.UserRole + 1


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def describe(item: TimelineItem, who: str | None = None) -> str:
    """One line for a timeline entry: when, what, with whom, and its subject or notes."""
    when = item.at.astimezone().strftime("%Y-%m-%d %H:%M")
    kind = _tr(str(KIND_NAMES.get(item.kind, item.kind)))
    facts = [_tr(str(WORDS[w])) for w in (item.direction, item.outcome) if w and w in WORDS]
    if item.duration_s:
        minutes, seconds = divmod(int(item.duration_s), 60)
        facts.append(f"{minutes}:{seconds:02d}")
    if item.stage_name:
        facts.append(item.stage_name)
    head = f"{kind} ({', '.join(facts)})" if facts else kind
    text = " — ".join(t for t in (item.title, item.notes) if t)
    parts = [when, head, *([who] if who else []), *([text] if text else [])]
    return " · ".join(parts).replace("\n", " ")


class TimelineList(QListWidget):
    """Timeline entries; `item_activated(source, id)` on double-click/Enter."""

    item_activated = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.itemActivated.connect(self._activated)

    def set_items(
        self, items: Sequence[TimelineItem], names: Mapping[str, str] | None = None
    ) -> None:
        """Show `items` (newest first); `names` maps contact ids to names to show who."""
        self.clear()
        if not items:
            empty = QListWidgetItem(self.tr("No activities yet."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(empty)
            return
        for item in items:
            who = names.get(item.contact_id or "") if names else None
            entry = QListWidgetItem(describe(item, who))
            entry.setData(ItemRole, (item.source, item.id))
            if item.notes:
                entry.setToolTip(item.notes)
            self.addItem(entry)

    def _activated(self, entry: QListWidgetItem) -> None:
        data = entry.data(ItemRole)
        if data:
            self.item_activated.emit(*data)
