"""Errors that carry intent: a stable code for views to translate, and an English message.

A `CrmError` is something a user can act on (wrong passphrase, invalid phone,
database from a newer version). Anything else escaping the core is a bug.
"""

from __future__ import annotations

from typing import Any


class CrmError(Exception):
    """A user-facing error with a machine-readable code.

    Attributes:
        code: stable identifier, e.g. ``"store.wrong_key"``; views map it to a
            translated text.
        message: English text for the CLI and logs.
        field: the input field at fault, when there is one.
        params: values the translated message may interpolate.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None, **params: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return self.message


class StoreError(CrmError):
    """The local store cannot be opened or written (key, version, disk)."""


class ValidationError(CrmError):
    """Input rejected before anything was written; `field` names the culprit."""

    def __init__(self, field: str, message: str, code: str = "validation.invalid", **params: Any):
        super().__init__(code, message, field=field, **params)


class NotFoundError(CrmError):
    """A record id that does not exist (or was deleted)."""

    def __init__(self, entity: str, record_id: str):
        super().__init__(
            "record.not_found", f"No {entity} with id {record_id}", entity=entity, id=record_id
        )


class ConflictingStateError(CrmError):
    """The operation contradicts the current state (e.g. delete a company with contacts)."""
