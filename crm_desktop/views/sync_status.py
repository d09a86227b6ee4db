"""The sync part of the status bar: state in words, progress, pending changes, conflicts.

"Offline", "Syncing… (pulled 1,200)", "Synced 3 min ago", or the error in
words (its detail in the tooltip); then how many changes wait to be sent, and
a button with the number of conflicts that opens the Conflicts view.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from crm_desktop.views.icons import icon
from crm_desktop.views.sync_controller import (
    ERROR,
    OFFLINE,
    SIGNED_OUT,
    SYNCING,
    SyncController,
    SyncStatus,
    controller_for,
)

ERROR_STYLE = "color: #c62828;"
OFFLINE_STYLE = "color: #8a6d00;"
MAX_MESSAGE = 70  # characters of an error shown in the status bar


def ago_text(widget: QWidget, moment: datetime | None, now: datetime | None = None) -> str:
    """ "Synced just now / N min ago / N h ago / on DATE" (translated via `widget.tr`)."""
    if moment is None:
        return QCoreApplication.translate("SyncStatusWidget", "Not synced yet")
    now = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 1:
        return QCoreApplication.translate("SyncStatusWidget", "Synced just now")
    if minutes < 60:
        return QCoreApplication.translate("SyncStatusWidget", "Synced %n min ago", "", minutes)
    if minutes < 48 * 60:
        return QCoreApplication.translate("SyncStatusWidget", "Synced %n h ago", "", minutes // 60)
    return QCoreApplication.translate("SyncStatusWidget", "Synced on {0}").format(
        moment.astimezone().strftime("%Y-%m-%d %H:%M")
    )


class SyncStatusWidget(QWidget):
    """Shows a `SyncStatus`; `conflicts_clicked` when the conflicts button is pressed."""

    conflicts_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync-status")
        self.status = SyncStatus()
        self.icon_label = QLabel()
        self.icon_label.setPixmap(icon("sync").pixmap(16, 16))
        self.state_label = QLabel()
        self.state_label.setObjectName("sync-state")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.pending_label = QLabel()
        self.pending_label.setObjectName("sync-pending")
        self.conflicts_button = QToolButton()
        self.conflicts_button.setObjectName("sync-conflicts")
        self.conflicts_button.setIcon(icon("warning"))
        self.conflicts_button.setAutoRaise(True)
        self.conflicts_button.setToolButtonStyle(
            self.conflicts_button.toolButtonStyle().ToolButtonTextBesideIcon
        )
        self.conflicts_button.clicked.connect(self.conflicts_clicked)
        self.conflicts_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for widget in (
            self.icon_label,
            self.state_label,
            self.progress,
            self.pending_label,
            self.conflicts_button,
        ):
            layout.addWidget(widget)
        self._tick = QTimer(self, interval=30_000)  # "N min ago" moves on
        self._tick.timeout.connect(lambda: self.show_status(self.status))
        self._tick.start()
        self.show_status(self.status)

    def state_text(self) -> str:
        return self.state_label.text()

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        text, style, tooltip = self._state(status)
        self.state_label.setText(text)
        self.state_label.setStyleSheet(style)
        self.state_label.setToolTip(tooltip)
        self.icon_label.setToolTip(tooltip)
        syncing = status.state == SYNCING
        self.progress.setVisible(syncing)
        if syncing:
            if status.total:
                self.progress.setRange(0, max(status.total, 1))
                self.progress.setValue(min(status.done, status.total))
            else:
                self.progress.setRange(0, 0)  # busy: the total is not known while pulling
        pending = status.pending if status.state != SIGNED_OUT else 0
        self.pending_label.setText(self.tr("%n change(s) to send", "", pending) if pending else "")
        self.pending_label.setVisible(bool(pending))
        problems = status.conflicts + status.rejected
        self.conflicts_button.setVisible(bool(problems))
        if status.conflicts:
            self.conflicts_button.setText(self.tr("%n conflict(s)", "", status.conflicts))
        elif status.rejected:
            self.conflicts_button.setText(self.tr("%n rejected", "", status.rejected))

    def _state(self, status: SyncStatus) -> tuple[str, str, str]:
        where = self.tr("{0} on {1}").format(status.user, status.server) if status.server else ""
        if status.state == SIGNED_OUT:
            return self.tr("Sync: not signed in"), "", self.tr("Sign in in Settings → Account.")
        if status.state == SYNCING:
            if status.phase == "push" and status.total:
                text = self.tr("Syncing… sent {0} of {1}").format(
                    f"{status.done:,}", f"{status.total:,}"
                )
            elif status.phase in ("pull", "resync") and status.done:
                text = self.tr("Syncing… received {0}").format(f"{status.done:,}")
            else:
                text = self.tr("Syncing…")
            return text, "", where
        if status.state == OFFLINE:
            tip = "\n".join(t for t in (status.message, status.detail, where) if t)
            return self.tr("Offline"), OFFLINE_STYLE, tip
        if status.state == ERROR:
            tip = "\n".join(t for t in (status.detail, where) if t)
            message = status.message
            if len(message) > MAX_MESSAGE:  # the whole of it is in the tooltip
                message = message[: MAX_MESSAGE - 1].rstrip() + "…"
            tip = "\n".join(t for t in (status.message, tip) if t)
            return self.tr("Sync error: {0}").format(message), ERROR_STYLE, tip
        return ago_text(self, status.last_synced), "", where


def install_sync(window: Any) -> SyncController:
    """Put sync into the main window: the status widget, the conflicts badge, the revoked
    dialog; then start the controller (called after the window's first paint)."""
    from crm_desktop.views.revoked import handle_revoked

    controller = controller_for(window.ctx)
    controller.setParent(window)
    widget = SyncStatusWidget(window)
    window.statusBar().addPermanentWidget(widget)
    window.sync_status = widget
    widget.conflicts_clicked.connect(lambda: window.show_section("conflicts"))

    def status_changed(status: SyncStatus) -> None:
        widget.show_status(status)
        window.set_section_badge("conflicts", status.conflicts)

    controller.status_changed.connect(status_changed)
    controller.revoked.connect(
        lambda error: setattr(
            window, "revoked_dialog", handle_revoked(window.ctx, controller, error, window)
        )
    )
    status_changed(controller.status)
    controller.start()
    return controller
