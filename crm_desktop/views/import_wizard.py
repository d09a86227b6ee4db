"""File → Import…: a wizard over `crm_desktop.services.csv_import` (CSV and vCard).

Choose a file; for CSV check the detected encoding and delimiter and the
column mapping guessed from the headers; see every row that will be refused
and every likely duplicate; import with a progress bar; read the report.
Every file read, check and write runs on the store's worker, never on the
GUI thread. The import is one command on the undo stack: undoing it removes
exactly the records it created (`undo_import`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from crm_desktop.services import csv_import as ci
from crm_desktop.views.context import AppContext

PAGE_FILE, PAGE_FORMAT, PAGE_MAPPING, PAGE_CHECK, PAGE_IMPORT = range(5)
PREVIEW_ROWS = 8
SHOWN_PROBLEMS = 500
DELIMITERS = ((",", ","), (";", ";"), ("\t", "Tab"), ("|", "|"))


class _Progress(QObject):
    """Carries progress from the worker to the GUI thread (a queued signal)."""

    moved = Signal(int, int)


class _CheckProgress(QObject):
    """`_Progress` of one run of the checks: (run, done, total)."""

    moved = Signal(int, int, int)


class ImportCommand(QUndoCommand):
    """The import as one undoable step: redo writes the checked rows, undo removes them."""

    def __init__(
        self,
        ctx: AppContext,
        rows: list[tuple[int, dict[str, Any]]],
        report: ci.ImportReport,
        progress: _Progress | None,
        on_done: Any = None,
        on_error: Any = None,
    ) -> None:
        super().__init__(
            QCoreApplication.translate("ImportWizard", "Import {0} contacts").format(len(rows))
        )
        self._ctx = ctx
        self._rows = rows
        self._template = copy.deepcopy(report)
        self.report: ci.ImportReport | None = None
        self._progress = progress
        self._on_done = on_done
        self._on_error = on_error

    def detach(self) -> None:
        """The wizard closed: later undo/redo (Edit menu) report nowhere but still work."""
        self._progress = None
        self._on_done = None
        self._on_error = None

    def redo(self) -> None:
        store, rows, report = self._ctx.store, self._rows, copy.deepcopy(self._template)
        progress = self._progress

        def emit(done: int, total: int) -> None:
            if progress is not None and self._progress is progress:
                progress.moved.emit(done, total)

        def work() -> ci.ImportReport:
            done = ci.write_rows(store, [(n, dict(r)) for n, r in rows], report, progress=emit)
            self.report = done
            return done

        self._ctx.runner.submit(work, self._done, self._error)

    def _done(self, report: Any) -> None:
        if self._on_done is not None:
            self._on_done(report)

    def _error(self, error: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(error)

    def undo(self) -> None:
        store, report = self._ctx.store, self.report

        def work() -> Any:
            if report is None or not report.import_id or not report.ids:
                return None
            return ci.undo_import(store, report.import_id)

        self._ctx.runner.submit(work, None, self._error)


class ImportWizard(QWizard):
    """The import wizard; `finished_import` is emitted with the report."""

    finished_import = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, path: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Import contacts"))
        self.resize(820, 600)
        self.path = path
        self.kind = ""  # "csv" or "vcard" once read
        self.table: ci.Table | None = None
        self.cards: Any = None
        self.mapping: dict[str, str] = {}
        self.ready: list[tuple[int, dict[str, Any]]] = []
        self.report: ci.ImportReport | None = None
        self.command: ImportCommand | None = None
        self.setPage(PAGE_FILE, FilePage(self))
        self.setPage(PAGE_FORMAT, FormatPage(self))
        self.setPage(PAGE_MAPPING, MappingPage(self))
        self.setPage(PAGE_CHECK, CheckPage(self))
        self.setPage(PAGE_IMPORT, ImportPage(self))
        self.setStartId(PAGE_FILE)

    def done(self, result: int) -> None:
        if self.command is not None:
            self.command.detach()
        super().done(result)

    def read(self, encoding: str | None, delimiter: str | None, done: Any, failed: Any) -> None:
        """Read the chosen file on the worker (CSV or vCard, by extension or content)."""
        from crm_desktop.services.vcard import looks_like_vcard, read_vcards

        path = Path(self.path)

        def work() -> tuple[str, Any]:
            data = path.read_bytes()
            if looks_like_vcard(data[:4096], path.name):
                return "vcard", read_vcards(data)
            return "csv", ci.read_table(path, encoding=encoding, delimiter=delimiter)

        self.ctx.runner.submit(work, done, failed)


def _error_text(error: BaseException) -> str:
    return str(getattr(error, "message", None) or error)


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Choose a file"))
        self.setSubTitle(
            self.tr(
                "A CSV export (Excel, WPS, Google, Outlook) or a vCard file (.vcf) from a "
                "phone or Outlook."
            )
        )
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(wizard.path, self)
        self.path_edit.editingFinished.connect(self.load)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._loaded_path = ""
        if wizard.path:
            self.load()

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import contacts"),
            str(Path(self.path_edit.text()).parent) if self.path_edit.text() else "",
            self.tr("Contacts (*.csv *.txt *.vcf *.vcard);;All files (*)"),
        )
        if path:
            self.path_edit.setText(path)
            self.load()

    def load(self) -> None:
        path = self.path_edit.text().strip()
        if not path or path == self._loaded_path:
            return
        self._loaded_path = ""
        self.w.path = path
        self.w.kind = ""
        self.status.setText(self.tr("Reading…"))
        self.completeChanged.emit()
        self.w.read(None, None, lambda result: self._read(path, result), self._failed)

    def _read(self, path: str, result: tuple[str, Any]) -> None:
        kind, content = result
        self.w.kind = kind
        if kind == "vcard":
            self.w.cards, self.w.table = content, None
            count = len(content.cards) + len(content.skipped)
            self.status.setText(self.tr("vCard file: {0} cards.").format(count))
        else:
            self.w.table, self.w.cards = content, None
            self.status.setText(
                self.tr("CSV file: {0} rows, {1} columns.").format(
                    len(content.rows), len(content.headers)
                )
            )
        self._loaded_path = path
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(_error_text(error))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self._loaded_path) and bool(self.w.kind)

    def nextId(self) -> int:
        return PAGE_CHECK if self.w.kind == "vcard" else PAGE_FORMAT


class FormatPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Encoding and delimiter"))
        self.setSubTitle(self.tr("Detected from the file; change them if the preview looks wrong."))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.encoding = QComboBox(self)
        self.encoding.addItems(list(ci.ENCODINGS))
        self.delimiter = QComboBox(self)
        for value, label in DELIMITERS:
            self.delimiter.addItem(label, value)
        form.addRow(self.tr("Encoding:"), self.encoding)
        form.addRow(self.tr("Delimiter:"), self.delimiter)
        layout.addLayout(form)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.preview = QTableWidget(self)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.preview, 1)
        self._busy = False
        self._filling = False
        self.encoding.currentIndexChanged.connect(self.reread)
        self.delimiter.currentIndexChanged.connect(self.reread)

    def initializePage(self) -> None:
        table = self.w.table
        if table is None:
            return
        self._filling = True
        if self.encoding.findText(table.encoding) < 0:
            self.encoding.addItem(table.encoding)
        self.encoding.setCurrentText(table.encoding)
        index = self.delimiter.findData(table.delimiter)
        if index >= 0:
            self.delimiter.setCurrentIndex(index)
        self._filling = False
        self._show(table)

    def reread(self) -> None:
        if self._filling:
            return
        self._busy = True
        self.status.setText(self.tr("Reading…"))
        self.completeChanged.emit()
        self.w.read(
            self.encoding.currentText(),
            self.delimiter.currentData(),
            self._read,
            self._failed,
        )

    def _read(self, result: tuple[str, Any]) -> None:
        self._busy = False
        self.w.table = result[1]
        self._show(result[1])
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.w.table = None
        self.preview.clear()
        self.status.setText(_error_text(error))
        self.completeChanged.emit()

    def _show(self, table: ci.Table) -> None:
        self.status.setText(
            self.tr("{0} rows; {1} rows cannot be read.").format(
                len(table.rows), len(table.skipped)
            )
        )
        rows = table.rows[:PREVIEW_ROWS]
        self.preview.clear()
        self.preview.setColumnCount(len(table.headers))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(table.headers)
        for r, cells in enumerate(rows):
            for c, cell in enumerate(cells):
                self.preview.setItem(r, c, QTableWidgetItem(cell[:200]))

    def isComplete(self) -> bool:
        return not self._busy and self.w.table is not None


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Columns"))
        self.setSubTitle(
            self.tr("Which contact field each column holds (guessed from the headers).")
        )
        layout = QVBoxLayout(self)
        self.grid = QTableWidget(0, 3, self)
        self.grid.setHorizontalHeaderLabels(
            [self.tr("Column"), self.tr("Field"), self.tr("First value")]
        )
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.grid, 1)
        self.status = QLabel(self)
        layout.addWidget(self.status)
        self.combos: dict[str, QComboBox] = {}

    def initializePage(self) -> None:
        table = self.w.table
        assert table is not None
        guessed = ci.guess_mapping(table.headers)
        fields = sorted(f for f in ci.FIELDS if f != ci.IGNORE)
        self.grid.setRowCount(len(table.headers))
        self.combos = {}
        first = table.rows[0] if table.rows else [""] * len(table.headers)
        for row, header in enumerate(table.headers):
            self.grid.setItem(row, 0, QTableWidgetItem(header))
            combo = QComboBox(self.grid)
            combo.addItem(self.tr("(not imported)"), ci.IGNORE)
            for name in fields:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(combo.findData(guessed.get(header, ci.IGNORE)), 0))
            combo.currentIndexChanged.connect(self.completeChanged)
            self.grid.setCellWidget(row, 1, combo)
            self.grid.setItem(row, 2, QTableWidgetItem(first[row][:100]))
            self.combos[header] = combo

    def mapping(self) -> dict[str, str]:
        return {h: c.currentData() for h, c in self.combos.items() if c.currentData() != ci.IGNORE}

    def isComplete(self) -> bool:
        named = any(f in self.mapping().values() for f in ("name", "first_name", "last_name"))
        self.status.setText("" if named else self.tr("Map a column to the name."))
        return named

    def validatePage(self) -> bool:
        self.w.mapping = self.mapping()
        return True


class CheckPage(QWizardPage):
    """Every row checked (once) and compared with the store, on the worker."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Check"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Import"))
        layout = QVBoxLayout(self)
        self.summary = QLabel(self.tr("Checking…"), self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        # Checking 100k rows takes seconds: rows first, then duplicates, on one bar.
        self.progress_bar = QProgressBar(self)
        layout.addWidget(self.progress_bar)
        self.progress = _CheckProgress(self)
        self.progress.moved.connect(self._moved)
        self._generation = 0
        self.duplicates = QTableWidget(0, 3, self)
        self.duplicates.setHorizontalHeaderLabels(
            [self.tr("Row"), self.tr("Contact"), self.tr("Looks like")]
        )
        self.duplicates.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.duplicates.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.duplicates, 1)
        self.skip = QRadioButton(self.tr("Skip likely duplicates"), self)
        self.anyway = QRadioButton(self.tr("Import them anyway"), self)
        self.skip.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.skip)
        group.addButton(self.anyway)
        layout.addWidget(self.skip)
        layout.addWidget(self.anyway)
        self.problems = QPlainTextEdit(self)
        self.problems.setReadOnly(True)
        self.problems.setMaximumHeight(120)
        layout.addWidget(self.problems)
        self._checked = False

    def initializePage(self) -> None:
        self._checked = False
        self._generation += 1
        generation = self._generation
        self.summary.setText(self.tr("Checking…"))
        self.progress_bar.setRange(0, 0)  # busy until the first figures arrive
        self.progress_bar.show()
        self.completeChanged.emit()
        w = self.w
        store, kind, table, cards, mapping = w.ctx.store, w.kind, w.table, w.cards, w.mapping
        moved = self.progress.moved

        def rows_checked(done: int, total: int) -> None:
            moved.emit(generation, done, 2 * total)

        def duplicates_checked(done: int, total: int) -> None:
            moved.emit(generation, total + done, 2 * total)

        def work() -> tuple[int, list[Any], ci.ImportReport]:
            if kind == "vcard":
                ready, report = ci.plan_vcards(cards, progress=rows_checked)
            else:
                assert table is not None
                ready, report = ci.plan_import(table, mapping, progress=rows_checked)
            ready = ci.check_duplicates(
                store,
                ready,
                report,
                on_duplicate=ci.DUPLICATE_IMPORT,
                progress=duplicates_checked,
            )
            return generation, ready, report

        w.ctx.runner.submit(work, self._checked_rows, self._failed)

    def _moved(self, generation: int, done: int, total: int) -> None:
        if generation == self._generation and not self._checked:
            self.progress_bar.setRange(0, max(total, 1))
            self.progress_bar.setValue(done)

    def _checked_rows(self, result: tuple[int, list[Any], ci.ImportReport]) -> None:
        generation, ready, report = result
        if generation != self._generation:
            return  # the page was left and entered again: a newer check is running
        self.progress_bar.hide()
        self.w.ready, self.w.report = ready, report
        unit = self.tr("cards") if report.unit == "card" else self.tr("rows")
        self.summary.setText(
            self.tr(
                "{0} contacts can be imported; {1} {3} cannot (see below); "
                "{2} look like contacts you already have or earlier {3} of the file."
            ).format(len(ready), len(report.skipped), len(report.duplicates), unit)
        )
        self.duplicates.setRowCount(min(len(report.duplicates), SHOWN_PROBLEMS))
        names = dict(ready)
        for row, (number, matches) in enumerate(report.duplicates[:SHOWN_PROBLEMS]):
            self.duplicates.setItem(row, 0, QTableWidgetItem(str(number)))
            self.duplicates.setItem(row, 1, QTableWidgetItem(names.get(number, {}).get("name", "")))
            self.duplicates.setItem(row, 2, QTableWidgetItem(ci.describe(matches[0])))
        self.problems.setPlainText(
            "\n".join(f"{report.unit} {n}: {why}" for n, why in report.skipped[:SHOWN_PROBLEMS])
        )
        self._checked = True
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self.progress_bar.hide()
        self.summary.setText(_error_text(error))

    def isComplete(self) -> bool:
        return self._checked

    def validatePage(self) -> bool:
        report = self.w.report
        assert report is not None
        if self.skip.isChecked():
            dupes = {n for n, _ in report.duplicates}
            self.w.ready = [(n, r) for n, r in self.w.ready if n not in dupes]
            report.skipped = sorted(
                report.skipped
                + [(n, "likely duplicate of " + ci.describe(m[0])) for n, m in report.duplicates]
            )
        return True


class ImportPage(QWizardPage):
    """The import itself, on the worker, with a progress bar; then the report and Undo."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(self.tr("Import"))
        layout = QVBoxLayout(self)
        self.progress_bar = QProgressBar(self)
        layout.addWidget(self.progress_bar)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.report_view = QPlainTextEdit(self)
        self.report_view.setReadOnly(True)
        layout.addWidget(self.report_view, 1)
        self.undo_button = QPushButton(self.tr("Undo this import"), self)
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo)
        layout.addWidget(self.undo_button)
        self.progress = _Progress(self)
        self.progress.moved.connect(self._moved)
        self._done = False

    def initializePage(self) -> None:
        w = self.w
        assert w.report is not None
        self._done = False
        self.summary.setText(self.tr("Importing…"))
        self.progress_bar.setRange(0, max(len(w.ready), 1))
        self.progress_bar.setValue(0)
        w.command = ImportCommand(
            w.ctx, w.ready, w.report, self.progress, self._finished, self._failed
        )
        w.ctx.undo_stack.push(w.command)  # push() runs redo(): the import starts

    def _moved(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _finished(self, report: ci.ImportReport) -> None:
        self._done = True
        self.progress_bar.setValue(self.progress_bar.maximum())
        unit = report.unit
        self.summary.setText(
            self.tr("Imported {0} contacts; {1} skipped.").format(
                report.imported, len(report.skipped)
            )
        )
        lines = [f"{unit} {n}: {why}" for n, why in report.skipped]
        self.report_view.setPlainText("\n".join(lines) or self.tr("Nothing was skipped."))
        self.undo_button.setEnabled(bool(report.ids))
        self.completeChanged.emit()
        self.w.finished_import.emit(report)

    def _failed(self, error: BaseException) -> None:
        self._done = True
        self.summary.setText(self.tr("The import failed: {0}").format(_error_text(error)))
        self.completeChanged.emit()

    def undo(self) -> None:
        stack = self.w.ctx.undo_stack
        if stack.index() > 0 and stack.command(stack.index() - 1) is self.w.command:
            stack.undo()
            self.undo_button.setEnabled(False)
            self.summary.setText(self.tr("The import was undone."))

    def isComplete(self) -> bool:
        return self._done
