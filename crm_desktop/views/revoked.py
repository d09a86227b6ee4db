"""HQ revoked this device: say so plainly, and wipe the local data when HQ asked for it.

As ``crm-desktop sync`` does: without a wipe the account is forgotten and the
local data stays; with a wipe the store is closed, its files, key and token
are deleted (`crm_desktop.sync.account.wipe_local_data`) and the app closes.
The wipe happens before the dialog is acknowledged: a lost laptop left at the
dialog must not keep the data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import create_engine

from crm_desktop.errors import StoreError
from crm_desktop.views.context import AppContext

log = logging.getLogger(__name__)


def wipe_store(ctx: AppContext) -> int:
    """Close the store (after the worker's queued jobs) and delete it; the files removed.

    The store's engine is replaced by one that refuses to connect: a view asking
    for a page afterwards gets an error instead of re-creating an empty file.
    """
    from crm_desktop.sync.account import wipe_local_data

    store = ctx.store
    ctx.runner.wait_idle()
    store.close()

    def refuse() -> Any:
        raise StoreError("store.wiped", "This device's data was wiped at HQ's request.")

    store.engine = create_engine("sqlite://", creator=refuse)
    removed = wipe_local_data(store.data_dir, store.store_id)
    return len(removed)


def _quit_app(parent: QWidget | None) -> None:
    if parent is not None:
        parent.window().close()
    QCoreApplication.quit()


def handle_revoked(
    ctx: AppContext,
    controller: Any,
    error: Any,
    parent: QWidget | None = None,
    *,
    close_app: Callable[[], None] | None = None,
) -> QMessageBox:
    """Show the revoked dialog (non-blocking); wipe first when `error.wipe`. Returns the box."""
    controller.stop()
    if getattr(error, "wipe", False):
        try:
            removed = wipe_store(ctx)
        except OSError as exc:  # a file held open elsewhere: say so, do not pretend
            log.error("wipe failed", exc_info=exc)
            text = QCoreApplication.translate(
                "RevokedDialog",
                "HQ has revoked this device and asked for its local data to be removed, "
                "but the files could not all be deleted ({0}). Delete the folder {1} by hand.",
            ).format(exc, ctx.store.data_dir)
        else:
            text = QCoreApplication.translate(
                "RevokedDialog",
                "HQ has revoked this device and asked for its local data to be removed. "
                "The encrypted store on this computer was wiped ({0} files). "
                "crm-desktop will close now; ask HQ if you need access again.",
            ).format(removed)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("RevokedDialog", "Device revoked"),
            text,
            parent=parent,
        )
        box.setObjectName("revoked-dialog")
        quit_app = close_app or (lambda: _quit_app(parent))
        box.finished.connect(lambda _result: quit_app())
    else:
        controller.forget_revoked()
        text = QCoreApplication.translate(
            "RevokedDialog",
            "HQ has revoked this device's access, so it is signed out. Your data stays on "
            "this computer; changes not sent yet are kept. Ask HQ before signing in again.",
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("RevokedDialog", "Device revoked"),
            text,
            parent=parent,
        )
        box.setObjectName("revoked-dialog")
    detail = getattr(error, "message", "")
    if detail:
        box.setDetailedText(str(detail))
    box.open()
    return box
