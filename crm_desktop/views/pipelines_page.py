"""Settings → Pipelines: the user's sales pipelines (销售管道) and their stages (阶段).

Pipelines are listed on the left (create, rename, delete); the chosen one's
stages on the right, in board order: rename a stage in place, set its win
probability and "stale after N days", add, reorder and delete stages. A stage
that still holds deals is deleted only after the user picks the stage of the
same kind (open, won or lost) its deals move to.

Everything is written at once through `crm_desktop.services.pipelines` on the
store's worker (pipelines are shared data that syncs, not preferences); the
page, and the funnel board, re-read on `runner.changed`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services import pipelines
from crm_desktop.store.changes import ChangeSet
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import ErrorLabel
from crm_desktop.views.icons import icon
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

WATCHED = frozenset({"pipeline", "stage", "deal"})
NAME, PROBABILITY, STALE, KIND = range(4)


class PipelinesPage(QWidget):
    """Create, rename and delete pipelines; edit, reorder, add and delete their stages."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.jobs = Jobs(ctx.runner, self)
        self.pipelines: list[Any] = []
        self.stages: list[Any] = []
        self.counts: dict[str, int] = {}  # stage id -> deals in it
        self._pipeline_id: str | None = None
        self._filling = False
        self._build()
        ctx.runner.changed.connect(self._on_changed)
        self.reload()

    # -- layout -------------------------------------------------------------------
    def _build(self) -> None:
        self.pipeline_list = QListWidget()
        self.pipeline_list.setMaximumWidth(220)
        self.pipeline_list.currentRowChanged.connect(self._pipeline_row_changed)
        self.new_pipeline_button = QPushButton(icon("new"), self.tr("New…"))
        self.rename_pipeline_button = QPushButton(icon("edit"), self.tr("Rename…"))
        self.delete_pipeline_button = QPushButton(icon("delete"), self.tr("Delete"))
        self.new_pipeline_button.clicked.connect(self.new_pipeline)
        self.rename_pipeline_button.clicked.connect(self.rename_pipeline)
        self.delete_pipeline_button.clicked.connect(self.delete_pipeline)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Pipelines")))
        left.addWidget(self.pipeline_list, 1)
        for button in (
            self.new_pipeline_button,
            self.rename_pipeline_button,
            self.delete_pipeline_button,
        ):
            left.addWidget(button)

        self.stages_label = QLabel(self.tr("Stages"))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Stage"),
                self.tr("Win probability"),
                self.tr("Stale after"),
                self.tr("Kind"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_stage_button = QPushButton(icon("new"), self.tr("Add stage…"))
        self.up_button = QPushButton(icon("up"), self.tr("Move up"))
        self.down_button = QPushButton(icon("down"), self.tr("Move down"))
        self.delete_stage_button = QPushButton(icon("delete"), self.tr("Delete stage…"))
        self.add_stage_button.clicked.connect(self.add_stage)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.delete_stage_button.clicked.connect(self.delete_selected_stage)
        buttons = QHBoxLayout()
        for button in (
            self.add_stage_button,
            self.up_button,
            self.down_button,
            self.delete_stage_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel(
            self.tr(
                "Double-click a name to rename the stage. Win probability weights the "
                "board's totals; a deal is marked stale after the given days without "
                "activity, edit or move."
            ),
            wordWrap=True,
        )
        hint.setEnabled(False)  # secondary text
        self.error_label = ErrorLabel(self)
        right = QVBoxLayout()
        right.addWidget(self.stages_label)
        right.addWidget(self.table, 1)
        right.addLayout(buttons)
        right.addWidget(hint)
        right.addWidget(self.error_label)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)
        self._update_buttons()

    # -- questions (methods so tests can answer) ---------------------------------------
    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value.strip() if ok and value.strip() else None

    def confirm(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def ask_move_target(self, stage_name: str, count: int, choices: list[Any]) -> str | None:
        """Which stage the deals of a deleted stage go to; None: cancel the delete."""
        names = [c.name for c in choices]
        name, ok = QInputDialog.getItem(
            self,
            self.tr("Delete stage"),
            self.tr("Deals in “{0}”: {1}. Move them to:").format(stage_name, count),
            names,
            0,
            False,
        )
        if not ok or name not in names:
            return None
        return str(choices[names.index(name)].id)

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        store, wanted = self.ctx.store, self._pipeline_id

        def work() -> tuple[list[Any], str | None, list[Any], dict[str, int]]:
            found = pipelines.list_pipelines(store)
            ids = [p.id for p in found]
            chosen = wanted if wanted in ids else (ids[0] if ids else None)
            if chosen is None:
                return found, None, [], {}
            return (
                found,
                chosen,
                pipelines.list_stages(store, chosen),
                pipelines.stage_deal_counts(store, chosen),
            )

        self.jobs.submit(work, self._show, self.show_error)

    def _show(self, loaded: tuple[list[Any], str | None, list[Any], dict[str, int]]) -> None:
        found, chosen, stages, counts = loaded
        selected = self.selected_stage()  # before self.stages changes: the stage, not the row
        keep = selected.id if selected is not None else None
        same_rows = [s.id for s in stages] == [s.id for s in self.stages]
        self.pipelines, self._pipeline_id, self.stages, self.counts = found, chosen, stages, counts
        self._filling = True
        self.pipeline_list.blockSignals(True)
        self.pipeline_list.clear()
        for pipeline in found:
            item = QListWidgetItem(pipeline.name)
            item.setData(Qt.ItemDataRole.UserRole, pipeline.id)
            self.pipeline_list.addItem(item)
            if pipeline.id == chosen:
                self.pipeline_list.setCurrentItem(item)
        self.pipeline_list.blockSignals(False)
        if same_rows and self.table.rowCount() == len(stages):
            # Values only: the widgets stay, so a spin box being clicked keeps its focus.
            for row, stage in enumerate(stages):
                self._update_row(row, stage)
        else:
            self.table.setRowCount(len(stages))
            for row, stage in enumerate(stages):
                self._fill_row(row, stage)
        for row, stage in enumerate(stages):
            if stage.id == keep:
                self.table.selectRow(row)
        self._filling = False
        name = next((p.name for p in found if p.id == chosen), "")
        self.stages_label.setText(self.tr("Stages of “{0}”").format(name) if name else "")
        self._update_buttons()

    def _update_row(self, row: int, stage: Any) -> None:
        item = self.table.item(row, NAME)
        if item is not None and item.text() != stage.name:
            item.setText(stage.name)
        if item is not None:
            count = self.counts.get(stage.id, 0)
            item.setToolTip(self.tr("Deals in this stage: {0}").format(count))
        for column, value in ((PROBABILITY, stage.probability), (STALE, stage.stale_days)):
            spin = self.table.cellWidget(row, column)
            if isinstance(spin, QSpinBox) and spin.value() != int(value or 0):
                spin.blockSignals(True)
                spin.setValue(int(value or 0))
                spin.blockSignals(False)

    def _fill_row(self, row: int, stage: Any) -> None:
        name = QTableWidgetItem(stage.name)
        name.setData(Qt.ItemDataRole.UserRole, stage.id)
        count = self.counts.get(stage.id, 0)
        name.setToolTip(self.tr("Deals in this stage: {0}").format(count))
        self.table.setItem(row, NAME, name)
        probability = QSpinBox()
        probability.setRange(0, 100)
        probability.setSuffix(" %")
        probability.setValue(int(stage.probability))
        probability.setKeyboardTracking(False)
        probability.valueChanged.connect(
            lambda value, sid=stage.id: self._set_probability(sid, value)
        )
        self.table.setCellWidget(row, PROBABILITY, probability)
        stale = QSpinBox()
        stale.setRange(0, pipelines.MAX_STALE_DAYS)
        stale.setSpecialValueText(self.tr("Never"))
        stale.setSuffix(self.tr(" days"))
        stale.setValue(int(stage.stale_days or 0))
        stale.setKeyboardTracking(False)
        stale.valueChanged.connect(lambda value, sid=stage.id: self._set_stale(sid, value))
        self.table.setCellWidget(row, STALE, stale)
        kind = QTableWidgetItem(
            self.tr("Won")
            if stage.is_won
            else self.tr("Lost")
            if stage.is_lost
            else self.tr("Open")
        )
        kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, KIND, kind)

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.entities() & WATCHED:
            self.reload()

    def show_error(self, error: BaseException) -> None:
        self.error_label.show_error(error_text(error))

    # -- selection -----------------------------------------------------------------------
    def selected_pipeline_id(self) -> str | None:
        return self._pipeline_id

    def select_pipeline(self, pipeline_id: str) -> None:
        self._pipeline_id = pipeline_id
        self.reload()

    def selected_stage(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.stages):
            return None
        return self.stages[rows[0].row()]

    def select_stage(self, stage_id: str) -> None:
        row = next((i for i, s in enumerate(self.stages) if s.id == stage_id), -1)
        if row >= 0:
            self.table.selectRow(row)

    def _pipeline_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.pipelines) and self.pipelines[row].id != self._pipeline_id:
            self.select_pipeline(self.pipelines[row].id)

    def _update_buttons(self) -> None:
        has_pipeline = self._pipeline_id is not None
        stage = self.selected_stage()
        row = self.stages.index(stage) if stage is not None else -1
        self.rename_pipeline_button.setEnabled(has_pipeline)
        # The last pipeline stays: the board always has one to show.
        self.delete_pipeline_button.setEnabled(has_pipeline and len(self.pipelines) > 1)
        self.add_stage_button.setEnabled(has_pipeline)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < len(self.stages) - 1)
        self.delete_stage_button.setEnabled(stage is not None)

    # -- writes ---------------------------------------------------------------------------
    def _write(self, work: Any, done: Any = None) -> None:
        """Run a service call on the worker; a refusal is shown and the page re-read."""
        self.error_label.show_error("")

        def failed(error: BaseException) -> None:
            self.show_error(error)
            self.reload()

        self.jobs.submit(work, done, failed)

    def new_pipeline(self) -> None:
        name = self.ask_text(self.tr("New pipeline"), self.tr("Name of the new pipeline:"))
        if not name:
            return
        store = self.ctx.store
        stages = self.default_stages()

        def created(result: Any) -> None:
            self._pipeline_id = result.value
            self.reload()

        self._write(lambda: pipelines.create_pipeline(store, name, stages), created)

    def default_stages(self) -> list[dict[str, Any]]:
        """A new pipeline's stages: the default ones, in the language of the UI."""
        from crm_desktop.views.i18n import data_language

        zh = data_language() == "zh"
        return [
            {
                "name": s.name_zh if zh else s.name_en,
                "probability": s.probability,
                "stale_days": s.stale_days,
                "is_won": s.is_won,
                "is_lost": s.is_lost,
            }
            for s in pipelines.DEFAULT_STAGES
        ]

    def rename_pipeline(self) -> None:
        pipeline = next((p for p in self.pipelines if p.id == self._pipeline_id), None)
        if pipeline is None:
            return
        name = self.ask_text(self.tr("Rename pipeline"), self.tr("New name:"), pipeline.name)
        if name and name != pipeline.name:
            store = self.ctx.store
            self._write(lambda: pipelines.rename_pipeline(store, pipeline.id, name))

    def delete_pipeline(self) -> None:
        pipeline = next((p for p in self.pipelines if p.id == self._pipeline_id), None)
        if pipeline is None or len(self.pipelines) < 2:
            return
        question = self.tr("Delete the pipeline “{0}” and its stages?").format(pipeline.name)
        if self.confirm(self.tr("Delete pipeline"), question):
            store = self.ctx.store
            self._pipeline_id = None
            self._write(lambda: pipelines.delete_pipeline(store, pipeline.id))

    def add_stage(self) -> None:
        pipeline_id = self._pipeline_id
        if pipeline_id is None:
            return
        name = self.ask_text(self.tr("Add stage"), self.tr("Name of the new stage:"))
        if not name:
            return
        store = self.ctx.store
        self._write(lambda: pipelines.add_stage(store, pipeline_id, {"name": name}))

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != NAME or item.row() >= len(self.stages):
            return
        stage = self.stages[item.row()]
        name = item.text().strip()
        if name == stage.name:
            return
        store = self.ctx.store
        self._write(lambda: pipelines.rename_stage(store, stage.id, name))

    def _set_probability(self, stage_id: str, value: int) -> None:
        if not self._filling:
            store = self.ctx.store
            self._write(lambda: pipelines.set_stage_probability(store, stage_id, value))

    def _set_stale(self, stage_id: str, value: int) -> None:
        if not self._filling:
            store = self.ctx.store
            days = value or None  # 0 shows as "Never"
            self._write(lambda: pipelines.set_stage_stale_days(store, stage_id, days))

    def move_selected(self, step: int) -> None:
        stage = self.selected_stage()
        if stage is None or self._pipeline_id is None:
            return
        ids = [s.id for s in self.stages]
        row = ids.index(stage.id)
        other = row + step
        if not 0 <= other < len(ids):
            return
        ids[row], ids[other] = ids[other], ids[row]
        store, pipeline_id = self.ctx.store, self._pipeline_id
        self._write(lambda: pipelines.reorder_stages(store, pipeline_id, ids))

    def delete_selected_stage(self) -> None:
        stage = self.selected_stage()
        if stage is None:
            return
        count = self.counts.get(stage.id, 0)
        target: str | None = None
        if count:
            kind = (stage.is_won, stage.is_lost)
            choices = [s for s in self.stages if s.id != stage.id and (s.is_won, s.is_lost) == kind]
            if not choices:
                self.error_label.show_error(
                    self.tr(
                        "“{0}” holds deals and no other stage of its kind can take them: "
                        "add one first."
                    ).format(stage.name)
                )
                return
            target = self.ask_move_target(stage.name, count, choices)
            if target is None:
                return
        elif not self.confirm(
            self.tr("Delete stage"), self.tr("Delete the stage “{0}”?").format(stage.name)
        ):
            return
        store = self.ctx.store
        self._write(lambda: pipelines.delete_stage(store, stage.id, move_deals_to=target))
