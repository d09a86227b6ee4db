"""Sync in the app, against a real ``crm-server serve`` process (the e2e fixtures).

The app's side is real: the Account page, the `SyncController` running rounds
on its thread, the status widget, the Conflicts view, the revoked dialog, over
a real encrypted store. The other laptop is a second data directory driven
through the real ``crm-desktop`` command line (`tests.e2e.conftest.Client`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from crm_desktop.services.conflicts import list_conflicts
from crm_desktop.services.contacts import create_contact, get_contact, update_contact
from crm_desktop.store import keys
from crm_desktop.store.files import DB_FILENAME
from crm_desktop.views.account_page import AccountPage
from crm_desktop.views.conflicts_view import ConflictsView
from crm_desktop.views.contact_model import ContactTableModel
from crm_desktop.views.context import AppContext
from crm_desktop.views.main_window import SECTIONS, MainWindow
from crm_desktop.views.sync_controller import IDLE, OFFLINE, SIGNED_OUT, SyncController
from crm_desktop.views.sync_marks import marks_for
from crm_desktop.views.sync_status import SyncStatusWidget
from crm_server import auth
from tests.databases import database
from tests.e2e.conftest import FAST_HASHER, HQ, PASSWORD, Cli, Client, free_port, running_hq
from tests.views.conftest import settle

WAIT = 30_000


@pytest.fixture(autouse=True)
def no_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in tests/e2e: device tokens in the store, cheap password hashes in-process."""
    monkeypatch.setattr(keys, "keychain_available", lambda: False)
    monkeypatch.setattr(auth, "_hasher", lambda: FAST_HASHER)
    for name in ("CRM_DATA_DIR", "CRM_USER", "CRM_SERVER_DATABASE_URL", "CRM_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The other laptop's ``crm-desktop`` and the admin's ``crm-server``, in-process."""
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "correct horse battery staple")
    return Cli(capsys, monkeypatch)


@pytest.fixture
def sqlite_hq(tmp_path: Path, cli: Cli) -> Iterator[HQ]:
    """A real ``crm-server serve`` process over SQLite (tests/e2e's `running_hq`)."""
    with database("sqlite", tmp_path) as url, running_hq(url, tmp_path, cli) as server:
        yield server


@pytest.fixture
def controller(qtbot, ctx: AppContext) -> SyncController:
    made = SyncController(ctx, probe_ms=200)
    yield made
    if shiboken6.isValid(made):  # a main window may have adopted (and deleted) it
        made.stop(cancel=True)
        made.deleteLater()


def wait_round(qtbot, ctx: AppContext, controller: SyncController) -> None:
    """Until no round or sign-in runs and what it changed has been counted."""
    qtbot.waitUntil(lambda: not controller.busy(), timeout=WAIT)
    settle(qtbot, ctx)
    qtbot.waitUntil(lambda: not controller._recount.isActive(), timeout=WAIT)
    settle(qtbot, ctx)


def sign_in_page(qtbot, ctx: AppContext, page: AccountPage, url: str, user: str, pw: str) -> None:
    page.server_edit.setText(url)
    page.user_edit.setText(user)
    page.password_edit.setText(pw)
    page.sign_in_button.click()
    qtbot.waitUntil(lambda: page.sign_in_button.isEnabled(), timeout=WAIT)


def run(ctx: AppContext, qtbot, work):
    box = []
    ctx.runner.submit(work, box.append, box.append)
    settle(qtbot, ctx)
    assert box and not isinstance(box[0], BaseException), box
    return box[0]


def test_sign_in_edit_offline_sync_and_the_other_laptop_sees_it(
    qtbot, ctx: AppContext, controller: SyncController, sqlite_hq: HQ, cli: Cli, tmp_path: Path
) -> None:
    hq = sqlite_hq
    hq.add_user("alice", "rep", "north")
    page = AccountPage(ctx)
    qtbot.addWidget(page)
    status = SyncStatusWidget()
    qtbot.addWidget(status)
    controller.status_changed.connect(status.show_status)
    assert page.controller is controller and not page.signed_in()

    sign_in_page(qtbot, ctx, page, hq.url, "alice", PASSWORD)
    wait_round(qtbot, ctx, controller)
    assert page.signed_in() and not page.account_box.isHidden() and page.sign_in_box.isHidden()
    assert "alice" in page.account_label.text() and hq.url in page.account_label.text()
    assert page.password_edit.text() == ""  # used once
    assert controller.status.state == IDLE and controller.status.last_synced is not None
    assert status.state_text() == "Synced just now"

    hq.server.stop()  # offline: the edit lands locally
    added = run(ctx, qtbot, lambda: create_contact(ctx.store, {"name": "Wang Fang"}))
    contact_id = added.value
    wait_round(qtbot, ctx, controller)
    assert controller.status.pending >= 1
    assert contact_id in marks_for(ctx.store).ids("contact")
    assert status.pending_label.text().endswith("to send")
    model = ContactTableModel(ctx)
    qtbot.waitUntil(model.is_idle, timeout=WAIT)
    row = next(r for r in range(model.rowCount()) if model.id_at(r) == contact_id)
    assert model.data(model.index(row, 0), Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(model.index(row, 1), Qt.ItemDataRole.DecorationRole) is None

    controller.sync_now()
    qtbot.waitUntil(lambda: controller.status.state == OFFLINE, timeout=WAIT)
    assert status.state_text() == "Offline"
    assert "cannot be reached" in controller.status.message
    assert controller._probe.isActive()  # tries again while offline

    hq.server.start()  # the probe finds the server back and syncs
    qtbot.waitUntil(lambda: controller.status.state == IDLE, timeout=WAIT)
    wait_round(qtbot, ctx, controller)
    assert controller.status.pending == 0
    assert marks_for(ctx.store).ids("contact") == frozenset()
    assert model.data(model.index(row, 0), Qt.ItemDataRole.DecorationRole) is None
    assert hq.records("contact")[contact_id]["name"] == "Wang Fang"

    laptop = Client(tmp_path / "laptop2", hq, cli)
    laptop.login("alice")
    assert laptop.sync()["pulled"] >= 1
    assert laptop.contact(contact_id)["name"] == "Wang Fang"


def test_wrong_password_unreachable_and_tls_are_said_plainly(
    qtbot, ctx: AppContext, controller: SyncController, sqlite_hq: HQ
) -> None:
    sqlite_hq.add_user("alice")
    page = AccountPage(ctx)
    qtbot.addWidget(page)

    sign_in_page(qtbot, ctx, page, sqlite_hq.url, "alice", "not the password")
    assert page.error.text() == "Wrong user name or password."
    assert not page.signed_in() and page.password_edit.text() == ""

    nobody = f"http://127.0.0.1:{free_port()}"
    sign_in_page(qtbot, ctx, page, nobody, "alice", PASSWORD)
    assert page.error.text().startswith("Cannot reach the server: check the address")
    assert nobody in page.error.text()  # the detail: which address failed, and how

    tls = sqlite_hq.url.replace("http://", "https://")  # a TLS hello to a plain-http server
    sign_in_page(qtbot, ctx, page, tls, "alice", PASSWORD)
    assert "secure connection" in page.error.text() or "certificate" in page.error.text()

    sign_in_page(qtbot, ctx, page, "hq.example", "alice", PASSWORD)
    assert "not a server address" in page.error.text()
    sign_in_page(qtbot, ctx, page, sqlite_hq.url, "alice", "")
    assert page.error.text() == "Enter your password."
    assert not page.signed_in()


def make_conflict(
    qtbot,
    ctx: AppContext,
    controller: SyncController,
    laptop: Client,
    contact_id: str,
    field: str,
    round_no: int = 1,
) -> None:
    """Both laptops edit `field` of the contact before syncing: one conflict."""
    mine = f"desk {field}" + (f" {round_no}" if round_no > 1 else "")
    run(ctx, qtbot, lambda: update_contact(ctx.store, contact_id, {field: mine}))
    theirs = f"laptop {field}" + (f" {round_no}" if round_no > 1 else "")
    done = laptop.run("contact", "edit", contact_id, f"{field}={theirs}")
    assert done.code == 0, done.err
    laptop.sync()
    controller.sync_now()
    wait_round(qtbot, ctx, controller)


def test_conflicts_view_keep_mine_and_keep_theirs_sync(
    qtbot, ctx: AppContext, controller: SyncController, sqlite_hq: HQ, cli: Cli, tmp_path: Path
) -> None:
    hq = sqlite_hq
    hq.add_user("alice", "rep", "north")
    controller.sign_in(hq.url, "alice", PASSWORD)
    wait_round(qtbot, ctx, controller)
    contact_id = run(ctx, qtbot, lambda: create_contact(ctx.store, {"name": "Li Lei"})).value
    controller.sync_now()
    wait_round(qtbot, ctx, controller)
    laptop = Client(tmp_path / "laptop2", hq, cli)
    laptop.login("alice")
    laptop.sync()

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window._start_sync() is controller  # the window adopts the app's controller
    view = ConflictsView(ctx)
    qtbot.addWidget(view)
    counts: list[int] = []
    view.count_changed.connect(counts.append)

    make_conflict(qtbot, ctx, controller, laptop, contact_id, "title")
    qtbot.waitUntil(lambda: view.conflict_count() == 1 and view.is_idle(), timeout=WAIT)
    assert controller.status.conflicts == 1 and counts[-1] == 1
    conflicts_row = [section.key for section in SECTIONS].index("conflicts")
    assert window._nav.item(conflicts_row).text() == "Conflicts (1)"  # the badge
    assert window.sync_status.conflicts_button.text() == "1 conflict(s)"
    window.sync_status.conflicts_button.click()
    assert window.current_section() == "conflicts"
    row = view.table.topLevelItem(0)
    texts = [row.text(c) for c in range(view.table.columnCount())]
    assert texts[0] == "Contact: Li Lei" and texts[1] == "Title"
    assert texts[2] == "(empty)"  # the base: no title before both edits
    assert texts[3] == "desk title" and texts[4] == "laptop title"
    assert texts[5] == "alice" and texts[6]  # who (the other device's user) and when

    view.select(str(row.data(0, 256)))
    view.keep_mine_button.click()  # resolving syncs
    qtbot.waitUntil(lambda: view.conflict_count() == 0 and view.is_idle(), timeout=WAIT)
    wait_round(qtbot, ctx, controller)
    assert controller.status.conflicts == 0 and controller.status.pending == 0
    assert view.empty_label.isVisibleTo(view) and counts[-1] == 0
    assert window._nav.item(conflicts_row).text() == "Conflicts"
    laptop.sync()
    assert laptop.contact(contact_id)["title"] == "desk title"
    assert laptop.conflicts() == []
    assert hq.records("contact")[contact_id]["title"] == "desk title"

    make_conflict(qtbot, ctx, controller, laptop, contact_id, "notes")
    qtbot.waitUntil(lambda: view.conflict_count() == 1 and view.is_idle(), timeout=WAIT)
    view.keep_theirs_button.click()
    qtbot.waitUntil(lambda: view.conflict_count() == 0 and view.is_idle(), timeout=WAIT)
    wait_round(qtbot, ctx, controller)
    assert get_contact(ctx.store, contact_id).contact.notes == "laptop notes"
    laptop.sync()
    assert laptop.contact(contact_id)["notes"] == "laptop notes"
    assert hq.records("contact")[contact_id]["notes"] == "laptop notes"
    assert list_conflicts(ctx.store) == []

    make_conflict(qtbot, ctx, controller, laptop, contact_id, "title", 2)
    qtbot.waitUntil(lambda: view.conflict_count() == 1 and view.is_idle(), timeout=WAIT)
    assert view.edit_button.isEnabled()
    view.edit()
    assert view.edit_dialog is not None
    view.edit_dialog.setTextValue("agreed title")
    view.edit_dialog.accept()
    qtbot.waitUntil(lambda: view.conflict_count() == 0 and view.is_idle(), timeout=WAIT)
    wait_round(qtbot, ctx, controller)
    laptop.sync()
    assert laptop.contact(contact_id)["title"] == "agreed title"
    assert hq.records("contact")[contact_id]["title"] == "agreed title"


def test_revoked_with_wipe_shows_the_dialog_and_wipes(
    qtbot, ctx: AppContext, sqlite_hq: HQ
) -> None:
    hq = sqlite_hq
    hq.add_user("alice", "rep", "north")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    controller = window._start_sync()
    controller.sign_in(hq.url, "alice", PASSWORD)
    wait_round(qtbot, ctx, controller)
    assert window.sync_status.state_text() == "Synced just now"
    data_dir = ctx.store.data_dir
    assert (data_dir / DB_FILENAME).exists()

    assert window.sync_action.shortcut() == QKeySequence("F9")
    hq.revoke(ctx.store.device_id, wipe=True)
    window.sync_action.trigger()  # F9
    qtbot.waitUntil(lambda: getattr(window, "revoked_dialog", None) is not None, timeout=WAIT)
    box: QMessageBox = window.revoked_dialog
    assert "revoked this device" in box.text() and "wiped" in box.text()
    assert not (data_dir / DB_FILENAME).exists()
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)


def test_revoked_without_wipe_signs_out_and_keeps_the_data(
    qtbot, ctx: AppContext, controller: SyncController, sqlite_hq: HQ
) -> None:
    from crm_desktop.views.revoked import handle_revoked

    hq = sqlite_hq
    hq.add_user("alice", "rep", "north")
    controller.sign_in(hq.url, "alice", PASSWORD)
    wait_round(qtbot, ctx, controller)
    boxes: list[QMessageBox] = []
    controller.revoked.connect(lambda error: boxes.append(handle_revoked(ctx, controller, error)))
    hq.revoke(ctx.store.device_id)
    controller.sync_now()
    qtbot.waitUntil(lambda: bool(boxes), timeout=WAIT)
    qtbot.waitUntil(lambda: controller.status.state == SIGNED_OUT, timeout=WAIT)
    assert "signed out" in boxes[0].text()
    assert controller.account is None
    assert (ctx.store.data_dir / DB_FILENAME).exists()
    boxes[0].close()


def test_sign_out_warns_about_unsent_changes(
    qtbot, ctx: AppContext, controller: SyncController, sqlite_hq: HQ
) -> None:
    sqlite_hq.add_user("alice")
    page = AccountPage(ctx)
    qtbot.addWidget(page)
    sign_in_page(qtbot, ctx, page, sqlite_hq.url, "alice", PASSWORD)
    wait_round(qtbot, ctx, controller)
    sqlite_hq.server.stop()
    run(ctx, qtbot, lambda: create_contact(ctx.store, {"name": "Zhang Wei"}))
    wait_round(qtbot, ctx, controller)
    page.sign_out_button.click()
    box = page.confirm_box
    assert box is not None and "1 change(s) made here have not been sent" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not page.signed_in(), timeout=WAIT)
    wait_round(qtbot, ctx, controller)
    assert not page.sign_in_box.isHidden()
    assert "could not be told" in page.message.text()  # the server is down: said, not hidden
    assert controller.status.state == SIGNED_OUT


def test_schedule_settings_and_the_event_loop_keeps_turning_during_a_sync(
    qtbot, ctx: AppContext, controller: SyncController, sqlite_hq: HQ
) -> None:
    from crm_desktop.services.contacts import create_contacts

    sqlite_hq.add_user("alice")
    page = AccountPage(ctx)
    qtbot.addWidget(page)
    page.every_check.setChecked(True)
    page.minutes_spin.setValue(5)
    page.on_start_check.setChecked(False)
    assert controller.interval_minutes() == 5 and not controller.sync_on_start()
    assert controller._interval.interval() == 5 * 60_000
    page.every_check.setChecked(False)
    assert controller.interval_minutes() == 0 and not controller._interval.isActive()

    controller.sign_in(sqlite_hq.url, "alice", PASSWORD)
    wait_round(qtbot, ctx, controller)
    rows = [{"name": f"Contact {n}", "title": "Buyer"} for n in range(3000)]
    created = run(ctx, qtbot, lambda: create_contacts(ctx.store, rows))
    assert len(created.value.ids) == 3000, created.value.errors[:1]
    wait_round(qtbot, ctx, controller)
    assert controller.status.pending >= 3000

    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    phases: list[str] = []
    controller.status_changed.connect(lambda s: phases.append(s.phase))
    timer.start()
    started = time.monotonic()
    controller.sync_now()
    wait_round(qtbot, ctx, controller)
    took = time.monotonic() - started
    timer.stop()
    assert controller.status.state == IDLE and controller.status.pending == 0
    assert "push" in phases  # progress reached the GUI during the round
    during = [t for t in ticks if t <= started + took]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    # The loop kept turning: ticks all along the round, no stall near a second.
    assert len(during) >= took / 0.1, (len(during), took)
    assert max(gaps) < 2.0, max(gaps)  # modest: the test machine is shared


def test_status_words(qtbot) -> None:
    from datetime import UTC, datetime, timedelta

    from crm_desktop.views.sync_controller import ERROR, SYNCING, SyncStatus
    from crm_desktop.views.sync_status import ago_text

    widget = SyncStatusWidget()
    qtbot.addWidget(widget)
    now = datetime.now(UTC)
    assert ago_text(widget, None) == "Not synced yet"
    assert ago_text(widget, now - timedelta(seconds=20), now) == "Synced just now"
    assert ago_text(widget, now - timedelta(minutes=3), now) == "Synced 3 min ago"
    assert ago_text(widget, now - timedelta(hours=5), now) == "Synced 5 h ago"
    assert ago_text(widget, now - timedelta(days=4), now).startswith("Synced on ")
    assert widget.state_text() == "Sync: not signed in"
    widget.show_status(SyncStatus(state=SYNCING, phase="push", done=1500, total=10_000))
    assert widget.state_text() == "Syncing… sent 1,500 of 10,000"
    assert widget.progress.isVisibleTo(widget) and widget.progress.maximum() == 10_000
    widget.show_status(SyncStatus(state=SYNCING, phase="pull", done=700))
    assert widget.state_text() == "Syncing… received 700"
    assert widget.progress.maximum() == 0  # busy: no total while pulling
    long = "The server failed (HTTP 500). " * 5
    widget.show_status(SyncStatus(state=ERROR, message=long, server="https://hq", user="amy"))
    assert widget.state_text().startswith("Sync error: The server failed")
    assert widget.state_text().endswith("…") and long in widget.state_label.toolTip()
    assert not widget.progress.isVisibleTo(widget)


def test_the_main_window_loads_no_sync_machinery_at_start() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import crm_desktop.views.main_window, crm_desktop.views.contacts_view; "
        "print(sorted(m for m in ('httpx', 'crm_desktop.sync.engine', "
        "'crm_desktop.sync.transport', 'crm_desktop.views.sync_controller') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
