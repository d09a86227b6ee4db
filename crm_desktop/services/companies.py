"""Companies (accounts): create, edit, delete with an explicit rule for linked records."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlmodel import col

from crm_desktop.domain.enums import Grade
from crm_desktop.domain.models import Activity, Company, Contact, Deal, Task
from crm_desktop.domain.text import sort_key
from crm_desktop.errors import ConflictingStateError, NotFoundError
from crm_desktop.services import validation as v
from crm_desktop.services.custom_fields import (
    clean_custom_values,
    existing_custom,
    raw_custom_values,
)
from crm_desktop.services.owners import current_user
from crm_desktop.services.results import OpResult
from crm_desktop.services.tags import ensure_tags
from crm_desktop.store.changes import Row, WriteTx, table_of
from crm_desktop.store.engine import Store

# In the order a person reads them (the merge dialog lists them so).
EDITABLE_FIELD_ORDER = (
    "name",
    "industry",
    "website",
    "phone",
    "email",
    "address",
    "city",
    "country",
    "grade",
    "tags",
    "owner",
    "notes",
)
EDITABLE_FIELDS = frozenset(EDITABLE_FIELD_ORDER)
# Records that point at a company: deleting it must say what happens to them.
LINKED_MODELS = (Contact, Deal, Activity, Task)


def clean_company(values: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    v.known_fields(values, EDITABLE_FIELDS, "Companies")
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "phone":
            out[key] = v.phone_number(key, value) if value else None
        elif key == "email":
            out[key] = v.email_address(key, value) if value else None
        elif key == "grade":
            out[key] = None if value in (None, "") else v.one_of(key, str(value).upper(), Grade)
        elif key == "tags":
            out[key] = v.tag_list(key, value)
        else:
            out[key] = v.optional_text(key, value, 1000 if key != "notes" else v.MAX_TEXT)
    if creating or "name" in values:
        out["name"] = v.required_text("name", values.get("name"))
    return out


def create_company(
    store: Store, values: Mapping[str, Any], custom: Mapping[str, Any] | None = None
) -> OpResult[str]:
    row = clean_company(values, creating=True)
    row.setdefault("owner", current_user(store.replica))
    with store.write() as tx:
        row.update(clean_custom_values(tx.conn, "company", custom or {}, creating=True))
        ensure_tags(tx, set(row.get("tags") or ()))
        company_id = tx.insert(Company, row)
    return OpResult(company_id, tx.changes)


def update_company(
    store: Store,
    company_id: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
) -> OpResult[dict[str, Any]]:
    row = clean_company(values, creating=False)
    with store.write() as tx:
        row.update(clean_custom_values(tx.conn, "company", custom or {}, creating=False))
        ensure_tags(tx, set(row.get("tags") or ()))
        old = tx.update(Company, company_id, row)
    return OpResult(old, tx.changes)


def companies_named(conn: Connection, name: str) -> list[str]:
    """Ids of the companies called `name`, ignoring case (Unicode-aware).

    name_sort is indexed and equal for names that differ only in case, so it
    finds the candidates; casefold picks among them.
    """
    wanted = name.strip().casefold()
    rows = conn.execute(
        select(col(Company.id), col(Company.name)).where(col(Company.name_sort) == sort_key(name))
    ).all()
    return [str(row[0]) for row in rows if row[1].casefold() == wanted]


def company_names(store: Store, ids: Iterable[str]) -> dict[str, str]:
    """{id: name} of the companies with these ids (unknown ids left out)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    with store.read() as conn:
        rows = conn.execute(
            select(col(Company.id), col(Company.name)).where(col(Company.id).in_(wanted))
        ).all()
    return {str(r[0]): str(r[1]) for r in rows}


def find_or_create_company(tx: WriteTx, name: str) -> str:
    """The id of the company called `name` (case-insensitive), created if none exists."""
    clean = v.required_text("company", name)
    found = companies_named(tx.conn, clean)
    if found:
        return found[0]
    return tx.insert(Company, {"name": clean, "owner": current_user(tx.replica)})


def resolve_company(store: Store, text: str) -> str:
    """The id of the company `text` names: its id, else its unique name.

    Raises:
        NotFoundError: no such company.
        ConflictingStateError: several companies have that name.
    """
    with store.read() as conn:
        if conn.execute(select(col(Company.id)).where(col(Company.id) == text)).first():
            return text
        ids = companies_named(conn, text)
    if not ids:
        raise NotFoundError("company", text)
    if len(ids) > 1:
        raise ConflictingStateError(
            "company.ambiguous", f"Several companies are called '{text}'; give its id."
        )
    return ids[0]


def linked_counts(tx: WriteTx, company_id: str) -> dict[str, int]:
    counts = {}
    for model in LINKED_MODELS:
        table = table_of(model)
        n = tx.conn.execute(
            select(func.count()).where(table.c.company_id == company_id)
        ).scalar_one()
        if n:
            counts[table.name] = int(n)
    return counts


@dataclass
class DeletedCompany:
    """What deleting a company removed: its row (with ``cf:`` custom values) and, per
    linked table, the ids unlinked from it; `counts` as `delete_company` returns them."""

    row: Row
    links: dict[str, list[str]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {entity: len(ids) for entity, ids in self.links.items() if ids}


def delete_company(
    store: Store, company_id: str, *, detach: bool = False
) -> OpResult[dict[str, int]]:
    """Delete a company.

    Rule: a company that contacts, deals, activities or tasks point at is not
    deleted unless ``detach=True``, which first unlinks them (they survive
    without a company). Returns the counts of records unlinked.

    Raises:
        ConflictingStateError: linked records exist and `detach` is False.
    """
    result = remove_company(store, company_id, detach=detach)
    return OpResult(result.value.counts, result.changes)


def remove_company(
    store: Store, company_id: str, *, detach: bool = False
) -> OpResult[DeletedCompany]:
    """`delete_company`, returning what was removed, for `restore_company` (undo)."""
    with store.write() as tx:
        row = tx.get_row(Company, company_id)
        counts = linked_counts(tx, company_id)
        if counts and not detach:
            summary = ", ".join(f"{n} {entity}" for entity, n in counts.items())
            raise ConflictingStateError(
                "company.has_links",
                f"The company still has {summary}; unlink them first (detach) or keep it.",
                counts=counts,
            )
        row.update(raw_custom_values(tx.conn, company_id))
        deleted = DeletedCompany(row)
        for model in LINKED_MODELS:
            table = table_of(model)
            ids = list(
                tx.conn.execute(
                    select(table.c.id).where(table.c.company_id == company_id)
                ).scalars()
            )
            for record_id in ids:
                tx.update(model, record_id, {"company_id": None})
            deleted.links[table.name] = ids
        tx.delete(Company, company_id)
    return OpResult(deleted, tx.changes)


def restore_company(store: Store, deleted: DeletedCompany) -> OpResult[str]:
    """Bring back a deleted company (same id) and relink the records still there that
    were unlinked from it: the undo of `delete_company`."""
    with store.write() as tx:
        row = existing_custom(tx.conn, deleted.row)
        ensure_tags(tx, set(row.get("tags") or ()))
        company_id = tx.restore(Company, row)
        for model in LINKED_MODELS:
            table = table_of(model)
            wanted = deleted.links.get(table.name) or []
            still = tx.conn.execute(select(table.c.id).where(table.c.id.in_(wanted))).scalars()
            for record_id in list(still):
                tx.update(model, record_id, {"company_id": company_id})
    return OpResult(company_id, tx.changes)


def validate_company(
    store: Store,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    *,
    creating: bool,
) -> dict[str, Any]:
    """Check what an editor would save, writing nothing; raises ValidationError naming the field."""
    row = clean_company(values, creating=creating)
    with store.read() as conn:
        clean_custom_values(conn, "company", custom or {}, creating=creating)
    return row


def get_company(store: Store, company_id: str) -> Company:
    with store.read() as conn:
        row = conn.execute(select(Company).where(Company.id == company_id)).mappings().first()  # type: ignore[arg-type]
    if row is None:
        raise NotFoundError("company", company_id)
    return Company(**row)


# -- lists -------------------------------------------------------------------------------
MAX_COMPANY_PAGE = 1000
CompanyKey = tuple[str, str]  # (name_sort, id)


@dataclass(frozen=True)
class CompanyRow:
    """One row of the companies list; `key` pages on (`list_companies(after=...)`)."""

    id: str
    name: str
    industry: str | None
    city: str | None
    phone: str | None
    owner: str | None
    tags: list[str]
    contacts: int
    name_sort: str = field(repr=False, default="")

    @property
    def key(self) -> CompanyKey:
        return (self.name_sort, self.id)


_COMPANY_ROW_SQL = (
    "SELECT co.id, co.name, co.industry, co.city, co.phone, co.owner, co.tags, "
    "(SELECT count(*) FROM contact c WHERE c.company_id = co.id), co.name_sort FROM company co "
)


def list_companies(
    store: Store, *, after: CompanyKey | None = None, limit: int = 200
) -> list[CompanyRow]:
    """One keyset page of companies in name order, after the row whose key is `after`."""
    limit = max(1, min(int(limit), MAX_COMPANY_PAGE))
    where = ""
    params: dict[str, Any] = {"n": limit}
    if after is not None:
        where = "WHERE (co.name_sort, co.id) > (:k, :i) "
        params = {"n": limit, "k": after[0], "i": after[1]}
    sql = f"{_COMPANY_ROW_SQL}{where}ORDER BY co.name_sort, co.id LIMIT :n"
    with store.read() as conn:
        return [_company_row(r) for r in conn.execute(text(sql), params)]


def company_rows(store: Store, company_ids: Sequence[str]) -> list[CompanyRow]:
    """The list rows of the given companies (e.g. search hits), in the order given."""
    sql = f"{_COMPANY_ROW_SQL}WHERE co.id IN (SELECT value FROM json_each(:ids))"
    with store.read() as conn:
        found = {
            r[0]: _company_row(r)
            for r in conn.execute(text(sql), {"ids": json.dumps(list(company_ids))})
        }
    return [found[i] for i in company_ids if i in found]


def count_companies(store: Store) -> int:
    """How many companies there are (a kept count: no scan)."""
    with store.read() as conn:
        kept = conn.execute(
            text("SELECT count FROM record_count WHERE entity = 'company'")
        ).scalar()
    return int(kept or 0)


def _company_row(r: Any) -> CompanyRow:
    tags = r[6] if isinstance(r[6], list) else json.loads(r[6]) if r[6] else []
    return CompanyRow(r[0], r[1], r[2], r[3], r[4], r[5], tags, int(r[7]), r[8] or "")


@dataclass(frozen=True)
class CompanyDeal:
    id: str
    title: str
    stage_name: str | None
    status: str
    value_cents: int
    currency: str
    contact_name: str | None
    expected_close: str | None


def company_deals(store: Store, company_id: str, limit: int = 500) -> list[CompanyDeal]:
    """The deals of a company, open first, then most recently moved."""
    sql = (
        "SELECT d.id, d.title, s.name, d.status, d.value_cents, d.currency, c.name, "
        "d.expected_close FROM deal d LEFT JOIN stage s ON s.id = d.stage_id "
        "LEFT JOIN contact c ON c.id = d.contact_id WHERE d.company_id = :id "
        "ORDER BY d.status != 'open', d.stage_entered_at DESC, d.id LIMIT :n"
    )
    with store.read() as conn:
        rows = conn.execute(text(sql), {"id": company_id, "n": int(limit)}).all()
    return [CompanyDeal(*r) for r in rows]
