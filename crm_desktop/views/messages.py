"""User-facing text for errors that carry a code (translated), and for bugs."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from crm_desktop.errors import CrmError

_CONTEXT = "Errors"


def error_text(error: BaseException) -> str:
    """The message to show for `error`: translated by code where we know it."""
    if isinstance(error, CrmError):
        known = _KNOWN.get(error.code)
        if known is not None:
            return QCoreApplication.translate(_CONTEXT, known)
        return error.message
    return QCoreApplication.translate(
        _CONTEXT, "Something went wrong: {0}. Your data is unchanged."
    ).format(error)


# The English sources of messages the GUI translates itself (marked for
# lupdate); others show the service's own message.
_KNOWN: dict[str, str] = cast(
    dict[str, str],
    {  # QT_TRANSLATE_NOOP is typed loosely
        "store.wrong_passphrase": QT_TRANSLATE_NOOP(
            "Errors", "Wrong passphrase. Nothing was changed; try again."
        ),
        "record.not_found": QT_TRANSLATE_NOOP(
            "Errors", "That record no longer exists (deleted here or by a sync)."
        ),
    },
)
