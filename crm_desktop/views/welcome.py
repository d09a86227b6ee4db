"""First run: a short welcome, the store's key, optional demo data.

Where the OS has a real keychain, the store's random key goes there and
nothing is asked. Elsewhere the user chooses a passphrase (at least 8
characters, typed twice; Next stays disabled until both match). The last
step creates the store, the default pipeline in the UI language and, if
asked, a demo dataset, on a thread of its own with a progress bar; loading
can be stopped (after the batch in progress: what was loaded stays).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from crm_desktop.services.demo import DemoSummary
from crm_desktop.store.engine import Store
from crm_desktop.store.keys import MIN_PASSPHRASE_LENGTH
from crm_desktop.views.i18n import data_language
from crm_desktop.views.icons import icon
from crm_desktop.views.messages import error_text
from crm_desktop.views.store_opening import BackgroundTask

DEMO_SIZES = (500, 2_000, 10_000)
DEFAULT_DEMO_SIZE = 2_000
WARNING_STYLE = "color: #d1242f;"
STRENGTH_STYLES = ("color: #d1242f;", "color: #d1242f;", "color: #bf8700;", "", "color: #1a7f37;")


def passphrase_strength(text: str) -> int:
    """A rough strength from length and variety: 0 too short, 1 weak .. 4 strong."""
    if len(text) < MIN_PASSPHRASE_LENGTH:
        return 0
    if len(set(text)) <= 3:  # "aaaaaaaa", "abababab"
        return 1
    kinds = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isascii() or not c.isalnum() for c in text),  # symbols, spaces, CJK
        )
    )
    # A non-ASCII character (a CJK one is one of thousands) counts as two.
    length = len(text) + sum(not c.isascii() for c in text)
    score = 1 + (length >= 12) + (length >= 16) + (kinds >= 3 or len(text.split()) >= 4)
    return min(score, 4)


class WelcomePage(QWizardPage):
    def __init__(self, data_dir: Path, keychain: bool) -> None:
        super().__init__()
        self.setTitle(self.tr("Welcome to crm-desktop"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "crm-desktop keeps your customers, calls, deals and tasks on this computer, "
                "encrypted, and works without a network. Let's set up your store."
            ),
            wordWrap=True,
        )
        if keychain:
            key_text = self.tr(
                "The key that encrypts your data will be kept in the system keychain, "
                "so you will not need to type a passphrase."
            )
        else:
            key_text = self.tr(
                "This system has no keychain to keep a key in, so you will choose a "
                "passphrase that encrypts your data."
            )
        where = QLabel(self.tr("Your data will be stored in: {0}").format(data_dir), wordWrap=True)
        where.setEnabled(False)  # secondary text
        for widget in (intro, QLabel(key_text, wordWrap=True), where):
            layout.addWidget(widget)
        layout.addStretch(1)


class PassphrasePage(QWizardPage):
    """Passphrase twice, with a strength hint; complete when long enough and matching."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Choose a passphrase"))
        self.setSubTitle(
            self.tr(
                "It encrypts your data. Without it the data cannot be recovered: "
                "keep it somewhere safe."
            )
        )
        self.passphrase_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.strength_label = QLabel()
        self.match_label = QLabel(wordWrap=True)
        self.match_label.setStyleSheet(WARNING_STYLE)
        form = QFormLayout(self)
        form.addRow(self.tr("Passphrase:"), self.passphrase_edit)
        form.addRow("", self.strength_label)
        form.addRow(self.tr("Repeat it:"), self.confirm_edit)
        form.addRow("", self.match_label)
        for edit in (self.passphrase_edit, self.confirm_edit):
            edit.textChanged.connect(self._changed)
        self._changed()

    @property
    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def _changed(self) -> None:
        text = self.passphrase_edit.text()
        strength = passphrase_strength(text)
        names = (
            self.tr("At least {0} characters.").format(MIN_PASSPHRASE_LENGTH),
            self.tr("Strength: weak"),
            self.tr("Strength: fair"),
            self.tr("Strength: good"),
            self.tr("Strength: strong"),
        )
        self.strength_label.setText(names[strength] if text else names[0])
        self.strength_label.setStyleSheet(STRENGTH_STYLES[strength] if text else "")
        confirm = self.confirm_edit.text()
        mismatch = bool(confirm) and confirm != text
        self.match_label.setText(self.tr("The passphrases do not match.") if mismatch else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        text = self.passphrase_edit.text()
        return len(text) >= MIN_PASSPHRASE_LENGTH and self.confirm_edit.text() == text


class DemoPage(QWizardPage):
    """Whether to load demo data, and how much. Committing creates the store."""

    def __init__(self, sizes: Sequence[int]) -> None:
        super().__init__()
        self.setTitle(self.tr("Demo data"))
        self.setSubTitle(
            self.tr(
                "Fictional contacts, companies, deals, calls and tasks show what the app "
                "can do. Leave this off to start with an empty store."
            )
        )
        self.demo_check = QCheckBox(self.tr("Load the demo dataset"))
        self.size_combo = QComboBox()
        locale = QLocale()
        for size in sizes:
            self.size_combo.addItem(self.tr("{0} contacts").format(locale.toString(size)), size)
        index = self.size_combo.findData(DEFAULT_DEMO_SIZE)
        self.size_combo.setCurrentIndex(max(index, 0))
        self.size_combo.setEnabled(False)
        self.demo_check.toggled.connect(self.size_combo.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.demo_check)
        row.addWidget(self.size_combo)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addStretch(1)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Create store"))

    @property
    def demo_size(self) -> int:
        """Contacts to generate; 0 for none."""
        return int(self.size_combo.currentData()) if self.demo_check.isChecked() else 0


@dataclass
class SetupOutcome:
    """What the setup thread did. `store` is set whenever the store was created."""

    store: Store | None = None
    summary: DemoSummary | None = None
    stopped_at: int | None = None  # contacts loaded when the user stopped the demo
    demo_error: BaseException | None = None


class _DemoStopped(Exception):
    pass


class StoreSetup(QObject):
    """Creates the store and loads demo data off the GUI thread; reports progress."""

    progress = Signal(int, int)  # contacts done, total (from the setup thread; queued)
    finished = Signal(object, object)  # SetupOutcome | None, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._task = BackgroundTask(self)
        self._task.finished.connect(self.finished)

    @property
    def running(self) -> bool:
        return self._task.running

    def stop(self) -> None:
        """Stop loading demo data after the batch in progress."""
        self._stop.set()

    def start(
        self,
        data_dir: Path,
        passphrase: str | None,
        use_keychain: bool,
        demo_contacts: int,
        language: str,
    ) -> None:
        def work() -> SetupOutcome:
            from crm_desktop.services.pipelines import ensure_default_pipeline
            from crm_desktop.store.engine import open_store

            outcome = SetupOutcome()
            outcome.store = open_store(
                data_dir,
                passphrase=(lambda _creating: passphrase) if passphrase else None,
                create=True,
                use_keychain=use_keychain,
            )
            try:
                ensure_default_pipeline(outcome.store, language)
                if demo_contacts:
                    self._load_demo(outcome, demo_contacts, language)
            except BaseException as exc:  # the store exists: hand it over anyway
                outcome.demo_error = exc
            return outcome

        self._task.start(work)

    def _load_demo(self, outcome: SetupOutcome, contacts: int, language: str) -> None:
        from crm_desktop.services.demo import generate_demo

        done = [0]

        def report(count: int, total: int) -> None:
            # generate_demo has no cancel of its own: raising here stops it between
            # batches; each batch is one transaction, so what is loaded is whole.
            done[0] = count  # this batch is committed already
            if self._stop.is_set():
                raise _DemoStopped
            self.progress.emit(count, total)

        assert outcome.store is not None
        try:
            outcome.summary = generate_demo(
                outcome.store, contacts, progress=report, language=language
            )
        except _DemoStopped:
            outcome.stopped_at = done[0]


class SetupPage(QWizardPage):
    """Runs `StoreSetup`; complete once the store exists."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Setting up"))
        self.status_label = QLabel(wordWrap=True)
        self.progress_bar = QProgressBar()
        self.stop_button = QPushButton(self.tr("Stop loading"))
        self.stop_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(row)
        layout.addStretch(1)
        self.done = False

    def isComplete(self) -> bool:
        return self.done


class WelcomeWizard(QWizard):
    """The first-run wizard; after `exec()`, `store` is the new open store (or None)."""

    PAGE_WELCOME, PAGE_PASSPHRASE, PAGE_DEMO, PAGE_SETUP = range(4)

    def __init__(
        self,
        data_dir: Path,
        *,
        use_keychain: bool | None = None,
        demo_sizes: Sequence[int] = DEMO_SIZES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from crm_desktop.store.keys import keychain_available

        self.data_dir = Path(data_dir)
        self.use_keychain = keychain_available() if use_keychain is None else use_keychain
        self.store: Store | None = None
        self.outcome: SetupOutcome | None = None
        self.setWindowTitle(self.tr("Set up crm-desktop"))
        self.setWindowIcon(icon("app"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.welcome_page = WelcomePage(self.data_dir, self.use_keychain)
        self.passphrase_page = PassphrasePage()
        self.demo_page = DemoPage(demo_sizes)
        self.setup_page = SetupPage()
        for page_id, page in enumerate(
            (self.welcome_page, self.passphrase_page, self.demo_page, self.setup_page)
        ):
            self.setPage(page_id, page)
        self.setup = StoreSetup(self)
        self.setup.progress.connect(self._progress)
        self.setup.finished.connect(self._finished)
        self.setup_page.stop_button.clicked.connect(self._stop_demo)

    def nextId(self) -> int:
        current = self.currentId()
        if current == self.PAGE_WELCOME and self.use_keychain:
            return self.PAGE_DEMO
        return super().nextId()

    def initializePage(self, page_id: int) -> None:
        super().initializePage(page_id)
        if page_id == self.PAGE_SETUP:
            self._start_setup()

    def _start_setup(self) -> None:
        self.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        demo = self.demo_page.demo_size
        page = self.setup_page
        page.status_label.setText(self.tr("Creating the encrypted store…"))
        page.progress_bar.setRange(0, 0)  # busy until the demo reports progress
        page.stop_button.setVisible(bool(demo))
        self.setup.start(
            self.data_dir,
            None if self.use_keychain else self.passphrase_page.passphrase,
            self.use_keychain,
            demo,
            data_language(),
        )

    def _progress(self, done: int, total: int) -> None:
        page = self.setup_page
        if page.stop_button.isEnabled():
            locale = QLocale()
            page.status_label.setText(
                self.tr("Loading demo data: {0} of {1} contacts…").format(
                    locale.toString(done), locale.toString(total)
                )
            )
        if done:
            page.progress_bar.setRange(0, total)
            page.progress_bar.setValue(done)

    def _stop_demo(self) -> None:
        self.setup.stop()
        self.setup_page.stop_button.setEnabled(False)
        self.setup_page.status_label.setText(self.tr("Stopping after the current batch…"))

    def _finished(self, outcome: SetupOutcome | None, error: BaseException | None) -> None:
        page = self.setup_page
        page.stop_button.hide()
        page.progress_bar.setRange(0, 1)
        self.button(QWizard.WizardButton.CancelButton).setEnabled(True)
        if error is not None:
            page.progress_bar.setValue(0)
            page.status_label.setText(
                self.tr("The store could not be created: {0}").format(error_text(error))
            )
            return  # Finish stays disabled; Cancel quits
        assert outcome is not None
        self.outcome = outcome
        self.store = outcome.store
        page.progress_bar.setValue(1)
        page.status_label.setText(self._summary_text(outcome))
        page.done = True
        page.completeChanged.emit()

    def _summary_text(self, outcome: SetupOutcome) -> str:
        locale = QLocale()
        ready = self.tr("Your store is ready.")
        if outcome.demo_error is not None:
            failed = self.tr("The demo data could not be loaded: {0}")
            return f"{ready} {failed.format(error_text(outcome.demo_error))}"
        if outcome.stopped_at is not None:
            stopped = self.tr("Demo loading was stopped: {0} contacts were loaded.")
            return f"{ready} {stopped.format(locale.toString(outcome.stopped_at))}"
        if outcome.summary is not None:
            s = outcome.summary
            loaded = self.tr("Demo data: {0} contacts, {1} companies, {2} deals.").format(
                locale.toString(s.contacts), locale.toString(s.companies), locale.toString(s.deals)
            )
            return f"{ready} {loaded}"
        return ready

    def reject(self) -> None:
        if self.setup.running:
            return  # the Cancel button is disabled meanwhile; Escape and close land here
        if self.store is not None:  # closed after the store was made: nothing opens it
            self.store.close()
            self.store = None
        super().reject()
