"""Merging two records (contacts, or companies) into one, as synced edits plus a merge record.

A merge, in one transaction:

1. writes the fields picked for the survivor (by default each field keeps the
   survivor's value, or the other's where the survivor has none; lists such
   as phones, emails and tags are united);
2. re-points every record of the merged-away one (a contact's activities,
   tasks, deals, consents; a company's contacts, deals, activities, tasks) to
   the survivor (edits like any other, so they sync);
3. records a `MergeRedirect` {id: merged-away id, survivor_id} (synced), and
4. deletes the merged-away record.

The HQ server reads the redirect: an edit of the merged-away record made
offline on another device, pushed after the merge, lands on the survivor;
so does a new activity or task that still points at it.

`unmerge` takes a merge back (the GUI's undo): the redirect is deleted first
(a synced delete, so the server stops redirecting), the merged-away record
comes back with its id and every field, exactly the records the merge moved
go back to it, and the survivor's fields that the merge wrote get their old
values (unless edited since). What differs between contacts and companies is
a `MergeKind`; companies' is in `crm_desktop.services.company_merge`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from crm_desktop.domain.models import Activity, Company, Contact, Deal, MergeRedirect, Task
from crm_desktop.errors import ConflictingStateError, NotFoundError, ValidationError
from crm_desktop.services.contacts import EDITABLE_FIELD_ORDER, clean_contact
from crm_desktop.services.custom_fields import existing_custom, raw_custom_values
from crm_desktop.services.results import OpResult
from crm_desktop.services.tags import ensure_tags
from crm_desktop.store.changes import CUSTOM_PREFIX, Row, WriteTx, table_of
from crm_desktop.store.engine import Store
from crm_desktop.store.wire import to_wire

SURVIVOR = "survivor"
OTHER = "other"
UNITED = ("phones", "emails", "tags")
MERGEABLE_FIELDS = EDITABLE_FIELD_ORDER
MAX_CHAIN = 20
_CONSENTS = ("consent_email", "consent_call", "consent_sms")


@dataclass(frozen=True)
class MergeKind:
    """What a merge needs to know about one kind of record."""

    entity: str  # table name, also the MergeRedirect's ``entity``
    model: type[SQLModel]
    fields: tuple[str, ...]  # mergeable fields, in the order a person reads them
    united: tuple[str, ...]  # list fields whose values are combined
    clean: Callable[[Mapping[str, Any]], dict[str, Any]]  # validate an edit
    first_children: tuple[type[SQLModel], ...]  # always counted in `moved`, even at 0
    links: tuple[tuple[str, type[SQLModel]], ...] = ()  # columns cleared if gone on undo

    @property
    def column(self) -> str:
        """The column other records point at this kind with ("contact_id")."""
        return f"{self.entity}_id"


CONTACT = MergeKind(
    "contact",
    Contact,
    EDITABLE_FIELD_ORDER,
    UNITED,
    lambda values: clean_contact(values, creating=False),
    (Activity, Task, Deal),
    (("company_id", Company),),
)


@dataclass
class MergePlan:
    """Both records' values side by side and the default pick per field."""

    survivor: dict[str, Any]
    other: dict[str, Any]
    defaults: dict[str, Any]
    differing: list[str] = field(default_factory=list)


@dataclass
class MergeOutcome:
    """What a merge did, with what `unmerge` needs to take it back (and redo it)."""

    survivor_id: str
    merged_id: str
    moved: dict[str, int] = field(default_factory=dict)  # entity -> records re-pointed
    kind: MergeKind = CONTACT
    picks: dict[str, Any] = field(default_factory=dict)  # as given, for a redo
    merged_row: Row = field(default_factory=dict)  # the merged-away record, with cf: values
    survivor_before: Row = field(default_factory=dict)  # fields the merge changed: old value
    survivor_after: Row = field(default_factory=dict)  # ... and the value it wrote
    moved_ids: dict[str, list[str]] = field(default_factory=dict)  # entity -> ids re-pointed
    redirects_repointed: list[str] = field(default_factory=list)  # older redirects to it
    previous_redirect: Row | None = None  # a live redirect of merged_id the merge replaced

    @property
    def entity(self) -> str:
        return self.kind.entity


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


def record_values(conn: Connection, kind: MergeKind, record_id: str) -> dict[str, Any]:
    """The mergeable fields of one record, with its custom values (``cf:<field id>``)."""
    table = table_of(kind.model)
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None:
        raise NotFoundError(kind.entity, record_id)
    values: dict[str, Any] = {k: row[k] for k in kind.fields}
    values.update(raw_custom_values(conn, record_id))
    return values


def plan_merge(store: Store, survivor_id: str, other_id: str) -> MergePlan:
    """Both contacts and what a merge keeps unless told otherwise (for the merge dialog)."""
    return plan_records(store, CONTACT, survivor_id, other_id)


def plan_records(store: Store, kind: MergeKind, survivor_id: str, other_id: str) -> MergePlan:
    """`plan_merge` for any kind of record."""
    _check_pair(kind, survivor_id, other_id)
    with store.read() as conn:
        survivor = record_values(conn, kind, survivor_id)
        other = record_values(conn, kind, other_id)
    return _plan(kind, survivor, other)


def _plan(kind: MergeKind, survivor: dict[str, Any], other: dict[str, Any]) -> MergePlan:
    defaults: dict[str, Any] = {}
    differing = []
    for name in sorted(set(survivor) | set(other), key=lambda n: _field_order(kind, n)):
        mine, theirs = survivor.get(name), other.get(name)
        if name in kind.united:
            defaults[name] = _united(name, mine or [], theirs or [])
        elif name in _CONSENTS:
            defaults[name] = bool(mine) and bool(theirs)  # consent only if both gave it
        elif name == "notes" and not _empty(mine) and not _empty(theirs) and mine != theirs:
            defaults[name] = f"{mine}\n\n{theirs}"
        else:
            defaults[name] = theirs if _empty(mine) else mine
        if mine != theirs and not (_empty(mine) and _empty(theirs)):
            differing.append(name)
    return MergePlan(survivor, other, defaults, differing)


def _field_order(kind: MergeKind, name: str) -> tuple[int, str]:
    try:
        return (kind.fields.index(name), name)
    except ValueError:
        return (len(kind.fields), name)


def _check_pair(kind: MergeKind, survivor_id: str, other_id: str) -> None:
    if survivor_id == other_id:
        raise ValidationError(
            "other_id", f"A {kind.entity} cannot be merged with itself.", code="merge.self"
        )


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
    Returns:
        The outcome, which `unmerge` takes back.
    Raises:
        NotFoundError: either contact does not exist.
        ValidationError: a picked value is invalid, or the two are the same contact.
    """
    return merge_records(store, CONTACT, survivor_id, other_id, picks)


def merge_records(
    store: Store,
    kind: MergeKind,
    survivor_id: str,
    other_id: str,
    picks: Mapping[str, Any] | None = None,
) -> OpResult[MergeOutcome]:
    """`merge_contacts` for any kind of record (companies: `company_merge`)."""
    _check_pair(kind, survivor_id, other_id)
    with store.write() as tx:
        outcome = _merge_in(tx, kind, survivor_id, other_id, dict(picks or {}))
    return OpResult(outcome, tx.changes)


def _picked_values(plan: MergePlan, kind: MergeKind, picks: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(plan.defaults)
    for name, pick in picks.items():
        if name not in plan.defaults:
            raise ValidationError(
                name, f"A {kind.entity} has no field '{name}' to merge.", code="merge.field"
            )
        if pick == SURVIVOR:
            values[name] = plan.survivor.get(name)
        elif pick == OTHER:
            values[name] = plan.other.get(name)
        else:
            values[name] = pick
    return values


def _merge_in(
    tx: WriteTx, kind: MergeKind, survivor_id: str, other_id: str, picks: dict[str, Any]
) -> MergeOutcome:
    survivor = record_values(tx.conn, kind, survivor_id)
    other = record_values(tx.conn, kind, other_id)
    values = _picked_values(_plan(kind, survivor, other), kind, picks)
    plain = {k: v for k, v in values.items() if not k.startswith(CUSTOM_PREFIX)}
    custom = {k: v for k, v in values.items() if k.startswith(CUSTOM_PREFIX)}
    cleaned = kind.clean(plain)
    ensure_tags(tx, set(cleaned.get("tags") or ()))
    merged_row = tx.get_row(kind.model, other_id)
    merged_row.update(raw_custom_values(tx.conn, other_id))
    written = {**cleaned, **custom}
    before = tx.update(kind.model, survivor_id, written)
    moved_ids = _repoint(tx, kind, other_id, survivor_id)
    outcome = MergeOutcome(
        survivor_id,
        other_id,
        {entity: len(ids) for entity, ids in moved_ids.items()},
        kind,
        picks,
        merged_row,
        before,
        {k: written[k] for k in before},
        moved_ids,
    )
    owner = cleaned.get("owner", survivor.get("owner"))
    outcome.redirects_repointed, outcome.previous_redirect = redirect_in(
        tx, kind.entity, other_id, survivor_id, owner
    )
    tx.delete(kind.model, other_id)
    return outcome


def _children(kind: MergeKind) -> list[type[SQLModel]]:
    """Every synced kind of record that points at `kind` (activities, tasks, deals,
    consents, ...), found from the schema so a new one is never left behind."""
    from crm_desktop.domain.models import SYNCED_MODELS

    first = list(kind.first_children)
    rest = [
        m
        for m in SYNCED_MODELS.values()
        if m not in first and kind.column in table_of(m).c and m is not MergeRedirect
    ]
    return first + rest


def _repoint(tx: WriteTx, kind: MergeKind, old_id: str, new_id: str) -> dict[str, list[str]]:
    moved: dict[str, list[str]] = {}
    column = kind.column
    for model in _children(kind):
        table = table_of(model)
        ids = list(tx.conn.execute(select(table.c.id).where(table.c[column] == old_id)).scalars())
        for record_id in ids:
            tx.update(model, record_id, {column: new_id})
        if ids or model in kind.first_children:
            moved[table.name] = ids
    return moved


def redirect_in(
    tx: WriteTx, entity: str, merged_id: str, survivor_id: str, owner: str | None
) -> tuple[list[str], Row | None]:
    """Record that `merged_id` now lives on as `survivor_id` (and point older redirects
    to the merged record at the survivor, so no chain forms).

    Returns:
        The ids of the older redirects re-pointed, and the values of a live redirect
        of `merged_id` this one replaced (None if there was none): what an undo restores.
    """
    table = table_of(MergeRedirect)
    if survivor_id == merged_id or resolve_in(tx.conn, survivor_id) == merged_id:
        raise ConflictingStateError("merge.cycle", "That merge would point a record at itself.")
    older = tx.conn.execute(select(table.c.id).where(table.c.survivor_id == merged_id)).scalars()
    repointed = list(older)
    for record_id in repointed:
        tx.update(MergeRedirect, record_id, {"survivor_id": survivor_id})
    existing = tx.conn.execute(select(table).where(table.c.id == merged_id)).mappings().first()
    values = {"entity": entity, "survivor_id": survivor_id, "owner": owner}
    if existing is not None:
        tx.update(MergeRedirect, merged_id, values)
        return repointed, {k: existing[k] for k in values}
    if _tombstoned(tx.conn, table.name, merged_id):
        # A merge undone and done again: an upsert would lose to the delete everywhere.
        tx.restore(MergeRedirect, {"id": merged_id, **values})
    else:
        tx.insert(MergeRedirect, {"id": merged_id, **values})
    return repointed, None


def _tombstoned(conn: Connection, entity: str, record_id: str) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM tombstone WHERE entity = ? AND record_id = ?", (entity, record_id)
    ).first()
    return found is not None


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


# -- undo ------------------------------------------------------------------------------------
def unmerge(store: Store, outcome: MergeOutcome) -> OpResult[str]:
    """Take a merge back: the undo of `merge_contacts` / `merge_companies`.

    In one transaction, in this order (the order the server sees the changes):
    the redirect is deleted (or put back as it was), older redirects re-pointed
    by the merge point at the merged-away record again, that record is restored
    (same id, every field and custom value), the records the merge moved and
    that still point at the survivor move back, and each survivor field the
    merge wrote gets its old value unless it was edited since. Returns the
    restored record's id.

    Raises:
        ConflictingStateError: the survivor was deleted since, or the merged-away
            id is in use again; nothing is written.
    """
    kind = outcome.kind
    with store.write() as tx:
        if not _exists(tx.conn, kind.model, outcome.survivor_id):
            raise ConflictingStateError(
                "merge.survivor_gone",
                f"The {kind.entity} kept by the merge was deleted since; the merge "
                "cannot be undone.",
            )
        if _exists(tx.conn, kind.model, outcome.merged_id):
            raise ConflictingStateError(
                "merge.merged_back", f"The merged-away {kind.entity} exists again."
            )
        _redirect_out(tx, outcome)
        restored = _restore_merged(tx, kind, outcome.merged_row)
        _move_back(tx, kind, outcome)
        _survivor_back(tx, kind, outcome)
    return OpResult(restored, tx.changes)


def _redirect_out(tx: WriteTx, outcome: MergeOutcome) -> None:
    table = table_of(MergeRedirect)
    current = tx.conn.execute(
        select(table.c.survivor_id).where(table.c.id == outcome.merged_id)
    ).scalar_one_or_none()
    if outcome.previous_redirect is not None:
        tx.update(MergeRedirect, outcome.merged_id, outcome.previous_redirect)
    elif current is not None:
        tx.delete(MergeRedirect, outcome.merged_id)  # synced: the server stops redirecting
    for record_id in outcome.redirects_repointed:
        target = tx.conn.execute(
            select(table.c.survivor_id).where(table.c.id == record_id)
        ).scalar_one_or_none()
        if target == outcome.survivor_id:  # untouched since
            tx.update(MergeRedirect, record_id, {"survivor_id": outcome.merged_id})


def _restore_merged(tx: WriteTx, kind: MergeKind, row: Row) -> str:
    values = existing_custom(tx.conn, row)
    for column, model in kind.links:  # e.g. its company deleted since: no dangling link
        if values.get(column) and not _exists(tx.conn, model, values[column]):
            values[column] = None
    ensure_tags(tx, set(values.get("tags") or ()))
    return tx.restore(kind.model, values)


def _move_back(tx: WriteTx, kind: MergeKind, outcome: MergeOutcome) -> None:
    """Exactly the records the merge re-pointed, where they still point at the survivor."""
    from crm_desktop.domain.models import SYNCED_MODELS

    column = kind.column
    for entity, ids in outcome.moved_ids.items():
        model = SYNCED_MODELS[entity]
        table = table_of(model)
        for start in range(0, len(ids), 500):
            still = tx.conn.execute(
                select(table.c.id).where(
                    table.c.id.in_(ids[start : start + 500]),
                    table.c[column] == outcome.survivor_id,
                )
            ).scalars()
            for record_id in list(still):
                tx.update(model, record_id, {column: outcome.merged_id})


def _survivor_back(tx: WriteTx, kind: MergeKind, outcome: MergeOutcome) -> None:
    """The survivor's old values, for each field still holding what the merge wrote."""
    current = tx.get_row(kind.model, outcome.survivor_id)
    current.update(raw_custom_values(tx.conn, outcome.survivor_id))
    back = {
        name: old
        for name, old in existing_custom(tx.conn, outcome.survivor_before).items()
        if to_wire(current.get(name)) == to_wire(outcome.survivor_after.get(name))
    }
    ensure_tags(tx, set(back.get("tags") or ()))
    if back:
        tx.update(kind.model, outcome.survivor_id, back)


def _exists(conn: Connection, model: type[SQLModel], record_id: str) -> bool:
    table = table_of(model)
    return conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is not None
