"""The detail pane of a contact: its fields, click-to-call and mailto links, its timeline."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.errors import NotFoundError
from crm_desktop.services.field_defs import list_fields
from crm_desktop.store.changeset import ChangeSet
from crm_desktop.views.context import AppContext
from crm_desktop.views.messages import error_text
from crm_desktop.views.timeline import TimelineList

if TYPE_CHECKING:
    from crm_desktop.services.activities import TimelineItem
    from crm_desktop.services.contacts import ContactDetail as ContactRecord
    from crm_desktop.store.engine import Store

TIMELINE_LIMIT = 100
# Changes to these may show in a contact's timeline.
TIMELINE_ENTITIES = frozenset({"activity", "task", "deal", "deal_stage_history"})
LINK_FLAGS = (
    Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
)


@dataclass
class _Loaded:
    record: ContactRecord
    labels: dict[str, str]  # custom field key -> label, in field order
    items: list[TimelineItem]


def _load(store: Store, contact_id: str) -> _Loaded:
    """Runs on the worker (which also loads the ORM these services use, off the GUI thread)."""
    from crm_desktop.services.activities import timeline
    from crm_desktop.services.contacts import get_contact

    record = get_contact(store, contact_id)
    labels = {f.key: f.label for f in list_fields(store, "contact")}
    return _Loaded(record, labels, timeline(store, contact_id=contact_id, limit=TIMELINE_LIMIT))


def link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'


class ContactDetail(QWidget):
    """Shows one contact. Phones open ``tel:``, emails ``mailto:`` (the system's handler).

    Signals:
        open_company(id), edit_requested(id), log_call_requested(id).
    """

    open_company = Signal(str)
    edit_requested = Signal(str)
    log_call_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.contact_id: str | None = None
        self.record: ContactRecord | None = None
        self.link_labels: list[QLabel] = []  # phone, email and company links (tests click them)
        self._request = 0
        self._build()
        ctx.runner.changed.connect(self._on_changed)

    # -- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        self._empty = QLabel(self.tr("Select a contact to see its details."))
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._stack.addWidget(self._empty)
        page = QSplitter(Qt.Orientation.Vertical)
        page.addWidget(self._fields_pane())
        page.addWidget(self._timeline_pane())
        page.setStretchFactor(0, 3)
        page.setStretchFactor(1, 2)
        self._stack.addWidget(page)

    def _fields_pane(self) -> QWidget:
        pane = QWidget()
        column = QVBoxLayout(pane)
        self.name_label = QLabel()
        self.name_label.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.name_label)
        buttons = QHBoxLayout()
        self.call_button = QPushButton(self.tr("Log call"))
        self.call_button.clicked.connect(lambda: self._emit(self.log_call_requested))
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.clicked.connect(lambda: self._emit(self.edit_requested))
        buttons.addWidget(self.call_button)
        buttons.addWidget(self.edit_button)
        # Consents, export, erasure (crm_desktop.views.consent_dialog).
        self.privacy_button = QPushButton(self.tr("Privacy"))
        self.privacy_button.clicked.connect(self.show_privacy_menu)
        buttons.addWidget(self.privacy_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.form = QFormLayout(body)
        scroll.setWidget(body)
        column.addWidget(scroll, 1)
        return pane

    def _timeline_pane(self) -> QWidget:
        pane = QWidget()
        column = QVBoxLayout(pane)
        heading = QLabel(self.tr("Timeline"))
        heading.setStyleSheet("font-weight: 600;")
        column.addWidget(heading)
        self.timeline = TimelineList()
        column.addWidget(self.timeline, 1)
        return pane

    # -- showing a contact ---------------------------------------------------------------
    def show_contact(self, contact_id: str | None) -> None:
        """Show `contact_id` (loaded on the worker), or the empty state for None."""
        self.contact_id = contact_id
        self._request += 1
        if contact_id is None:
            self.record = None
            self._stack.setCurrentIndex(0)
            return
        request, store = self._request, self._ctx.store
        self._ctx.runner.submit(
            lambda: _load(store, contact_id),
            lambda loaded: self._loaded(request, loaded),
            lambda error: self._failed(request, error),
        )

    def _loaded(self, request: int, loaded: _Loaded) -> None:
        if request != self._request:
            return
        self.record = loaded.record
        self._fill(loaded)
        self.timeline.set_items(loaded.items)
        self._stack.setCurrentIndex(1)

    def _failed(self, request: int, error: BaseException) -> None:
        if request != self._request:
            return
        self.record = None
        if isinstance(error, NotFoundError):
            self.contact_id = None
            self._empty.setText(self.tr("Select a contact to see its details."))
        else:
            self._empty.setText(error_text(error))
        self._stack.setCurrentIndex(0)

    def _fill(self, loaded: _Loaded) -> None:
        c, form = loaded.record.contact, self.form
        while form.rowCount():
            form.removeRow(0)
        self.link_labels = []
        self.name_label.setText(c.name)
        self._row(self.tr("Title"), html.escape(c.title or ""))
        if c.company_id and loaded.record.company_name:
            self._link_row(
                self.tr("Company"), link(f"company:{c.company_id}", loaded.record.company_name)
            )
        for phone in c.phones or []:
            number = phone.get("number", "")
            label = self.tr("Phone ({0})").format(phone.get("label") or self.tr("mobile"))
            self._link_row(label, link(f"tel:{number}", number))
        for email in c.emails or []:
            address = email.get("address", "")
            label = self.tr("Email ({0})").format(email.get("label") or self.tr("work"))
            self._link_row(label, link(f"mailto:{address}", address))
        self._fill_plain(c, loaded)

    def _fill_plain(self, c: Any, loaded: _Loaded) -> None:
        self._row(self.tr("Address"), html.escape(c.address or ""))
        self._row(self.tr("Birthday"), c.birthday.isoformat() if c.birthday else "")
        self._row(self.tr("Source"), html.escape(c.source or ""))
        self._row(self.tr("Grade"), html.escape(c.grade or ""))
        self._row(self.tr("Tags"), html.escape(", ".join(c.tags or [])))
        self._row(self.tr("Owner"), html.escape(c.owner or ""))
        given = [
            text
            for key, text in (
                ("consent_email", self.tr("email")),
                ("consent_call", self.tr("calls")),
                ("consent_sms", self.tr("SMS")),
            )
            if getattr(c, key)
        ]
        self._row(self.tr("Consent"), ", ".join(given) or self.tr("none recorded"), force=True)
        for key, label in loaded.labels.items():
            value = loaded.record.custom.get(key)
            self._row(html.escape(label), "" if value is None else html.escape(str(value)))
        notes = html.escape(c.notes or "").replace("\n", "<br>")
        self._row(self.tr("Notes"), notes)

    def _row(self, label: str, rich: str, *, force: bool = False) -> QLabel | None:
        if not rich and not force:
            return None
        value = QLabel(rich)
        value.setTextFormat(Qt.TextFormat.RichText)
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(label, value)
        return value

    def _link_row(self, label: str, rich: str) -> None:
        value = QLabel(rich)
        value.setTextFormat(Qt.TextFormat.RichText)
        value.setTextInteractionFlags(LINK_FLAGS)
        value.setOpenExternalLinks(False)
        value.linkActivated.connect(self.open_link)
        self.form.addRow(label, value)
        self.link_labels.append(value)

    # -- links and actions -------------------------------------------------------------
    def open_link(self, href: str) -> None:
        """``company:<id>`` opens the company here; tel: and mailto: go to the system."""
        if href.startswith("company:"):
            self.open_company.emit(href.split(":", 1)[1])
            return
        QDesktopServices.openUrl(QUrl(href))

    def show_privacy_menu(self) -> None:
        from crm_desktop.views.consent_dialog import privacy_menu

        if self.contact_id is None or self.record is None:
            return
        menu = privacy_menu(self, self._ctx, self.contact_id, self.record.contact.name)
        menu.popup(self.privacy_button.mapToGlobal(self.privacy_button.rect().bottomLeft()))
        self.privacy_menu = menu  # kept for tests and until closed

    def _emit(self, signal: Any) -> None:
        if self.contact_id is not None:
            signal.emit(self.contact_id)

    def _on_changed(self, changes: ChangeSet) -> None:
        cid = self.contact_id
        if cid is None:
            return
        mine = any(cid in group.get("contact", ()) for group in (changes.updated, changes.deleted))
        if mine or changes.entities() & (TIMELINE_ENTITIES | {"company", "custom_field"}):
            self.show_contact(cid)
