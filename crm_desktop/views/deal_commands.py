"""Undoable deal edits for the funnel board: moves, win/lose, create, edit.

Built on `undo_commands.ServiceCommand`: the first `redo()` is the edit itself,
queued on the store's worker; undo queues the way back. A move's undo is
another stage move (so the stage history records both); a win/lose is undone
by reopening the deal into the stage it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from crm_desktop.services import deals
from crm_desktop.services.custom_fields import list_fields
from crm_desktop.services.results import OpResult
from crm_desktop.store.changes import CUSTOM_PREFIX
from crm_desktop.views.context import AppContext
from crm_desktop.views.undo_commands import Done, ErrorSink, ServiceCommand


class MoveDealCommand(ServiceCommand):
    """Move a deal to another stage (drag and drop, Ctrl+Left/Right); undo moves it back."""

    def __init__(
        self,
        ctx: AppContext,
        deal_id: str,
        from_stage_id: str,
        to_stage_id: str,
        *,
        title: str = "",
        stage_name: str = "",
        on_error: ErrorSink | None = None,
    ) -> None:
        super().__init__(
            ctx,
            QCoreApplication.translate("DealCommands", "Move {0} to {1}").format(title, stage_name),
            on_error=on_error,
        )
        self.record_id = deal_id
        self.from_stage_id, self.to_stage_id = from_stage_id, to_stage_id

    def apply(self) -> OpResult[Any]:
        assert self.record_id is not None
        return deals.move_deal(self._ctx.store, self.record_id, self.to_stage_id)

    def revert(self) -> OpResult[Any]:
        assert self.record_id is not None
        return deals.move_deal(self._ctx.store, self.record_id, self.from_stage_id)


class CloseDealCommand(ServiceCommand):
    """Mark a deal won, or lost with a reason; undo reopens it in the stage it left."""

    def __init__(
        self,
        ctx: AppContext,
        deal_id: str,
        from_stage_id: str,
        *,
        won: bool,
        reason: str | None = None,
        title: str = "",
        on_error: ErrorSink | None = None,
    ) -> None:
        text = (
            QCoreApplication.translate("DealCommands", "Mark {0} won")
            if won
            else QCoreApplication.translate("DealCommands", "Mark {0} lost")
        )
        super().__init__(ctx, text.format(title), on_error=on_error)
        self.record_id = deal_id
        self.from_stage_id = from_stage_id
        self.won, self.reason = won, reason

    def apply(self) -> OpResult[Any]:
        assert self.record_id is not None
        if self.won:
            return deals.win_deal(self._ctx.store, self.record_id)
        return deals.lose_deal(self._ctx.store, self.record_id, self.reason or "")

    def revert(self) -> OpResult[Any]:
        assert self.record_id is not None
        return deals.reopen_deal(self._ctx.store, self.record_id, self.from_stage_id)


class CreateDealCommand(ServiceCommand):
    """Create a deal; undo deletes it, redo brings it back under the same id."""

    def __init__(
        self,
        ctx: AppContext,
        values: Mapping[str, Any],
        custom: Mapping[str, Any] | None = None,
        *,
        on_error: ErrorSink | None = None,
        on_done: Done | None = None,
    ) -> None:
        title = str(values.get("title") or "")
        super().__init__(
            ctx,
            QCoreApplication.translate("DealCommands", "New deal {0}").format(title),
            on_error=on_error,
            on_done=on_done,
        )
        self._values, self._custom = dict(values), dict(custom or {})

    def apply(self) -> OpResult[Any]:
        result = deals.create_deal(
            self._ctx.store, self._values, self._custom, deal_id=self.record_id
        )
        self.record_id = result.value
        return result

    def revert(self) -> OpResult[Any]:
        assert self.record_id is not None
        return deals.delete_deal(self._ctx.store, self.record_id)


class EditDealCommand(ServiceCommand):
    """Edit a deal's fields (a changed stage is a recorded move); undo restores the old values."""

    def __init__(
        self,
        ctx: AppContext,
        deal_id: str,
        values: Mapping[str, Any],
        custom: Mapping[str, Any] | None = None,
        *,
        title: str = "",
        on_error: ErrorSink | None = None,
    ) -> None:
        super().__init__(
            ctx,
            QCoreApplication.translate("DealCommands", "Edit deal {0}").format(title),
            on_error=on_error,
        )
        self.record_id = deal_id
        self._values, self._custom = dict(values), dict(custom or {})
        self._old: tuple[dict[str, Any], dict[str, Any]] | None = None

    def apply(self) -> OpResult[Any]:
        assert self.record_id is not None
        result = deals.update_deal(self._ctx.store, self.record_id, self._values, self._custom)
        if self._old is None:
            self._old = self._split(result.value)
        return result

    def revert(self) -> OpResult[Any]:
        assert self.record_id is not None and self._old is not None
        old, custom = self._old
        # Status, close time and stage entry follow from the stage moved back to.
        values = {
            k: v
            for k, v in old.items()
            if k in deals.EDITABLE_FIELDS and k not in deals.MOVE_FIELDS
        }
        if old.get("stage_id"):
            values["stage_id"] = old["stage_id"]
        if old.get("lost_reason"):
            values["lost_reason"] = old["lost_reason"]
        return deals.update_deal(self._ctx.store, self.record_id, values, custom)

    def _split(self, old: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        plain = {k: v for k, v in old.items() if not k.startswith(CUSTOM_PREFIX)}
        raw = {k[len(CUSTOM_PREFIX) :]: v for k, v in old.items() if k.startswith(CUSTOM_PREFIX)}
        if raw:
            keys = {f.id: f.key for f in list_fields(self._ctx.store, "deal")}
            return plain, {keys[fid]: v for fid, v in raw.items() if fid in keys}
        return plain, {}
