"""Start-up: first-run wizard (passphrase, keychain, demo data) and unlocking."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from crm_desktop.errors import StoreError
from crm_desktop.services import demo
from crm_desktop.services.contacts import create_contact
from crm_desktop.services.pipelines import list_pipelines
from crm_desktop.services.queries import ContactQuery
from crm_desktop.store.engine import open_store
from crm_desktop.store.keys import PASSPHRASE_ENV, KeySource
from crm_desktop.views.store_opening import open_or_create, start_opening
from crm_desktop.views.unlock import UnlockDialog
from crm_desktop.views.welcome import WelcomeWizard, passphrase_strength
from tests.conftest import PASSPHRASE


def _next_enabled(wizard: WelcomeWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def _click(qtbot, wizard: WelcomeWizard, which: QWizard.WizardButton) -> None:
    qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


def _finish_setup(qtbot, wizard: WelcomeWizard) -> None:
    qtbot.waitUntil(wizard.setup_page.isComplete, timeout=60_000)
    _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wizard.result() == QWizard.DialogCode.Accepted


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }


def _make_passphrase_store(data_dir: Path) -> None:
    open_store(data_dir, passphrase=lambda _c: PASSPHRASE, use_keychain=False).close()


def test_first_run_with_a_passphrase_creates_an_encrypted_store(qtbot, data_dir) -> None:
    wizard = WelcomeWizard(data_dir, use_keychain=False)
    qtbot.addWidget(wizard)
    wizard.show()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.passphrase_page
    assert wizard.currentPage() is page and not _next_enabled(wizard)

    qtbot.keyClicks(page.passphrase_edit, "short")  # too short, even when repeated
    qtbot.keyClicks(page.confirm_edit, "short")
    assert not _next_enabled(wizard)
    page.passphrase_edit.clear()
    page.confirm_edit.clear()
    qtbot.keyClicks(page.passphrase_edit, PASSPHRASE)
    qtbot.keyClicks(page.confirm_edit, PASSPHRASE[:-1])
    assert not _next_enabled(wizard)
    assert page.match_label.text()  # "do not match" shows while they differ
    qtbot.keyClicks(page.confirm_edit, PASSPHRASE[-1])
    assert _next_enabled(wizard) and not page.match_label.text()

    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.demo_page
    assert not wizard.demo_page.demo_check.isChecked()  # demo data is opt-in
    assert not (data_dir / "crm.db").exists()  # nothing is created before the commit
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    _finish_setup(qtbot, wizard)

    store = wizard.store
    assert store is not None and store.key_source is KeySource.PASSPHRASE
    assert len(list_pipelines(store)) == 1  # the default pipeline, in the UI language
    store.close()
    assert not (data_dir / "crm.db").read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(StoreError) as wrong:
        open_store(data_dir, passphrase=lambda _c: "not the passphrase", create=False)
    assert wrong.value.code == "store.wrong_passphrase"
    open_store(data_dir, passphrase=lambda _c: PASSPHRASE, create=False).close()


def test_first_run_with_a_keychain_asks_no_passphrase(qtbot, data_dir, memory_keyring) -> None:
    wizard = WelcomeWizard(data_dir)  # a real (in-memory) keychain is available
    qtbot.addWidget(wizard)
    wizard.show()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.demo_page
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    _finish_setup(qtbot, wizard)
    assert wizard.store is not None and wizard.store.key_source is KeySource.KEYCHAIN
    assert memory_keyring.secrets  # the key went to the keychain
    wizard.store.close()


def test_cancelling_the_wizard_creates_nothing(qtbot, data_dir) -> None:
    wizard = WelcomeWizard(data_dir, use_keychain=False)
    qtbot.addWidget(wizard)
    wizard.show()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    _click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    assert wizard.store is None and not data_dir.exists()


def test_demo_data_loads_with_progress(qtbot, data_dir, memory_keyring, monkeypatch) -> None:
    monkeypatch.setattr(demo, "CHUNK", 10)  # several batches from a small dataset
    wizard = WelcomeWizard(data_dir, demo_sizes=(30,))
    qtbot.addWidget(wizard)
    seen: list[tuple[int, int]] = []
    wizard.setup.progress.connect(lambda done, total: seen.append((done, total)))
    wizard.show()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    wizard.demo_page.demo_check.setChecked(True)
    assert wizard.demo_page.demo_size == 30
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    _finish_setup(qtbot, wizard)

    assert seen == [(0, 30), (10, 30), (20, 30), (30, 30)]
    bar = wizard.setup_page.progress_bar
    assert bar.value() == bar.maximum()
    assert wizard.outcome is not None and wizard.outcome.summary is not None
    assert wizard.outcome.summary.contacts == 30
    assert wizard.store is not None
    assert ContactQuery(wizard.store).count() == 30
    wizard.store.close()


def test_demo_loading_can_be_stopped(qtbot, data_dir, memory_keyring, monkeypatch) -> None:
    monkeypatch.setattr(demo, "CHUNK", 5)
    wizard = WelcomeWizard(data_dir, demo_sizes=(2_000,))
    qtbot.addWidget(wizard)
    stop = wizard.setup_page.stop_button

    def stop_after_first_batch(done: int, _total: int) -> None:
        if done and stop.isEnabled():
            qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)

    wizard.setup.progress.connect(stop_after_first_batch)
    wizard.show()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    wizard.demo_page.demo_check.setChecked(True)
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()  # while working
    _finish_setup(qtbot, wizard)

    outcome = wizard.outcome
    assert outcome is not None and outcome.summary is None
    assert outcome.stopped_at is not None and 0 < outcome.stopped_at < 2_000
    assert outcome.stopped_at % 5 == 0  # whole batches only
    assert wizard.store is not None
    assert ContactQuery(wizard.store).count() == outcome.stopped_at
    assert str(outcome.stopped_at) in wizard.setup_page.status_label.text()
    wizard.store.close()


def test_wrong_passphrase_then_the_right_one(qtbot, data_dir) -> None:
    _make_passphrase_store(data_dir)
    before = _snapshot(data_dir)
    dialog = UnlockDialog(data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.unlock_button.isEnabled()  # nothing typed yet

    qtbot.keyClicks(dialog.passphrase_edit, "not the passphrase")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and not dialog.busy, timeout=10_000)
    assert dialog.store is None and dialog.isVisible()
    assert "Wrong passphrase" in dialog.error_label.text()
    assert _snapshot(data_dir) == before  # the file was not touched

    dialog.passphrase_edit.clear()
    assert not dialog.error_label.isVisible()  # the message goes once the user edits
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=10_000)
    assert dialog.result() == UnlockDialog.DialogCode.Accepted
    dialog.store.close()


def test_open_or_create_unlocks_a_passphrase_store(qtbot, data_dir, monkeypatch) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    _make_passphrase_store(data_dir)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, UnlockDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.passphrase_edit.setText(PASSPHRASE)
        dialog.unlock_button.click()

    QTimer.singleShot(0, answer)
    store = open_or_create(data_dir)
    assert store is not None and store.key_source is KeySource.PASSPHRASE
    store.close()


@pytest.mark.parametrize("early", [False, True], ids=["at-open", "started-early"])
def test_open_or_create_uses_the_passphrase_from_the_environment(
    qtbot, data_dir, monkeypatch, early
) -> None:
    _make_passphrase_store(data_dir)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    started = start_opening(data_dir) if early else None
    assert (started is not None) == early
    asked: list[str] = []

    def refuse_dialogs() -> None:  # the unlock dialog must not appear
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, UnlockDialog):
            asked.append(dialog.windowTitle())
            dialog.reject()
        QTimer.singleShot(20, refuse_dialogs)

    QTimer.singleShot(0, refuse_dialogs)
    store = open_or_create(data_dir, early=started)
    assert not asked
    if started is not None:
        assert started.taken and store is started.result()
    assert store is not None and store.key_source is KeySource.PASSPHRASE
    store.close()


@pytest.mark.parametrize("early", [False, True], ids=["at-open", "started-early"])
def test_a_wrong_passphrase_in_the_environment_asks_with_the_message(
    qtbot, data_dir, monkeypatch, early
) -> None:
    _make_passphrase_store(data_dir)
    before = _snapshot(data_dir)
    monkeypatch.setenv(PASSPHRASE_ENV, "not the passphrase")
    started = start_opening(data_dir) if early else None
    shown: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, UnlockDialog):
            QTimer.singleShot(20, answer)
            return
        shown.append(dialog.error_label.text() if dialog.error_label.isVisible() else "")
        assert _snapshot(data_dir) == before  # the wrong key touched nothing
        dialog.passphrase_edit.setText(PASSPHRASE)
        dialog.unlock_button.click()

    QTimer.singleShot(0, answer)
    store = open_or_create(data_dir, early=started)
    assert shown and "Wrong passphrase" in shown[0]
    assert store is not None and store.key_source is KeySource.PASSPHRASE
    store.close()


def test_opening_starts_early_only_when_nobody_is_asked(data_dir, monkeypatch) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    assert start_opening(data_dir) is None  # no store: the welcome wizard
    _make_passphrase_store(data_dir)
    assert start_opening(data_dir) is None  # the unlock dialog asks
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    started = start_opening(data_dir)
    assert started is not None
    started.discard()  # not taken: its store is closed


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="XDG_CONFIG_HOME keeps settings private"
)
def test_the_app_starts_unasked_with_the_env_passphrase(data_dir, tmp_path) -> None:
    """The real start path, as the start-up benchmark runs it (CRM_EXIT_WHEN_SHOWN)."""
    store = open_store(data_dir, passphrase=lambda _c: PASSPHRASE, use_keychain=False)
    create_contact(store, {"name": "王芳"})
    store.close()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CRM_PASSPHRASE": PASSPHRASE,
        "CRM_EXIT_WHEN_SHOWN": "1",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # not the person's settings
    }
    done = subprocess.run(
        [sys.executable, "-m", "crm_desktop", "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["shown"]


def test_open_or_create_opens_a_keychain_store_without_asking(
    qtbot, data_dir, memory_keyring
) -> None:
    open_store(data_dir, use_keychain=True).close()
    store = open_or_create(data_dir)
    assert store is not None and store.key_source is KeySource.KEYCHAIN
    store.close()


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("", 0),
        ("abc1234", 0),  # under 8 characters
        ("aaaaaaaaaaaa", 1),  # no variety
        ("abcdefgh", 1),
        ("abcdefgh1234", 2),
        ("Abcdefgh1234", 3),
        ("correct horse battery staple", 4),
        ("我的客户都在这里很安全", 3),
    ],
)
def test_passphrase_strength(text: str, strength: int) -> None:
    assert passphrase_strength(text) == strength


def test_a_keychain_store_whose_key_is_gone_says_so(qtbot, data_dir, memory_keyring) -> None:
    open_store(data_dir, use_keychain=True).close()
    memory_keyring.secrets.clear()  # another user account, or the key was removed
    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_close)
            return
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    assert open_or_create(data_dir) is None
    assert shown and "keychain" in shown[0]


@pytest.fixture
def broken_keychain() -> Iterator[None]:
    """A keychain that refuses every secret (keyring's "fail" backend)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_a_store_that_cannot_be_created_says_why(qtbot, data_dir, broken_keychain) -> None:
    wizard = WelcomeWizard(data_dir, use_keychain=True)
    qtbot.addWidget(wizard)
    wizard.show()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(lambda: not wizard.setup.running, timeout=10_000)
    assert "could not be created" in wizard.setup_page.status_label.text()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    _click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    assert wizard.store is None and wizard.result() == QWizard.DialogCode.Rejected
