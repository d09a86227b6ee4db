"""Tasks (任务): follow-ups with a due time and a reminder, linked to a customer or deal.

The due lists partition open tasks by the user's local day: overdue (due
before today), due today, upcoming (after today, within N days); a task
with no due time is in none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, false, select
from sqlmodel import col

from crm_desktop.domain.models import Company, Contact, Deal, Task
from crm_desktop.errors import ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.owners import current_user
from crm_desktop.services.results import OpResult
from crm_desktop.store.engine import Store

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "notes",
        "due_at",
        "remind_at",
        "contact_id",
        "company_id",
        "deal_id",
        "owner",
    }
)
LINKS: tuple[tuple[str, Any], ...] = (
    ("contact_id", Contact),
    ("company_id", Company),
    ("deal_id", Deal),
)
MAX_LIST = 1000

_CLEANERS: dict[str, Callable[[str, Any], Any]] = {
    "title": lambda f, x: v.required_text(f, x, 500),
    "notes": lambda f, x: v.optional_text(f, x),
    "due_at": v.parse_datetime,
    "remind_at": v.parse_datetime,
    "contact_id": lambda f, x: v.optional_text(f, x, 64),
    "company_id": lambda f, x: v.optional_text(f, x, 64),
    "deal_id": lambda f, x: v.optional_text(f, x, 64),
    "owner": lambda f, x: v.optional_text(f, x, 200),
}


def clean_task(values: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validate and normalise task fields; raises ValidationError naming the field."""
    v.known_fields(values, EDITABLE_FIELDS, "Tasks")
    out = {key: _CLEANERS[key](key, value) for key, value in values.items()}
    if creating or "title" in values:
        out["title"] = v.required_text("title", values.get("title"), 500)
    return out


def _check_links(conn: Connection, row: dict[str, Any]) -> None:
    for key, model in LINKS:
        record_id = row.get(key)
        query = select(model.id).where(model.id == record_id)
        if record_id and conn.execute(query).first() is None:
            raise ValidationError(
                key, f"No {model.__tablename__} with id {record_id}.", code="validation.reference"
            )
    if row.get("contact_id") and "company_id" not in row:
        # A task about a contact shows on its company's timeline too.
        row["company_id"] = conn.execute(
            select(col(Contact.company_id)).where(col(Contact.id) == row["contact_id"])
        ).scalar()


# -- writes -------------------------------------------------------------------------
def create_task(store: Store, values: Mapping[str, Any]) -> OpResult[str]:
    """Create a task; returns its id.

    Args:
        values: ``title`` (required), ``notes``, ``due_at``, ``remind_at``
            (aware datetimes or ISO text; naive means local time),
            ``contact_id``, ``company_id`` (default: the contact's),
            ``deal_id``, ``owner`` (default: the current user).
    """
    row = clean_task(values, creating=True)
    row.setdefault("owner", current_user(store.replica))
    with store.write() as tx:
        _check_links(tx.conn, row)
        task_id = tx.insert(Task, row)
    return OpResult(task_id, tx.changes)


def update_task(store: Store, task_id: str, values: Mapping[str, Any]) -> OpResult[dict[str, Any]]:
    """Edit a task; returns the old values of the fields that changed."""
    row = clean_task(values, creating=False)
    with store.write() as tx:
        tx.get_row(Task, task_id)
        _check_links(tx.conn, row)
        old = tx.update(Task, task_id, row)
    return OpResult(old, tx.changes)


def complete_task(store: Store, task_id: str) -> OpResult[dict[str, Any]]:
    """Mark a task done (now). Completing a done task changes nothing."""
    return _set_done(store, task_id, done=True)


def reopen_task(store: Store, task_id: str) -> OpResult[dict[str, Any]]:
    """Mark a done task open again. Reopening an open task changes nothing."""
    return _set_done(store, task_id, done=False)


def _set_done(store: Store, task_id: str, *, done: bool) -> OpResult[dict[str, Any]]:
    with store.write() as tx:
        current = tx.get_row(Task, task_id)
        old: dict[str, Any] = {}
        # Idempotent: a double click must not move the done time.
        if bool(current["done"]) != done:
            old = tx.update(Task, task_id, {"done": done, "done_at": tx.now if done else None})
    return OpResult(old, tx.changes)


def delete_task(store: Store, task_id: str) -> OpResult[None]:
    """Delete a task."""
    with store.write() as tx:
        tx.delete(Task, task_id)
    return OpResult(None, tx.changes)


# -- lists ----------------------------------------------------------------------------
def _local_day_start(now: datetime | None) -> datetime:
    """Midnight of `now`'s day in `now`'s own time zone (naive or None: local time).

    The caller's zone decides where "today" starts, so a rep in UTC+8 sees a
    task due at 07:00 local as today's, not yesterday's.
    """
    moment = now or datetime.now()
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _open_due(store: Store, *conditions: ColumnElement[bool], owner: str | None) -> list[Task]:
    # done = 0 plus a due_at range is exactly ix_task_open_due (done, due_at).
    query = select(Task).where(col(Task.done) == false(), *conditions)
    if owner is not None:
        query = query.where(col(Task.owner) == owner)
    query = query.order_by(col(Task.due_at), col(Task.id)).limit(MAX_LIST)
    with store.read() as conn:
        return [Task(**r) for r in conn.execute(query).mappings()]


def due_today(store: Store, now: datetime | None = None, *, owner: str | None = None) -> list[Task]:
    """Open tasks due today (the local day of `now`, default: the current time)."""
    start = _local_day_start(now)
    end = start + timedelta(days=1)
    return _open_due(store, col(Task.due_at) >= start, col(Task.due_at) < end, owner=owner)


def overdue(store: Store, now: datetime | None = None, *, owner: str | None = None) -> list[Task]:
    """Open tasks due before today (已逾期); today's tasks are in `due_today`."""
    return _open_due(store, col(Task.due_at) < _local_day_start(now), owner=owner)


def upcoming(
    store: Store, days: int = 7, now: datetime | None = None, *, owner: str | None = None
) -> list[Task]:
    """Open tasks due after today and within the next `days` days."""
    span = v.integer("days", days, minimum=1, maximum=MAX_LIST) or 7
    tomorrow = _local_day_start(now) + timedelta(days=1)
    end = tomorrow + timedelta(days=span)
    return _open_due(store, col(Task.due_at) >= tomorrow, col(Task.due_at) < end, owner=owner)


def open_tasks_for(
    store: Store,
    *,
    contact_id: str | None = None,
    company_id: str | None = None,
    deal_id: str | None = None,
) -> list[Task]:
    """Open tasks of one record (give exactly one id), soonest due first, undated last."""
    links = (
        (col(Task.contact_id), contact_id),
        (col(Task.company_id), company_id),
        (col(Task.deal_id), deal_id),
    )
    given = [(column, x) for column, x in links if x]
    if len(given) != 1:
        raise ValidationError("contact_id", "Give exactly one of contact_id, company_id, deal_id.")
    column, record_id = given[0]
    query = (
        select(Task)
        .where(column == record_id, col(Task.done) == false())
        .order_by(col(Task.due_at).is_(None), col(Task.due_at), col(Task.id))
        .limit(MAX_LIST)
    )
    with store.read() as conn:
        return [Task(**r) for r in conn.execute(query).mappings()]


def due_reminders(store: Store, now: datetime, since: datetime | None = None) -> list[Task]:
    """Open tasks whose reminder time has come (`remind_at` <= `now`).

    Args:
        since: only reminders after this time, so a caller polling every minute
            is handed each reminder once.
    """
    query = select(Task).where(col(Task.done) == false(), col(Task.remind_at) <= now)
    if since is not None:
        query = query.where(col(Task.remind_at) > since)
    query = query.order_by(col(Task.remind_at), col(Task.id)).limit(MAX_LIST)
    with store.read() as conn:
        return [Task(**r) for r in conn.execute(query).mappings()]


def contact_names(store: Store, tasks: Iterable[Task]) -> dict[str, str]:
    """Names of the contacts `tasks` are about (contact id -> name), for task lists.

    Read in batches of primary-key lookups, so a list of any size costs a few reads.
    """
    wanted = sorted({t.contact_id for t in tasks if t.contact_id})
    names: dict[str, str] = {}
    with store.read() as conn:
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            query = select(col(Contact.id), col(Contact.name)).where(col(Contact.id).in_(batch))
            names.update({contact_id: name for contact_id, name in conn.execute(query)})
    return names
