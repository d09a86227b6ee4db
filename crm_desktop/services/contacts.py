"""Contacts: create, edit, delete, bulk create; every write validated and change-logged."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import col

from crm_desktop.domain.enums import Grade
from crm_desktop.domain.models import Activity, Company, Consent, Contact, Deal, Task
from crm_desktop.errors import NotFoundError, ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.companies import find_or_create_company
from crm_desktop.services.custom_fields import (
    clean_custom_values,
    custom_values,
    existing_custom,
    raw_custom_values,
)
from crm_desktop.services.owners import current_user
from crm_desktop.services.results import OpResult
from crm_desktop.services.tags import ensure_tags
from crm_desktop.store.changes import Row, WriteTx, table_of
from crm_desktop.store.engine import Store
from crm_desktop.store.erasure import consent_ids

# In the order a person reads them (a merge lists them so).
EDITABLE_FIELD_ORDER = (
    "name",
    "company_id",
    "title",
    "phones",
    "emails",
    "address",
    "birthday",
    "source",
    "grade",
    "tags",
    "owner",
    "notes",
    "consent_email",
    "consent_call",
    "consent_sms",
)
EDITABLE_FIELDS = frozenset(EDITABLE_FIELD_ORDER)
BULK_BATCH = 5_000


@dataclass
class ContactDetail:
    contact: Contact
    company_name: str | None
    custom: dict[str, Any] = field(default_factory=dict)


@dataclass
class DeletedContact:
    """What `delete_contact` removed: the contact's row (with ``cf:`` custom values),
    its tasks, activities and consent records, and the deals it was unlinked from."""

    row: Row
    tasks: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)
    deal_ids: list[str] = field(default_factory=list)
    consents: list[Row] = field(default_factory=list)


@dataclass
class BulkResult:
    """Ids created and, for rows refused, (row number, error) — nothing dropped silently."""

    ids: list[str] = field(default_factory=list)
    errors: list[tuple[int, ValidationError]] = field(default_factory=list)


def clean_contact(values: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validate and normalise contact fields; raises ValidationError naming the field."""
    v.known_fields(values, EDITABLE_FIELDS, "Contacts")
    out: dict[str, Any] = {}
    for key, value in values.items():
        out[key] = _CLEANERS[key](key, value)
    if creating or "name" in values:
        out["name"] = v.required_text("name", values.get("name"))
    return out


def _labelled(
    field_name: str, value: Any, key: str, default_label: str, check: Callable[[str, str], str]
) -> list[dict[str, str]]:
    """A list of {"label", key} entries from strings or dicts, each value checked;
    an error names the entry ("phones[1]") when there are several."""
    items = _listify(value)
    result = []
    for index, item in enumerate(items):
        label, raw = (
            (item.get("label", ""), item.get(key, "")) if isinstance(item, Mapping) else ("", item)
        )
        if not str(raw).strip():
            continue
        name = f"{field_name}[{index}]" if len(items) > 1 else field_name
        result.append({"label": str(label or default_label), key: check(name, str(raw))})
    return result


def _phones(field_name: str, value: Any) -> list[dict[str, str]]:
    return _labelled(field_name, value, "number", "mobile", v.phone_number)


def _emails(field_name: str, value: Any) -> list[dict[str, str]]:
    return _labelled(field_name, value, "address", "work", v.email_address)


def _listify(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.split(",")]
    if isinstance(value, Mapping):
        return [value]
    return list(value)


def _grade(field_name: str, value: Any) -> str | None:
    return None if value in (None, "") else v.one_of(field_name, str(value).upper(), Grade)


_CLEANERS: dict[str, Callable[[str, Any], Any]] = {
    "name": lambda f, x: v.required_text(f, x),
    "company_id": lambda f, x: v.optional_text(f, x, 64),
    "title": lambda f, x: v.optional_text(f, x, 200),
    "phones": _phones,
    "emails": _emails,
    "address": lambda f, x: v.optional_text(f, x, 1000),
    "birthday": v.parse_date,
    "source": lambda f, x: v.optional_text(f, x, 200),
    "grade": _grade,
    "tags": v.tag_list,
    "owner": lambda f, x: v.optional_text(f, x, 200),
    "notes": lambda f, x: v.optional_text(f, x),
    "consent_email": v.boolean,
    "consent_call": v.boolean,
    "consent_sms": v.boolean,
}


def _check_company(conn: Connection, company_id: str | None) -> None:
    if (
        company_id
        and conn.execute(select(col(Company.id)).where(col(Company.id) == company_id)).first()
        is None
    ):
        raise ValidationError(
            "company_id", f"No company with id {company_id}.", code="validation.reference"
        )


def create_contact(
    store: Store,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    *,
    company_name: str | None = None,
) -> OpResult[str]:
    """Create one contact; returns its id. Nothing is written if any field is invalid.

    Args:
        company_name: link to the company of that name, created if none exists,
            in the same transaction (a refused contact leaves no new company).
    """
    row = clean_contact(values, creating=True)
    row.setdefault("owner", current_user(store.replica))
    with store.write() as tx:
        if company_name is not None:
            row["company_id"] = find_or_create_company(tx, company_name)
        _check_company(tx.conn, row.get("company_id"))
        row.update(clean_custom_values(tx.conn, "contact", custom or {}, creating=True))
        ensure_tags(tx, set(row.get("tags") or ()))
        contact_id = tx.insert(Contact, row)
    return OpResult(contact_id, tx.changes)


def create_contacts(
    store: Store,
    rows: Iterable[Mapping[str, Any]],
    *,
    batch_size: int = BULK_BATCH,
    progress: Callable[[int], None] | None = None,
) -> OpResult[BulkResult]:
    """Bulk create (import, demo data): valid rows are written in batches, one transaction
    per batch; invalid rows are reported with their number and reason."""
    result = BulkResult()
    owner = current_user(store.replica)
    batch: list[dict[str, Any]] = []
    changes = OpResult(result).changes
    for number, values in enumerate(rows, start=1):
        try:
            row = clean_contact(values, creating=True)
        except ValidationError as exc:
            result.errors.append((number, exc))
            continue
        row.setdefault("owner", owner)
        batch.append(row)
        if len(batch) >= batch_size:
            _write_batch(store, batch, result, changes)
            batch = []
            if progress:
                progress(number)
    if batch:
        _write_batch(store, batch, result, changes)
    if progress:
        progress(len(result.ids) + len(result.errors))
    return OpResult(result, changes)


def _write_batch(
    store: Store, batch: list[dict[str, Any]], result: BulkResult, changes: Any
) -> None:
    with store.write() as tx:
        companies = {r["company_id"] for r in batch if r.get("company_id")}
        known = (
            set(
                tx.conn.execute(
                    select(col(Company.id)).where(col(Company.id).in_(companies))
                ).scalars()
            )
            if companies
            else set()
        )
        missing = companies - known
        if missing:
            raise ValidationError(
                "company_id",
                f"No company with id {sorted(missing)[0]}.",
                code="validation.reference",
            )
        ensure_tags(tx, {t for r in batch for t in r.get("tags") or ()})
        result.ids.extend(tx.insert_many(Contact, batch))
    for kind in ("created", "updated"):
        for entity, ids in getattr(tx.changes, kind).items():
            getattr(changes, kind)[entity].update(ids)


def update_contact(
    store: Store,
    contact_id: str,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    *,
    company_name: str | None = None,
) -> OpResult[dict[str, Any]]:
    """Edit fields of a contact; returns the old values of the fields that changed.

    Args:
        company_name: as for `create_contact`: link to that company, created if new.
    """
    row = clean_contact(values, creating=False)
    with store.write() as tx:
        if company_name is not None:
            row["company_id"] = find_or_create_company(tx, company_name)
        if "company_id" in row:
            _check_company(tx.conn, row["company_id"])
        row.update(clean_custom_values(tx.conn, "contact", custom or {}, creating=False))
        ensure_tags(tx, set(row.get("tags") or ()))
        old = tx.update(Contact, contact_id, row)
    return OpResult(old, tx.changes)


def delete_contact(store: Store, contact_id: str) -> OpResult[DeletedContact]:
    """Delete a contact with its tasks, activities and consents; its deals stay, unlinked.

    Returns:
        What was removed, for `restore_contact` (undo).
    """
    with store.write() as tx:
        deleted = delete_contact_in(tx, contact_id)
    return OpResult(deleted, tx.changes)


def delete_contact_in(tx: WriteTx, contact_id: str) -> DeletedContact:
    row = tx.get_row(Contact, contact_id)  # NotFoundError before touching anything
    row.update(raw_custom_values(tx.conn, contact_id))
    removed: dict[str, list[Row]] = {}
    for model in (Task, Activity):
        table = table_of(model)
        ids = tx.conn.execute(select(table.c.id).where(table.c.contact_id == contact_id)).scalars()
        removed[table.name] = [tx.delete(model, record_id) for record_id in list(ids)]
    deal_ids = list(
        tx.conn.execute(select(col(Deal.id)).where(col(Deal.contact_id) == contact_id)).scalars()
    )
    for deal_id in deal_ids:
        tx.update(Deal, deal_id, {"contact_id": None})
    # Deleted here rather than left to the contact's delete hook, so an undo has them.
    consents = [tx.delete(Consent, record_id) for record_id in consent_ids(tx.conn, contact_id)]
    tx.delete(Contact, contact_id)
    return DeletedContact(row, removed["task"], removed["activity"], deal_ids, consents)


def restore_contact(store: Store, deleted: DeletedContact) -> OpResult[str]:
    """Bring back a deleted contact (same id) with its tasks, activities and consent
    records, and relink its deals: the undo of `delete_contact`. Links to records
    deleted since are dropped."""
    with store.write() as tx:
        row = _linked_only(tx.conn, existing_custom(tx.conn, deleted.row))
        ensure_tags(tx, set(row.get("tags") or ()))
        contact_id = tx.restore(Contact, row)
        children = ((Task, deleted.tasks), (Activity, deleted.activities))
        for model, rows in (*children, (Consent, deleted.consents)):
            for record in rows:
                tx.restore(model, _linked_only(tx.conn, record))
        for deal_id in deleted.deal_ids:
            if _exists(tx.conn, Deal, deal_id):
                tx.update(Deal, deal_id, {"contact_id": contact_id})
    return OpResult(contact_id, tx.changes)


def _linked_only(conn: Connection, row: Row) -> Row:
    """`row` with its company/deal links cleared where that record no longer exists."""
    out = dict(row)
    for key, model in (("company_id", Company), ("deal_id", Deal)):
        if out.get(key) and not _exists(conn, model, out[key]):
            out[key] = None
    return out


def _exists(conn: Connection, model: Any, record_id: str) -> bool:
    return conn.execute(select(model.id).where(model.id == record_id)).first() is not None


def validate_contact(
    store: Store,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    *,
    creating: bool,
    company_name: str | None = None,
) -> dict[str, Any]:
    """Check what an editor would save, writing nothing; raises ValidationError naming the
    field (``company`` for `company_name`, a custom field's key for `custom`)."""
    row = clean_contact(values, creating=creating)
    if company_name is not None:
        v.required_text("company", company_name)
    with store.read() as conn:
        _check_company(conn, row.get("company_id"))
        clean_custom_values(conn, "contact", custom or {}, creating=creating)
    return row


def get_contact(store: Store, contact_id: str) -> ContactDetail:
    with store.read() as conn:
        row = conn.execute(select(Contact).where(col(Contact.id) == contact_id)).mappings().first()
        if row is None:
            raise NotFoundError("contact", contact_id)
        contact = Contact(**row)
        company = None
        if contact.company_id:
            company = conn.execute(
                select(col(Company.name)).where(col(Company.id) == contact.company_id)
            ).scalar()
        return ContactDetail(contact, company, custom_values(conn, contact_id))
