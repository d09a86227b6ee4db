"""The contacts table: a windowed model over `ContactQuery`, for any number of contacts.

The row count is known up front (`ContactQuery.count`), so the view can jump
anywhere; rows come in pages of `PAGE_SIZE` fetched on the worker when a view
first asks for them (a "…" placeholder meanwhile), kept in a small LRU cache.
At most one page is in flight; when the user scrolls faster than pages
arrive, only the most recently asked-for pages are fetched (older requests
are dropped and asked again if still on screen). Display strings are built on
the worker when a page is read, so `data()` is a dict lookup and an index
(DESIGN §8: ~10 µs per call).

Sorting is SQL sorting: by name or by last update (the sorts `ContactQuery`
has indexes for); other columns are not sortable. With search text the model
shows the (at most `SEARCH_LIMIT`) search hits instead, in relevance order.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from crm_desktop.services.field_defs import custom_values_many, list_fields
from crm_desktop.services.queries import (
    ANCHOR_STEP,
    ContactFilter,
    ContactQuery,
    ContactRow,
    contact_rows,
    custom_matches,
)
from crm_desktop.services.search import search
from crm_desktop.store.changeset import ChangeSet
from crm_desktop.views.context import AppContext
from crm_desktop.views.sync_marks import marks_for

PAGE_SIZE = 100
MAX_PAGES = 20  # pages kept in the cache (a screen shows one or two)
MAX_WANTED = 4  # pages waiting to be fetched; older requests are dropped
SEARCH_LIMIT = 500
PLACEHOLDER = "…"
IdRole = Qt.ItemDataRole.UserRole + 1
REFRESH_ENTITIES = frozenset({"contact", "company", "activity", "custom_field"})

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_ROLES = frozenset({_DISPLAY, _TOOLTIP, IdRole})
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """A column: `key` is stable (saved in settings), `title` its header."""

    key: str
    title: str  # English source text (translated in headerData), or a custom field's label
    sort: str | None = None  # the ContactQuery sort it maps to
    custom: bool = False


BASE_COLUMNS = (
    Column("name", str(QT_TRANSLATE_NOOP("ContactTableModel", "Name")), "name"),
    Column("company", str(QT_TRANSLATE_NOOP("ContactTableModel", "Company"))),
    Column("title", str(QT_TRANSLATE_NOOP("ContactTableModel", "Title"))),
    Column("phone", str(QT_TRANSLATE_NOOP("ContactTableModel", "Phone"))),
    Column("email", str(QT_TRANSLATE_NOOP("ContactTableModel", "Email"))),
    Column("owner", str(QT_TRANSLATE_NOOP("ContactTableModel", "Owner"))),
    Column("tags", str(QT_TRANSLATE_NOOP("ContactTableModel", "Tags"))),
    Column("last_activity", str(QT_TRANSLATE_NOOP("ContactTableModel", "Last activity"))),
    Column("updated", str(QT_TRANSLATE_NOOP("ContactTableModel", "Updated")), "updated"),
)
DEFAULT_COLUMNS = ("name", "company", "title", "phone", "email", "owner", "tags", "last_activity")


@dataclass
class _Page:
    """Rows ready to show: ids and one tuple of display strings per row."""

    ids: list[str]
    cells: list[tuple[str, ...]]


# -- worker side (no Qt) ---------------------------------------------------------------
def _local_time(value: str | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    # Not strftime: it imports `time` on every call, and PySide6's import hook makes
    # each import cost ~10 µs in Python, which adds up over a page of 100 rows.
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def _cells(row: ContactRow, custom: dict[str, Any], custom_keys: list[str]) -> tuple[str, ...]:
    base = (
        row.name,
        row.company_name or "",
        row.title or "",
        row.phone or "",
        row.email or "",
        row.owner or "",
        ", ".join(row.tags),
        _local_time(row.last_activity_at),
        _local_time(row.updated_at),
    )
    extra = tuple("" if custom.get(k) is None else str(custom[k]) for k in custom_keys)
    return base + extra


def _make_page(query: ContactQuery, rows: list[ContactRow], custom_keys: list[str]) -> _Page:
    ids = [r.id for r in rows]
    custom = custom_values_many(query.store, ids) if custom_keys and ids else {}
    return _Page(ids, [_cells(r, custom.get(r.id, {}), custom_keys) for r in rows])


def _read_page(query: ContactQuery, page_no: int, custom_keys: list[str]) -> _Page:
    offset = page_no * PAGE_SIZE
    if offset < ANCHOR_STEP:  # near the top: no need for the anchors (a scan of the index)
        rows = query.page_after(None, offset + PAGE_SIZE).rows[offset:]
    else:
        rows = query.page_at(offset, PAGE_SIZE)
    return _make_page(query, rows, custom_keys)


@dataclass
class _Refreshed:
    count: int
    pages: dict[int, _Page]
    keep_row: int | None


def _refresh(
    query: ContactQuery, pages: list[int], custom_keys: list[str], keep_id: str | None
) -> _Refreshed:
    count = query.count()
    loaded = {n: _read_page(query, n, custom_keys) for n in pages if n * PAGE_SIZE < count}
    keep_row = query.index_of(keep_id) if keep_id else None
    return _Refreshed(count, loaded, keep_row)


def _search(
    query: ContactQuery, text: str, custom_keys: list[str], keep_id: str | None
) -> _Refreshed:
    hits = search(query.store, text, limit=SEARCH_LIMIT, entity="contact")
    rows = [r for r in contact_rows(query.store, [h.record_id for h in hits]) if _passes(query, r)]
    if query.filters.has_custom:
        kept = custom_matches(query.store, query.filters, [r.id for r in rows])
        rows = [r for r in rows if r.id in kept]
    page = _make_page(query, rows, custom_keys)
    keep_row = page.ids.index(keep_id) if keep_id in page.ids else None
    return _Refreshed(len(rows), {0: page}, keep_row)


def _passes(query: ContactQuery, row: ContactRow) -> bool:
    """Whether a search hit passes the list's filters (applied to at most 500 hits)."""
    f = query.filters
    return (
        (not f.tag or f.tag in row.tags)
        and (not f.owner or row.owner == f.owner)
        and (not f.company_id or row.company_id == f.company_id)
    )


# -- the model ---------------------------------------------------------------------------
class ContactTableModel(QAbstractTableModel):
    """Contacts as a table; see the module docstring for how rows are fetched.

    Signals:
        located(id, row): after a refresh or `locate`, where the contact to keep
            selected now is.
        count_changed(int): the number of rows after a refresh.
    """

    located = Signal(str, int)
    count_changed = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        *,
        filters: ContactFilter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._columns: list[Column] = list(BASE_COLUMNS)
        self._custom_keys: list[str] = []
        self._sort, self._descending = "name", False
        self._filters = filters or ContactFilter()
        self._query = self._new_query()
        self._search_text = ""
        self._count = 0
        self._list: _Page | None = None  # search mode: every row at hand
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._hot = -1  # the page most recently read (skips LRU bookkeeping)
        self._wanted: list[int] = []
        self._dropped: set[int] = set()
        self._in_flight: int | None = None
        self._generation = 0
        self._refreshing = False
        self.keep_id: str | None = None  # the contact a refresh should locate
        self.page_fetches = 0  # pages read from the store (tests assert laziness)
        self._kick = QTimer(self, singleShot=True, interval=0)
        self._kick.timeout.connect(self._fetch_next)
        self._later = QTimer(self, singleShot=True, interval=50)  # coalesces bursts of changes
        self._later.timeout.connect(self.refresh)
        ctx.runner.changed.connect(self._on_changed)
        # Contacts with changes not yet sent to the server get a small mark (sync_marks).
        self._marks = marks_for(ctx.store)
        self._marks.changed.connect(self._marks_changed)
        self._mark_icon: Any = None
        self._load_columns()
        self.refresh()

    # -- Qt model interface ---------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role == _DECORATION:
            return self._unsynced_mark(index) if index.column() == 0 else None
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        page = self._list
        if page is None:
            page_no, row = divmod(row, PAGE_SIZE)
            page = self._pages.get(page_no)
            if page is None:
                self._want(page_no)
                return PLACEHOLDER if role == _DISPLAY else None
            if page_no != self._hot:
                self._pages.move_to_end(page_no)
                self._hot = page_no
        if row >= len(page.ids):  # the list shrank since it was counted
            return "" if role == _DISPLAY else None
        if role == IdRole:
            return page.ids[row]
        text = page.cells[row][index.column()]
        return text if role == _DISPLAY else (text or None)

    def _unsynced_mark(self, index: Index) -> Any:
        """The "not synced yet" icon for a contact with unsent changes (one set lookup)."""
        unsynced = self._marks.ids("contact")
        if not unsynced or self.data(index, IdRole) not in unsynced:
            return None
        if self._mark_icon is None:
            from crm_desktop.views.icons import icon

            self._mark_icon = icon("sync")
        return self._mark_icon

    def _marks_changed(self) -> None:
        if self._count and self._columns:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, 0), [_DECORATION])

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return super().headerData(section, orientation, role)
        if role != _DISPLAY:
            return None
        column = self._columns[section]
        if column.custom:
            return column.title
        return QCoreApplication.translate("ContactTableModel", column.title)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by a sortable column (name, updated); other columns are ignored."""
        if not 0 <= column < len(self._columns) or self._columns[column].sort is None:
            return
        sort = self._columns[column].sort or "name"
        descending = order == Qt.SortOrder.DescendingOrder
        if (sort, descending) != (self._sort, self._descending):
            self._sort, self._descending = sort, descending
            self._query = self._new_query()
            self.refresh()

    # -- what the view uses ---------------------------------------------------------
    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """The column the list is sorted by, and the order."""
        keys = [c.sort for c in self._columns]
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return keys.index(self._sort), order

    def is_sortable(self, column: int) -> bool:
        return 0 <= column < len(self._columns) and self._columns[column].sort is not None

    def id_at(self, row: int) -> str | None:
        value = self.data(self.index(row, 0), IdRole)
        return value if isinstance(value, str) else None

    def cached_row_of(self, contact_id: str) -> int | None:
        """The row of a contact among the rows at hand (no store access)."""
        if self._list is not None:
            return self._list.ids.index(contact_id) if contact_id in self._list.ids else None
        for page_no, page in self._pages.items():
            if contact_id in page.ids:
                return page_no * PAGE_SIZE + page.ids.index(contact_id)
        return None

    def is_loaded(self, row: int) -> bool:
        """Whether `row` is at hand (asks for nothing)."""
        if self._list is not None:
            return 0 <= row < len(self._list.ids)
        return 0 <= row < self._count and row // PAGE_SIZE in self._pages

    def is_idle(self) -> bool:
        """No page or refresh is asked for or in flight (tests wait for this)."""
        return (
            not self._wanted
            and self._in_flight is None
            and not self._kick.isActive()
            and not self._later.isActive()
            and not self._refreshing
        )

    @property
    def searching(self) -> bool:
        return self._list is not None or bool(self._search_text)

    def set_filters(self, filters: ContactFilter) -> None:
        if filters != self._filters:
            self._filters = filters
            self._query = self._new_query()
            self.refresh()

    def set_search(self, text: str) -> None:
        """Show the search hits for `text` (all contacts again when blank)."""
        text = text.strip()
        if text != self._search_text:
            self._search_text = text
            self.refresh()

    def locate(self, contact_id: str) -> None:
        """Find the row of a contact (off-thread); answers with `located`."""
        row = self.cached_row_of(contact_id)
        if row is not None:
            self.located.emit(contact_id, row)
            return
        if self._list is not None:
            return
        query = self._query
        self._ctx.runner.submit(
            lambda: query.index_of(contact_id),
            lambda found: self._emit_located(contact_id, found, query),
        )

    def refresh(self) -> None:
        """Re-count and reload the pages in use (after a change, sort, filter or search)."""
        self._later.stop()
        self._generation += 1
        generation, query, keys = self._generation, self._query, list(self._custom_keys)
        keep_id, text = self.keep_id, self._search_text
        if text:
            work: Callable[[], _Refreshed] = lambda: _search(query, text, keys, keep_id)  # noqa: E731
        else:
            # The pages in use come back with the count: no flash of placeholders.
            recent = (list(self._pages)[-3:] if self._list is None else []) or [0]
            self.page_fetches += len(recent)
            work = lambda: _refresh(query, recent, keys, keep_id)  # noqa: E731
        self._refreshing = True
        self._ctx.runner.submit(
            work,
            lambda result: self._refreshed(generation, text, result),
            lambda _error: self._refresh_failed(generation),
        )

    def _refresh_failed(self, generation: int) -> None:
        if generation == self._generation:
            self._refreshing = False

    # -- fetching -------------------------------------------------------------------
    def _new_query(self) -> ContactQuery:
        return ContactQuery(
            self._ctx.store, sort=self._sort, descending=self._descending, filters=self._filters
        )

    def _want(self, page_no: int) -> None:
        if page_no in self._wanted or page_no == self._in_flight:
            return
        self._wanted.append(page_no)
        if len(self._wanted) > MAX_WANTED:
            self._dropped.add(self._wanted.pop(0))
        self._kick.start()  # after this paint: one submit for all its data() calls

    def _fetch_next(self) -> None:
        if self._in_flight is not None or not self._wanted:
            return
        page_no = self._wanted.pop()  # the most recent request: what is on screen now
        self._in_flight = page_no
        self.page_fetches += 1
        generation, query, keys = self._generation, self._query, list(self._custom_keys)
        self._ctx.runner.submit(
            lambda: _read_page(query, page_no, keys),
            lambda page: self._arrived(generation, page_no, page),
            lambda _error: self._arrived(generation, page_no, None),
        )

    def _arrived(self, generation: int, page_no: int, page: _Page | None) -> None:
        if generation != self._generation:
            return
        self._in_flight = None
        if page is not None and self._list is None:
            self._store_page(page_no, page)
            self._page_changed(page_no)
        if self._wanted:
            self._fetch_next()
        elif self._dropped:
            for dropped in sorted(self._dropped):  # repainted ones ask again
                self._page_changed(dropped)
            self._dropped.clear()

    def _store_page(self, page_no: int, page: _Page) -> None:
        self._pages[page_no] = page
        self._pages.move_to_end(page_no)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self._hot = -1

    def _page_changed(self, page_no: int) -> None:
        first = page_no * PAGE_SIZE
        last = min(first + PAGE_SIZE, self._count) - 1
        if first <= last and self._columns:
            self.dataChanged.emit(
                self.index(first, 0), self.index(last, len(self._columns) - 1), [_DISPLAY]
            )

    # -- refreshing -----------------------------------------------------------------
    def _refreshed(self, generation: int, text: str, result: _Refreshed) -> None:
        if generation != self._generation:
            return
        self._refreshing = False
        self.beginResetModel()
        self._generation += 1  # pages in flight belong to the old rows
        self._in_flight, self._wanted, self._hot = None, [], -1
        self._dropped.clear()
        self._pages.clear()
        self._count = result.count
        self._list = result.pages.get(0, _Page([], [])) if text else None
        if not text:
            for page_no, page in result.pages.items():
                self._store_page(page_no, page)
        self.endResetModel()
        self.count_changed.emit(self._count)
        if self.keep_id and result.keep_row is not None:
            self.located.emit(self.keep_id, result.keep_row)

    def _emit_located(self, contact_id: str, row: int | None, query: ContactQuery) -> None:
        if row is not None and query is self._query and self._list is None:
            self.located.emit(contact_id, row)

    def _on_changed(self, changes: ChangeSet) -> None:
        entities = changes.entities()
        if "custom_field" in entities:
            self._load_columns()
        elif entities & REFRESH_ENTITIES:
            self._later.start()  # coalesces a burst of changes (a sync, an import)

    def _load_columns(self) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(lambda: list_fields(store, "contact"), self._set_custom_columns)

    def _set_custom_columns(self, fields: list[Any]) -> None:
        keys = [f.key for f in fields]
        if keys == self._custom_keys:
            return
        self.beginResetModel()
        self._custom_keys = keys
        self._columns = list(BASE_COLUMNS) + [
            Column("cf:" + f.key, f.label, custom=True) for f in fields
        ]
        self._pages.clear()
        if self._search_text:  # until the refresh below brings the hits with the new columns
            self._list, self._count = _Page([], []), 0
        self._generation += 1
        self._in_flight, self._wanted, self._hot = None, [], -1
        self.endResetModel()
        self.refresh()
