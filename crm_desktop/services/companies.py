"""Companies (accounts): create, edit, delete with an explicit rule for linked records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import col

from crm_desktop.domain.enums import Grade
from crm_desktop.domain.models import Activity, Company, Contact, Deal, Task
from crm_desktop.domain.text import sort_key
from crm_desktop.errors import ConflictingStateError, NotFoundError
from crm_desktop.services import validation as v
from crm_desktop.services.custom_fields import clean_custom_values
from crm_desktop.services.owners import current_user
from crm_desktop.services.results import OpResult
from crm_desktop.services.tags import ensure_tags
from crm_desktop.store.changes import WriteTx, table_of
from crm_desktop.store.engine import Store

EDITABLE_FIELDS = frozenset(
    {
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
    }
)
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
    with store.write() as tx:
        tx.get_row(Company, company_id)
        counts = linked_counts(tx, company_id)
        if counts and not detach:
            summary = ", ".join(f"{n} {entity}" for entity, n in counts.items())
            raise ConflictingStateError(
                "company.has_links",
                f"The company still has {summary}; unlink them first (detach) or keep it.",
                counts=counts,
            )
        for model in LINKED_MODELS:
            table = table_of(model)
            ids = tx.conn.execute(
                select(table.c.id).where(table.c.company_id == company_id)
            ).scalars()
            for record_id in list(ids):
                tx.update(model, record_id, {"company_id": None})
        tx.delete(Company, company_id)
    return OpResult(counts, tx.changes)


def get_company(store: Store, company_id: str) -> Company:
    with store.read() as conn:
        row = conn.execute(select(Company).where(Company.id == company_id)).mappings().first()  # type: ignore[arg-type]
    if row is None:
        raise NotFoundError("company", company_id)
    return Company(**row)
