"""The deals section: the funnel board (看板) of one pipeline.

One column per open stage, each a `QListView` over a `StageCardsModel` whose
cards a delegate paints (2,000 deals are 2,000 rows, not widgets); below them
the Won and Lost areas to drop a card on. The board is read in one service
call (`deal_board`) on the runner and re-read whenever `runner.changed`
names deals, stages, pipelines or what a card shows.

Every change is an undoable command on `ctx.undo_stack` (`deal_commands`):
the card moves at once and the write follows on the worker; the re-read
afterwards puts the board in step with the store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.deals import (
    Board,
    BoardCard,
    BoardColumn,
    BoardFilter,
    ClosedSummary,
    close_period,
    deal_board,
)
from crm_desktop.services.pipelines import ensure_default_pipeline
from crm_desktop.store.changes import ChangeSet
from crm_desktop.views.context import AppContext
from crm_desktop.views.deal_commands import (
    CloseDealCommand,
    CreateDealCommand,
    EditDealCommand,
    MoveDealCommand,
)
from crm_desktop.views.deal_editor import DealEditor, DealEdits, load_deal_editor_data
from crm_desktop.views.deals_board_model import (
    CARD_ROLE,
    CardDelegate,
    StageCardsModel,
    card_totals,
    decode_card,
    totals_text,
)
from crm_desktop.views.form_fields import ErrorLabel
from crm_desktop.views.i18n import data_language
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

SEARCH_DEBOUNCE_MS = 200
RELOAD_DEBOUNCE_MS = 30
COLUMN_WIDTH = 270
PIPELINE_SETTING = "deals/pipeline"
# What a card or a header shows comes from these tables.
WATCHED = frozenset(
    {"deal", "stage", "pipeline", "company", "contact", "activity", "deal_stage_history"}
)


class CardList(QListView):
    """A column's cards: drag to another column or area; drop here to move a card in."""

    def __init__(self, model: StageCardsModel, delegate: CardDelegate, parent: QWidget) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(delegate)
        self.setUniformItemSizes(True)  # no per-row size pass over thousands of cards
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def cards_model(self) -> StageCardsModel:
        model = self.model()
        assert isinstance(model, StageCardsModel)
        return model


class StageColumn(QFrame):
    """A stage: its name, count, total and weighted value, and its cards."""

    def __init__(self, column: BoardColumn, delegate: CardDelegate, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("stage-column")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(COLUMN_WIDTH)
        self.stage_id = column.stage_id
        self.probability = column.probability
        self.model = StageCardsModel(column.stage_id, self)
        self.title_label = QLabel(self)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.totals_label = QLabel(self)
        self.totals_label.setWordWrap(True)
        self.list = CardList(self.model, delegate, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.list, 1)
        self.update_column(column)

    def update_column(self, column: BoardColumn) -> None:
        self.probability = column.probability
        self.name = column.name
        self.model.set_cards(column.cards)
        self.update_header()

    def update_header(self) -> None:
        """Count, total and probability-weighted value of the cards shown."""
        cards = self.model.cards
        totals = card_totals(cards, self.probability)
        self.title_label.setText(self.tr("{0} · {1}").format(self.name, len(cards)))
        self.totals_label.setText(
            self.tr("Total {0}\nWeighted ({1}%) {2}").format(
                totals_text(totals), self.probability, totals_text(totals, weighted=True)
            )
        )


class CloseArea(QFrame):
    """The Won (or Lost) area: drop a card on it to close the deal."""

    dropped = Signal(str, str)  # deal id, from stage id

    def __init__(self, won: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.won = won
        self.setObjectName("won-area" if won else "lost-area")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(56)
        color = "#2e7d32" if won else "#c62828"
        self._style = (
            f"QFrame#{self.objectName()} {{ border: 2px dashed {color}; border-radius: 6px; }}"
        )
        self._hover = (
            f"QFrame#{self.objectName()} {{ border: 2px solid {color}; border-radius: 6px; "
            f"background: {color}22; }}"
        )
        self.setStyleSheet(self._style)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.set_summary(ClosedSummary(None, None))

    def set_summary(self, summary: ClosedSummary) -> None:
        name = summary.name or (self.tr("Won") if self.won else self.tr("Lost"))
        hint = self.tr("drop a deal here")
        self.label.setText(
            self.tr("{0} · {1} — {2}  ({3})").format(
                name, summary.count, totals_text(summary.totals), hint
            )
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if decode_card(event.mimeData()) is not None:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self.setStyleSheet(self._hover)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if decode_card(event.mimeData()) is not None:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()

    def dragLeaveEvent(self, event: Any) -> None:
        self.setStyleSheet(self._style)

    def dropEvent(self, event: QDropEvent) -> None:
        self.setStyleSheet(self._style)
        decoded = decode_card(event.mimeData())
        if decoded is None:
            event.ignore()
            return
        # CopyAction: the source view must not remove the row; the board does.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.dropped.emit(*decoded)


class DealsBoardView(QWidget):
    """The funnel board: pipeline chooser, filters, stage columns, Won/Lost areas.

    Signals:
        loaded(): a (re)load of the board was shown (tests, benchmarks).
    """

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self._delegate = CardDelegate(self)
        self._columns: list[StageColumn] = []
        self._board: Board | None = None
        self._load_seq = 0
        self._shown_seq = 0
        self._selected: str | None = None  # the deal id kept selected across reloads
        self._pipeline_id: str | None = self._saved_pipeline()
        self.editor: DealEditor | None = None
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DEBOUNCE_MS)
        self._build()
        self.reload()  # the worker reads while the rest of the widget is set up
        self._add_actions()
        self._connect()

    # -- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        column = QVBoxLayout(self)
        column.addLayout(self._toolbar())
        self.error_label = ErrorLabel(self)
        column.addWidget(self.error_label)
        self.columns_host = QWidget()
        self.columns_layout = QHBoxLayout(self.columns_host)
        self.columns_layout.setContentsMargins(0, 0, 0, 0)
        self.columns_layout.setSpacing(8)
        self.columns_layout.addStretch(1)
        self.board_scroll = QScrollArea(self)
        self.board_scroll.setWidgetResizable(True)
        self.board_scroll.setWidget(self.columns_host)
        self.board_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.addWidget(self.board_scroll, 1)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        column.addWidget(self.empty_label)
        areas = QHBoxLayout()
        self.won_area = CloseArea(True, self)
        self.lost_area = CloseArea(False, self)
        areas.addWidget(self.won_area, 1)
        areas.addWidget(self.lost_area, 1)
        column.addLayout(areas)

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.pipeline_combo = QComboBox(self)
        self.pipeline_combo.setToolTip(self.tr("Pipeline"))
        self.pipeline_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search deals: title, company, contact…"))
        self.search_edit.setClearButtonEnabled(True)
        self.owner_combo = QComboBox(self)
        self.owner_combo.addItem(self.tr("All owners"), None)
        self.period_combo = QComboBox(self)
        self.period_combo.setToolTip(self.tr("Expected close"))
        for value, text in (
            (None, self.tr("Any close date")),
            ("overdue", self.tr("Overdue")),
            ("this_week", self.tr("Closing this week")),
            ("this_month", self.tr("Closing this month")),
            ("next_month", self.tr("Closing next month")),
            ("this_quarter", self.tr("Closing this quarter")),
            ("this_year", self.tr("Closing this year")),
            ("no_date", self.tr("No close date")),
        ):
            self.period_combo.addItem(text, value)
        self.count_label = QLabel(self)
        self.new_button = QPushButton(self.tr("New deal"), self)
        bar.addWidget(self.pipeline_combo)
        bar.addWidget(self.search_edit, 2)
        bar.addWidget(self.owner_combo, 1)
        bar.addWidget(self.period_combo, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.new_button)
        return bar

    def _add_actions(self) -> None:
        # Ctrl+N, Ctrl+F, F5 and Ctrl+Z are the main window's (it calls new_record,
        # focus_search, refresh; undo is ctx.undo_stack's).
        self.left_action = QAction(self.tr("Move to the previous stage"), self)
        self.left_action.setShortcut(QKeySequence("Ctrl+Left"))
        self.left_action.triggered.connect(lambda: self.move_selected(-1))
        self.right_action = QAction(self.tr("Move to the next stage"), self)
        self.right_action.setShortcut(QKeySequence("Ctrl+Right"))
        self.right_action.triggered.connect(lambda: self.move_selected(1))
        self.edit_action = QAction(self.tr("Edit deal…"), self)
        self.edit_action.setShortcuts(
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)]
        )
        self.edit_action.triggered.connect(lambda: self.edit_record())
        self.won_action = QAction(self.tr("Mark as won"), self)
        self.won_action.triggered.connect(lambda: self._close_selected(True))
        self.lost_action = QAction(self.tr("Mark as lost…"), self)
        self.lost_action.triggered.connect(lambda: self._close_selected(False))
        for action in (self.left_action, self.right_action, self.edit_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.columns_host.addAction(action)

    def _connect(self) -> None:
        self._search_timer.timeout.connect(self.reload)
        self._reload_timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.reload)
        self.owner_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.period_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.pipeline_combo.activated.connect(self._pipeline_chosen)
        self.new_button.clicked.connect(self.new_record)
        self.won_area.dropped.connect(lambda deal, stage: self.close_deal(deal, stage, True))
        self.lost_area.dropped.connect(lambda deal, stage: self.close_deal(deal, stage, False))
        self._ctx.runner.changed.connect(self._on_changed)

    # -- public (the main window's commands) ------------------------------------------------
    def new_record(self) -> None:
        """Ctrl+N: a new deal in the pipeline shown (in the selected card's stage, if any)."""
        self._open_editor(None)

    def refresh(self) -> None:
        """F5: read the board again."""
        self.reload()

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def pipeline_id(self) -> str | None:
        """The pipeline shown (or about to be: set_pipeline before the re-read arrives)."""
        return self._pipeline_id

    def set_pipeline(self, pipeline_id: str) -> None:
        self._pipeline_id = pipeline_id
        self._ctx.settings.setValue(PIPELINE_SETTING, pipeline_id)
        self.reload()

    def columns(self) -> list[StageColumn]:
        return list(self._columns)

    def column(self, stage_id: str) -> StageColumn | None:
        return next((c for c in self._columns if c.stage_id == stage_id), None)

    def selected_card(self) -> tuple[StageColumn, BoardCard] | None:
        for column in self._columns:
            index = column.list.currentIndex()
            if index.isValid() and column.list.selectionModel().isSelected(index):
                card = index.data(CARD_ROLE)
                if isinstance(card, BoardCard) and card.id == self._selected:
                    return column, card
        for column in self._columns:  # the kept selection, wherever it is now
            row = column.model.row_of(self._selected or "")
            if row >= 0:
                return column, column.model.cards[row]
        return None

    def select_deal(self, deal_id: str) -> bool:
        """Select a deal's card (and give its column the focus)."""
        for column in self._columns:
            row = column.model.row_of(deal_id)
            if row >= 0:
                self._selected = deal_id
                index = column.model.index(row, 0)
                column.list.setCurrentIndex(index)
                column.list.selectionModel().select(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
                column.list.scrollTo(index)
                column.list.setFocus(Qt.FocusReason.OtherFocusReason)
                self._clear_other_selections(column)
                return True
        return False

    def filters(self) -> BoardFilter:
        period = close_period(self.period_combo.currentData(), date.today())
        return BoardFilter(
            owner=self.owner_combo.currentData(),
            close_from=period.close_from,
            close_to=period.close_to,
            no_close_date=period.no_close_date,
            text=self.search_edit.text().strip() or None,
        )

    # -- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the board on the worker; a newer read supersedes an older one."""
        self._search_timer.stop()
        self._reload_timer.stop()
        self._load_seq += 1
        seq, store = self._load_seq, self._ctx.store
        pipeline_id, filters, language = self.pipeline_id(), self.filters(), data_language()

        def work() -> Board:
            board = deal_board(store, pipeline_id, filters)
            if board.pipeline_id is None and not board.pipelines:
                # A store made outside the app (CLI, import): give it the default pipeline.
                ensure_default_pipeline(store, language)
                board = deal_board(store, pipeline_id, filters)
            return board

        self._jobs.submit(
            work, lambda board: self._show(seq, board), lambda error: self._failed(seq, error)
        )

    def loading(self) -> bool:
        """Whether a read of the board is on its way (tests, benchmarks)."""
        return self._shown_seq != self._load_seq or self._reload_timer.isActive()

    def _failed(self, seq: int, error: BaseException) -> None:
        if seq == self._load_seq:
            self._shown_seq = seq
        self.show_error(error)

    def _show(self, seq: int, board: Board) -> None:
        if seq != self._load_seq:
            return  # a newer read is on its way
        self._shown_seq = seq
        self._board = board
        self._pipeline_id = board.pipeline_id
        self._fill_pipelines(board)
        self._fill_owners(board.owners)
        wanted = [c.stage_id for c in board.columns]
        if wanted != [c.stage_id for c in self._columns]:
            self._rebuild_columns(board.columns)
        else:
            for widget, column in zip(self._columns, board.columns, strict=True):
                widget.update_column(column)
        self.won_area.set_summary(board.won)
        self.lost_area.set_summary(board.lost)
        self._show_count()
        self.empty_label.setVisible(not board.columns)
        self.empty_label.setText(
            self.tr("This pipeline has no open stages. Add stages in Settings → Pipelines.")
        )
        if self._selected:
            self._reselect(self._selected)
        self.loaded.emit()

    def _rebuild_columns(self, columns: list[BoardColumn]) -> None:
        for widget in self._columns:
            self.columns_layout.removeWidget(widget)
            widget.deleteLater()
        self._columns = []
        for index, column in enumerate(columns):
            widget = StageColumn(column, self._delegate, self.columns_host)
            widget.model.card_dropped.connect(self.move_deal)
            widget.list.doubleClicked.connect(lambda idx: self.edit_record(idx.data(CARD_ROLE).id))
            widget.list.clicked.connect(self._card_clicked)
            widget.list.customContextMenuRequested.connect(
                lambda pos, w=widget: self._card_menu(w, pos)
            )
            widget.list.selectionModel().currentChanged.connect(
                lambda current, _prev, w=widget: self._current_changed(w, current)
            )
            self.columns_layout.insertWidget(index, widget)
            self._columns.append(widget)

    def _reselect(self, deal_id: str) -> None:
        for column in self._columns:
            row = column.model.row_of(deal_id)
            if row >= 0:
                index = column.model.index(row, 0)
                column.list.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
                return

    def _fill_pipelines(self, board: Board) -> None:
        combo = self.pipeline_combo
        combo.blockSignals(True)
        combo.clear()
        for pipeline_id, name in board.pipelines:
            combo.addItem(name, pipeline_id)
        combo.setCurrentIndex(max(combo.findData(board.pipeline_id), 0))
        combo.setVisible(len(board.pipelines) > 0)
        combo.blockSignals(False)

    def _fill_owners(self, owners: list[str]) -> None:
        combo = self.owner_combo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("All owners"), None)
        for owner in owners:
            combo.addItem(owner, owner)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        combo.blockSignals(False)

    def _show_count(self) -> None:
        count = sum(len(c.model.cards) for c in self._columns)
        self.count_label.setText(self.tr("Open deals: {0}").format(count))

    def _pipeline_chosen(self, index: int) -> None:
        pipeline_id = self.pipeline_combo.itemData(index)
        if pipeline_id and pipeline_id != self.pipeline_id():
            self._selected = None
            self.set_pipeline(pipeline_id)

    def _saved_pipeline(self) -> str | None:
        value = self._ctx.settings.value(PIPELINE_SETTING)
        return str(value) if value else None

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.entities() & WATCHED:
            self._reload_timer.start()

    # -- selection ----------------------------------------------------------------------------
    def _card_clicked(self, index: Any) -> None:
        card = index.data(CARD_ROLE)
        if isinstance(card, BoardCard):
            self._selected = card.id

    def _current_changed(self, column: StageColumn, current: Any) -> None:
        card = current.data(CARD_ROLE) if current.isValid() else None
        if isinstance(card, BoardCard):
            self._selected = card.id
            self._clear_other_selections(column)

    def _clear_other_selections(self, keep: StageColumn) -> None:
        for column in self._columns:
            if column is not keep:
                column.list.selectionModel().clearSelection()

    # -- moves ----------------------------------------------------------------------------------
    def move_selected(self, step: int) -> None:
        """Ctrl+Left/Right: move the selected card one open stage back or on."""
        found = self.selected_card()
        if found is None:
            return
        column, card = found
        position = self._columns.index(column) + step
        if 0 <= position < len(self._columns):
            self.move_deal(card.id, column.stage_id, self._columns[position].stage_id)

    def move_deal(self, deal_id: str, from_stage: str, to_stage: str) -> None:
        """Move a deal to another open stage: the card moves now, the store on the worker."""
        source, target = self.column(from_stage), self.column(to_stage)
        if source is None or target is None or source is target:
            return
        card = source.model.take(deal_id)
        if card is None:
            return
        card.stage_id = to_stage
        target.model.put(card)
        source.update_header()
        target.update_header()
        self._selected = deal_id
        self.select_deal(deal_id)
        self.error_label.show_error("")
        self._ctx.undo_stack.push(
            MoveDealCommand(
                self._ctx,
                deal_id,
                from_stage,
                to_stage,
                title=card.title,
                stage_name=target.name,
                on_error=self._command_failed,
            )
        )

    def close_deal(self, deal_id: str, from_stage: str, won: bool) -> None:
        """Mark a deal won, or lost (asking why); the card leaves the board."""
        source = self.column(from_stage)
        card = None
        if source is not None:
            row = source.model.row_of(deal_id)
            card = source.model.cards[row] if row >= 0 else None
        if card is None:
            return
        reason = None
        if not won:
            reason = self.ask_lost_reason(card.title)
            if not reason:
                return  # cancelled: the deal stays open
        assert source is not None
        source.model.take(deal_id)
        source.update_header()
        self._show_count()
        self.error_label.show_error("")
        self._ctx.undo_stack.push(
            CloseDealCommand(
                self._ctx,
                deal_id,
                from_stage,
                won=won,
                reason=reason,
                title=card.title,
                on_error=self._command_failed,
            )
        )

    def ask_lost_reason(self, title: str) -> str | None:
        """Ask why the deal was lost (a method so tests can answer); None: cancelled."""
        text, ok = QInputDialog.getText(
            self,
            self.tr("Deal lost"),
            self.tr("Why was “{0}” lost?").format(title),
        )
        return text.strip() if ok and text.strip() else None

    def _close_selected(self, won: bool) -> None:
        found = self.selected_card()
        if found is not None:
            column, card = found
            self.close_deal(card.id, column.stage_id, won)

    def _command_failed(self, error: BaseException) -> None:
        self.show_error(error)
        self.reload()  # the card went back where the store has it

    def show_error(self, error: BaseException) -> None:
        self.error_label.show_error(error_text(error))

    def _card_menu(self, column: StageColumn, pos: QPoint) -> None:
        index = column.list.indexAt(pos)
        card = index.data(CARD_ROLE) if index.isValid() else None
        if not isinstance(card, BoardCard):
            return
        self.select_deal(card.id)
        self.card_menu(column, card).popup(column.list.viewport().mapToGlobal(pos))

    def card_menu(self, column: StageColumn, card: BoardCard) -> QMenu:
        """A card's menu: edit, move to any open stage, won, lost."""
        menu = QMenu(self)
        menu.addAction(self.edit_action)
        move = menu.addMenu(self.tr("Move to"))
        for other in self._columns:
            action = move.addAction(other.name)
            action.setEnabled(other is not column)
            action.triggered.connect(
                lambda _checked=False, to=other.stage_id: self.move_deal(
                    card.id, column.stage_id, to
                )
            )
        menu.addSeparator()
        menu.addAction(self.won_action)
        menu.addAction(self.lost_action)
        return menu

    # -- editing ----------------------------------------------------------------------------
    def edit_record(self, deal_id: str | None = None) -> None:
        """Open the editor on a deal (default: the selected card)."""
        if deal_id is None:
            found = self.selected_card()
            deal_id = found[1].id if found else None
        if deal_id:
            self._open_editor(deal_id)

    def _open_editor(self, deal_id: str | None) -> None:
        store, pipeline_id = self._ctx.store, self.pipeline_id()
        found = self.selected_card() if deal_id is None else None
        stage_id = found[0].stage_id if found else None
        self._jobs.submit(
            lambda: load_deal_editor_data(store, deal_id, pipeline_id),
            lambda data: self._show_editor(data, stage_id),
            self.show_error,
        )

    def _show_editor(self, data: Any, stage_id: str | None) -> None:
        if self.editor is not None:
            self.editor.deleteLater()
        self.editor = DealEditor(self._ctx, data, self)
        if stage_id and data.detail is None:
            self.editor.set_stage(stage_id)
        self.editor.saved.connect(lambda edits, ed=self.editor: self._save(ed, edits))
        self.editor.open()

    def _save(self, editor: DealEditor, edits: DealEdits) -> None:
        self.error_label.show_error("")
        command: Any
        if editor.deal_id is None:
            command = CreateDealCommand(
                self._ctx,
                edits.values,
                edits.custom,
                on_error=self.show_error,
                on_done=self._created,
            )
        else:
            command = EditDealCommand(
                self._ctx,
                editor.deal_id,
                edits.values,
                edits.custom,
                title=editor.title_edit.text(),
                on_error=self._command_failed,
            )
        self._ctx.undo_stack.push(command)

    def _created(self, deal_id: str) -> None:
        self._selected = deal_id  # selected once the re-read shows it
