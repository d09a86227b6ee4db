"""Undoable edits of contacts and companies: QUndoCommands that call services on the worker.

`QUndoStack.push` calls `redo()` at once, so a command's first `redo()` is the
edit itself: it queues the service call on the runner and returns (the GUI
never waits). State a later undo needs (the new id, the old values, what a
delete removed) is recorded by the work function on the worker, so an undo
queued right behind its redo already sees it — the runner runs jobs in order.

Undo restores: create -> delete (remembering the deleted record), redo of a
create -> restore the same record (same id, so later commands still point at
it); edit -> update back to the old values the service returned; delete ->
`restore_contact` / `restore_company`.

If the first redo fails (e.g. the record was deleted by a sync meanwhile), the
command marks itself obsolete and is taken off the stack; every failure is
reported through `on_error`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from crm_desktop.services import companies, contacts
from crm_desktop.services.custom_fields import list_fields
from crm_desktop.services.results import OpResult
from crm_desktop.store.changeset import CUSTOM_PREFIX
from crm_desktop.views.context import AppContext

ErrorSink = Callable[[BaseException], None]
Done = Callable[[str], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("UndoCommands", text)


class ServiceCommand(QUndoCommand):
    """Base: runs `apply()` on redo and `revert()` on undo, on the store's worker."""

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        *,
        on_error: ErrorSink | None = None,
        on_done: Done | None = None,
    ) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._on_error = on_error
        self._on_done = on_done
        self._applied = False  # set on the worker: whether the store holds the edit
        self._ever_applied = False
        self.record_id: str | None = None

    # -- QUndoCommand ------------------------------------------------------------
    def redo(self) -> None:
        self._ctx.runner.submit(self._redo_work, self._redone, self._redo_failed)

    def undo(self) -> None:
        self._ctx.runner.submit(self._undo_work, None, self._report)

    # -- subclasses -----------------------------------------------------------------
    def apply(self) -> OpResult[Any]:
        raise NotImplementedError

    def revert(self) -> OpResult[Any]:
        raise NotImplementedError

    # -- on the worker ----------------------------------------------------------------
    def _redo_work(self) -> OpResult[Any]:
        result = self.apply()
        self._applied = self._ever_applied = True
        return result

    def _undo_work(self) -> OpResult[Any] | None:
        if not self._applied:  # the redo failed: nothing to take back
            return None
        result = self.revert()
        self._applied = False
        return result

    # -- back on the GUI thread ---------------------------------------------------------
    def _redone(self, _result: Any) -> None:
        if self._on_done is not None and self.record_id is not None:
            self._on_done(self.record_id)

    def _redo_failed(self, error: BaseException) -> None:
        if not self._ever_applied:
            self._drop()
        self._report(error)

    def _drop(self) -> None:
        """Take this never-applied command off the stack (if it is still on top)."""
        stack = self._ctx.undo_stack
        index = stack.index()
        if index > 0 and stack.command(index - 1) is self:
            self.setObsolete(True)
            stack.undo()  # an obsolete command is deleted after undo (its undo is a no-op)

    def _report(self, error: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(error)


# -- contacts ------------------------------------------------------------------------
class CreateContactCommand(ServiceCommand):
    def __init__(
        self,
        ctx: AppContext,
        values: Mapping[str, Any],
        custom: Mapping[str, Any] | None = None,
        *,
        company_name: str | None = None,
        on_error: ErrorSink | None = None,
        on_done: Done | None = None,
    ) -> None:
        name = str(values.get("name") or "")
        super().__init__(
            ctx, _tr("New contact {0}").format(name), on_error=on_error, on_done=on_done
        )
        self._values, self._custom = dict(values), dict(custom or {})
        self._company_name = company_name
        self._deleted: contacts.DeletedContact | None = None

    def apply(self) -> OpResult[Any]:
        if self._deleted is not None:  # redo after undo: the same record comes back
            return contacts.restore_contact(self._ctx.store, self._deleted)
        result = contacts.create_contact(
            self._ctx.store, self._values, self._custom, company_name=self._company_name
        )
        self.record_id = result.value
        return result

    def revert(self) -> OpResult[Any]:
        assert self.record_id is not None
        result = contacts.delete_contact(self._ctx.store, self.record_id)
        self._deleted = result.value
        return result


class EditContactCommand(ServiceCommand):
    def __init__(
        self,
        ctx: AppContext,
        contact_id: str,
        values: Mapping[str, Any],
        custom: Mapping[str, Any] | None = None,
        *,
        name: str = "",
        company_name: str | None = None,
        on_error: ErrorSink | None = None,
        on_done: Done | None = None,
    ) -> None:
        super().__init__(
            ctx, _tr("Edit contact {0}").format(name), on_error=on_error, on_done=on_done
        )
        self.record_id = contact_id
        self._values, self._custom = dict(values), dict(custom or {})
        self._company_name = company_name
        self._old: tuple[dict[str, Any], dict[str, Any]] | None = None

    def apply(self) -> OpResult[Any]:
        assert self.record_id is not None
        result = contacts.update_contact(
            self._ctx.store,
            self.record_id,
            self._values,
            self._custom,
            company_name=self._company_name,
        )
        if self._old is None:
            self._old = _split_custom(self._ctx, "contact", result.value)
        return result

    def revert(self) -> OpResult[Any]:
        assert self.record_id is not None and self._old is not None
        plain, custom = self._old
        return contacts.update_contact(self._ctx.store, self.record_id, plain, custom)


class DeleteContactCommand(ServiceCommand):
    def __init__(
        self,
        ctx: AppContext,
        contact_id: str,
        *,
        name: str = "",
        on_error: ErrorSink | None = None,
        on_done: Done | None = None,
    ) -> None:
        super().__init__(
            ctx, _tr("Delete contact {0}").format(name), on_error=on_error, on_done=on_done
        )
        self.record_id = contact_id
        self._deleted: contacts.DeletedContact | None = None

    def apply(self) -> OpResult[Any]:
        assert self.record_id is not None
        result = contacts.delete_contact(self._ctx.store, self.record_id)
        self._deleted = result.value
        return result

    def revert(self) -> OpResult[Any]:
        assert self._deleted is not None
        return contacts.restore_contact(self._ctx.store, self._deleted)


# -- companies -----------------------------------------------------------------------
class CreateCompanyCommand(ServiceCommand):
    def __init__(
        self,
        ctx: AppContext,
        values: Mapping[str, Any],
        custom: Mapping[str, Any] | None = None,
        *,
        on_error: ErrorSink | None = None,
        on_done: Done | None = None,
    ) -> None:
        name = str(values.get("name") or "")
        super().__init__(
            ctx, _tr("New company {0}").format(name), on_error=on_error, on_done=on_done
        )
        self._values, self._custom = dict(values), dict(custom or {})
        self._deleted: companies.DeletedCompany | None = None

    def apply(self) -> OpResult[Any]:
        if self._deleted is not None:
            return companies.restore_company(self._ctx.store, self._deleted)
        result = companies.create_company(self._ctx.store, self._values, self._custom)
        self.record_id = result.value
        return result

    def revert(self) -> OpResult[Any]:
        assert self.record_id is not None
        # Contacts may have been linked to it since: unlink rather than refuse the undo.
        result = companies.remove_company(self._ctx.store, self.record_id, detach=True)
        self._deleted = result.value
        return result


class EditCompanyCommand(ServiceCommand):
    def __init__(
        self,
        ctx: AppContext,
        company_id: str,
        values: Mapping[str, Any],
        custom: Mapping[str, Any] | None = None,
        *,
        name: str = "",
        on_error: ErrorSink | None = None,
        on_done: Done | None = None,
    ) -> None:
        super().__init__(
            ctx, _tr("Edit company {0}").format(name), on_error=on_error, on_done=on_done
        )
        self.record_id = company_id
        self._values, self._custom = dict(values), dict(custom or {})
        self._old: tuple[dict[str, Any], dict[str, Any]] | None = None

    def apply(self) -> OpResult[Any]:
        assert self.record_id is not None
        result = companies.update_company(
            self._ctx.store, self.record_id, self._values, self._custom
        )
        if self._old is None:
            self._old = _split_custom(self._ctx, "company", result.value)
        return result

    def revert(self) -> OpResult[Any]:
        assert self.record_id is not None and self._old is not None
        plain, custom = self._old
        return companies.update_company(self._ctx.store, self.record_id, plain, custom)


class DeleteCompanyCommand(ServiceCommand):
    def __init__(
        self,
        ctx: AppContext,
        company_id: str,
        *,
        name: str = "",
        detach: bool = False,
        on_error: ErrorSink | None = None,
        on_done: Done | None = None,
    ) -> None:
        super().__init__(
            ctx, _tr("Delete company {0}").format(name), on_error=on_error, on_done=on_done
        )
        self.record_id = company_id
        self._detach = detach
        self._deleted: companies.DeletedCompany | None = None

    def apply(self) -> OpResult[Any]:
        assert self.record_id is not None
        result = companies.remove_company(self._ctx.store, self.record_id, detach=self._detach)
        self._deleted = result.value
        return result

    def revert(self) -> OpResult[Any]:
        assert self._deleted is not None
        return companies.restore_company(self._ctx.store, self._deleted)


def _split_custom(
    ctx: AppContext, entity: str, old: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Old values as (plain fields, custom values by field key), as the update services
    take them. Runs on the worker."""
    plain = {k: v for k, v in old.items() if not k.startswith(CUSTOM_PREFIX)}
    raw = {k[len(CUSTOM_PREFIX) :]: v for k, v in old.items() if k.startswith(CUSTOM_PREFIX)}
    if not raw:
        return plain, {}
    keys = {f.id: f.key for f in list_fields(ctx.store, entity)}
    return plain, {keys[fid]: v for fid, v in raw.items() if fid in keys}
