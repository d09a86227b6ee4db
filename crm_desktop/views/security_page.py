"""Settings page "Backups & security", the backup scheduler and the integrity watch.

- `SecurityPage`: the automatic backup schedule (on/off, how often, how many
  to keep, where), "Back up now" with progress, the list of backups with
  "Restore…" (confirmed; the app closes after a restore), and the auto-lock
  delay. Written on OK, with the rest of the settings.
- `BackupScheduler`: while the app runs, checks every few minutes whether a
  backup is due and writes it on a thread of its own (a backup of a big store
  takes minutes; the store's worker stays free for the views).
- `IntegrityWatch`: once a week, the full integrity check on a thread of its
  own after start-up; a damaged store gets a dialog offering the newest backup.
- `offer_restore`: at start-up, a store that does not open because it is
  damaged gets the same offer.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.errors import CrmError, StoreError
from crm_desktop.services import backup_schedule as bs
from crm_desktop.views.lock import (
    AUTO_LOCK_KEY,
    MAX_AUTO_LOCK_MINUTES,
    auto_lock_minutes,
    is_locked,
)
from crm_desktop.views.messages import error_text
from crm_desktop.views.store_opening import BackgroundTask, run_with_busy_dialog, uses_passphrase

if TYPE_CHECKING:
    from crm_desktop.views.context import AppContext
    from crm_desktop.views.lock import AppLock

log = logging.getLogger(__name__)

SCHEDULER_CHECK_MS = 5 * 60_000
FIRST_CHECK_MS = 60_000
INTEGRITY_DELAY_MS = 30_000


def _interval_name(hours: int) -> str:
    names = {
        1: QCoreApplication.translate("SecurityPage", "Every hour"),
        6: QCoreApplication.translate("SecurityPage", "Every 6 hours"),
        12: QCoreApplication.translate("SecurityPage", "Every 12 hours"),
        24: QCoreApplication.translate("SecurityPage", "Daily"),
        24 * 7: QCoreApplication.translate("SecurityPage", "Weekly"),
    }
    return names.get(
        hours, QCoreApplication.translate("SecurityPage", "Every {0} hours").format(hours)
    )


_KEEP: set[BackgroundTask] = set()


def _orphan(task: BackgroundTask) -> None:
    """The page is gone: drop the task once it is idle (it may still be running)."""
    with contextlib.suppress(RuntimeError, TypeError):  # nothing connected any more
        task.finished.disconnect()
    if task.running:
        task.finished.connect(lambda *_: _KEEP.discard(task))
    else:
        _KEEP.discard(task)


class _Progress(QObject):
    """Carries a backup's progress from its thread to the GUI thread."""

    step = Signal(int, int)


class SecurityPage(QWidget):
    """Automatic backups, back up / restore now, auto-lock."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data_dir = ctx.store.data_dir
        self.schedule = bs.load_schedule(self.data_dir)
        # Not a child of the page: a backup still running when the settings close
        # finishes on its own (its result is then only logged).
        self._task = BackgroundTask()
        _KEEP.add(self._task)
        self._task.finished.connect(self._backed_up)
        task = self._task
        self.destroyed.connect(lambda *_: _orphan(task))
        self._progress = _Progress()
        self._progress.step.connect(self._show_step)
        self._build()
        self.load()

    # -- building ------------------------------------------------------------
    def _build(self) -> None:
        backups = QGroupBox(self.tr("Automatic backups"))
        self.enabled_check = QCheckBox(self.tr("Back up the store automatically"))
        self.interval_combo = QComboBox()
        for hours in bs.INTERVALS_HOURS:
            self.interval_combo.addItem(_interval_name(hours), hours)
        self.keep_spin = QSpinBox(minimum=1, maximum=bs.MAX_KEEP)
        self.keep_spin.setMinimumWidth(140)
        self.keep_spin.setSuffix(self.tr(" backups"))
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(str(self.data_dir / bs.BACKUPS_DIRNAME))
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        self.status_label = QLabel(wordWrap=True)
        self.status_label.setEnabled(False)  # secondary text
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("", self.enabled_check)
        form.addRow(self.tr("How often:"), self.interval_combo)
        form.addRow(self.tr("Keep the newest:"), self.keep_spin)
        form.addRow(self.tr("Folder:"), folder_row)
        form.addRow("", self.status_label)
        backups.setLayout(form)

        now = QGroupBox(self.tr("Backups"))
        self.backup_list = QListWidget()
        self.backup_list.setMinimumHeight(120)
        self.backup_list.currentRowChanged.connect(self._selection_changed)
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton(self.tr("Restore…"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_button.setEnabled(False)
        self.progress_bar = QProgressBar(minimum=0, maximum=3, textVisible=False)
        self.progress_bar.setMaximumHeight(8)
        self.progress_bar.hide()
        self.result_label = QLabel(wordWrap=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        box = QVBoxLayout(now)
        box.addWidget(self.backup_list)
        box.addLayout(buttons)
        box.addWidget(self.progress_bar)
        box.addWidget(self.result_label)

        lock = QGroupBox(self.tr("Auto-lock"))
        self.lock_spin = QSpinBox(minimum=0, maximum=MAX_AUTO_LOCK_MINUTES)
        self.lock_spin.setSpecialValueText(self.tr("Never"))
        self.lock_spin.setSuffix(self.tr(" min"))
        lock_hint = QLabel(
            self.tr(
                "After this many minutes without keyboard or mouse input the window is "
                "locked and the store's key is closed; Ctrl+Shift+L locks at once."
            ),
            wordWrap=True,
        )
        lock_hint.setEnabled(False)
        lock_form = QFormLayout(lock)
        lock_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.lock_spin.setMinimumWidth(140)
        lock_form.addRow(self.tr("Lock after:"), self.lock_spin)
        lock_form.addRow("", lock_hint)

        # In a scroll area: the settings window may be shorter than the page.
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(backups)
        column.addWidget(now, 1)
        column.addWidget(lock)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.enabled_check.toggled.connect(self._enable_fields)

    def _enable_fields(self, on: bool) -> None:
        for widget in (self.interval_combo, self.keep_spin):
            widget.setEnabled(on)

    # -- state ---------------------------------------------------------------
    def load(self) -> None:
        schedule = self.schedule
        self.enabled_check.setChecked(schedule.enabled)
        index = self.interval_combo.findData(schedule.interval_hours)
        if index < 0:
            self.interval_combo.addItem(
                _interval_name(schedule.interval_hours), schedule.interval_hours
            )
            index = self.interval_combo.count() - 1
        self.interval_combo.setCurrentIndex(index)
        self.keep_spin.setValue(schedule.keep)
        self.folder_edit.setText(schedule.folder or "")
        self.lock_spin.setValue(auto_lock_minutes(self.ctx.settings))
        self._enable_fields(schedule.enabled)
        self.refresh_list()

    def edited_schedule(self) -> bs.BackupSchedule:
        return bs.BackupSchedule(
            enabled=self.enabled_check.isChecked(),
            interval_hours=int(self.interval_combo.currentData()),
            keep=self.keep_spin.value(),
            folder=self.folder_edit.text().strip() or None,
        )

    def save(self) -> None:
        """Write the schedule (beside the store) and the auto-lock delay (settings)."""
        self.schedule = bs.save_schedule(self.data_dir, self.edited_schedule())
        self.ctx.settings.setValue(AUTO_LOCK_KEY, self.lock_spin.value())
        self.ctx.settings.sync()
        window = self.window().parent()
        app_lock = getattr(window, "app_lock", None)
        if app_lock is not None:
            app_lock.set_minutes(self.lock_spin.value())

    def try_save(self) -> bool:
        """`save`, showing a refused value on the page instead of raising."""
        try:
            self.save()
        except CrmError as exc:
            self._show_result(error_text(exc), error=True)
            return False
        return True

    def refresh_list(self) -> None:
        folder = self.edited_schedule().directory(self.data_dir)
        self.backup_list.clear()
        backups = bs.list_backups(folder)
        for backup in backups:
            when = backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{when}    {_size(backup.size)}")
            item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            item.setToolTip(str(backup.path))
            self.backup_list.addItem(item)
        if backups:
            last = backups[0].taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.status_label.setText(self.tr("Last backup: {0}").format(last))
        else:
            self.status_label.setText(self.tr("No backup yet."))
        self._selection_changed(self.backup_list.currentRow())

    def _selection_changed(self, row: int) -> None:
        self.restore_button.setEnabled(row >= 0 and not self._task.running)

    def selected_backup(self) -> Path | None:
        item = self.backup_list.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _choose_folder(self) -> None:
        start = self.folder_edit.text() or str(self.data_dir)
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Folder for backups"), start)
        if chosen:
            self.folder_edit.setText(chosen)
            self.refresh_list()

    # -- back up now ---------------------------------------------------------
    def back_up_now(self) -> None:
        if self._task.running:
            return
        try:
            schedule = bs._validate(self.edited_schedule())
        except CrmError as exc:
            self._show_result(error_text(exc), error=True)
            return
        store = self.ctx.store
        progress = self._progress
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.result_label.setText(self.tr("Backing up…"))
        self._task.start(
            lambda: bs.backup_now(store, schedule, lambda d, t: progress.step.emit(d, t))
        )

    def _show_step(self, done: int, total: int) -> None:
        self.progress_bar.setMaximum(total)
        self.progress_bar.setValue(done)

    def _backed_up(self, outcome: Any, error: BaseException | None) -> None:
        self.progress_bar.hide()
        self.backup_button.setEnabled(True)
        if error is not None:
            if not isinstance(error, CrmError):
                log.error("backup failed", exc_info=error)
            self._show_result(error_text(error), error=True)
        else:
            info, removed = outcome
            text = self.tr("Backup written and verified: {0}").format(info.path.name)
            if removed:
                text += " " + self.tr("({0} old backups removed)").format(len(removed))
            self._show_result(text)
        self.refresh_list()

    def _show_result(self, text: str, *, error: bool = False) -> None:
        self.result_label.setStyleSheet("color: #d1242f;" if error else "")
        self.result_label.setText(text)

    @property
    def busy(self) -> bool:
        return self._task.running

    # -- restore -------------------------------------------------------------
    def restore_selected(self) -> None:
        path = self.selected_backup()
        if path is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Restore a backup"),
            self.tr(
                "Replace the store with the backup of {0}?\n\nEverything changed since then "
                "is replaced (the current store is kept aside in the data folder). "
                "crm-desktop closes after restoring; start it again."
            ).format(self.backup_list.currentItem().text().split("    ")[0]),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if restore_in_app(self, self.ctx, path):
            app = QApplication.instance()
            if app is not None:
                QTimer.singleShot(0, app.quit)


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def _ask_passphrase(parent: QWidget | None, data_dir: Path) -> str | None:
    """The store's passphrase, asked (None: cancelled); "" for a keychain store."""
    if not uses_passphrase(data_dir):
        return ""
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("SecurityPage", "Restore a backup"),
        QCoreApplication.translate(
            "SecurityPage", "The store's passphrase (the backup opens with it):"
        ),
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def restore_in_app(parent: QWidget | None, ctx: AppContext, backup: Path) -> bool:
    """Close the running store, restore `backup` into its folder; True when done.

    On failure the store is opened again as it was, and the error is shown.
    """
    from crm_desktop.store.backup import restore_store
    from crm_desktop.views.lock import lock_store, unlock_store
    from crm_desktop.views.store_opening import _open

    data_dir = ctx.store.data_dir
    secret = _ask_passphrase(parent, data_dir)
    if secret is None:
        return False
    store = ctx.store
    provider = (lambda _c: secret) if secret else None

    def work() -> Any:
        ctx.runner.wait_idle()  # on this thread: store work already queued runs first
        lock_store(store)  # every connection closed: the files can be replaced
        return restore_store(data_dir, backup, provider)

    try:
        run_with_busy_dialog(
            parent, QCoreApplication.translate("SecurityPage", "Restoring the backup…"), work
        )
    except BaseException as exc:
        try:
            reopened = run_with_busy_dialog(
                parent,
                QCoreApplication.translate("SecurityPage", "Opening the store…"),
                lambda: _open(data_dir, secret or None),
            )
            unlock_store(store, reopened)
        except BaseException as again:  # pragma: no cover - the disk went away meanwhile
            log.error("the store could not be reopened", exc_info=again)
        QMessageBox.warning(
            parent, QCoreApplication.translate("SecurityPage", "Restore a backup"), error_text(exc)
        )
        return False
    QMessageBox.information(
        parent,
        QCoreApplication.translate("SecurityPage", "Restore a backup"),
        QCoreApplication.translate(
            "SecurityPage", "The backup was restored. crm-desktop will close now; start it again."
        ),
    )
    return True


def offer_restore(parent: QWidget | None, data_dir: Path, error: StoreError) -> bool:
    """At start-up: the store is damaged; offer its newest backup. True when restored."""
    from crm_desktop.store.backup import restore_store

    latest = bs.latest_backup(data_dir)
    box = QMessageBox(QMessageBox.Icon.Critical, "crm-desktop", error_text(error), parent=parent)
    if latest is None:
        box.setInformativeText(
            QCoreApplication.translate(
                "SecurityPage",
                "No automatic backup was found. Nothing was changed. The app will close.",
            )
        )
        box.exec()
        return False
    when = latest.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
    box.setInformativeText(
        QCoreApplication.translate(
            "SecurityPage", "Restore the newest backup, of {0}? The damaged store is kept aside."
        ).format(when)
    )
    restore = box.addButton(
        QCoreApplication.translate("SecurityPage", "Restore the backup"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    box.addButton(
        QCoreApplication.translate("SecurityPage", "Quit"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return False
    secret = _ask_passphrase(parent, data_dir)
    if secret is None:
        return False
    provider = (lambda _c: secret) if secret else None
    try:
        run_with_busy_dialog(
            parent,
            QCoreApplication.translate("SecurityPage", "Restoring the backup…"),
            lambda: restore_store(data_dir, latest.path, provider),
        )
    except BaseException as exc:
        QMessageBox.critical(parent, "crm-desktop", error_text(exc))
        return False
    return True


class BackupScheduler(QObject):
    """Writes the automatic backups while the app runs (off the GUI thread)."""

    backed_up = Signal(object)  # BackupInfo
    failed = Signal(str)

    def __init__(self, ctx: AppContext, window: QWidget, app_lock: AppLock | None = None):
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.app_lock = app_lock
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._finished)
        self._timer = QTimer(self)
        self._timer.setInterval(SCHEDULER_CHECK_MS)
        self._timer.timeout.connect(self.check)

    def start(self, first_ms: int = FIRST_CHECK_MS) -> None:
        self._timer.start()
        QTimer.singleShot(first_ms, self.check)

    def stop(self) -> None:
        """At exit: a backup still running is abandoned (its temp file is cleaned later)."""
        self._timer.stop()
        self._task.wait(timeout=5)

    @property
    def running(self) -> bool:
        return self._task.running

    def check(self) -> bool:
        """Start a backup if one is due (not while locked or already running)."""
        store = self.ctx.store
        if self._task.running or is_locked(store):
            return False
        if not bs.is_due(store.data_dir):
            return False
        self._task.start(lambda: bs.run_if_due(store))
        return True

    def _finished(self, outcome: Any, error: BaseException | None) -> None:
        status = getattr(self.window, "statusBar", None)
        if error is not None:
            text = QCoreApplication.translate(
                "BackupScheduler", "The automatic backup failed: {0}"
            ).format(error_text(error))
            log.warning("automatic backup failed: %s", error)
            self.failed.emit(text)
            if callable(status):
                status().showMessage(text, 30_000)
            return
        if outcome is None:
            return
        info, _removed = outcome
        self.backed_up.emit(info)
        if callable(status):
            status().showMessage(
                QCoreApplication.translate("BackupScheduler", "Backed up to {0}").format(
                    info.path.name
                ),
                10_000,
            )


class IntegrityWatch(QObject):
    """The weekly full integrity check, on a thread of its own after start-up."""

    damaged = Signal(object)  # IntegrityReport
    checked = Signal(object)

    def __init__(self, ctx: AppContext, window: QWidget, app_lock: AppLock | None = None):
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._finished)
        self.ask = True  # show the dialog (tests switch it off)

    def start(self, delay_ms: int = INTEGRITY_DELAY_MS) -> None:
        QTimer.singleShot(delay_ms, self.run_if_due)

    def stop(self) -> None:
        self._task.wait(timeout=5)

    def run_if_due(self, *, force: bool = False) -> bool:
        from crm_desktop.store.integrity import check_integrity, full_check_due

        store = self.ctx.store
        if self._task.running or is_locked(store):
            return False
        if not force and not full_check_due(store.data_dir):
            return False
        self._task.start(lambda: check_integrity(store))
        return True

    def _finished(self, report: Any, error: BaseException | None) -> None:
        from crm_desktop.store.integrity import record_full_check

        if error is not None or report is None:
            log.warning("the integrity check could not run: %s", error)
            return
        with contextlib.suppress(OSError):  # a read-only data folder: checked again next time
            record_full_check(self.ctx.store.data_dir, report)
        self.checked.emit(report)
        if report.ok:
            return
        self.damaged.emit(report)
        if self.ask:
            self._offer(report)

    def _offer(self, report: Any) -> None:
        latest = bs.latest_backup(self.ctx.store.data_dir)
        problems = "\n".join(report.problems[:5])
        text = QCoreApplication.translate("IntegrityWatch", "The store is damaged:\n{0}").format(
            problems
        )
        if latest is None:
            QMessageBox.warning(
                self.window,
                "crm-desktop",
                text
                + "\n\n"
                + QCoreApplication.translate(
                    "IntegrityWatch",
                    "No automatic backup was found. Make a copy of your data folder and "
                    "contact support.",
                ),
            )
            return
        when = latest.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
        answer = QMessageBox.question(
            self.window,
            "crm-desktop",
            text
            + "\n\n"
            + QCoreApplication.translate(
                "IntegrityWatch",
                "Restore the newest backup, of {0}? The damaged store is kept aside; "
                "crm-desktop closes after restoring.",
            ).format(when),
        )
        if answer == QMessageBox.StandardButton.Yes and restore_in_app(
            self.window, self.ctx, latest.path
        ):
            app = QApplication.instance()
            if app is not None:
                QTimer.singleShot(0, app.quit)
