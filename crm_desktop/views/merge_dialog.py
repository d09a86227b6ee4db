"""Merge two contacts, or two companies: pick each field that differs, see what moves, merge.

The plan (both records, default picks) is read on the worker; the merge
itself (`crm_desktop.services.merge`) runs there too, as a `MergeCommand` on
the app's undo stack. A merge keeps every activity, task, deal and tag of both
and syncs as a merge; Edit → Undo brings the merged-away record back (and
syncs that too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
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

from crm_desktop.services.merge import CONTACT, OTHER, SURVIVOR, MergeKind, MergePlan
from crm_desktop.store.engine import Store
from crm_desktop.views.context import AppContext
from crm_desktop.views.merge_commands import MergeCommand, merge_error_text, show_error_box
from crm_desktop.views.undo_commands import ErrorSink

ENTITIES = ("contact", "company")


def merge_kind(entity: str) -> MergeKind:
    """The `MergeKind` of "contact" or "company"."""
    if entity == "company":
        from crm_desktop.services.company_merge import COMPANY

        return COMPANY
    return CONTACT


@dataclass
class MergeData:
    plan: MergePlan
    company_names: dict[str, str]
    field_labels: dict[str, str]


def load_merge_data(
    store: Store, survivor_id: str, other_id: str, entity: str = "contact"
) -> MergeData:
    """Runs on the worker."""
    from crm_desktop.services.companies import company_names
    from crm_desktop.services.custom_fields import list_fields
    from crm_desktop.services.merge import plan_records

    kind = merge_kind(entity)
    plan = plan_records(store, kind, survivor_id, other_id)
    ids = [x for x in (plan.survivor.get("company_id"), plan.other.get("company_id")) if x]
    names = company_names(store, ids)
    labels = {f"cf:{f.id}": f.label for f in list_fields(store, kind.entity)}
    return MergeData(plan, names, labels)


class MergeDialog(QDialog):
    """Pick, per differing field, which record's value the merged record keeps.

    Args:
        entity: "contact" or "company".
        on_error: where failures of a later undo or redo of this merge are told
            (the dialog is gone by then); a message box if not given.
    """

    merged = Signal(object)  # MergeOutcome
    loaded = Signal()

    def __init__(
        self,
        ctx: AppContext,
        survivor_id: str,
        other_id: str,
        parent: QWidget | None = None,
        *,
        entity: str = "contact",
        on_error: ErrorSink | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.entity = entity if entity in ENTITIES else "contact"
        self.kind = merge_kind(self.entity)
        self._later_errors = on_error or show_error_box
        self.survivor_id, self.other_id = survivor_id, other_id
        self.data: MergeData | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.command: MergeCommand | None = None
        self.setWindowTitle(
            self.tr("Merge companies") if self.entity == "company" else self.tr("Merge contacts")
        )
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
        store, a, b, entity = self._ctx.store, self.survivor_id, self.other_id, self.entity
        self.merge_button.setEnabled(False)
        self._ctx.runner.submit(
            lambda: load_merge_data(store, a, b, entity), self._show, self._failed
        )

    def swap(self) -> None:
        """The other record survives instead (its id lives on)."""
        self.survivor_id, self.other_id = self.other_id, self.survivor_id
        self._load()

    def _failed(self, error: BaseException) -> None:
        self.error.setText(merge_error_text(error))
        self.merge_button.setEnabled(True)

    def _show(self, data: MergeData) -> None:
        self.data = data
        plan = data.plan
        self.intro.setText(self._intro().format(plan.other.get("name"), plan.survivor.get("name")))
        body = QWidget(self.scroll_area)
        grid = QGridLayout(body)
        grid.addWidget(QLabel(self.tr("Field"), body), 0, 0)
        if self.entity == "company":
            kept, away = self.tr("Kept company"), self.tr("Merged-away company")
        else:
            kept, away = self.tr("Kept contact"), self.tr("Merged-away contact")
        grid.addWidget(QLabel(kept, body), 0, 1)
        grid.addWidget(QLabel(away, body), 0, 2)
        self.groups = {}
        row = 1
        for name in plan.differing:
            if name in self.kind.united:
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

    def _intro(self) -> str:
        if self.entity == "company":
            return self.tr(
                "“{0}” is merged into “{1}”. Its contacts, deals, activities and tasks move to "
                "“{1}”; tags are combined. Choose the value to keep where they differ. "
                "Edit → Undo takes the merge back."
            )
        return self.tr(
            "“{0}” is merged into “{1}”. Every activity, task, deal and tag of both is kept; "
            "phones and emails are combined. Choose the value to keep where they differ. "
            "Edit → Undo takes the merge back."
        )

    def _label(self, name: str) -> str:
        assert self.data is not None
        labels = {
            "industry": self.tr("Industry"),
            "website": self.tr("Website"),
            "phone": self.tr("Phone"),
            "email": self.tr("Email"),
            "city": self.tr("City"),
            "country": self.tr("Country"),
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
        """Push the merge onto the undo stack (it runs on the worker at once)."""
        assert self.data is not None
        self.merge_button.setEnabled(False)
        self.error.setText("")
        plan = self.data.plan
        text = QCoreApplication.translate("MergeCommands", "Merge {0} into {1}").format(
            plan.other.get("name"), plan.survivor.get("name")
        )
        self.command = MergeCommand(
            self._ctx,
            self.kind,
            self.survivor_id,
            self.other_id,
            self.picks(),
            text=text,
            on_error=self._failed,
            on_merged=self._done,
        )
        self._ctx.undo_stack.push(self.command)

    def _done(self, outcome: Any) -> None:
        if self.command is not None:  # this dialog closes: later undo errors go elsewhere
            self.command.set_error_sink(self._later_errors)
        self.merged.emit(outcome)
        self.accept()


class MergeIntoDialog(QDialog):
    """ "Merge into…" on a company: pick (type-ahead) the company it is merged into.

    Accepting opens nothing itself: `target_id` is the picked company, which the
    caller hands to a `MergeDialog` as the survivor.
    """

    def __init__(
        self, ctx: AppContext, company_id: str, name: str, parent: QWidget | None = None
    ) -> None:
        from crm_desktop.views.company_picker import CompanyPicker

        super().__init__(parent)
        self.company_id = company_id
        self.target_id: str | None = None
        self.setWindowTitle(self.tr("Merge into…"))
        layout = QVBoxLayout(self)
        question = QLabel(
            self.tr("Merge “{0}” into which company? Type its name, pinyin or initials.").format(
                name
            ),
            self,
        )
        question.setWordWrap(True)
        layout.addWidget(question)
        self.picker = CompanyPicker(ctx, self)
        self.picker.set_placeholder(self.tr("Company to keep"))
        layout.addWidget(self.picker)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.next_button = buttons.addButton(
            self.tr("Next…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.next_button.setEnabled(False)
        self.next_button.clicked.connect(self._next)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.picker.company_changed.connect(self._picked)

    def _picked(self, company_id: str | None) -> None:
        same = company_id == self.company_id
        self.error.setText(self.tr("Pick another company.") if same else "")
        self.target_id = None if same else company_id
        self.next_button.setEnabled(self.target_id is not None)

    def _next(self) -> None:
        if self.target_id is not None:
            self.accept()
