"""Settings → Account: the HQ server, signing in and out, and when to sync.

The password is sent once, for a device token (kept in the OS keychain, or in
the encrypted store where there is none), and the field is cleared right
after. Signing out warns when changes made here have not been sent yet. The
schedule (every N minutes, on start) is saved as it is changed.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.views.context import AppContext
from crm_desktop.views.form_fields import ErrorLabel
from crm_desktop.views.sync_controller import (
    ERROR,
    OFFLINE,
    SyncController,
    SyncStatus,
    controller_for,
    sync_error_text,
)


class AccountPage(QWidget):
    """Sign in to the HQ server, sign out, and the sync schedule."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.controller: SyncController = controller_for(ctx)
        self.confirm_box: QMessageBox | None = None

        # -- signed out: the sign-in form
        self.server_edit = QLineEdit(placeholderText="https://hq.example.com")
        self.server_edit.setObjectName("server")
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("user")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_edit = QLineEdit(placeholderText=self.tr("Only if HQ uses its own authority"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(browse)
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.password_edit.returnPressed.connect(self.sign_in)
        self.sign_in_box = QGroupBox(self.tr("Sign in to your company's server"))
        form = QFormLayout(self.sign_in_box)
        form.addRow(self.tr("Server address:"), self.server_edit)
        form.addRow(self.tr("User name:"), self.user_edit)
        form.addRow(self.tr("Password:"), self.password_edit)
        form.addRow(self.tr("Certificate authority:"), ca_row)
        hint = QLabel(
            self.tr(
                "The password is sent once, to get a token for this device; it is not "
                "stored. Your data stays on this computer and syncs with the server."
            ),
            wordWrap=True,
        )
        hint.setEnabled(False)
        form.addRow("", hint)
        form.addRow("", self.sign_in_button)

        # -- signed in
        self.account_label = QLabel(wordWrap=True)
        self.account_label.setObjectName("account")
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.clicked.connect(lambda: self.controller.sync_now())
        self.sign_out_button = QPushButton(self.tr("Sign out…"))
        self.sign_out_button.clicked.connect(self.sign_out)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        self.account_box = QGroupBox(self.tr("Account"))
        account_layout = QVBoxLayout(self.account_box)
        account_layout.addWidget(self.account_label)
        account_layout.addLayout(buttons)

        # -- messages
        self.message = QLabel(wordWrap=True)
        self.message.setObjectName("message")
        self.message.hide()
        self.error = ErrorLabel()
        self.error.setObjectName("error")

        # -- schedule
        self.every_check = QCheckBox(self.tr("Sync every"))
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setRange(1, 24 * 60)
        self.minutes_spin.setSuffix(self.tr(" min"))
        self.on_start_check = QCheckBox(self.tr("Sync when crm-desktop starts"))
        minutes = self.controller.interval_minutes()
        self.every_check.setChecked(minutes > 0)
        self.minutes_spin.setValue(minutes or 15)
        self.minutes_spin.setEnabled(minutes > 0)
        self.on_start_check.setChecked(self.controller.sync_on_start())
        every_row = QHBoxLayout()
        every_row.addWidget(self.every_check)
        every_row.addWidget(self.minutes_spin)
        every_row.addStretch(1)
        schedule = QGroupBox(self.tr("When to sync"))
        schedule_layout = QVBoxLayout(schedule)
        schedule_layout.addLayout(every_row)
        schedule_layout.addWidget(self.on_start_check)
        also = QLabel(
            self.tr("Also when the network comes back, and on demand with F9 (Sync now)."),
            wordWrap=True,
        )
        also.setEnabled(False)
        schedule_layout.addWidget(also)
        self.every_check.toggled.connect(self._schedule_changed)
        self.minutes_spin.valueChanged.connect(self._schedule_changed)
        self.on_start_check.toggled.connect(self._schedule_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.sign_in_box)
        layout.addWidget(self.account_box)
        layout.addWidget(self.error)
        layout.addWidget(self.message)
        layout.addWidget(schedule)
        layout.addStretch(1)

        self.controller.status_changed.connect(self._status_changed)
        self.controller.account_changed.connect(self._show_account)
        self._show_account()
        if not self.controller._started:
            self.controller.start()
        else:
            self.controller.refresh_counts()

    # -- showing -----------------------------------------------------------------------
    def signed_in(self) -> bool:
        return self.controller.account is not None

    def _show_account(self) -> None:
        account = self.controller.account
        self.sign_in_box.setVisible(account is None)
        self.account_box.setVisible(account is not None)
        if account is None:
            return
        role = account.role + (f", {account.team}" if account.team else "")
        self.account_label.setText(
            self.tr("Signed in to {0} as {1} ({2}).").format(account.server, account.user, role)
        )
        if not self.server_edit.text():
            self.server_edit.setText(account.server)

    def _status_changed(self, status: SyncStatus) -> None:
        if status.state in (ERROR, OFFLINE) and status.message and self.signed_in():
            self.error.show_error(status.message)
        elif self.signed_in():
            self.error.show_error("")

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- signing in and out ----------------------------------------------------------------
    def sign_in(self) -> None:
        from crm_desktop.sync.transport import parse_server_url

        if self.controller.busy() and not self.sign_in_button.isEnabled():
            return
        self.error.show_error("")
        self._say("")
        server = self.server_edit.text().strip()
        allow_insecure = False
        with suppress(Exception):  # a bad address is reported by the sign-in, in words
            allow_insecure = parse_server_url(server).insecure
        if allow_insecure and not self._confirm_insecure(server):
            return
        password = self.password_edit.text()
        self.password_edit.clear()  # used once
        self.sign_in_button.setEnabled(False)
        self._say(self.tr("Signing in…"))
        self.controller.sign_in(
            server,
            self.user_edit.text(),
            password,
            ca_bundle=self.ca_edit.text().strip() or None,
            allow_insecure=allow_insecure,
            done=self._signed_in,
            failed=self._sign_in_failed,
        )

    def _confirm_insecure(self, server: str) -> bool:
        answer = QMessageBox.warning(
            self,
            self.tr("Unencrypted connection"),
            self.tr(
                "{0} uses plain http: your password and data cross the network unencrypted. "
                "Continue only on a network you trust (e.g. the office's own)."
            ).format(server),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _signed_in(self, result: Any) -> None:
        account, where = result
        self.sign_in_button.setEnabled(True)
        note = (
            self.tr("The device token is kept in the encrypted store (no OS keychain here).")
            if where == "store"
            else ""
        )
        self._say(
            " ".join(
                t
                for t in (
                    self.tr("Signed in as {0}. Syncing…").format(account.user),
                    note,
                )
                if t
            )
        )
        self._show_account()

    def _sign_in_failed(self, error: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        self._say("")
        if getattr(error, "code", "") == "sync.network":
            text = self.tr(
                "Cannot reach the server: check the address and the network, then try again."
            )
        else:
            text = sync_error_text(error, signing_in=True)
        detail = str(error)
        if detail and detail != text and getattr(error, "code", "") in ("sync.network", "sync.tls"):
            text = f"{text}\n{detail}"
        self.error.show_error(text)

    def sign_out(self) -> None:
        """Ask first (saying how many changes have not been sent), then sign out."""
        pending = self.controller.status.pending
        text = self.tr("Sign out of {0}? Your data stays on this computer.").format(
            self.controller.status.server
        )
        if pending:
            text = self.tr(
                "%n change(s) made here have not been sent to the server yet. They stay on "
                "this computer and are sent after you sign in again, as the same user. "
                "Sign out anyway?",
                "",
                pending,
            )
        box = QMessageBox(
            QMessageBox.Icon.Warning if pending else QMessageBox.Icon.Question,
            self.tr("Sign out"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(self._do_sign_out)
        self.confirm_box = box
        box.open()

    def _do_sign_out(self) -> None:
        self.sign_out_button.setEnabled(False)
        self._say(self.tr("Signing out…"))
        self.controller.sign_out(done=self._signed_out, failed=self._sign_out_failed)

    def _signed_out(self, note: str | None) -> None:
        self.sign_out_button.setEnabled(True)
        text = self.tr("Signed out. Your data stays on this computer.")
        if note:
            text += " " + self.tr(
                "The server could not be told ({0}); it accepts this device's old token "
                "until HQ revokes the device."
            ).format(note)
        self._say(text)
        self._show_account()

    def _sign_out_failed(self, error: BaseException) -> None:
        self.sign_out_button.setEnabled(True)
        self._say("")
        self.error.show_error(sync_error_text(error))

    # -- schedule ------------------------------------------------------------------------
    def _schedule_changed(self) -> None:
        every = self.every_check.isChecked()
        self.minutes_spin.setEnabled(every)
        self.controller.set_schedule(
            self.minutes_spin.value() if every else 0, self.on_start_check.isChecked()
        )

    def _choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Certificate authority"),
            "",
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_edit.setText(path)
