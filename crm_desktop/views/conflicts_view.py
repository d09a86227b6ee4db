"""Conflicts (冲突): fields changed here and elsewhere at once, and changes the server refused.

Each conflict shows the record, the field, the value before both edits
(base), mine and theirs, who made theirs and when. Keep mine / keep theirs
call `crm_desktop.services.conflicts.resolve_conflict` (an ordinary edit that
syncs, plus marking the conflict resolved) and then sync, so every device ends
with the same choice; Edit… keeps a third value typed here. Rejected changes
(no permission, invalid) are listed with the server's reason: nothing is
dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.conflicts import (
    ConflictView,
    RejectedView,
    list_conflicts,
    list_rejected,
    resolve_conflict,
)
from crm_desktop.store.engine import Store
from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import ErrorLabel
from crm_desktop.views.jobs import Jobs
from crm_desktop.views.messages import error_text

ID_ROLE = Qt.ItemDataRole.UserRole
EDITABLE_ENTITIES = ("contact", "company")
_CONTEXT = "ConflictsView"


ENTITY_NAMES = {
    "contact": QT_TRANSLATE_NOOP("ConflictsView", "Contact"),
    "company": QT_TRANSLATE_NOOP("ConflictsView", "Company"),
    "deal": QT_TRANSLATE_NOOP("ConflictsView", "Deal"),
    "activity": QT_TRANSLATE_NOOP("ConflictsView", "Activity"),
    "task": QT_TRANSLATE_NOOP("ConflictsView", "Task"),
    "tag": QT_TRANSLATE_NOOP("ConflictsView", "Tag"),
}


FIELD_NAMES = {
    "name": QT_TRANSLATE_NOOP("ConflictsView", "Name"),
    "title": QT_TRANSLATE_NOOP("ConflictsView", "Title"),
    "phone": QT_TRANSLATE_NOOP("ConflictsView", "Phone"),
    "email": QT_TRANSLATE_NOOP("ConflictsView", "Email"),
    "notes": QT_TRANSLATE_NOOP("ConflictsView", "Notes"),
    "owner": QT_TRANSLATE_NOOP("ConflictsView", "Owner"),
    "tags": QT_TRANSLATE_NOOP("ConflictsView", "Tags"),
    "company_id": QT_TRANSLATE_NOOP("ConflictsView", "Company"),
    "industry": QT_TRANSLATE_NOOP("ConflictsView", "Industry"),
    "city": QT_TRANSLATE_NOOP("ConflictsView", "City"),
    "website": QT_TRANSLATE_NOOP("ConflictsView", "Website"),
    "address": QT_TRANSLATE_NOOP("ConflictsView", "Address"),
    "stage_id": QT_TRANSLATE_NOOP("ConflictsView", "Stage"),
    "amount": QT_TRANSLATE_NOOP("ConflictsView", "Amount"),
    "due_at": QT_TRANSLATE_NOOP("ConflictsView", "Due"),
    "done": QT_TRANSLATE_NOOP("ConflictsView", "Done"),
}


def field_text(name: str | None) -> str:
    """A field's name as shown (custom fields by their key)."""
    if not name:
        return QCoreApplication.translate("ConflictsView", "(whole record)")
    if name.startswith("cf:"):
        return name[3:]
    known = FIELD_NAMES.get(name)
    return QCoreApplication.translate("ConflictsView", str(known)) if known else name


@dataclass
class Loaded:
    conflicts: list[ConflictView]
    rejected: list[RejectedView]
    names: dict[tuple[str, str], str]


# -- worker side -------------------------------------------------------------------------
def load(store: Store) -> Loaded:
    from crm_desktop.services.companies import company_rows
    from crm_desktop.services.queries import contact_rows

    conflicts = list_conflicts(store)
    rejected = list_rejected(store)
    wanted: dict[str, set[str]] = {}
    for entity, record_id in [(c.entity, c.record_id) for c in conflicts] + [
        (r.entity, r.record_id) for r in rejected
    ]:
        wanted.setdefault(entity, set()).add(record_id)
    names: dict[tuple[str, str], str] = {}
    if wanted.get("contact"):
        for row in contact_rows(store, sorted(wanted["contact"])):
            names[("contact", row.id)] = row.name
    if wanted.get("company"):
        for company in company_rows(store, sorted(wanted["company"])):
            names[("company", company.id)] = company.name
    return Loaded(conflicts, rejected, names)


def resolve_with_value(store: Store, conflict: ConflictView, value: str) -> Any:
    """Keep a value typed by the person: resolve (keeping theirs), then edit the field."""
    from crm_desktop.services.companies import update_company
    from crm_desktop.services.contacts import update_contact

    changes = resolve_conflict(store, conflict.id, "theirs")
    name = conflict.field_name or ""
    new = value if value != "" else None
    values, custom = ({}, {name[3:]: new}) if name.startswith("cf:") else ({name: new}, {})
    if conflict.entity == "contact":
        result = update_contact(store, conflict.record_id, values, custom)
    else:
        result = update_company(store, conflict.record_id, values, custom)
    for mine, theirs in (
        (changes.created, result.changes.created),
        (changes.updated, result.changes.updated),
        (changes.deleted, result.changes.deleted),
    ):
        for entity, ids in theirs.items():
            mine[entity].update(ids)
    return changes


# -- text ------------------------------------------------------------------------------------
def show_value(value: Any, kind: str = "field") -> str:
    if kind == "delete":
        return (
            QCoreApplication.translate("ConflictsView", "(deleted)")
            if value is None
            else QCoreApplication.translate("ConflictsView", "(the record, edited)")
        )
    if value is None or value == "":
        return QCoreApplication.translate("ConflictsView", "(empty)")
    if isinstance(value, bool):
        return (
            QCoreApplication.translate("ConflictsView", "yes")
            if value
            else QCoreApplication.translate("ConflictsView", "no")
        )
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value)
    return str(value)


def local_time(moment: Any) -> str:
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if not isinstance(moment, datetime):
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


class ConflictsView(QWidget):
    """The conflicts to review and the rejected changes; `count_changed(open conflicts)`."""

    count_changed = Signal(int)
    resolved = Signal(str)  # conflict id, after keeping a side (the app syncs then)
    open_record = Signal(str, str)  # entity, record id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._jobs = Jobs(ctx.runner, self)
        self._conflicts: dict[str, ConflictView] = {}
        self._loading = False
        self._reload_again = False
        self.edit_dialog: QInputDialog | None = None

        intro = QLabel(
            self.tr(
                "The same field was changed here and elsewhere before they synced. The "
                "server kept one value; choose which one stays. Your choice syncs to everyone."
            ),
            wordWrap=True,
        )
        self.table = QTreeWidget()
        self.table.setObjectName("conflicts")
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHeaderLabels(
            [
                self.tr("Record"),
                self.tr("Field"),
                self.tr("Before"),
                self.tr("Mine"),
                self.tr("Theirs"),
                self.tr("Changed by"),
                self.tr("When"),
            ]
        )
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.header().setStretchLastSection(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda *_: self._open_selected())
        self.empty_label = QLabel(self.tr("No conflicts to review."))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)
        self.keep_mine_button = QPushButton(self.tr("Keep mine"))
        self.keep_mine_button.clicked.connect(lambda: self.keep("mine"))
        self.keep_theirs_button = QPushButton(self.tr("Keep theirs"))
        self.keep_theirs_button.clicked.connect(lambda: self.keep("theirs"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Type the value to keep"))
        self.edit_button.clicked.connect(self.edit)
        self.error = ErrorLabel()
        buttons = QHBoxLayout()
        for button in (self.keep_mine_button, self.keep_theirs_button, self.edit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(intro)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.empty_label)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.error)

        self.rejected_table = QTreeWidget()
        self.rejected_table.setObjectName("rejected")
        self.rejected_table.setRootIsDecorated(False)
        self.rejected_table.setHeaderLabels(
            [self.tr("Record"), self.tr("Fields"), self.tr("Reason"), self.tr("When")]
        )
        self.rejected_box = QGroupBox(self.tr("Changes the server refused"))
        rejected_layout = QVBoxLayout(self.rejected_box)
        note = QLabel(
            self.tr(
                "These changes stay here but were not accepted by the server (for example, "
                "no permission for the record). Ask the record's owner or HQ."
            ),
            wordWrap=True,
        )
        note.setEnabled(False)
        rejected_layout.addWidget(note)
        rejected_layout.addWidget(self.rejected_table)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.rejected_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._later = QTimer(self, singleShot=True, interval=100)
        self._later.timeout.connect(self.reload)
        ctx.runner.changed.connect(self._on_changed)
        self._selection_changed()
        self.reload()

    # -- loading ---------------------------------------------------------------------
    def reload(self) -> None:
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        store = self.ctx.store
        self._jobs.submit(lambda: load(store), self._loaded, self._load_failed)

    def is_idle(self) -> bool:
        return not self._loading and not self._later.isActive()

    def _on_changed(self, _changes: Any) -> None:
        self._later.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._later.start()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        self.error.show_error(error_text(error))

    def _loaded(self, loaded: Loaded) -> None:
        self._loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
        selected = self.selected_id()
        self._conflicts = {c.id: c for c in loaded.conflicts}
        self.table.clear()
        for conflict in loaded.conflicts:
            item = QTreeWidgetItem(
                [
                    self._record_text(conflict.entity, conflict.record_id, loaded.names),
                    field_text(conflict.field_name),
                    show_value(conflict.base, conflict.kind if conflict.base else "field"),
                    show_value(conflict.mine, conflict.kind),
                    show_value(conflict.theirs, conflict.kind),
                    conflict.theirs_user or "?",
                    local_time(conflict.when),
                ]
            )
            item.setData(0, ID_ROLE, conflict.id)
            for column in (2, 3, 4):
                item.setToolTip(column, item.text(column))
            self.table.addTopLevelItem(item)
            if conflict.id == selected:
                item.setSelected(True)
        for column in range(self.table.columnCount()):
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
        first = self.table.topLevelItem(0)
        if first is not None and not self.table.selectedItems():
            first.setSelected(True)
        has = bool(loaded.conflicts)
        self.table.setVisible(has)
        self.empty_label.setVisible(not has)
        self.rejected_table.clear()
        for rejected in loaded.rejected:
            row = QTreeWidgetItem(
                [
                    self._record_text(rejected.entity, rejected.record_id, loaded.names),
                    ", ".join(field_text(f) for f in sorted(rejected.fields)),
                    rejected.reason or rejected.code,
                    local_time(rejected.at),
                ]
            )
            row.setToolTip(2, rejected.reason or rejected.code)
            self.rejected_table.addTopLevelItem(row)
        for column in range(self.rejected_table.columnCount()):
            self.rejected_table.resizeColumnToContents(column)
        self.rejected_box.setVisible(bool(loaded.rejected))
        self._selection_changed()
        self.count_changed.emit(len(loaded.conflicts))

    def _record_text(self, entity: str, record_id: str, names: dict[tuple[str, str], str]) -> str:
        kind = QCoreApplication.translate(_CONTEXT, str(ENTITY_NAMES.get(entity, entity)))
        name = names.get((entity, record_id)) or record_id[-8:]
        return f"{kind}: {name}"

    # -- choosing ----------------------------------------------------------------------
    def conflict_count(self) -> int:
        return len(self._conflicts)

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(0, ID_ROLE)) if items else None

    def select(self, conflict_id: str) -> None:
        for row in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(row)
            if item is not None:
                item.setSelected(item.data(0, ID_ROLE) == conflict_id)

    def _selected(self) -> ConflictView | None:
        conflict_id = self.selected_id()
        return self._conflicts.get(conflict_id) if conflict_id else None

    def _selection_changed(self) -> None:
        conflict = self._selected()
        for button in (self.keep_mine_button, self.keep_theirs_button):
            button.setEnabled(conflict is not None)
        self.edit_button.setEnabled(
            conflict is not None
            and conflict.kind == "field"
            and conflict.entity in EDITABLE_ENTITIES
            and all(isinstance(v, str | None) for v in (conflict.mine, conflict.theirs))
        )

    def keep(self, side: str) -> None:
        conflict = self._selected()
        if conflict is None:
            return
        store = self.ctx.store
        self._resolve(conflict.id, lambda: resolve_conflict(store, conflict.id, side))

    def edit(self) -> None:
        conflict = self._selected()
        if conflict is None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Resolve the conflict"))
        dialog.setLabelText(
            self.tr("The value of {0} to keep (mine: {1}; theirs: {2}):").format(
                field_text(conflict.field_name),
                show_value(conflict.mine),
                show_value(conflict.theirs),
            )
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(str(conflict.mine or ""))
        store = self.ctx.store

        def accepted() -> None:
            value = dialog.textValue()
            self._resolve(conflict.id, lambda: resolve_with_value(store, conflict, value))

        dialog.accepted.connect(accepted)
        self.edit_dialog = dialog
        dialog.open()

    def _resolve(self, conflict_id: str, work: Any) -> None:
        self.error.show_error("")
        for button in (self.keep_mine_button, self.keep_theirs_button, self.edit_button):
            button.setEnabled(False)

        def done(_changes: Any) -> None:
            self.resolved.emit(conflict_id)
            self._sync_after()
            self.reload()

        def failed(error: BaseException) -> None:
            self._selection_changed()
            self.error.show_error(error_text(error))

        self._jobs.submit(work, done, failed)

    def _sync_after(self) -> None:
        from crm_desktop.views.sync_controller import existing_controller

        controller = existing_controller(self.ctx)
        if controller is not None:
            controller.sync_now()

    def _open_selected(self) -> None:
        conflict = self._selected()
        if conflict is not None:
            self.open_record.emit(conflict.entity, conflict.record_id)
