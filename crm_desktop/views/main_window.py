"""The main window: navigation between sections, menus, toolbar, status bar.

Sections are built on first visit (start-up builds only the one shown), and
each is a widget from its own module; this module only wires them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from crm_desktop import __version__
from crm_desktop.views.context import AppContext
from crm_desktop.views.icons import icon

SectionFactory = Callable[[AppContext, "MainWindow"], QWidget]
SYNC_START_DELAY_MS = 500  # after the first paint: sync's imports must not delay it


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # English source; translated for display
    icon: str
    build: SectionFactory


def _placeholder(text: str) -> SectionFactory:
    def build(ctx: AppContext, window: MainWindow) -> QWidget:
        label = QLabel(QCoreApplication.translate("MainWindow", text))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        return label

    return build


def _dashboard(ctx: AppContext, window: MainWindow) -> QWidget:
    from crm_desktop.views.dashboard import DashboardView

    view = DashboardView(ctx, window)
    view.open_deal.connect(window.open_deal)
    return view


def _contacts(ctx: AppContext, window: MainWindow) -> QWidget:
    from crm_desktop.views.contacts_view import ContactsView

    view = ContactsView(ctx, window)
    view.log_call_requested.connect(window.log_call)
    view.open_company.connect(window.open_company)
    return view


def _companies(ctx: AppContext, window: MainWindow) -> QWidget:
    from crm_desktop.views.companies_view import CompaniesView

    view = CompaniesView(ctx, window)
    view.open_contact.connect(window.open_contact)
    return view


def _deals(ctx: AppContext, window: MainWindow) -> QWidget:
    from crm_desktop.views.deals_board import DealsBoardView

    return DealsBoardView(ctx, window)


def _activities(ctx: AppContext, window: MainWindow) -> QWidget:
    from crm_desktop.views.activities_view import ActivitiesView

    view = ActivitiesView(ctx, window)
    view.open_contact.connect(window.open_contact)
    return view


def _tasks(ctx: AppContext, window: MainWindow) -> QWidget:
    from crm_desktop.views.tasks_view import TasksView

    view = TasksView(ctx, window)
    view.open_contact.connect(window.open_contact)
    return view


def _conflicts(ctx: AppContext, window: MainWindow) -> QWidget:
    from crm_desktop.views.conflicts_view import ConflictsView

    view = ConflictsView(ctx, window)
    view.count_changed.connect(lambda count: window.set_section_badge("conflicts", count))

    def open_record(entity: str, record_id: str) -> None:
        if entity == "contact":
            window.open_contact(record_id)
        elif entity == "company":
            window.open_company(record_id)

    view.open_record.connect(open_record)
    return view


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


# Marked for lupdate; translated where shown.
SECTIONS = (
    Section(
        "dashboard",
        QCoreApplication.translate("MainWindow", "Dashboard"),
        "dashboard",
        _dashboard,
    ),
    Section(
        "contacts", QCoreApplication.translate("MainWindow", "Contacts"), "contacts", _contacts
    ),
    Section(
        "companies", QCoreApplication.translate("MainWindow", "Companies"), "companies", _companies
    ),
    Section("deals", QCoreApplication.translate("MainWindow", "Deals"), "deals", _deals),
    Section(
        "activities",
        QCoreApplication.translate("MainWindow", "Activities"),
        "activities",
        _activities,
    ),
    Section("tasks", QCoreApplication.translate("MainWindow", "Tasks"), "tasks", _tasks),
    Section(
        "conflicts", QCoreApplication.translate("MainWindow", "Conflicts"), "warning", _conflicts
    ),
)


class MainWindow(QMainWindow):
    section_shown = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._built: dict[str, QWidget] = {}
        self.sync_controller: Any = None  # made after the first paint (_start_sync)
        self._sync_scheduled = False
        self.setWindowTitle(self.tr("crm-desktop"))
        self.setWindowIcon(icon("app"))
        self._nav = QListWidget()
        self._nav.setObjectName("navigation")
        self._stack = QStackedWidget()
        splitter = QSplitter()
        splitter.addWidget(self._nav)
        splitter.addWidget(self._stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 1000])
        self.setCentralWidget(splitter)
        for section in SECTIONS:
            item = QListWidgetItem(icon(section.icon), tr(section.title))
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            self._nav.addItem(item)
        self._nav.currentRowChanged.connect(self._show_row)
        self._build_actions()
        self._build_status_bar()
        self._restore()

    # -- sections ------------------------------------------------------------
    def show_section(self, key: str) -> QWidget:
        row = next(i for i, s in enumerate(SECTIONS) if s.key == key)
        self._nav.setCurrentRow(row)
        return self._built[key]

    def current_section(self) -> str:
        return SECTIONS[max(self._nav.currentRow(), 0)].key

    def section(self, key: str) -> QWidget | None:
        return self._built.get(key)

    def _show_row(self, row: int) -> None:
        section = SECTIONS[row]
        widget = self._built.get(section.key)
        if widget is None:
            widget = section.build(self.ctx, self)
            self._built[section.key] = widget
            self._stack.addWidget(widget)
        self._stack.setCurrentWidget(widget)
        self.section_shown.emit(section.key)

    # -- actions -------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | str | None = None,
        icon_name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            self.tr("&New…"), self.new_record, QKeySequence.StandardKey.New, "new"
        )
        self.log_call_action = self._action(
            self.tr("&Log a call…"), lambda: self.log_call(None), "Ctrl+L", "call"
        )
        self.find_action = self._action(
            self.tr("&Find"), self.focus_search, QKeySequence.StandardKey.Find, "search"
        )
        self.undo_action = self.ctx.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(icon("undo"))
        self.redo_action = self.ctx.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setIcon(icon("redo"))
        self.refresh_action = self._action(
            self.tr("&Refresh"), self.refresh, QKeySequence.StandardKey.Refresh, "refresh"
        )
        self.sync_action = self._action(self.tr("&Sync now"), self.sync_now, "F9", "sync")
        self.settings_action = self._action(
            self.tr("&Settings…"),
            self.open_settings,
            "Ctrl+,",
            "settings",
        )
        quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        about = self._action(self.tr("&About crm-desktop"), self.about)
        # Lock (crm_desktop.views.lock, installed as `app_lock` by the app) and the audit log.
        self.lock_action = self._action(
            self.tr("Loc&k"),
            lambda: getattr(self, "app_lock", None) and self.app_lock.lock(),  # type: ignore[attr-defined]
            "Ctrl+Shift+L",
            "lock",
        )
        self.audit_action = self._action(self.tr("&Audit log…"), self._open_audit_log)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addActions([self.new_action, self.log_call_action])
        file_menu.addSeparator()
        # Data in: import wizard and duplicate scan (views/import_wizard.py, duplicates_view.py).
        self.import_action = self._action(self.tr("&Import…"), self.open_import_wizard, "Ctrl+I")
        self.duplicates_action = self._action(self.tr("Find &duplicates…"), self.open_duplicates)
        file_menu.addActions([self.import_action, self.duplicates_action])
        file_menu.addSeparator()
        file_menu.addAction(self.sync_action)
        file_menu.addSeparator()
        file_menu.addActions([self.audit_action, self.lock_action])
        file_menu.addSeparator()
        file_menu.addActions([self.settings_action, quit_action])
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.refresh_action)
        view_menu.addSeparator()
        for number, section in enumerate(SECTIONS, start=1):
            view_menu.addAction(
                self._action(
                    tr(section.title),
                    lambda key=section.key: self.show_section(key),
                    f"Ctrl+{number}",
                    section.icon,
                )
            )
        self.menuBar().addMenu(self.tr("&Help")).addAction(about)
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions(
            [self.new_action, self.log_call_action, self.undo_action, self.redo_action]
        )
        toolbar.addSeparator()
        toolbar.addAction(self.refresh_action)
        toolbar.addAction(self.sync_action)

    def open_import_wizard(self) -> None:
        from crm_desktop.views.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()

    def open_duplicates(self) -> None:
        from crm_desktop.views.duplicates_view import DuplicatesDialog

        dialog = DuplicatesDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _open_audit_log(self) -> None:
        from crm_desktop.views.audit_view import AuditView

        view = AuditView(self.ctx, self)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.open()

    def _build_status_bar(self) -> None:
        self._store_label = QLabel(self.tr("Encrypted store: {0}").format(self.ctx.store.path))
        self._busy_label = QLabel()
        bar = self.statusBar()
        bar.addWidget(self._store_label, 1)
        bar.addPermanentWidget(self._busy_label)
        self.ctx.runner.busy.connect(
            lambda busy: self._busy_label.setText(self.tr("Working…") if busy else "")
        )

    # -- commands ------------------------------------------------------------
    def _current(self) -> QWidget | None:
        return self._built.get(self.current_section())

    def new_record(self) -> None:
        widget = self._current()
        handler = getattr(widget, "new_record", None)
        if handler is None:
            widget = self.show_section("contacts")
            handler = getattr(widget, "new_record", None)
        if handler is not None:
            handler()

    def focus_search(self) -> None:
        widget = self._current()
        if not hasattr(widget, "focus_search"):
            widget = self.show_section("contacts")
        widget.focus_search()  # type: ignore[union-attr]

    def log_call(self, contact_id: str | None = None) -> None:
        from crm_desktop.views.call_dialog import CallDialog

        if contact_id is None:
            selected = getattr(self._current(), "selected_contact_id", None)
            contact_id = selected() if callable(selected) else None
        dialog = CallDialog(self.ctx, contact_id, self)
        dialog.open()

    def open_contact(self, contact_id: str) -> None:
        view = self.show_section("contacts")
        view.show_contact(contact_id)  # type: ignore[attr-defined]

    def open_deal(self, deal_id: str) -> None:
        """Show the deal on the board (when its pipeline is shown) and open its editor."""
        board = self.show_section("deals")
        board.select_deal(deal_id)  # type: ignore[attr-defined]
        board.edit_record(deal_id)  # type: ignore[attr-defined]

    def open_company(self, company_id: str) -> None:
        view = self.show_section("companies")
        opener = getattr(view, "open_company", None)
        if opener is not None:
            opener(company_id)

    def refresh(self) -> None:
        handler = getattr(self._current(), "refresh", None)
        if handler is not None:
            handler()

    # -- sync (its modules load after the first paint: httpx and the engine are not light)
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sync_scheduled:
            self._sync_scheduled = True
            QTimer.singleShot(SYNC_START_DELAY_MS, self, self._start_sync)

    def _start_sync(self) -> Any:
        if self.sync_controller is None:
            from crm_desktop.views.sync_status import install_sync

            self.sync_controller = install_sync(self)
        return self.sync_controller

    def sync_now(self) -> None:
        self._start_sync().sync_now()

    def set_section_badge(self, key: str, count: int) -> None:
        """A count after a section's name in the navigation (e.g. open conflicts)."""
        for row, section in enumerate(SECTIONS):
            if section.key == key:
                title = tr(section.title)
                self._nav.item(row).setText(f"{title} ({count})" if count else title)

    def open_settings(self) -> None:
        from crm_desktop.views.settings_dialog import SettingsDialog

        SettingsDialog(self.ctx, self).open()

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About crm-desktop"),
            self.tr(
                "<h3>crm-desktop {0}</h3><p>An offline-first CRM for field sales. Your data is "
                "kept in an encrypted store on this computer and syncs with your company's "
                "server when you are online.</p>"
            ).format(__version__),
        )

    # -- persistence ---------------------------------------------------------
    def _restore(self) -> None:
        settings = self.ctx.settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        last = str(settings.value("window/section", "contacts"))
        keys = [s.key for s in SECTIONS]
        self._nav.setCurrentRow(keys.index(last) if last in keys else keys.index("contacts"))

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = self.ctx.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/section", self.current_section())
        settings.sync()
        if self.sync_controller is not None:  # a round in progress stops between steps
            self.sync_controller.stop(cancel=True)
        super().closeEvent(event)
