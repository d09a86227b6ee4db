"""Merging two contacts into one, as ordinary synced edits plus a merge record.

A merge, in one transaction:

1. writes the fields picked for the survivor (by default each field keeps the
   survivor's value, or the other's where the survivor has none; phones,
   emails and tags are united);
2. re-points every activity, task and deal of the merged-away contact to the
   survivor (edits like any other, so they sync);
3. records a `MergeRedirect` {id: merged-away id, survivor_id} (synced), and
4. deletes the merged-away contact.

The HQ server reads the redirect: an edit of the merged-away contact made
offline on another device, pushed after the merge, lands on the survivor;
so does a new activity or task that still points at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from crm_desktop.domain.models import Activity, Contact, Deal, MergeRedirect, Task
from crm_desktop.errors import ConflictingStateError, ValidationError
from crm_desktop.services.contacts import EDITABLE_FIELD_ORDER, clean_contact
from crm_desktop.services.custom_fields import raw_custom_values
from crm_desktop.services.results import OpResult
from crm_desktop.services.tags import ensure_tags
from crm_desktop.store.changes import CUSTOM_PREFIX, WriteTx, table_of
from crm_desktop.store.engine import Store

SURVIVOR = "survivor"
OTHER = "other"
UNITED = ("phones", "emails", "tags")
MERGEABLE_FIELDS = EDITABLE_FIELD_ORDER
MAX_CHAIN = 20


@dataclass
class MergePlan:
    """Both contacts' values side by side and the default pick per field."""

    survivor: dict[str, Any]
    other: dict[str, Any]
    defaults: dict[str, Any]
    differing: list[str] = field(default_factory=list)


@dataclass
class MergeOutcome:
    survivor_id: str
    merged_id: str
    moved: dict[str, int] = field(default_factory=dict)  # entity -> records re-pointed


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def _united(field_name: str, a: list[Any], b: list[Any]) -> list[Any]:
    key = {"phones": "number", "emails": "address"}.get(field_name)
    out: list[Any] = []
    seen: set[Any] = set()
    for item in [*(a or []), *(b or [])]:
        mark = (item.get(key) if isinstance(item, Mapping) else item) if key else item
        if mark not in seen:
            seen.add(mark)
            out.append(item)
    return out


def _contact_values(conn: Connection, contact_id: str) -> dict[str, Any]:
    table = table_of(Contact)
    row = conn.execute(select(table).where(table.c.id == contact_id)).mappings().first()
    if row is None:
        from crm_desktop.errors import NotFoundError

        raise NotFoundError("contact", contact_id)
    values: dict[str, Any] = {k: row[k] for k in MERGEABLE_FIELDS}
    values.update(raw_custom_values(conn, contact_id))
    return values


def plan_merge(store: Store, survivor_id: str, other_id: str) -> MergePlan:
    """Both records and what a merge keeps unless told otherwise (for the merge dialog)."""
    _check_pair(survivor_id, other_id)
    with store.read() as conn:
        survivor = _contact_values(conn, survivor_id)
        other = _contact_values(conn, other_id)
    return _plan(survivor, other)


def _plan(survivor: dict[str, Any], other: dict[str, Any]) -> MergePlan:
    defaults: dict[str, Any] = {}
    differing = []
    for name in sorted(set(survivor) | set(other), key=_field_order):
        mine, theirs = survivor.get(name), other.get(name)
        if name in UNITED:
            defaults[name] = _united(name, mine or [], theirs or [])
        elif name in ("consent_email", "consent_call", "consent_sms"):
            defaults[name] = bool(mine) and bool(theirs)  # consent only if both gave it
        elif name == "notes" and not _empty(mine) and not _empty(theirs) and mine != theirs:
            defaults[name] = f"{mine}\n\n{theirs}"
        else:
            defaults[name] = theirs if _empty(mine) else mine
        if mine != theirs and not (_empty(mine) and _empty(theirs)):
            differing.append(name)
    return MergePlan(survivor, other, defaults, differing)


def _field_order(name: str) -> tuple[int, str]:
    try:
        return (MERGEABLE_FIELDS.index(name), name)
    except ValueError:
        return (len(MERGEABLE_FIELDS), name)


def _check_pair(survivor_id: str, other_id: str) -> None:
    if survivor_id == other_id:
        raise ValidationError("other_id", "A contact cannot be merged with itself.")


def merge_contacts(
    store: Store,
    survivor_id: str,
    other_id: str,
    picks: Mapping[str, Any] | None = None,
) -> OpResult[MergeOutcome]:
    """Merge contact `other_id` into `survivor_id`; see the module docstring.

    Args:
        picks: field -> "survivor", "other", or an explicit value (e.g. an edited
            note); fields not given take `MergePlan.defaults`.
    Raises:
        NotFoundError: either contact does not exist.
        ValidationError: a picked value is invalid, or the two are the same contact.
    """
    _check_pair(survivor_id, other_id)
    with store.write() as tx:
        survivor = _contact_values(tx.conn, survivor_id)
        other = _contact_values(tx.conn, other_id)
        plan = _plan(survivor, other)
        values = dict(plan.defaults)
        for name, pick in (picks or {}).items():
            if name not in plan.defaults:
                raise ValidationError(name, f"Contacts have no field '{name}' to merge.")
            if pick == SURVIVOR:
                values[name] = survivor.get(name)
            elif pick == OTHER:
                values[name] = other.get(name)
            else:
                values[name] = pick
        plain = {k: v for k, v in values.items() if not k.startswith(CUSTOM_PREFIX)}
        custom = {k: v for k, v in values.items() if k.startswith(CUSTOM_PREFIX)}
        cleaned = clean_contact(plain, creating=False)
        ensure_tags(tx, set(cleaned.get("tags") or ()))
        tx.update(Contact, survivor_id, {**cleaned, **custom})
        moved = _repoint(tx, other_id, survivor_id)
        redirect_in(tx, "contact", other_id, survivor_id, cleaned.get("owner"))
        tx.delete(Contact, other_id)
    return OpResult(MergeOutcome(survivor_id, other_id, moved), tx.changes)


def _children() -> list[Any]:
    """Every synced kind of record that points at a contact (activities, tasks, deals,
    consents, ...), found from the schema so a new one is never left behind."""
    from crm_desktop.domain.models import SYNCED_MODELS

    first = [Activity, Task, Deal]
    rest = [
        m
        for m in SYNCED_MODELS.values()
        if m not in first and "contact_id" in table_of(m).c and m is not MergeRedirect
    ]
    return first + rest


def _repoint(tx: WriteTx, old_id: str, new_id: str) -> dict[str, int]:
    moved: dict[str, int] = {}
    for model in _children():
        table = table_of(model)
        ids = list(
            tx.conn.execute(select(table.c.id).where(table.c.contact_id == old_id)).scalars()
        )
        for record_id in ids:
            tx.update(model, record_id, {"contact_id": new_id})
        if ids or model in (Activity, Task, Deal):
            moved[table.name] = len(ids)
    return moved


def redirect_in(
    tx: WriteTx, entity: str, merged_id: str, survivor_id: str, owner: str | None
) -> None:
    """Record that `merged_id` now lives on as `survivor_id` (and point older redirects
    to the merged record at the survivor, so no chain forms)."""
    table = table_of(MergeRedirect)
    if survivor_id == merged_id or resolve_in(tx.conn, survivor_id) == merged_id:
        raise ConflictingStateError("merge.cycle", "That merge would point a record at itself.")
    older = tx.conn.execute(select(table.c.id).where(table.c.survivor_id == merged_id)).scalars()
    for record_id in list(older):
        tx.update(MergeRedirect, record_id, {"survivor_id": survivor_id})
    existing = tx.conn.execute(select(table.c.id).where(table.c.id == merged_id)).first()
    values = {"entity": entity, "survivor_id": survivor_id, "owner": owner}
    if existing is None:
        tx.insert(MergeRedirect, {"id": merged_id, **values})
    else:
        tx.update(MergeRedirect, merged_id, values)


def resolve_in(conn: Connection, record_id: str) -> str:
    """The id a record lives on as: itself, or the survivor of its merge(s)."""
    table = table_of(MergeRedirect)
    current = record_id
    for _ in range(MAX_CHAIN):
        target = conn.execute(
            select(table.c.survivor_id).where(table.c.id == current)
        ).scalar_one_or_none()
        if target is None or target == current:
            return current
        current = target
    return current


def resolve(store: Store, record_id: str) -> str:
    """`resolve_in` in its own read: what a view opens when a merged record is asked for."""
    with store.read() as conn:
        return resolve_in(conn, record_id)
