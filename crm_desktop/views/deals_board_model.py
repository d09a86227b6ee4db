"""The funnel board's item layer: one list model per stage column, and the card delegate.

Cards are rows of a `QAbstractListModel` painted by `CardDelegate`, not widgets:
a column of 2,000 deals costs one list view, and only the visible cards are
painted. Dragging a card carries its deal id and stage as MIME data; a drop on
another column's model (`dropMimeData`) does not move rows itself but emits
`card_dropped`, and the board moves the deal (an undoable command), showing the
card in its new column at once.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from crm_desktop.services.deals import BoardCard, MoneyTotal

MIME_TYPE = "application/x-crm-deal"
ID_ROLE = Qt.ItemDataRole.UserRole
CARD_ROLE = Qt.ItemDataRole.UserRole + 1
CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$"}
OVERDUE_COLOR = QColor("#c62828")
STALE_COLOR = QColor("#b26a00")

_Index = QModelIndex | QPersistentModelIndex


def money_text(cents: int, currency: str | None) -> str:
    """An amount for a card or header: "¥12,500", "$1,200.50", "CHF 90"."""
    whole, part = divmod(abs(int(cents)), 100)
    number = f"{whole:,}" + (f".{part:02d}" if part else "")
    code = currency or ""
    sign = CURRENCY_SIGNS.get(code)
    return f"{sign}{number}" if sign else f"{code} {number}".strip()


def totals_text(totals: Sequence[MoneyTotal], weighted: bool = False) -> str:
    """Several currencies side by side, in whole units: "¥1,200 + $300" (never summed
    across currencies)."""
    if not totals:
        return "0"
    return " + ".join(
        money_text(_whole(t.weighted_cents if weighted else t.value_cents), t.currency)
        for t in totals
    )


def _whole(cents: int) -> int:
    return (int(cents) + 50) // 100 * 100


def card_totals(cards: Sequence[BoardCard], probability: int) -> list[MoneyTotal]:
    """Totals per currency of some cards (a column after a local move), as the service sums."""
    sums: dict[str, int] = {}
    for card in cards:
        sums[card.currency] = sums.get(card.currency, 0) + card.value_cents
    return [
        MoneyTotal(currency, cents, (cents * probability + 50) // 100)
        for currency, cents in sorted(sums.items())
    ]


def card_sort_key(card: BoardCard) -> tuple[Any, ...]:
    """The order of cards in a column (as the service sends them): soonest close first."""
    return (card.expected_close is None, card.expected_close or "", card.title, card.id)


class StageCardsModel(QAbstractListModel):
    """The open deals of one stage, in board order."""

    card_dropped = Signal(str, str, str)  # deal id, from stage id, to stage id

    def __init__(self, stage_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage_id = stage_id
        self.cards: list[BoardCard] = []

    # -- content -----------------------------------------------------------------------
    def set_cards(self, cards: list[BoardCard]) -> None:
        self.beginResetModel()
        self.cards = cards
        self.endResetModel()

    def row_of(self, deal_id: str) -> int:
        return next((i for i, c in enumerate(self.cards) if c.id == deal_id), -1)

    def take(self, deal_id: str) -> BoardCard | None:
        row = self.row_of(deal_id)
        if row < 0:
            return None
        self.beginRemoveRows(QModelIndex(), row, row)
        card = self.cards.pop(row)
        self.endRemoveRows()
        return card

    def put(self, card: BoardCard) -> int:
        """Insert a card where the board's order puts it; returns its row."""
        key = card_sort_key(card)
        row = next((i for i, c in enumerate(self.cards) if card_sort_key(c) > key), len(self.cards))
        self.beginInsertRows(QModelIndex(), row, row)
        self.cards.insert(row, card)
        self.endInsertRows()
        return row

    # -- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cards)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.cards):
            return None
        card = self.cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.title
        if role == ID_ROLE:
            return card.id
        if role == CARD_ROLE:
            return card
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(card)
        return None

    def _tooltip(self, card: BoardCard) -> str:
        lines = [card.title]
        if card.company_name:
            lines.append(card.company_name)
        if card.contact_name:
            lines.append(card.contact_name)
        if card.expected_close:
            lines.append(
                QCoreApplication.translate("DealsBoard", "Expected close: {0}").format(
                    card.expected_close.isoformat()
                )
            )
        if card.overdue:
            lines.append(
                QCoreApplication.translate("DealsBoard", "The expected close date has passed.")
            )
        if card.stale:
            lines.append(
                QCoreApplication.translate("DealsBoard", "No activity for a while: follow up.")
            )
        return "\n".join(lines)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = [i.row() for i in indexes if i.isValid() and i.row() < len(self.cards)]
        if rows:
            data.setData(MIME_TYPE, encode_card(self.cards[rows[0]].id, self.stage_id))
        return data

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        return data.hasFormat(MIME_TYPE)

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        decoded = decode_card(data)
        if decoded is None:
            return False
        deal_id, from_stage = decoded
        if from_stage != self.stage_id:
            self.card_dropped.emit(deal_id, from_stage, self.stage_id)
        # False: the source view must not remove the row; the board moves the card.
        return False


def encode_card(deal_id: str, stage_id: str) -> bytes:
    return json.dumps({"deal": deal_id, "stage": stage_id}).encode()


def decode_card(data: QMimeData) -> tuple[str, str] | None:
    """(deal id, stage id) from a dragged card's MIME data; None for anything else."""
    if not data.hasFormat(MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        return str(payload["deal"]), str(payload["stage"])
    except (ValueError, KeyError, TypeError):
        return None


class CardDelegate(QStyledItemDelegate):
    """Paints a deal card: title, company, value and owner, days in stage and marks.

    Each card is drawn once into a pixmap, kept while the card shows the same
    things at the same width: scrolling, a re-read after a move, or a drag
    repaint only blit them (the text of a card costs far more than its blit).
    """

    PADDING = 8
    MARGIN = 3
    CACHE_SIZE = 1_000  # cards; a few screens of every column

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cache: OrderedDict[tuple[Any, ...], QPixmap] = OrderedDict()
        self._fonts: tuple[Any, QFont, QFont, QFontMetrics, QFontMetrics] | None = None
        self._stale = QCoreApplication.translate("DealsBoard", "Stale")
        self._overdue = QCoreApplication.translate("DealsBoard", "Overdue")
        self._days = QCoreApplication.translate("DealsBoard", "{0} days in stage")
        self._one_day = QCoreApplication.translate("DealsBoard", "{0} day in stage")

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = option.fontMetrics.height()
        return QSize(220, 4 * line + 2 * self.PADDING + 2 * self.MARGIN + 6)

    def clear_cache(self) -> None:
        self._cache.clear()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        card = index.data(CARD_ROLE)
        if not isinstance(card, BoardCard):
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        key = (
            card.id,
            card.title,
            card.company_name,
            card.contact_name,
            card.owner,
            card.value_cents,
            card.currency,
            card.days_in_stage,
            card.stale,
            card.overdue,
            rect.width(),
            rect.height(),
            selected,
            ratio,
            option.palette.cacheKey(),
        )
        pixmap = self._cache.get(key)
        if pixmap is None:
            pixmap = QPixmap(rect.size() * ratio)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            target = QPainter(pixmap)
            self._draw(target, QRect(0, 0, rect.width(), rect.height()), option, card, selected)
            target.end()
            self._cache[key] = pixmap
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        painter.drawPixmap(rect.topLeft(), pixmap)

    def _font_set(self, font: QFont) -> tuple[Any, QFont, QFont, QFontMetrics, QFontMetrics]:
        if self._fonts is None or self._fonts[0] != font.key():
            bold = QFont(font)
            bold.setBold(True)
            self._fonts = (font.key(), QFont(font), bold, QFontMetrics(font), QFontMetrics(bold))
        return self._fonts

    def _draw(
        self,
        painter: QPainter,
        area: QRect,
        option: QStyleOptionViewItem,
        card: BoardCard,
        selected: bool,
    ) -> None:
        rect = area.adjusted(self.MARGIN, self.MARGIN, -self.MARGIN, -self.MARGIN)
        palette: QPalette = option.palette
        _key, font, bold, metrics, bold_metrics = self._font_set(option.font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Mid
        painter.setPen(palette.color(role))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 6, 6)
        if selected:
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 5, 5)
        if card.overdue or card.stale:  # a coloured edge on the left
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(OVERDUE_COLOR if card.overdue else STALE_COLOR)
            painter.drawRoundedRect(QRect(rect.left(), rect.top(), 5, rect.height()), 2, 2)
        inner = rect.adjusted(self.PADDING + 2, self.PADDING, -self.PADDING, -self.PADDING)
        left, width, line = inner.left(), inner.width(), metrics.height()
        text_color = palette.color(QPalette.ColorRole.Text)
        dim = palette.color(QPalette.ColorRole.PlaceholderText)
        elide = Qt.TextElideMode.ElideRight
        # Title (bold), then company (or contact)
        painter.setFont(bold)
        painter.setPen(text_color)
        y = inner.top()
        title = bold_metrics.elidedText(card.title, elide, width)
        painter.drawText(QRect(left, y, width, line), 0, title)
        painter.setFont(font)
        painter.setPen(dim)
        y += line
        company = card.company_name or card.contact_name or "—"
        painter.drawText(QRect(left, y, width, line), 0, metrics.elidedText(company, elide, width))
        # Value, and the owner on the right
        y += line
        painter.setPen(text_color)
        value = money_text(card.value_cents, card.currency)
        painter.drawText(QRect(left, y, width, line), 0, value)
        room = width - metrics.horizontalAdvance(value) - 12
        if card.owner and room > 20:
            painter.setPen(dim)
            owner = metrics.elidedText(card.owner, elide, room)
            painter.drawText(
                QRect(inner.right() - room, y, room, line), int(Qt.AlignmentFlag.AlignRight), owner
            )
        # The marks on the right, days in stage in the room left of them
        y += line
        x = inner.right()
        for flag, text, color in (
            (card.stale, self._stale, STALE_COLOR),
            (card.overdue, self._overdue, OVERDUE_COLOR),
        ):
            if not flag:
                continue
            badge_width = metrics.horizontalAdvance(text) + 10
            badge = QRect(x - badge_width, y, badge_width, line)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(badge, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)
            x -= badge_width + 4
        painter.setPen(dim)
        days = (self._one_day if card.days_in_stage == 1 else self._days).format(card.days_in_stage)
        room = x - left
        painter.drawText(QRect(left, y, room, line), 0, metrics.elidedText(days, elide, room))
