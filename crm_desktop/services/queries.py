"""Paged list queries for lists of any size: keyset pages, sorted and filtered in SQL.

A list never loads all its rows. `ContactQuery.page_after` walks pages by key
(cost independent of position); `page_at` reaches any row offset through
anchors — every `ANCHOR_STEP`-th key of the sorted list, computed once per
query — so a windowed view can jump to row 900,000 at the cost of a short
``OFFSET`` (< ANCHOR_STEP rows) instead of a scan from the top.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from crm_desktop.errors import ValidationError
from crm_desktop.store.engine import Store, _json_dumps
from crm_desktop.store.wire import to_wire

ANCHOR_STEP = 250
MAX_PAGE = 1000
# Sort name -> (column expression, index-friendly). Ties break on id, so keys are unique.
CONTACT_SORTS = {"name": "c.name_sort", "updated": "c.updated_at", "created": "c.id"}
Key = tuple[Any, str]


@dataclass
class ContactRow:
    id: str
    name: str
    company_id: str | None
    company_name: str | None
    title: str | None
    phone: str | None
    email: str | None
    owner: str | None
    tags: list[str]
    updated_at: str
    sort_key: Any = field(repr=False, default=None)
    last_activity_at: str | None = None

    @property
    def key(self) -> Key:
        return (self.sort_key, self.id)


@dataclass
class Page:
    rows: list[ContactRow]
    next_key: Key | None  # pass to page_after for the following page; None at the end


@dataclass(frozen=True)
class ContactFilter:
    tag: str | None = None
    owner: str | None = None
    company_id: str | None = None
    # A custom field's value (typed as the field stores it: text, number, ISO date, option).
    custom_field_id: str | None = None
    custom_value: Any = None

    @property
    def has_custom(self) -> bool:
        return bool(self.custom_field_id) and self.custom_value not in (None, "")

    def where(self) -> tuple[str, str, dict[str, Any]]:
        """(join, where, params) for these filters."""
        joins: list[str] = []
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.tag:
            joins.append(
                "JOIN record_tag rt ON rt.record_id = c.id AND rt.entity = 'contact' "
                "AND rt.tag = :tag"
            )
            params["tag"] = self.tag
        if self.has_custom:
            joins.append(
                "JOIN custom_value cv ON cv.record_id = c.id AND cv.field_id = :cf_id "
                "AND cv.value = :cf_value"
            )
            params["cf_id"] = self.custom_field_id
            params["cf_value"] = stored_custom_value(self.custom_value)
        if self.owner:
            clauses.append("c.owner = :owner")
            params["owner"] = self.owner
        if self.company_id:
            clauses.append("c.company_id = :company_id")
            params["company_id"] = self.company_id
        return " ".join(joins), " AND ".join(clauses), params


def stored_custom_value(value: Any) -> str:
    """`value` as custom_value.value holds it: the JSON text of its wire value."""
    return _json_dumps(to_wire(value))


class ContactQuery:
    """One sorted, filtered view of the contacts, paged by key or by offset."""

    def __init__(
        self,
        store: Store,
        *,
        sort: str = "name",
        descending: bool = False,
        filters: ContactFilter | None = None,
    ):
        if sort not in CONTACT_SORTS:
            raise ValidationError(
                "sort",
                f"Cannot sort contacts by '{sort}'.",
                code="validation.choice",
                choices=list(CONTACT_SORTS),
            )
        self.store = store
        self.column = CONTACT_SORTS[sort]
        self.descending = descending
        self.filters = filters or ContactFilter()
        self._anchors: list[Key] | None = None

    # -- counting and anchors -------------------------------------------------
    def count(self) -> int:
        """Rows in the list: unfiltered, the kept total (no scan of a million rows)."""
        join, where, params = self.filters.where()
        if not join and not where:
            with self.store.read() as conn:
                kept = conn.execute(
                    text("SELECT count FROM record_count WHERE entity = 'contact'")
                ).scalar()
            return int(kept or 0)
        sql = f"SELECT count(*) FROM contact c {join} {'WHERE ' + where if where else ''}"
        with self.store.read() as conn:
            return int(conn.execute(text(sql), params).scalar_one())

    def anchors(self) -> list[Key]:
        """Every ANCHOR_STEP-th key in order; computed in SQL, once per query."""
        if self._anchors is None:
            join, where, params = self.filters.where()
            sql = (
                f"SELECT k, id FROM (SELECT {self.column} AS k, c.id AS id, "
                f"row_number() OVER (ORDER BY {self._order()}) - 1 AS rn FROM contact c {join} "
                f"{'WHERE ' + where if where else ''}) WHERE rn % {ANCHOR_STEP} = 0 ORDER BY rn"
            )
            with self.store.read() as conn:
                rows = conn.execute(text(sql), params).all()
            self._anchors = [(k, i) for k, i in rows]
        return self._anchors

    # -- pages ------------------------------------------------------------------
    def page_after(self, key: Key | None = None, limit: int = 100) -> Page:
        """The `limit` rows after `key` (from the start when None)."""
        with self.store.read() as conn:
            rows = self._fetch(conn, key, limit + 1, inclusive=False, offset=0)
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(rows, rows[-1].key if more and rows else None)

    def page_at(self, offset: int, limit: int = 100) -> list[ContactRow]:
        """Rows `offset` .. `offset + limit - 1` of the list."""
        if offset < 0:
            raise ValueError("offset must be >= 0")
        anchors = self.anchors()
        index = offset // ANCHOR_STEP
        if index >= len(anchors):
            return []
        with self.store.read() as conn:
            return self._fetch(
                conn, anchors[index], limit, inclusive=True, offset=offset - index * ANCHOR_STEP
            )

    def index_of(self, contact_id: str) -> int | None:
        """The row number of a contact in this list, or None when it is not in it."""
        join, where, params = self.filters.where()
        clauses = [where] if where else []
        with self.store.read() as conn:
            key = conn.execute(
                text(
                    f"SELECT {self.column} FROM contact c {join} WHERE c.id = :me"
                    + (f" AND {where}" if where else "")
                ),
                {**params, "me": contact_id},
            ).first()
            if key is None:
                return None
            op = ">" if self.descending else "<"
            clauses.append(f"({self.column}, c.id) {op} (:key_sort, :key_id)")
            sql = f"SELECT count(*) FROM contact c {join} WHERE {' AND '.join(clauses)}"
            args = {**params, "key_sort": key[0], "key_id": contact_id}
            return int(conn.execute(text(sql), args).scalar_one())

    def _order(self) -> str:
        direction = "DESC" if self.descending else "ASC"
        return f"{self.column} {direction}, c.id {direction}"

    def _fetch(
        self, conn: Connection, key: Key | None, limit: int, *, inclusive: bool, offset: int
    ) -> list[ContactRow]:
        limit = min(limit, MAX_PAGE + 1)
        join, where, params = self.filters.where()
        clauses = [where] if where else []
        if key is not None:
            op = ("<" if self.descending else ">") + ("=" if inclusive else "")
            clauses.append(f"({self.column}, c.id) {op} (:key_sort, :key_id)")
            params = {**params, "key_sort": key[0], "key_id": key[1]}
        # The page's ids come from the index alone (skipping OFFSET rows costs
        # index entries, not row reads and joins); only the page's rows are read.
        # Rowids, not ids: every index entry carries the rowid, so the page's
        # rows are reached directly instead of through the primary-key index.
        page_ids = (
            f"SELECT c.rowid AS r FROM contact c {join} "
            f"{'WHERE ' + ' AND '.join(clauses) if clauses else ''} "
            f"ORDER BY {self._order()} LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        sql = (
            f"SELECT c.id, c.name, c.company_id, co.name, c.title, {_FIRST_PHONE_EMAIL}, c.owner, "
            f"c.tags, c.updated_at, {self.column}, c.last_activity_at FROM ({page_ids}) page "
            f"JOIN contact c ON c.rowid = page.r "
            f"LEFT JOIN company co ON co.id = c.company_id ORDER BY {self._order()}"
        )
        result = conn.execute(text(sql), params)
        return [_contact_row(r) for r in result]


def contact_rows(store: Store, contact_ids: list[str]) -> list[ContactRow]:
    """The list rows of the given contacts (e.g. search hits), in the order given."""
    sql = (
        f"SELECT c.id, c.name, c.company_id, co.name, c.title, {_FIRST_PHONE_EMAIL}, c.owner, "
        "c.tags, c.updated_at, c.name_sort, c.last_activity_at FROM contact c "
        "LEFT JOIN company co ON co.id = c.company_id "
        "WHERE c.id IN (SELECT value FROM json_each(:ids))"
    )
    with store.read() as conn:
        found = {
            r[0]: _contact_row(r) for r in conn.execute(text(sql), {"ids": json.dumps(contact_ids)})
        }
    return [found[i] for i in contact_ids if i in found]


def custom_matches(store: Store, filters: ContactFilter, contact_ids: list[str]) -> set[str]:
    """Those of `contact_ids` whose custom value passes `filters` (e.g. for search hits)."""
    if not filters.has_custom:
        return set(contact_ids)
    sql = (
        "SELECT record_id FROM custom_value WHERE field_id = :cf_id AND value = :cf_value "
        "AND record_id IN (SELECT value FROM json_each(:ids))"
    )
    args = {
        "cf_id": filters.custom_field_id,
        "cf_value": stored_custom_value(filters.custom_value),
        "ids": json.dumps(contact_ids),
    }
    with store.read() as conn:
        return set(conn.execute(text(sql), args).scalars())


def contact_owners(store: Store) -> list[str]:
    """The distinct owners of contacts, sorted (for an owner filter)."""
    with store.read() as conn:
        rows = conn.execute(
            text("SELECT DISTINCT owner FROM contact WHERE owner IS NOT NULL ORDER BY owner")
        ).scalars()
        return [str(owner) for owner in rows]


# A list shows the first phone and email: SQLite picks them out of the JSON, in C.
_FIRST_PHONE_EMAIL = "json_extract(c.phones, '$[0].number'), json_extract(c.emails, '$[0].address')"


def _contact_row(r: Any) -> ContactRow:
    return ContactRow(
        id=r[0],
        name=r[1],
        company_id=r[2],
        company_name=r[3],
        title=r[4],
        phone=r[5],
        email=r[6],
        owner=r[7],
        tags=json.loads(r[8]) if r[8] else [],
        updated_at=r[9],
        sort_key=r[10],
        last_activity_at=r[11],
    )


def list_contacts(
    store: Store,
    *,
    limit: int = 100,
    sort: str = "name",
    descending: bool = False,
    tag: str | None = None,
    owner: str | None = None,
    company_id: str | None = None,
    custom_field_id: str | None = None,
    custom_value: Any = None,
    after: Key | None = None,
) -> Page:
    """One page of contacts; see `ContactQuery` for paging through all of them."""
    query = ContactQuery(
        store,
        sort=sort,
        descending=descending,
        filters=ContactFilter(
            tag=tag,
            owner=owner,
            company_id=company_id,
            custom_field_id=custom_field_id,
            custom_value=custom_value,
        ),
    )
    return query.page_after(after, limit)
