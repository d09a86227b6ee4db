"""Sync in the app: when to sync, the round itself off the GUI thread, and what it says.

`SyncController` owns the schedule (every N minutes, on start, when the
network comes back, on demand with F9), runs each round on its own `QThread`,
and publishes a `SyncStatus` for the status bar, the Account page and the
Conflicts view.

Why a thread of its own and not the store's runner: a round of 10,000 changes
takes seconds, and the runner serves the lists' page fetches; queued behind a
sync they would stall. The store is safe for this: connections come from a
pool, each write is its own ``BEGIN IMMEDIATE`` transaction (the runner's
writes queue behind a pulled page for milliseconds at most, under the
busy timeout), reads see a WAL snapshot, and the replica's clock has a lock.
After a round the pulled `ChangeSet` is broadcast on ``runner.changed``, so
views refresh exactly as after a local edit.

The round is the CLI's (`crm_desktop.cli.sync_commands.run_sync`): the
transport from `transport_for`, `SyncEngine(store, transport).sync(progress)`,
and on a revoked device `forget_account` or (with a wipe) `wipe_local_data`
(see `crm_desktop.views.revoked`). Sign-in and sign-out follow ``login`` and
``logout``. This module is imported after the window's first paint: it pulls
in httpx and the engine only inside the worker functions.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal

from crm_desktop.errors import CrmError
from crm_desktop.store.engine import Store
from crm_desktop.views.context import AppContext
from crm_desktop.views.sync_marks import marks_for

if TYPE_CHECKING:
    from crm_desktop.sync.account import Account
    from crm_desktop.sync.engine import SyncReport

log = logging.getLogger(__name__)

INTERVAL_KEY = "sync/interval_minutes"
ON_START_KEY = "sync/on_start"
LAST_SYNCED_KEY = "sync/last_synced"
DEFAULT_INTERVAL = 15  # minutes; 0 = only on demand
PROBE_MS = 30_000  # while offline: how often the server is tried again
PROGRESS_EVERY = 0.1  # seconds between progress signals (a 10,000-change round sends ~50)
COUNTS_DELAY_MS = 300  # after local writes, the counts are read again (bursts coalesced)
AUTO_RETRIES = 1  # transient failures retried inside a round (the schedule tries again)
# Smaller steps than the CLI's: parsing a page (pydantic, in Rust) holds the GIL, and the
# GUI thread waits for it meanwhile; a quarter of the default page keeps those waits short.
PULL_PAGE = 250
PUSH_BATCH = 250

# States of `SyncStatus.state`.
SIGNED_OUT, IDLE, SYNCING, OFFLINE, ERROR = "signed_out", "idle", "syncing", "offline", "error"


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows; a new one is published on every change."""

    state: str = SIGNED_OUT
    server: str = ""
    user: str = ""
    last_synced: datetime | None = None
    pending: int = 0
    conflicts: int = 0
    rejected: int = 0
    phase: str = ""  # "push", "pull", "resync" while syncing
    done: int = 0
    total: int | None = None
    message: str = ""  # the error in words (translated), when state is ERROR or OFFLINE
    detail: str = ""  # the engine's own (English) message, for a tooltip


@dataclass
class Counts:
    """Read on the store worker: the account and what waits."""

    account: Account | None
    pending: int
    conflicts: int
    rejected: int
    unsynced: dict[str, frozenset[str]] = field(default_factory=dict)


# -- worker side (no widgets) --------------------------------------------------------------
def read_counts(store: Store) -> Counts:
    from crm_desktop.services.conflicts import list_conflicts, list_rejected
    from crm_desktop.sync.account import load_account
    from crm_desktop.sync.engine import pending_count, unsynced_ids

    account = load_account(store)
    return Counts(
        account,
        pending_count(store),
        len(list_conflicts(store)),
        len(list_rejected(store)),
        unsynced_ids(store) if account is not None else {},
    )


def sign_in(
    store: Store,
    server_text: str,
    user: str,
    password: str,
    *,
    ca_bundle: str | None = None,
    allow_insecure: bool = False,
) -> tuple[Account, str]:
    """``crm-desktop login`` for the app: returns the account and where its token went.

    The password is sent once, for a device token, and kept nowhere.
    """
    from crm_desktop.sync import transport as http
    from crm_desktop.sync.account import Account, load_account, save_account
    from crm_desktop.sync.errors import NetworkError
    from crm_desktop.sync.protocol import LoginRequest

    server = http.parse_server_url(server_text)
    if server.insecure and not allow_insecure:
        raise CrmError(
            "sync.insecure_url",
            f"{server.base} uses plain http, so the password would cross the network unencrypted.",
        )
    user = user.strip()
    if not user:
        raise CrmError("sync.user_required", "Enter your user name.", field="user")
    if not password:
        raise CrmError("sync.password_required", "No password was entered.", field="password")
    ca_path = None
    if ca_bundle:
        ca_path = str(Path(ca_bundle).expanduser().resolve())
        http.ssl_verify(ca_path)  # an unreadable file is reported before anything is sent
    current = load_account(store)
    if current is not None and (current.server, current.user) != (server.base, user):
        raise CrmError(
            "sync.signed_in_elsewhere",
            f"This device is signed in as {current.user} on {current.server}: sign out first.",
        )
    request = LoginRequest(
        user=user, password=password, device_id=store.device_id, device_name=socket.gethostname()
    )
    with http.make_transport(server.base, ca_bundle=ca_path) as transport:
        try:
            transport.hello()
            answer = transport.login(request)
        except NetworkError as exc:  # "changes stay queued" means nothing at sign-in
            reason = str(exc.params.get("reason", ""))
            raise NetworkError(
                reason,
                message=f"Cannot reach the server ({reason}): check the address and the "
                "network, then try again.",
            ) from None
    account = Account(server.base, answer.user, answer.role, answer.team, ca_path)
    return account, save_account(store, account, answer.token)


def sign_out(store: Store) -> str | None:
    """``crm-desktop logout``: revoke the token on the server, forget it here.

    Returns a note (English) when the server could not be told.
    """
    from crm_desktop.sync.account import forget_account, transport_for
    from crm_desktop.sync.errors import AuthError, DeviceRevokedError, NotSignedInError, SyncError

    note = None
    try:
        with transport_for(store) as transport:
            transport.retries = AUTO_RETRIES
            transport.logout()
    except (AuthError, DeviceRevokedError, NotSignedInError):
        pass  # the server already refuses the token: nothing to revoke
    except SyncError as exc:
        note = exc.message
    forget_account(store)
    return note


# -- errors in words -------------------------------------------------------------------------
def sync_error_text(error: BaseException, *, signing_in: bool = False) -> str:
    """A sync failure as a sentence for the person (translated by the error's code)."""
    code = getattr(error, "code", "")
    params = getattr(error, "params", {}) or {}
    reason = str(params.get("reason", ""))
    if code == "sync.network":
        return QCoreApplication.translate(
            "SyncController", "Offline: the server cannot be reached. Your changes stay queued."
        )
    if code == "sync.tls":
        return QCoreApplication.translate(
            "SyncController",
            "The server's certificate could not be verified ({0}), so nothing was sent. "
            "If HQ uses its own certificate authority, choose its certificate file; "
            "otherwise check the address.",
        ).format(reason or error)
    if code == "sync.auth":
        if params.get("status") == 401 and signing_in:
            return QCoreApplication.translate("SyncController", "Wrong user name or password.")
        if params.get("status") == 401:
            return QCoreApplication.translate(
                "SyncController",
                "The server no longer accepts this device's sign-in: sign in again in "
                "Settings → Account. Your changes stay queued.",
            )
        return QCoreApplication.translate(
            "SyncController", "The server refused access: {0}"
        ).format(error)
    if code == "sync.device_revoked":
        return QCoreApplication.translate("SyncController", "HQ has revoked this device's access.")
    if code == "sync.protocol_mismatch":
        return QCoreApplication.translate(
            "SyncController",
            "This app and the server do not speak the same sync version: update the one "
            "that is older. Your changes stay queued.",
        )
    if code == "sync.server":
        return QCoreApplication.translate(
            "SyncController", "The server failed or refused the request: {0}"
        ).format(error)
    if code == "sync.not_signed_in":
        return QCoreApplication.translate(
            "SyncController", "Not signed in: sign in to your server in Settings → Account."
        )
    if code == "sync.insecure_url":
        return QCoreApplication.translate(
            "SyncController",
            "This address uses plain http: the password and data would travel unencrypted.",
        )
    if code == "sync.invalid_url":
        return QCoreApplication.translate(
            "SyncController", "That is not a server address: give one like https://hq.example.com."
        )
    if code == "sync.user_required":
        return QCoreApplication.translate("SyncController", "Enter your user name.")
    if code == "sync.password_required":
        return QCoreApplication.translate("SyncController", "Enter your password.")
    if code == "sync.signed_in_elsewhere":
        return QCoreApplication.translate(
            "SyncController", "This device is signed in to another account: sign out first."
        )
    from crm_desktop.views.messages import error_text

    return error_text(error)


# -- threads -------------------------------------------------------------------------------
class _Task(QThread):
    """Runs `work` on a thread of its own; the result comes back on `done` / `failed`."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self.failed.emit(exc)
        else:
            self.done.emit(result)


class SyncCancelled(Exception):
    """The app is closing (or signing out): the round stops between two steps."""


class _SyncThread(QThread):
    """One sync round (`SyncEngine.sync`), with throttled progress."""

    progressed = Signal(str, int, object)
    succeeded = Signal(object)
    errored = Signal(object)

    def __init__(self, store: Store, retries: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.retries = retries
        self._last = (0.0, "")
        self.cancelled = False

    def run(self) -> None:
        from crm_desktop.sync.account import transport_for
        from crm_desktop.sync.engine import SyncEngine

        try:
            transport = transport_for(self.store)
            transport.retries = self.retries
            with transport:
                engine = SyncEngine(
                    self.store, transport, push_batch=PUSH_BATCH, pull_page=PULL_PAGE
                )
                report = engine.sync(progress=self._progress)
        except BaseException as exc:
            self.errored.emit(exc)
        else:
            self.succeeded.emit(report)

    def cancel(self) -> None:
        """Stop at the next step: every step is its own transaction, the next round resumes."""
        self.cancelled = True

    def _progress(self, phase: str, done: int, total: int | None) -> None:
        if self.cancelled:
            raise SyncCancelled()
        now = time.monotonic()
        if phase != self._last[1] or now - self._last[0] >= PROGRESS_EVERY:
            self._last = (now, phase)
            self.progressed.emit(phase, done, total)


# -- the controller ----------------------------------------------------------------------------
class SyncController(QObject):
    """Schedules sync rounds and publishes `SyncStatus`.

    Signals:
        status_changed(SyncStatus): after every change of state, progress or counts.
        synced(SyncReport): after a successful round (its changes already broadcast).
        revoked(DeviceRevokedError): HQ revoked this device (the app shows a dialog).
        account_changed(): signed in or out.
    """

    status_changed = Signal(object)
    synced = Signal(object)
    revoked = Signal(object)
    account_changed = Signal()

    def __init__(
        self, ctx: AppContext, parent: QObject | None = None, *, probe_ms: int = PROBE_MS
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status = SyncStatus(last_synced=self._saved_last_synced())
        self.account: Account | None = None
        self.network: Any = None  # QNetworkInformation, where a backend exists
        self._thread: _SyncThread | None = None
        self._tasks: set[_Task] = set()
        self._again = False
        self._started = False
        self._stopped = False
        self._counted = False
        self._interval = QTimer(self)
        self._interval.timeout.connect(lambda: self.sync_now(automatic=True))
        self._probe = QTimer(self, interval=probe_ms)
        self._probe.timeout.connect(lambda: self.sync_now(automatic=True))
        self._recount = QTimer(self, singleShot=True, interval=COUNTS_DELAY_MS)
        self._recount.timeout.connect(self.refresh_counts)
        ctx.runner.changed.connect(self._store_changed)
        store = ctx.store
        _CONTROLLERS[store] = self
        self.destroyed.connect(lambda *_: _CONTROLLERS.pop(store, None))

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> None:
        """Read the account and counts, arm the timers; syncs on start if so set."""
        if self._started:
            return
        self._started = True
        self._watch_network()
        self.apply_settings()
        self.refresh_counts(then=self._started_up)

    def _started_up(self) -> None:
        if self.account is not None and self.sync_on_start():
            self.sync_now(automatic=True)

    def stop(self, timeout_ms: int = 30_000, *, cancel: bool = False) -> None:
        """Stop the timers and wait for a round in progress (shutdown, sign-out, wipe);
        with `cancel` the round stops at its next step (it resumes next time)."""
        self._stopped = True
        self._again = False
        for timer in (self._interval, self._probe, self._recount):
            timer.stop()
        if cancel and self._thread is not None:
            self._thread.cancel()
        for thread in [self._thread, *self._tasks]:
            if thread is not None:
                thread.wait(timeout_ms)

    def resume(self) -> None:
        self._stopped = False
        self.apply_settings()

    @property
    def running(self) -> bool:
        return self._thread is not None

    # -- settings ---------------------------------------------------------------------
    def interval_minutes(self) -> int:
        try:
            return max(0, int(str(self.ctx.settings.value(INTERVAL_KEY, DEFAULT_INTERVAL))))
        except (TypeError, ValueError):
            return DEFAULT_INTERVAL

    def sync_on_start(self) -> bool:
        value = self.ctx.settings.value(ON_START_KEY, True)
        return value not in (False, "false", "0", 0)

    def set_schedule(self, minutes: int, on_start: bool) -> None:
        self.ctx.settings.setValue(INTERVAL_KEY, max(0, int(minutes)))
        self.ctx.settings.setValue(ON_START_KEY, bool(on_start))
        self.apply_settings()

    def apply_settings(self) -> None:
        minutes = self.interval_minutes()
        if minutes and not self._stopped:
            self._interval.start(minutes * 60_000)
        else:
            self._interval.stop()

    # -- network --------------------------------------------------------------------------
    def _watch_network(self) -> None:
        """Sync when the OS says the network is back (QNetworkInformation, where available)."""
        try:
            from PySide6.QtNetwork import QNetworkInformation
        except ImportError:  # no QtNetwork: the probe timer alone
            return
        try:
            loaded = QNetworkInformation.loadDefaultBackend()
        except Exception:  # an odd platform plugin: the probe timer alone
            log.info("no network information backend", exc_info=True)
            return
        info = QNetworkInformation.instance() if loaded else None
        if info is None:
            return
        self.network = info
        info.reachabilityChanged.connect(self._reachability_changed)

    def _reachability_changed(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        online = reachability in (
            QNetworkInformation.Reachability.Online,
            QNetworkInformation.Reachability.Site,
        )
        if online and self.status.state in (OFFLINE, ERROR):
            self.sync_now(automatic=True)

    # -- the round -------------------------------------------------------------------------
    def sync_now(self, *, automatic: bool = False) -> bool:
        """Start a round (or one more after the running one); False when not signed in."""
        if self._stopped and automatic:
            return False
        if self.account is None:
            if not automatic:
                self._publish(
                    state=SIGNED_OUT,
                    message=QCoreApplication.translate(
                        "SyncController",
                        "Not signed in: sign in to your server in Settings → Account.",
                    ),
                )
            return False
        if self._thread is not None:
            self._again = True
            return True
        thread = _SyncThread(self.ctx.store, AUTO_RETRIES if automatic else 2, self)
        thread.progressed.connect(self._progressed)
        thread.succeeded.connect(self._succeeded)
        thread.errored.connect(self._failed)
        thread.finished.connect(lambda: self._thread_done(thread))
        self._thread = thread
        self._publish(state=SYNCING, phase="", done=0, total=None, message="", detail="")
        thread.start()
        return True

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Block until the running round ends (tests and shutdown)."""
        thread = self._thread
        return thread is None or thread.wait(timeout_ms)

    def _progressed(self, phase: str, done: int, total: Any) -> None:
        if self._thread is not None:
            self._publish(state=SYNCING, phase=phase, done=done, total=total)

    def _succeeded(self, report: SyncReport) -> None:
        self._probe.stop()
        now = datetime.now(UTC)
        self.ctx.settings.setValue(LAST_SYNCED_KEY, now.isoformat())
        self._publish(state=IDLE, last_synced=now, phase="", message="", detail="")
        if report.changes:
            self.ctx.runner.changed.emit(report.changes)  # views refresh what they show
        self.refresh_counts()
        self.synced.emit(report)

    def _failed(self, error: BaseException) -> None:
        from crm_desktop.sync.errors import DeviceRevokedError, NetworkError, NotSignedInError

        if isinstance(error, DeviceRevokedError):
            self._probe.stop()
            self._interval.stop()
            self._again = False
            self._publish(state=ERROR, message=sync_error_text(error), detail=error.message)
            self.revoked.emit(error)
            return
        if isinstance(error, SyncCancelled):
            self._publish(state=IDLE, phase="")
            return
        if isinstance(error, NotSignedInError):
            self.account = None
            self._publish(state=SIGNED_OUT, message="", detail="")
            return
        if not isinstance(error, CrmError):
            log.error("sync failed", exc_info=error)
        state = OFFLINE if isinstance(error, NetworkError) else ERROR
        if state == OFFLINE and not self._stopped:
            self._probe.start()
        self._publish(
            state=state, phase="", message=sync_error_text(error), detail=str(error) or ""
        )
        self.refresh_counts()

    def _thread_done(self, thread: _SyncThread) -> None:
        if self._thread is thread:
            self._thread = None
        thread.deleteLater()
        if self._again and not self._stopped:
            self._again = False
            self.sync_now()

    def _store_changed(self, _changes: Any) -> None:
        self._recount.start()  # coalesces a burst of writes into one read of the counts

    # -- counts -------------------------------------------------------------------------------
    def refresh_counts(self, then: Callable[[], None] | None = None) -> None:
        """Read account, pending, conflicts and unsynced ids on the store worker."""
        store = self.ctx.store

        def arrived(counts: Counts) -> None:
            self._counted = True
            had_account = self.account is not None
            self.account = counts.account
            marks_for(store).set_ids(counts.unsynced)
            changes: dict[str, Any] = {
                "pending": counts.pending,
                "conflicts": counts.conflicts,
                "rejected": counts.rejected,
                "server": counts.account.server if counts.account else "",
                "user": counts.account.user if counts.account else "",
            }
            if counts.account is None:
                changes["state"] = SIGNED_OUT
            elif self.status.state == SIGNED_OUT:
                changes["state"] = IDLE
            self._publish(**changes)
            if had_account != (counts.account is not None):
                self.account_changed.emit()
            if then is not None:
                then()

        self.ctx.runner.submit(lambda: read_counts(store), arrived, self._counts_failed)

    def _counts_failed(self, error: BaseException) -> None:
        log.warning("sync counts could not be read: %s", error)

    # -- account ------------------------------------------------------------------------------
    def sign_in(
        self,
        server: str,
        user: str,
        password: str,
        *,
        ca_bundle: str | None = None,
        allow_insecure: bool = False,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Sign in on a thread; `done((account, where))` or `failed(error)` on the GUI thread."""
        store = self.ctx.store

        def work() -> tuple[Account, str]:
            return sign_in(
                store,
                server,
                user,
                password,
                ca_bundle=ca_bundle,
                allow_insecure=allow_insecure,
            )

        def signed_in(result: tuple[Account, str]) -> None:
            self.account = result[0]
            self.resume()
            self._publish(state=IDLE, server=result[0].server, user=result[0].user, message="")
            self.account_changed.emit()
            self.refresh_counts()
            if done is not None:
                done(result)
            self.sync_now()

        self._run_task(work, signed_in, failed)

    def sign_out(
        self,
        *,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Wait for a running round, then sign out on a thread (the local data stays)."""
        store = self.ctx.store
        self.wait()
        self._probe.stop()

        def signed_out(note: str | None) -> None:
            self.account = None
            self._publish(state=SIGNED_OUT, message="", detail="", server="", user="")
            marks_for(store).set_ids({})
            self.account_changed.emit()
            self.refresh_counts()
            if done is not None:
                done(note)

        self._run_task(lambda: sign_out(store), signed_out, failed)

    def forget_revoked(self, done: Callable[[], None] | None = None) -> None:
        """A revoked device without a wipe: forget the account here (as ``crm-desktop sync``)."""
        from crm_desktop.sync.account import forget_account

        store = self.ctx.store

        def forgotten(_result: Any) -> None:
            self.account = None
            self._publish(state=SIGNED_OUT, server="", user="")
            marks_for(store).set_ids({})
            self.account_changed.emit()
            if done is not None:
                done()

        self.ctx.runner.submit(lambda: forget_account(store), forgotten)

    def _run_task(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None,
    ) -> None:
        task = _Task(work, self)
        task.done.connect(done)
        if failed is not None:
            task.failed.connect(failed)
        else:
            task.failed.connect(lambda error: log.error("sync task failed", exc_info=error))
        self._tasks.add(task)
        task.finished.connect(lambda: self._task_done(task))
        task.start()

    def _task_done(self, task: _Task) -> None:
        self._tasks.discard(task)
        task.deleteLater()

    def busy(self) -> bool:
        """A round or a sign-in/out is running."""
        return self._thread is not None or bool(self._tasks)

    # -- status ---------------------------------------------------------------------------------
    def _publish(self, **changes: Any) -> None:
        self.status = replace(self.status, **changes)
        self.status_changed.emit(self.status)

    def _saved_last_synced(self) -> datetime | None:
        value = self.ctx.settings.value(LAST_SYNCED_KEY)
        if not value:
            return None
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            return None


_CONTROLLERS: WeakKeyDictionary[Store, SyncController] = WeakKeyDictionary()


def controller_for(ctx: AppContext) -> SyncController:
    """The app's controller for `ctx` (made, not started, on first use)."""
    controller = _CONTROLLERS.get(ctx.store)
    if controller is None:
        controller = SyncController(ctx)
    return controller


def existing_controller(ctx: AppContext) -> SyncController | None:
    return _CONTROLLERS.get(ctx.store)
