"""Merging two contacts or two companies as an undoable command on the app's QUndoStack.

Built on `undo_commands.ServiceCommand`: the first `redo()` is the merge itself,
queued on the store's worker; undo queues `merge.unmerge` with the outcome the
merge returned (the merged-away record comes back with its id, its records and
fields; the survivor's fields the merge wrote go back; the redirect is deleted,
which syncs); a later redo merges again with the same picks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from crm_desktop.errors import CrmError
from crm_desktop.services.merge import MergeKind, MergeOutcome, merge_records, unmerge
from crm_desktop.services.results import OpResult
from crm_desktop.views.context import AppContext
from crm_desktop.views.messages import error_text
from crm_desktop.views.undo_commands import ErrorSink, ServiceCommand

log = logging.getLogger(__name__)

Merged = Callable[[MergeOutcome], None]

_ERRORS: dict[str, str] = cast(
    dict[str, str],
    {
        "merge.survivor_gone": QT_TRANSLATE_NOOP(
            "MergeCommands",
            "The merge cannot be undone: the record it kept was deleted since.",
        ),
        "merge.merged_back": QT_TRANSLATE_NOOP(
            "MergeCommands",
            "The merge cannot be undone: the merged-away record exists again.",
        ),
        "merge.cycle": QT_TRANSLATE_NOOP(
            "MergeCommands", "These two were merged the other way round already."
        ),
        "merge.self": QT_TRANSLATE_NOOP("MergeCommands", "A record cannot be merged with itself."),
    },
)


def merge_error_text(error: BaseException) -> str:
    """The translated message for a merge's or an undone merge's error."""
    if isinstance(error, CrmError) and error.code in _ERRORS:
        return QCoreApplication.translate("MergeCommands", _ERRORS[error.code])
    return error_text(error)


class MergeCommand(ServiceCommand):
    """Merge `other_id` into `survivor_id` with `picks`; undo takes the merge back."""

    def __init__(
        self,
        ctx: AppContext,
        kind: MergeKind,
        survivor_id: str,
        other_id: str,
        picks: Mapping[str, Any] | None = None,
        *,
        text: str = "",
        on_error: ErrorSink | None = None,
        on_merged: Merged | None = None,
    ) -> None:
        super().__init__(ctx, text, on_error=on_error)
        self.kind = kind
        self.record_id = survivor_id
        self.other_id = other_id
        self.picks = dict(picks or {})
        self.outcome: MergeOutcome | None = None  # set on the worker by each merge
        self._on_merged = on_merged

    def set_error_sink(self, on_error: ErrorSink | None) -> None:
        """Where later failures (of an undo or a redo) are told, once the dialog is gone."""
        self._on_error = on_error

    def apply(self) -> OpResult[Any]:
        assert self.record_id is not None
        result = merge_records(
            self._ctx.store, self.kind, self.record_id, self.other_id, self.picks
        )
        self.outcome = result.value
        return result

    def revert(self) -> OpResult[Any]:
        assert self.outcome is not None
        return unmerge(self._ctx.store, self.outcome)

    def _redone(self, result: Any) -> None:
        if self._on_merged is not None:
            on_merged, self._on_merged = self._on_merged, None  # the first merge only
            on_merged(result.value)


def show_error_box(error: BaseException) -> None:
    """Tell a failed undo or redo of a merge whose dialog is closed: a message box over
    the active window (opened, not exec'd: nothing waits on it)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    log.warning("merge undo/redo failed: %s", error)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("MergeCommands", "Merge"),
        merge_error_text(error),
        QMessageBox.StandardButton.Ok,
        QApplication.activeWindow(),
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
