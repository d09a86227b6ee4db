"""Environment errors from SQLite (disk full, read-only, locked) told apart from bugs."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from crm_desktop.errors import StoreError

_ENVIRONMENT_ERRORS = (
    (
        "database or disk is full",
        "store.disk_full",
        "The disk is full: the change was not saved, and nothing already saved is lost.",
    ),
    (
        "readonly database",
        "store.read_only",
        "The store is read-only here: the change was not saved.",
    ),
    ("database is locked", "store.busy", "The store is busy in another process; try again."),
    (
        "disk i/o error",
        "store.io_error",
        "The disk reported an I/O error: the change was not saved.",
    ),
    ("not a database", "store.corrupt", "The store file is damaged or not a crm-desktop store."),
    ("malformed", "store.corrupt", "The store file is damaged."),
    (
        "unable to open database file",
        "store.cannot_open",
        "The store file cannot be opened: check that its folder exists and is writable.",
    ),
    ("access permission denied", "store.cannot_open", "Access to the store file was denied."),
)


def raise_store_error(exc: DBAPIError) -> None:
    """Raise a `StoreError` for errors caused by the environment; return for bugs."""
    text = str(exc.orig).lower()
    for needle, code, message in _ENVIRONMENT_ERRORS:
        if needle in text:
            raise StoreError(code, message, detail=str(exc.orig)) from exc
