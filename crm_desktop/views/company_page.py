"""One company (客户): its fields, its contacts, its deals, and the merged timeline of
the company and all its contacts."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.domain.models import Company
from crm_desktop.errors import NotFoundError
from crm_desktop.services.activities import TimelineItem, timeline
from crm_desktop.services.companies import CompanyDeal, company_deals, get_company
from crm_desktop.services.custom_fields import custom_values_many, list_fields
from crm_desktop.services.queries import ContactFilter, contact_rows
from crm_desktop.store.changeset import ChangeSet
from crm_desktop.store.engine import Store
from crm_desktop.views.contact_detail import LINK_FLAGS, link
from crm_desktop.views.contact_model import ContactTableModel, IdRole
from crm_desktop.views.context import AppContext
from crm_desktop.views.messages import error_text
from crm_desktop.views.timeline import TimelineList

TIMELINE_LIMIT = 200
CONTACT_COLUMNS = ("name", "title", "phone", "email", "last_activity")
RELOAD_ENTITIES = frozenset(
    {"company", "contact", "deal", "activity", "task", "deal_stage_history", "custom_field"}
)


@dataclass
class _Loaded:
    company: Company
    custom: list[tuple[str, Any]]  # (label, value) in field order
    deals: list[CompanyDeal]
    items: list[TimelineItem]
    names: dict[str, str]  # contact id -> name, for the timeline


def _load(store: Store, company_id: str) -> _Loaded:
    """Runs on the worker."""
    company = get_company(store, company_id)
    values = custom_values_many(store, [company_id]).get(company_id, {})
    custom = [(f.label, values.get(f.key)) for f in list_fields(store, "company")]
    items = timeline(store, company_id=company_id, limit=TIMELINE_LIMIT)
    ids = sorted({i.contact_id for i in items if i.contact_id})
    names = {row.id: row.name for row in contact_rows(store, ids)}
    return _Loaded(company, custom, company_deals(store, company_id), items, names)


def money(cents: int, currency: str) -> str:
    return f"{currency} {cents / 100:,.2f}"


class CompanyPage(QWidget):
    """Shows one company.

    Signals:
        open_contact(id): a contact of the company was activated.
        edit_requested(id), delete_requested(id), merge_requested(id): the page's buttons.
    """

    open_contact = Signal(str)
    edit_requested = Signal(str)
    delete_requested = Signal(str)
    merge_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.company_id: str | None = None
        self.company: Company | None = None
        self.contacts_model: ContactTableModel | None = None
        self._request = 0
        self._build()
        ctx.runner.changed.connect(self._on_changed)

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        self._empty = QLabel(self.tr("Select a company to see its details."))
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._stack.addWidget(self._empty)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(self._header())
        self.tabs = QTabWidget(page)
        self.tabs.addTab(self._fields_tab(), self.tr("Details"))
        self.contacts_table = self._contacts_table()
        self.tabs.addTab(self.contacts_table, self.tr("Contacts"))
        self.deals_tree = QTreeWidget()
        self.deals_tree.setRootIsDecorated(False)
        self.deals_tree.setHeaderLabels(
            [
                self.tr("Deal"),
                self.tr("Stage"),
                self.tr("Status"),
                self.tr("Value"),
                self.tr("Contact"),
            ]
        )
        self.tabs.addTab(self.deals_tree, self.tr("Deals"))
        self.timeline = TimelineList()
        self.tabs.addTab(self.timeline, self.tr("Timeline"))
        column.addWidget(self.tabs, 1)
        self._stack.addWidget(page)

    def _header(self) -> QHBoxLayout:
        line = QHBoxLayout()
        self.name_label = QLabel()
        self.name_label.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.clicked.connect(lambda: self._emit(self.edit_requested))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(lambda: self._emit(self.delete_requested))
        self.merge_button = QPushButton(self.tr("Merge into…"))
        self.merge_button.clicked.connect(lambda: self._emit(self.merge_requested))
        line.addWidget(self.name_label, 1)
        line.addWidget(self.edit_button)
        line.addWidget(self.merge_button)
        line.addWidget(self.delete_button)
        return line

    def _fields_tab(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.form = QFormLayout(body)
        scroll.setWidget(body)
        return scroll

    def _contacts_table(self) -> QTableView:
        table = QTableView()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.horizontalHeader().setStretchLastSection(True)
        table.activated.connect(self._contact_activated)
        return table

    # -- showing a company ---------------------------------------------------------------
    def show_company(self, company_id: str | None) -> None:
        """Show `company_id` (loaded on the worker), or the empty state for None."""
        self.company_id = company_id
        self._request += 1
        if company_id is None:
            self.company = None
            self._stack.setCurrentIndex(0)
            return
        self._show_contacts(company_id)
        self._reload()

    def _show_contacts(self, company_id: str) -> None:
        filters = ContactFilter(company_id=company_id)
        if self.contacts_model is None:
            self.contacts_model = ContactTableModel(self._ctx, filters=filters, parent=self)
            self.contacts_table.setModel(self.contacts_model)
            self.contacts_model.modelReset.connect(self._contact_columns)
            self._contact_columns()
        else:
            self.contacts_model.set_filters(filters)

    def _contact_columns(self) -> None:
        assert self.contacts_model is not None
        header = self.contacts_table.horizontalHeader()
        for section, column in enumerate(self.contacts_model.columns):
            header.setSectionHidden(section, column.key not in CONTACT_COLUMNS)

    def _loaded(self, request: int, loaded: _Loaded) -> None:
        if request != self._request:
            return
        self.company = loaded.company
        self.name_label.setText(loaded.company.name)
        self._fill_fields(loaded)
        self._fill_deals(loaded.deals)
        self.timeline.set_items(loaded.items, loaded.names)
        self._stack.setCurrentIndex(1)

    def _failed(self, request: int, error: BaseException) -> None:
        if request != self._request:
            return
        self.company = None
        if isinstance(error, NotFoundError):
            self.company_id = None
            self._empty.setText(self.tr("Select a company to see its details."))
        else:
            self._empty.setText(error_text(error))
        self._stack.setCurrentIndex(0)

    def _fill_fields(self, loaded: _Loaded) -> None:
        c, form = loaded.company, self.form
        while form.rowCount():
            form.removeRow(0)
        links = {
            "website": (
                f"https://{c.website}" if c.website and "//" not in c.website else c.website
            ),
            "phone": f"tel:{c.phone}" if c.phone else None,
            "email": f"mailto:{c.email}" if c.email else None,
        }
        rows: list[tuple[str, str, str | None]] = [
            (self.tr("Industry"), c.industry or "", None),
            (self.tr("Website"), c.website or "", links["website"]),
            (self.tr("Phone"), c.phone or "", links["phone"]),
            (self.tr("Email"), c.email or "", links["email"]),
            (self.tr("Address"), c.address or "", None),
            (self.tr("City"), c.city or "", None),
            (self.tr("Country"), c.country or "", None),
            (self.tr("Grade"), c.grade or "", None),
            (self.tr("Tags"), ", ".join(c.tags or []), None),
            (self.tr("Owner"), c.owner or "", None),
        ]
        rows += [(label, "" if v is None else str(v), None) for label, v in loaded.custom]
        rows.append((self.tr("Notes"), c.notes or "", None))
        for label, text, href in rows:
            if text:
                self._add_row(label, text, href)

    def _add_row(self, label: str, text: str, href: str | None) -> None:
        rich = link(href, text) if href else html.escape(text).replace("\n", "<br>")
        value = QLabel(rich)
        value.setTextFormat(Qt.TextFormat.RichText)
        value.setWordWrap(True)
        if href:
            value.setTextInteractionFlags(LINK_FLAGS)
            value.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        else:
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(label, value)

    def _fill_deals(self, deals: list[CompanyDeal]) -> None:
        self.deals_tree.clear()
        statuses = {"open": self.tr("open"), "won": self.tr("won"), "lost": self.tr("lost")}
        for deal in deals:
            item = QTreeWidgetItem(
                [
                    deal.title,
                    deal.stage_name or "",
                    statuses.get(deal.status, deal.status),
                    money(deal.value_cents, deal.currency),
                    deal.contact_name or "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, deal.id)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.deals_tree.addTopLevelItem(item)

    # -- actions -------------------------------------------------------------------------
    def _contact_activated(self, index: Any) -> None:
        contact_id = index.data(IdRole)
        if isinstance(contact_id, str):
            self.open_contact.emit(contact_id)

    def _emit(self, signal: Any) -> None:
        if self.company_id is not None:
            signal.emit(self.company_id)

    def _on_changed(self, changes: ChangeSet) -> None:
        if self.company_id is not None and changes.entities() & RELOAD_ENTITIES:
            self._reload()  # the contacts table refreshes itself

    def _reload(self) -> None:
        company_id = self.company_id
        if company_id is None:
            return
        self._request += 1
        request, store = self._request, self._ctx.store
        self._ctx.runner.submit(
            lambda: _load(store, company_id),
            lambda loaded: self._loaded(request, loaded),
            lambda error: self._failed(request, error),
        )
