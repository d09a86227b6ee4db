"""Activities (活动): calls, meetings, emails, visits and notes, and the timeline.

Activities are append-only (DESIGN.md §4.9: they never conflict), so there is
no update here; a wrong entry is deleted and logged again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, func, or_, select, text, union_all, update
from sqlalchemy.sql.selectable import TextualSelect
from sqlmodel import col
from sqlmodel.sql.sqltypes import UTCDateTime

from crm_desktop.domain.enums import ActivityKind, CallDirection, CallOutcome
from crm_desktop.domain.models import Activity, Company, Contact, Deal, Task
from crm_desktop.errors import ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.owners import current_user
from crm_desktop.services.results import OpResult
from crm_desktop.store.changes import Row, WriteTx, table_of
from crm_desktop.store.derived import touch_last_activity
from crm_desktop.store.engine import Store

MAX_DURATION_S = 24 * 3600
MAX_FOLLOW_UP_DAYS = 3650
NON_CALL_KINDS = tuple(k.value for k in ActivityKind if k is not ActivityKind.CALL)


@dataclass(frozen=True)
class LoggedCall:
    activity_id: str
    task_id: str | None  # the follow-up task, when one was asked for


@dataclass(frozen=True)
class TimelineItem:
    """One entry of a customer's timeline.

    `source` is ``activity``, ``task`` or ``deal``; `kind` is the activity kind,
    ``task`` / ``task_done``, or for a deal ``created``, ``moved``, ``won``,
    ``lost`` (one item per stage move, so a deal's whole course shows).
    """

    source: str
    id: str
    at: datetime
    kind: str
    title: str | None
    notes: str | None
    contact_id: str | None
    deal_id: str | None
    direction: str | None = None
    outcome: str | None = None
    duration_s: int | None = None
    stage_name: str | None = None


# -- logging -------------------------------------------------------------------
def log_call(
    store: Store,
    contact_id: str,
    direction: str,
    outcome: str,
    started_at: datetime | str | None = None,
    duration_s: int | None = None,
    phone: str | None = None,
    notes: str | None = None,
    follow_up_days: int | None = None,
    follow_up_title: str | None = None,
    *,
    deal_id: str | None = None,
) -> OpResult[LoggedCall]:
    """Log a call (记录通话) with a contact, and optionally its follow-up task.

    Args:
        direction: ``inbound`` or ``outbound``.
        outcome: ``connected``, ``no_answer``, ``busy``, ``voicemail``, ``wrong_number``.
        started_at: when the call began (default: now).
        phone: the number dialled; defaults to the contact's first phone.
        follow_up_days: create a follow-up task (跟进) due this many days from now.
        follow_up_title: the task's title (default "Follow up: <contact name>").
        deal_id: the deal the call is about, if any.
    Returns:
        The activity id and the follow-up task id (None without follow-up).
    Raises:
        NotFoundError: no such contact. ValidationError: bad input, unknown deal.
    """
    values: Row = {
        "kind": ActivityKind.CALL.value,
        "direction": v.one_of("direction", direction, CallDirection),
        "outcome": v.one_of("outcome", outcome, CallOutcome),
        "occurred_at": v.parse_datetime("started_at", started_at),
        "duration_s": v.integer("duration_s", duration_s, minimum=0, maximum=MAX_DURATION_S),
        "phone": v.phone_number("phone", phone) if phone else None,
        "notes": v.optional_text("notes", notes),
        "deal_id": v.optional_text("deal_id", deal_id, 64),
    }
    days = v.integer("follow_up_days", follow_up_days, minimum=0, maximum=MAX_FOLLOW_UP_DAYS)
    title = v.optional_text("follow_up_title", follow_up_title)
    with store.write() as tx:
        contact = tx.get_row(Contact, contact_id)
        values["contact_id"] = contact_id
        values["company_id"] = contact["company_id"]  # the contact's, even if a deal says otherwise
        if values["phone"] is None and contact["phones"]:
            values["phone"] = contact["phones"][0].get("number")
        activity_id = _insert_activity(tx, values)
        task_id = None
        if days is not None:
            task_id = tx.insert(
                Task,
                {
                    "title": title or f"Follow up: {contact['name']}",
                    "due_at": tx.now + timedelta(days=days),
                    "contact_id": contact_id,
                    "company_id": contact["company_id"],
                    "deal_id": values["deal_id"],
                    "owner": current_user(tx.replica),
                },
            )
    return OpResult(LoggedCall(activity_id, task_id), tx.changes)


def log_activity(
    store: Store,
    kind: str,
    *,
    contact_id: str | None = None,
    company_id: str | None = None,
    deal_id: str | None = None,
    subject: str | None = None,
    notes: str | None = None,
    occurred_at: datetime | str | None = None,
    duration_s: int | None = None,
) -> OpResult[str]:
    """Log a meeting, email, visit or note about a contact, company and/or deal.

    Missing links are filled in: a contact's company, a deal's contact and company.

    Returns:
        The activity id.
    Raises:
        ValidationError: unknown kind (calls go through `log_call`), no record
            linked, unknown linked record.
    """
    values: Row = {
        "kind": v.one_of("kind", kind, NON_CALL_KINDS),
        "subject": v.optional_text("subject", subject, 500),
        "notes": v.optional_text("notes", notes),
        "occurred_at": v.parse_datetime("occurred_at", occurred_at),
        "duration_s": v.integer("duration_s", duration_s, minimum=0, maximum=MAX_DURATION_S),
        "contact_id": v.optional_text("contact_id", contact_id, 64),
        "company_id": v.optional_text("company_id", company_id, 64),
        "deal_id": v.optional_text("deal_id", deal_id, 64),
    }
    if not (values["contact_id"] or values["company_id"] or values["deal_id"]):
        raise ValidationError(
            "contact_id",
            "Link the activity to a contact, company or deal.",
            code="validation.required",
        )
    with store.write() as tx:
        activity_id = _insert_activity(tx, values)
    return OpResult(activity_id, tx.changes)


def _insert_activity(tx: WriteTx, values: Row) -> str:
    _fill_links(tx.conn, values)
    values["occurred_at"] = values["occurred_at"] or tx.now
    values["owner"] = current_user(tx.replica)
    activity_id = tx.insert(Activity, values)
    touch_last_activity(tx, Contact, values["contact_id"], values["occurred_at"])
    touch_last_activity(tx, Deal, values["deal_id"], values["occurred_at"])
    return activity_id


def _fill_links(conn: Connection, values: Row) -> None:
    """Check the linked records exist, and complete links they imply."""
    if values.get("deal_id"):
        deal = _row(
            conn, Deal, values["deal_id"], "deal_id", col(Deal.contact_id), col(Deal.company_id)
        )
        values["contact_id"] = values.get("contact_id") or deal["contact_id"]
        values["company_id"] = values.get("company_id") or deal["company_id"]
    if values.get("contact_id"):
        contact = _row(conn, Contact, values["contact_id"], "contact_id", col(Contact.company_id))
        values["company_id"] = values.get("company_id") or contact["company_id"]
    if values.get("company_id"):
        _row(conn, Company, values["company_id"], "company_id")


def _row(conn: Connection, model: Any, record_id: str, field: str, *columns: Any) -> Row:
    found = conn.execute(select(model.id, *columns).where(model.id == record_id)).mappings().first()
    if found is None:
        raise ValidationError(
            field, f"No {model.__tablename__} with id {record_id}.", code="validation.reference"
        )
    return dict(found)


def delete_activity(store: Store, activity_id: str) -> OpResult[None]:
    """Delete an activity (the only way to correct one) and refresh the derived activity times."""
    with store.write() as tx:
        row = tx.delete(Activity, activity_id)
        for model, column, record_id in (
            (Contact, col(Activity.contact_id), row["contact_id"]),
            (Deal, col(Activity.deal_id), row["deal_id"]),
        ):
            if record_id:
                _refresh_last_activity(tx, model, column, record_id)
    return OpResult(None, tx.changes)


def _refresh_last_activity(tx: WriteTx, model: Any, column: Any, record_id: str) -> None:
    # Recomputed rather than left alone: a deleted activity must not keep a deal "fresh".
    latest = select(func.max(col(Activity.occurred_at))).where(column == record_id)
    table = model.__table__
    tx.conn.execute(
        update(table)
        .where(table.c.id == record_id)
        .values(last_activity_at=latest.scalar_subquery())
    )


# -- timeline ------------------------------------------------------------------------
def timeline(
    store: Store,
    contact_id: str | None = None,
    company_id: str | None = None,
    deal_id: str | None = None,
    limit: int = 100,
) -> list[TimelineItem]:
    """Activities, tasks and deal stage moves of one record, newest first.

    Give exactly one of `contact_id`, `company_id` (then everything of the
    company and of all its contacts) or `deal_id`. Tasks are placed at their
    done time, else due time, else creation time.
    """
    given = {
        k: x
        for k, x in (("contact_id", contact_id), ("company_id", company_id), ("deal_id", deal_id))
        if x
    }
    if len(given) != 1:
        raise ValidationError("contact_id", "Give exactly one of contact_id, company_id, deal_id.")
    ((key, record_id),) = given.items()
    limit = v.integer("limit", limit, minimum=1, maximum=10_000) or 100
    with store.read() as conn:
        rows = conn.execute(_timeline_sql(key), {"id": record_id, "n": limit}).mappings()
        return [TimelineItem(**r) for r in rows]


# Which rows belong to the record: (activity, task, deal) conditions per key.
_SCOPES = {
    "contact_id": ("a.contact_id = :id", "t.contact_id = :id", "d.contact_id = :id"),
    "deal_id": ("a.deal_id = :id", "t.deal_id = :id", "d.id = :id"),
    "company_id": (
        "(a.company_id = :id OR a.contact_id IN (SELECT id FROM contact WHERE company_id = :id))",
        "(t.company_id = :id OR t.contact_id IN (SELECT id FROM contact WHERE company_id = :id))",
        "(d.company_id = :id OR d.contact_id IN (SELECT id FROM contact WHERE company_id = :id))",
    ),
}


def _timeline_sql(key: str) -> TextualSelect:
    activity_scope, task_scope, deal_scope = _SCOPES[key]
    # Each branch is limited on its own first, so a long history is never sorted whole.
    sql = f"""
    SELECT * FROM (
      SELECT 'activity' AS source, a.id, a.occurred_at AS at, a.kind, a.subject AS title,
             a.notes, a.contact_id, a.deal_id, a.direction, a.outcome, a.duration_s,
             NULL AS stage_name
      FROM activity a WHERE {activity_scope} ORDER BY a.occurred_at DESC LIMIT :n)
    UNION ALL SELECT * FROM (
      SELECT 'task', t.id, COALESCE(t.done_at, t.due_at, t.created_at),
             CASE WHEN t.done THEN 'task_done' ELSE 'task' END, t.title, t.notes,
             t.contact_id, t.deal_id, NULL, NULL, NULL, NULL
      FROM task t WHERE {task_scope}
      ORDER BY COALESCE(t.done_at, t.due_at, t.created_at) DESC LIMIT :n)
    UNION ALL SELECT * FROM (
      SELECT 'deal', d.id, h.moved_at,
             CASE WHEN h.from_stage_id IS NULL THEN 'created' WHEN s.is_won THEN 'won'
                  WHEN s.is_lost THEN 'lost' ELSE 'moved' END,
             d.title, NULL, d.contact_id, d.id, NULL, NULL, NULL, s.name
      FROM deal d JOIN deal_stage_history h ON h.deal_id = d.id
      LEFT JOIN stage s ON s.id = h.to_stage_id
      WHERE {deal_scope} ORDER BY h.moved_at DESC LIMIT :n)
    ORDER BY at DESC, id DESC LIMIT :n
    """
    return text(sql).columns(at=UTCDateTime(), duration_s=Integer())


# -- the global list -----------------------------------------------------------------
@dataclass(frozen=True)
class ActivityRow:
    """One row of the activities list (newest first); `key` pages on to the next rows."""

    id: str
    kind: str
    occurred_at: datetime
    subject: str | None
    notes: str | None
    direction: str | None
    outcome: str | None
    duration_s: int | None
    contact_id: str | None
    contact_name: str | None
    owner: str | None

    @property
    def key(self) -> tuple[datetime, str]:
        return (self.occurred_at, self.id)


MAX_ACTIVITY_PAGE = 1000


def list_activities(
    store: Store,
    *,
    kind: str | None = None,
    outcome: str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    before: tuple[datetime, str] | None = None,
    limit: int = 200,
) -> list[ActivityRow]:
    """One page of all activities, newest first, keyset-paged by (occurred_at, id).

    Args:
        kind: only this kind (``call``, ``meeting``...).
        outcome: only calls with this outcome (implies ``kind="call"``).
        since: from this time on (inclusive); until: before this time (exclusive).
        before: the `key` of the last row of the previous page; None for the first page.
        limit: rows per page (at most `MAX_ACTIVITY_PAGE`).
    Returns:
        Up to `limit` rows; fewer means the list has ended.
    """
    kinds = _kinds(kind, outcome)
    limit = v.integer("limit", limit, minimum=1, maximum=MAX_ACTIVITY_PAGE) or 200
    conditions = _list_conditions(
        v.parse_datetime("since", since), v.parse_datetime("until", until), before, outcome
    )
    # One branch per kind, each walking ix_activity_kind_time (kind, occurred_at)
    # backwards and limited on its own: a million activities are never sorted.
    activity = table_of(Activity)
    branches = [
        select(activity)
        .where(activity.c.kind == k, *conditions)
        .order_by(activity.c.occurred_at.desc(), activity.c.id.desc())
        .limit(limit)
        .subquery()
        for k in kinds
    ]
    if not branches:
        return []
    page = union_all(*(select(b) for b in branches)).subquery()
    contact = table_of(Contact)
    query = (
        select(page, contact.c.name.label("contact_name"))
        .outerjoin(contact, contact.c.id == page.c.contact_id)
        .order_by(page.c.occurred_at.desc(), page.c.id.desc())
        .limit(limit)
    )
    with store.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [ActivityRow(**{f: r[f] for f in _ROW_FIELDS}) for r in rows]


_ROW_FIELDS = tuple(ActivityRow.__dataclass_fields__)


def _kinds(kind: str | None, outcome: str | None) -> list[str]:
    if outcome is not None:
        v.one_of("outcome", outcome, CallOutcome)
        if kind not in (None, ActivityKind.CALL.value):
            return []  # only calls have an outcome
        return [ActivityKind.CALL.value]
    if kind is not None:
        return [v.one_of("kind", kind, ActivityKind)]
    return [k.value for k in ActivityKind]


def _list_conditions(
    since: datetime | None,
    until: datetime | None,
    before: tuple[datetime, str] | None,
    outcome: str | None,
) -> list[Any]:
    activity = table_of(Activity)
    at = activity.c.occurred_at
    conditions: list[Any] = []
    if since is not None:
        conditions.append(at >= since)
    if until is not None:
        conditions.append(at < until)
    if before is not None:
        when, last_id = before
        # `at <= when` is the index range; the OR only breaks ties inside it.
        conditions += [at <= when, or_(at < when, activity.c.id < last_id)]
    if outcome is not None:
        conditions.append(activity.c.outcome == outcome)
    return conditions
