"""Merge two contacts: pick each field that differs, see what moves, merge.

The plan (both records, default picks) is read on the worker; the merge
itself (`crm_desktop.services.merge.merge_contacts`) runs there too. A merge
keeps every activity, task, deal and tag of both and syncs as a merge; it is
not on the undo stack (the merged-away record's id is retired everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.merge import OTHER, SURVIVOR, UNITED, MergePlan
from crm_desktop.store.engine import Store
from crm_desktop.views.context import AppContext


@dataclass
class MergeData:
    plan: MergePlan
    company_names: dict[str, str]
    field_labels: dict[str, str]


def load_merge_data(store: Store, survivor_id: str, other_id: str) -> MergeData:
    """Runs on the worker."""
    from crm_desktop.services.custom_fields import list_fields
    from crm_desktop.services.merge import plan_merge

    plan = plan_merge(store, survivor_id, other_id)
    ids = [x for x in (plan.survivor.get("company_id"), plan.other.get("company_id")) if x]
    names: dict[str, str] = {}
    if ids:
        with store.read() as conn:
            marks = ",".join("?" * len(ids))
            names = dict(
                conn.exec_driver_sql(
                    f"SELECT id, name FROM company WHERE id IN ({marks})", tuple(ids)
                ).all()
            )
    labels = {f"cf:{f.id}": f.label for f in list_fields(store, "contact")}
    return MergeData(plan, names, labels)


class MergeDialog(QDialog):
    """Pick, per differing field, which contact's value the merged contact keeps."""

    merged = Signal(object)  # MergeOutcome
    loaded = Signal()

    def __init__(
        self, ctx: AppContext, survivor_id: str, other_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.survivor_id, self.other_id = survivor_id, other_id
        self.data: MergeData | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.setWindowTitle(self.tr("Merge contacts"))
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self.tr("Loading…"), self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        layout.addWidget(self.scroll_area, 1)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.swap_button = QPushButton(self.tr("Keep the other one"), self)
        buttons.addButton(self.swap_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.swap_button.clicked.connect(self.swap)
        self.merge_button = buttons.addButton(
            self.tr("Merge"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._load()

    def _load(self) -> None:
        store, a, b = self._ctx.store, self.survivor_id, self.other_id
        self.merge_button.setEnabled(False)
        self._ctx.runner.submit(lambda: load_merge_data(store, a, b), self._show, self._failed)

    def swap(self) -> None:
        """The other contact survives instead (its id lives on)."""
        self.survivor_id, self.other_id = self.other_id, self.survivor_id
        self._load()

    def _failed(self, error: BaseException) -> None:
        self.error.setText(str(getattr(error, "message", error)))
        self.merge_button.setEnabled(True)

    def _show(self, data: MergeData) -> None:
        self.data = data
        plan = data.plan
        self.intro.setText(
            self.tr(
                "“{0}” is merged into “{1}”. Every activity, task, deal and tag of both is kept; "
                "phones and emails are combined. Choose the value to keep where they differ."
            ).format(plan.other.get("name"), plan.survivor.get("name"))
        )
        body = QWidget(self.scroll_area)
        grid = QGridLayout(body)
        grid.addWidget(QLabel(self.tr("Field"), body), 0, 0)
        grid.addWidget(QLabel(self.tr("Kept contact"), body), 0, 1)
        grid.addWidget(QLabel(self.tr("Merged-away contact"), body), 0, 2)
        self.groups = {}
        row = 1
        for name in plan.differing:
            if name in UNITED:
                shown = self._text(name, plan.defaults[name])
                grid.addWidget(QLabel(self._label(name), body), row, 0)
                grid.addWidget(QLabel(self.tr("Both: {0}").format(shown), body), row, 1, 1, 2)
                row += 1
                continue
            group = QButtonGroup(body)
            mine = QRadioButton(self._text(name, plan.survivor.get(name)), body)
            theirs = QRadioButton(self._text(name, plan.other.get(name)), body)
            group.addButton(mine, 0)
            group.addButton(theirs, 1)
            default_other = plan.defaults.get(name) == plan.other.get(name) and (
                plan.defaults.get(name) != plan.survivor.get(name)
            )
            (theirs if default_other else mine).setChecked(True)
            self.groups[name] = group
            grid.addWidget(QLabel(self._label(name), body), row, 0)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
            row += 1
        grid.setRowStretch(row, 1)
        self.scroll_area.setWidget(body)
        self.merge_button.setEnabled(True)
        self.loaded.emit()

    def _label(self, name: str) -> str:
        assert self.data is not None
        labels = {
            "name": self.tr("Name"),
            "company_id": self.tr("Company"),
            "title": self.tr("Title"),
            "phones": self.tr("Phones"),
            "emails": self.tr("Emails"),
            "address": self.tr("Address"),
            "birthday": self.tr("Birthday"),
            "source": self.tr("Source"),
            "grade": self.tr("Grade"),
            "tags": self.tr("Tags"),
            "owner": self.tr("Owner"),
            "notes": self.tr("Notes"),
            "consent_email": self.tr("May email"),
            "consent_call": self.tr("May call"),
            "consent_sms": self.tr("May text"),
        }
        return labels.get(name) or self.data.field_labels.get(name, name)

    def _text(self, name: str, value: Any) -> str:
        assert self.data is not None
        if value in (None, "", []):
            return self.tr("(empty)")
        if name == "company_id":
            return self.data.company_names.get(value, value)
        if name == "phones":
            return ", ".join(p.get("number", "") for p in value)
        if name == "emails":
            return ", ".join(e.get("address", "") for e in value)
        if name == "tags":
            return ", ".join(value)
        if isinstance(value, bool):
            return self.tr("yes") if value else self.tr("no")
        text = str(value)
        return text if len(text) <= 80 else text[:77] + "…"

    def picks(self) -> dict[str, str]:
        """Field -> "survivor" or "other", as chosen."""
        return {
            name: SURVIVOR if group.checkedId() == 0 else OTHER
            for name, group in self.groups.items()
        }

    def merge(self) -> None:
        from crm_desktop.services.merge import merge_contacts

        store, a, b, picks = self._ctx.store, self.survivor_id, self.other_id, self.picks()
        self.merge_button.setEnabled(False)
        self.error.setText("")
        self._ctx.runner.submit(
            lambda: merge_contacts(store, a, b, picks), self._done, self._failed
        )

    def _done(self, result: Any) -> None:
        self.merged.emit(result.value)
        self.accept()
