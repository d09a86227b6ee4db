"""Deals (商机): create, edit, move between stages, win, lose, reopen, delete.

Every stage change appends a `DealStageHistory` row and resets
`stage_entered_at`; the funnel report and stale-deal marks are built on them.
A deal's status follows its stage: a won stage means won, a lost stage lost,
any other stage open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, text, tuple_
from sqlmodel import col

from crm_desktop.domain.enums import DealStatus
from crm_desktop.domain.models import (
    Activity,
    Company,
    Contact,
    Deal,
    DealStageHistory,
    Pipeline,
    Stage,
    Task,
)
from crm_desktop.errors import ConflictingStateError, NotFoundError, ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.custom_fields import clean_custom_values, custom_values
from crm_desktop.services.owners import current_user
from crm_desktop.services.pipelines import (
    closing_stage,
    first_open_stage,
    is_open_stage,
    stage_row,
    stage_rows,
)
from crm_desktop.services.results import OpResult
from crm_desktop.services.tags import ensure_tags
from crm_desktop.store.changes import Row, WriteTx, table_of
from crm_desktop.store.derived import touch_last_activity
from crm_desktop.store.engine import Store

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "company_id",
        "contact_id",
        "pipeline_id",
        "stage_id",
        "value",
        "value_cents",
        "currency",
        "expected_close",
        "owner",
        "notes",
        "tags",
        "lost_reason",
    }
)
# Fields whose change is a stage move, not a plain edit.
MOVE_FIELDS = ("pipeline_id", "stage_id", "lost_reason")
MAX_REASON = 1000


@dataclass
class DealDetail:
    deal: Deal
    pipeline_name: str
    stage_name: str
    company_name: str | None
    contact_name: str | None
    custom: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StageMove:
    """One row of a deal's stage history (from_stage is None for the first entry)."""

    id: str
    from_stage_id: str | None
    from_stage_name: str | None
    to_stage_id: str
    to_stage_name: str | None  # None once the stage was deleted
    moved_at: datetime
    moved_by: str | None


# -- validation --------------------------------------------------------------
def clean_deal(values: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validate and normalise deal fields; raises ValidationError naming the field."""
    v.known_fields(values, EDITABLE_FIELDS, "Deals")
    if "value" in values and "value_cents" in values:
        raise ValidationError("value", "Give either value or value_cents, not both.")
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "value":
            out["value_cents"] = v.money_cents(key, value)
        else:
            out[key] = _CLEANERS[key](key, value)
    if creating or "title" in values:
        out["title"] = v.required_text("title", values.get("title"))
    return out


def _cents(field_name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            field_name, f"{field_name} must be a whole number of cents.", code="validation.number"
        )
    if value < 0:
        raise ValidationError(
            field_name, f"{field_name} must not be negative.", code="validation.number"
        )
    return value


_CLEANERS: dict[str, Callable[[str, Any], Any]] = {
    "title": lambda f, x: v.required_text(f, x),
    "company_id": lambda f, x: v.optional_text(f, x, 64),
    "contact_id": lambda f, x: v.optional_text(f, x, 64),
    "pipeline_id": lambda f, x: v.optional_text(f, x, 64),
    "stage_id": lambda f, x: v.optional_text(f, x, 64),
    "value_cents": _cents,
    "currency": v.currency_code,
    "expected_close": v.parse_date,
    "owner": lambda f, x: v.optional_text(f, x, 200),
    "notes": lambda f, x: v.optional_text(f, x),
    "tags": v.tag_list,
    "lost_reason": lambda f, x: v.optional_text(f, x, MAX_REASON),
}


def _check_links(conn: Connection, row: Mapping[str, Any]) -> None:
    links: tuple[tuple[str, Any], ...] = (("company_id", Company), ("contact_id", Contact))
    for key, model in links:
        record_id = row.get(key)
        query = select(model.id).where(model.id == record_id)
        if record_id and conn.execute(query).first() is None:
            raise ValidationError(
                key, f"No {model.__tablename__} with id {record_id}.", code="validation.reference"
            )


def _contact_company(conn: Connection, contact_id: str | None) -> str | None:
    if not contact_id:
        return None
    query = select(col(Contact.company_id)).where(col(Contact.id) == contact_id)
    return conn.execute(query).scalar()


def _target_stage(conn: Connection, pipeline_id: str | None, stage_id: str | None) -> Row:
    """The stage a deal goes to, from a stage and/or pipeline given by the user."""
    if stage_id:
        stage = stage_row(conn, stage_id)
        if pipeline_id and stage["pipeline_id"] != pipeline_id:
            raise ValidationError(
                "stage_id", "The stage belongs to another pipeline.", code="validation.reference"
            )
        return stage
    if not pipeline_id:
        pipeline_id = conn.execute(
            select(col(Pipeline.id)).order_by(col(Pipeline.position), col(Pipeline.id)).limit(1)
        ).scalar()
        if pipeline_id is None:
            raise ValidationError(
                "pipeline_id", "Create a pipeline before adding deals.", code="validation.required"
            )
    elif not conn.execute(select(col(Pipeline.id)).where(col(Pipeline.id) == pipeline_id)).first():
        raise ValidationError(
            "pipeline_id", f"No pipeline with id {pipeline_id}.", code="validation.reference"
        )
    first = first_open_stage(conn, pipeline_id)
    if first is None:
        raise ValidationError("pipeline_id", "The pipeline has no open stage for new deals.")
    return first


def _status_values(stage: Row, deal: Row | None, lost_reason: str | None, now: datetime) -> Row:
    """Status, closed_at and lost_reason that go with being in `stage`."""
    status = (
        DealStatus.WON
        if stage["is_won"]
        else DealStatus.LOST
        if stage["is_lost"]
        else DealStatus.OPEN
    )
    if status is DealStatus.OPEN:
        return {"status": status.value, "closed_at": None, "lost_reason": None}
    # Moving between two won (or two lost) stages keeps the original close time.
    same = deal is not None and deal["status"] == status.value
    closed_at = deal["closed_at"] if same and deal and deal["closed_at"] else now
    reason = None
    if status is DealStatus.LOST:
        reason = lost_reason or (deal["lost_reason"] if same and deal else None)
        if not reason:
            raise ValidationError(
                "lost_reason", "Say why the deal was lost.", code="validation.required"
            )
    return {"status": status.value, "closed_at": closed_at, "lost_reason": reason}


# -- moves -----------------------------------------------------------------------
def _record_move(tx: WriteTx, deal_id: str, from_stage: str | None, to_stage: str) -> str:
    return tx.insert(
        DealStageHistory,
        {
            "deal_id": deal_id,
            "from_stage_id": from_stage,
            "to_stage_id": to_stage,
            "moved_at": tx.now,
            "moved_by": current_user(tx.replica),
        },
    )


def _move(tx: WriteTx, deal: Row, stage: Row, lost_reason: str | None) -> tuple[Row, str | None]:
    """Put `deal` in `stage`; returns (old values, history id or None when it stayed)."""
    values = _status_values(stage, deal, lost_reason, tx.now)
    history_id = None
    if stage["id"] != deal["stage_id"]:
        values.update(
            stage_id=stage["id"], pipeline_id=stage["pipeline_id"], stage_entered_at=tx.now
        )
        history_id = _record_move(tx, deal["id"], deal["stage_id"], stage["id"])
    return tx.update(Deal, deal["id"], values), history_id


def move_deal_in(
    tx: WriteTx,
    deal_id: str,
    stage: Row,
    *,
    lost_reason: str | None = None,
    allow_pipeline_change: bool = False,
) -> str | None:
    """Move a deal inside the caller's transaction; returns the history row id (None: no move)."""
    deal = tx.get_row(Deal, deal_id)
    if stage["pipeline_id"] != deal["pipeline_id"] and not allow_pipeline_change:
        raise ValidationError(
            "stage_id", "The stage belongs to another pipeline.", code="validation.reference"
        )
    if stage["id"] == deal["stage_id"]:
        # A drop back onto its own column changes nothing (not even a status
        # set in place by win/lose in a pipeline without closing stages).
        return None
    return _move(tx, deal, stage, lost_reason)[1]


def move_deal(
    store: Store, deal_id: str, stage_id: str, *, lost_reason: str | None = None
) -> OpResult[str | None]:
    """Move a deal to another stage of its pipeline (the board's drag and drop).

    Into a won/lost stage the deal becomes won/lost (closed now; a lost stage
    needs `lost_reason`); into any other stage it is open again.

    Returns:
        The id of the new `DealStageHistory` row, or None if the deal was already there.
    Raises:
        NotFoundError: no such deal.
        ValidationError: unknown stage, stage of another pipeline, lost without reason.
    """
    reason = v.optional_text("lost_reason", lost_reason, MAX_REASON)
    with store.write() as tx:
        tx.get_row(Deal, deal_id)
        history_id = move_deal_in(tx, deal_id, stage_row(tx.conn, stage_id), lost_reason=reason)
    return OpResult(history_id, tx.changes)


def win_deal(store: Store, deal_id: str) -> OpResult[None]:
    """Mark a deal won: into its pipeline's won stage, or in place if it has none.

    Raises:
        ConflictingStateError: the deal is already won.
    """
    with store.write() as tx:
        deal = _deal_not_in(tx, deal_id, DealStatus.WON)
        stage = closing_stage(tx.conn, deal["pipeline_id"], won=True)
        _close(tx, deal, stage, {"is_won": True, "is_lost": False}, None)
    return OpResult(None, tx.changes)


def lose_deal(store: Store, deal_id: str, reason: str) -> OpResult[None]:
    """Mark a deal lost with its reason (输单原因): into the lost stage, or in place.

    Raises:
        ValidationError: no reason given (field ``lost_reason``).
        ConflictingStateError: the deal is already lost.
    """
    clean_reason = v.required_text("lost_reason", reason, MAX_REASON)
    with store.write() as tx:
        deal = _deal_not_in(tx, deal_id, DealStatus.LOST)
        stage = closing_stage(tx.conn, deal["pipeline_id"], won=False)
        _close(tx, deal, stage, {"is_won": False, "is_lost": True}, clean_reason)
    return OpResult(None, tx.changes)


def _deal_not_in(tx: WriteTx, deal_id: str, status: DealStatus) -> Row:
    deal = tx.get_row(Deal, deal_id)
    if deal["status"] == status.value:
        raise ConflictingStateError(
            f"deal.already_{status.value}", f"The deal is already {status.value}."
        )
    return deal


def _close(tx: WriteTx, deal: Row, stage: Row | None, flags: Row, reason: str | None) -> None:
    if stage is not None:
        _move(tx, deal, stage, reason)
    else:
        # A pipeline without a closing stage: the deal keeps its column, only its status changes.
        values = _status_values({"id": deal["stage_id"], **flags}, deal, reason, tx.now)
        tx.update(Deal, deal["id"], values)


def reopen_deal(store: Store, deal_id: str, stage_id: str | None = None) -> OpResult[None]:
    """Reopen a won or lost deal.

    Args:
        stage_id: the open stage to put it in; by default the last open stage
            it was in (from its history), else the pipeline's last open stage.
    Raises:
        ConflictingStateError: the deal is open, or its pipeline has no open stage.
        ValidationError: `stage_id` is not an open stage of the deal's pipeline.
    """
    with store.write() as tx:
        deal = tx.get_row(Deal, deal_id)
        if deal["status"] == DealStatus.OPEN:
            raise ConflictingStateError("deal.not_closed", "The deal is already open.")
        if stage_id:
            stage = stage_row(tx.conn, stage_id)
            if stage["pipeline_id"] != deal["pipeline_id"] or not is_open_stage(stage):
                raise ValidationError(
                    "stage_id", "Reopen into an open stage of the deal's pipeline."
                )
        else:
            stage = _reopen_stage(tx.conn, deal)
        _move(tx, deal, stage, None)
    return OpResult(None, tx.changes)


def _reopen_stage(conn: Connection, deal: Row) -> Row:
    open_stages = [s for s in stage_rows(conn, deal["pipeline_id"]) if is_open_stage(s)]
    if not open_stages:
        raise ConflictingStateError("pipeline.no_open_stage", "The pipeline has no open stage.")
    by_id = {s["id"]: s for s in open_stages}
    if deal["stage_id"] in by_id:
        return by_id[deal["stage_id"]]
    visited = conn.execute(
        select(col(DealStageHistory.to_stage_id))
        .where(col(DealStageHistory.deal_id) == deal["id"])
        .order_by(col(DealStageHistory.moved_at).desc(), col(DealStageHistory.id).desc())
    ).scalars()
    return next((by_id[s] for s in visited if s in by_id), open_stages[-1])


# -- create / update / delete ------------------------------------------------------
def create_deal(
    store: Store,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    *,
    deal_id: str | None = None,
) -> OpResult[str]:
    """Create a deal; returns its id.

    Args:
        values: ``title`` (required); ``pipeline_id`` and/or ``stage_id`` (default:
            the first pipeline's first open stage); ``value`` (amount, e.g.
            "1234.50") or ``value_cents``; ``currency``; ``expected_close``;
            ``company_id`` (default: the contact's company); ``contact_id``;
            ``owner``; ``notes``; ``tags``; ``lost_reason`` (when created lost).
        custom: custom field values by field key.
        deal_id: bring back a deleted deal under its old id (the redo of an
            undone create), written as a `restore` change.
    """
    row = clean_deal(values, creating=True)
    row.setdefault("owner", current_user(store.replica))
    with store.write() as tx:
        _check_links(tx.conn, row)
        if "company_id" not in row:
            row["company_id"] = _contact_company(tx.conn, row.get("contact_id"))
        stage = _target_stage(tx.conn, row.pop("pipeline_id", None), row.pop("stage_id", None))
        row.update(_status_values(stage, None, row.pop("lost_reason", None), tx.now))
        row.update(clean_custom_values(tx.conn, "deal", custom or {}, creating=True))
        ensure_tags(tx, set(row.get("tags") or ()))
        record = {
            **row,
            "pipeline_id": stage["pipeline_id"],
            "stage_id": stage["id"],
            "stage_entered_at": tx.now,
        }
        if deal_id:
            if tx.conn.execute(select(col(Deal.id)).where(col(Deal.id) == deal_id)).first():
                raise ConflictingStateError("deal.exists", "That deal already exists.")
            deal_id = tx.restore(Deal, {**record, "id": deal_id})
        else:
            deal_id = tx.insert(Deal, record)
        # The first history row: the funnel counts the stage a deal starts in as reached.
        _record_move(tx, deal_id, None, stage["id"])
    return OpResult(deal_id, tx.changes)


def update_deal(
    store: Store, deal_id: str, values: Mapping[str, Any], custom: Mapping[str, Any] | None = None
) -> OpResult[dict[str, Any]]:
    """Edit a deal; a new ``stage_id``/``pipeline_id`` is recorded as a stage move.

    Returns:
        The old values of the fields that changed.
    """
    row = clean_deal(values, creating=False)
    with store.write() as tx:
        deal = tx.get_row(Deal, deal_id)
        _check_links(tx.conn, row)
        move = {k: row.pop(k) for k in MOVE_FIELDS if k in row}
        old = _apply_move(tx, deal, move) if move else {}
        row.update(clean_custom_values(tx.conn, "deal", custom or {}, creating=False))
        ensure_tags(tx, set(row.get("tags") or ()))
        old.update(tx.update(Deal, deal_id, row))
        if old:
            # An edit is a sign of life, as an activity is: it resets the stale mark
            # (derived and local, so a sync pulling the deal does not reset it).
            touch_last_activity(tx, Deal, deal_id, tx.now)
    return OpResult(old, tx.changes)


def _apply_move(tx: WriteTx, deal: Row, move: Row) -> Row:
    pipeline_id, stage_id = move.get("pipeline_id"), move.get("stage_id")
    if stage_id or (pipeline_id and pipeline_id != deal["pipeline_id"]):
        stage = _target_stage(tx.conn, pipeline_id, stage_id)
    else:
        stage = stage_row(tx.conn, deal["stage_id"])
    reason = move.get("lost_reason")
    if reason and not stage["is_lost"]:
        raise ValidationError("lost_reason", "Only a lost deal has a lost reason.")
    if stage["id"] == deal["stage_id"] and not stage["is_lost"]:
        return {}  # no move; a status set in place by win/lose stays as it is
    return _move(tx, deal, stage, reason)[0]


def delete_deal(store: Store, deal_id: str) -> OpResult[None]:
    """Delete a deal and its stage history; its tasks and activities stay, unlinked."""
    with store.write() as tx:
        tx.get_row(Deal, deal_id)
        history = tx.conn.execute(
            select(col(DealStageHistory.id)).where(col(DealStageHistory.deal_id) == deal_id)
        ).scalars()
        for history_id in list(history):
            tx.delete(DealStageHistory, history_id)
        linked: tuple[Any, ...] = (Task, Activity)
        for model in linked:
            ids = tx.conn.execute(select(model.id).where(model.deal_id == deal_id)).scalars()
            for record_id in list(ids):
                tx.update(model, record_id, {"deal_id": None})
        tx.delete(Deal, deal_id)
    return OpResult(None, tx.changes)


# -- reads ---------------------------------------------------------------------------
def get_deal(store: Store, deal_id: str) -> DealDetail:
    """A deal with the names of its pipeline, stage, company and contact, and its custom values."""
    deal, pipeline, stage = table_of(Deal), table_of(Pipeline), table_of(Stage)
    company, contact = table_of(Company), table_of(Contact)
    query = (
        select(
            deal,
            pipeline.c.name.label("pipeline_name"),
            stage.c.name.label("stage_name"),
            company.c.name.label("company_name"),
            contact.c.name.label("contact_name"),
        )
        .join(pipeline, pipeline.c.id == deal.c.pipeline_id)
        .join(stage, stage.c.id == deal.c.stage_id)
        .outerjoin(company, company.c.id == deal.c.company_id)
        .outerjoin(contact, contact.c.id == deal.c.contact_id)
        .where(deal.c.id == deal_id)
    )
    with store.read() as conn:
        row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFoundError("deal", deal_id)
        names = ("pipeline_name", "stage_name", "company_name", "contact_name")
        record = Deal(**{k: val for k, val in row.items() if k not in names})
        return DealDetail(
            record,
            row["pipeline_name"],
            row["stage_name"],
            row["company_name"],
            row["contact_name"],
            custom_values(conn, deal_id),
        )


def deal_history(store: Store, deal_id: str) -> list[StageMove]:
    """A deal's stage moves, oldest first.

    Raises:
        NotFoundError: no such deal.
    """
    h = table_of(DealStageHistory)
    from_stage, to_stage = table_of(Stage).alias("from_stage"), table_of(Stage).alias("to_stage")
    query = (
        select(
            h.c.id,
            h.c.from_stage_id,
            from_stage.c.name,
            h.c.to_stage_id,
            to_stage.c.name,
            h.c.moved_at,
            h.c.moved_by,
        )
        .select_from(h)
        .outerjoin(from_stage, from_stage.c.id == h.c.from_stage_id)
        .outerjoin(to_stage, to_stage.c.id == h.c.to_stage_id)
        .where(h.c.deal_id == deal_id)
        .order_by(h.c.moved_at, h.c.id)
    )
    with store.read() as conn:
        if conn.execute(select(col(Deal.id)).where(col(Deal.id) == deal_id)).first() is None:
            raise NotFoundError("deal", deal_id)
        return [StageMove(*r) for r in conn.execute(query)]


def list_deals(
    store: Store,
    *,
    pipeline_id: str | None = None,
    stage_id: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    limit: int = 500,
    after: tuple[datetime, str] | None = None,
) -> list[Deal]:
    """Deals matching the filters, most recently moved first, one keyset page.

    Args:
        after: ``(stage_entered_at, id)`` of the last deal of the previous page.
    """
    query = select(Deal)
    if after is not None:
        query = query.where(tuple_(col(Deal.stage_entered_at), col(Deal.id)) < tuple_(*after))
    for column, value in (
        (col(Deal.pipeline_id), pipeline_id),
        (col(Deal.stage_id), stage_id),
        (col(Deal.status), status),
        (col(Deal.owner), owner),
    ):
        if value is not None:
            query = query.where(column == value)
    query = query.order_by(col(Deal.stage_entered_at).desc(), col(Deal.id).desc())
    query = query.limit(limit)
    with store.read() as conn:
        return [Deal(**r) for r in conn.execute(query).mappings()]


def validate_deal(
    store: Store,
    values: Mapping[str, Any],
    custom: Mapping[str, Any] | None = None,
    *,
    creating: bool,
) -> dict[str, Any]:
    """Check what the deal editor would save, writing nothing.

    Raises:
        ValidationError: naming the field at fault (as create/update would).
    """
    row = clean_deal(values, creating=creating)
    with store.read() as conn:
        _check_links(conn, row)
        if "stage_id" in row or "pipeline_id" in row:
            stage = _target_stage(conn, row.get("pipeline_id"), row.get("stage_id"))
            if stage["is_lost"] and not row.get("lost_reason"):
                raise ValidationError(
                    "lost_reason", "Say why the deal was lost.", code="validation.required"
                )
        clean_custom_values(conn, "deal", custom or {}, creating=creating)
    return row


def deal_owners(store: Store) -> list[str]:
    """The distinct owners of deals, sorted (the board's owner filter)."""
    with store.read() as conn:
        rows = conn.execute(
            select(col(Deal.owner)).where(col(Deal.owner).is_not(None)).distinct()
        ).scalars()
        return sorted(str(owner) for owner in rows)


# -- the funnel board ------------------------------------------------------------------
CLOSE_PERIODS = (
    "overdue",
    "this_week",
    "this_month",
    "next_month",
    "this_quarter",
    "this_year",
    "no_date",
)


@dataclass(frozen=True)
class BoardFilter:
    """What the board shows: by owner, expected close date range, and text.

    `close_from`/`close_to` are inclusive; `no_close_date` keeps only deals
    without an expected close date. `text` matches title, company or contact.
    """

    owner: str | None = None
    close_from: date | None = None
    close_to: date | None = None
    no_close_date: bool = False
    text: str | None = None


def close_period(period: str | None, today: date) -> BoardFilter:
    """The expected-close filter of a named period (`CLOSE_PERIODS`; None: any date)."""
    if not period:
        return BoardFilter()
    period = v.one_of("period", period, CLOSE_PERIODS)
    if period == "overdue":
        return BoardFilter(close_to=today - timedelta(days=1))
    if period == "no_date":
        return BoardFilter(no_close_date=True)
    if period == "this_week":
        start = today - timedelta(days=today.weekday())
        return BoardFilter(close_from=start, close_to=start + timedelta(days=6))
    if period == "this_year":
        return BoardFilter(close_from=date(today.year, 1, 1), close_to=date(today.year, 12, 31))
    if period == "this_quarter":
        first = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, first, 1)
        return BoardFilter(close_from=start, close_to=_month_end(start, 2))
    month = date(today.year, today.month, 1)
    if period == "next_month":
        month = _month_end(month, 0) + timedelta(days=1)
    return BoardFilter(close_from=month, close_to=_month_end(month, 0))


def _month_end(first: date, months_after: int) -> date:
    """The last day of the month `months_after` months after `first`'s month."""
    index = first.year * 12 + first.month - 1 + months_after + 1
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


@dataclass(slots=True)
class BoardCard:
    """One open deal as the board draws it."""

    id: str
    title: str
    stage_id: str
    company_name: str | None
    contact_name: str | None
    owner: str | None
    value_cents: int
    currency: str
    expected_close: date | None
    days_in_stage: int
    stale: bool  # no activity, edit or move for the stage's stale_days (as reports.stale_deals)
    overdue: bool  # expected close date has passed


@dataclass(slots=True)
class MoneyTotal:
    currency: str
    value_cents: int
    weighted_cents: int


@dataclass
class BoardColumn:
    """An open stage with its (filtered) open deals and their totals per currency."""

    stage_id: str
    name: str
    probability: int
    stale_days: int | None
    cards: list[BoardCard]
    totals: list[MoneyTotal]

    @property
    def count(self) -> int:
        return len(self.cards)


@dataclass
class ClosedSummary:
    """Won (or lost) deals of the pipeline matching the filter: the board's drop areas."""

    stage_id: str | None  # the pipeline's won/lost stage; None: closed in place
    name: str | None
    count: int = 0
    totals: list[MoneyTotal] = field(default_factory=list)


@dataclass
class BoardStage:
    id: str
    name: str
    is_won: bool
    is_lost: bool


@dataclass
class Board:
    pipeline_id: str | None
    pipelines: list[tuple[str, str]]  # (id, name), in order
    stages: list[BoardStage]  # every stage, in order (the editor's stage list)
    columns: list[BoardColumn]  # the open stages
    won: ClosedSummary
    lost: ClosedSummary
    owners: list[str]

    @property
    def card_count(self) -> int:
        return sum(c.count for c in self.columns)


_BOARD_FILTERS = """
  AND (:owner IS NULL OR d.owner = :owner)
  AND (:close_from IS NULL OR d.expected_close >= :close_from)
  AND (:close_to IS NULL OR d.expected_close <= :close_to)
  AND (:no_date = 0 OR d.expected_close IS NULL)
  AND (:pattern IS NULL OR d.title LIKE :pattern ESCAPE '\\'
       OR co.name LIKE :pattern ESCAPE '\\' OR ct.name LIKE :pattern ESCAPE '\\')
"""
_BOARD_CARDS = text(
    """
SELECT d.id, d.title, d.stage_id, co.name, ct.name, d.owner, d.value_cents, d.currency,
       d.expected_close,
       CAST(julianday(:now) - julianday(d.stage_entered_at) AS INTEGER) AS days_in_stage,
       s.stale_days IS NOT NULL AND julianday(:now) - julianday(MAX(d.stage_entered_at,
           COALESCE(d.last_activity_at, d.stage_entered_at))) >= s.stale_days,
       d.expected_close IS NOT NULL AND d.expected_close < :today
FROM deal d
JOIN stage s ON s.id = d.stage_id
LEFT JOIN company co ON co.id = d.company_id
LEFT JOIN contact ct ON ct.id = d.contact_id
WHERE d.pipeline_id = :pipeline AND d.status = 'open'
"""
    + _BOARD_FILTERS
    + """
ORDER BY d.expected_close IS NULL, d.expected_close, d.title, d.id
"""
)
_BOARD_CLOSED = text(
    """
SELECT d.status, d.currency, COUNT(*), SUM(d.value_cents)
FROM deal d
LEFT JOIN company co ON co.id = d.company_id
LEFT JOIN contact ct ON ct.id = d.contact_id
WHERE d.pipeline_id = :pipeline AND d.status IN ('won', 'lost')
"""
    + _BOARD_FILTERS
    + """
GROUP BY d.status, d.currency ORDER BY d.status, d.currency
"""
)


def _like(text_filter: str | None) -> str | None:
    words = (text_filter or "").strip()
    if not words:
        return None
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def deal_board(
    store: Store,
    pipeline_id: str | None = None,
    filters: BoardFilter | None = None,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> Board:
    """Everything the funnel board shows for one pipeline, in one read.

    Args:
        pipeline_id: the pipeline (default, or when it no longer exists: the first one).
        filters: owner, expected close range, text (title, company or contact name).
        now: the moment days in stage and stale marks are counted from (default: now).
        today: the local date overdue marks are counted from (default: today).
    Returns:
        The pipeline's open stages as columns of open deals (soonest expected
        close first) with totals per currency, summaries of its won and lost
        deals, the list of pipelines and the owners to filter by. A store
        without pipelines gives a board without columns.
    """
    wanted = filters or BoardFilter()
    moment = now or datetime.now(UTC)
    day = today or date.today()
    with store.read() as conn:
        pipelines = [
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                select(col(Pipeline.id), col(Pipeline.name)).order_by(
                    col(Pipeline.position), col(Pipeline.id)
                )
            )
        ]
        ids = [p[0] for p in pipelines]
        chosen = pipeline_id if pipeline_id in ids else (ids[0] if ids else None)
        owners = [
            str(o)
            for o in conn.execute(
                select(col(Deal.owner)).where(col(Deal.owner).is_not(None)).distinct()
            ).scalars()
        ]
        owners.sort()
        if chosen is None:
            empty = ClosedSummary(None, None)
            return Board(None, pipelines, [], [], empty, ClosedSummary(None, None), owners)
        stages = stage_rows(conn, chosen)
        params = {
            "pipeline": chosen,
            "now": _sql_time(moment),
            "today": day.isoformat(),
            "owner": wanted.owner,
            "close_from": wanted.close_from.isoformat() if wanted.close_from else None,
            "close_to": wanted.close_to.isoformat() if wanted.close_to else None,
            "no_date": int(wanted.no_close_date),
            "pattern": _like(wanted.text),
        }
        cards = [
            BoardCard(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                int(r[6] or 0),
                r[7],
                date.fromisoformat(r[8]) if isinstance(r[8], str) else r[8],
                max(int(r[9] or 0), 0),
                bool(r[10]),
                bool(r[11]),
            )
            for r in conn.execute(_BOARD_CARDS, params)
        ]
        closed = list(conn.execute(_BOARD_CLOSED, params))
    by_stage: dict[str, list[BoardCard]] = {s["id"]: [] for s in stages}
    for card in cards:
        if card.stage_id in by_stage:
            by_stage[card.stage_id].append(card)
    columns = [
        BoardColumn(
            s["id"],
            s["name"],
            int(s["probability"]),
            s["stale_days"],
            by_stage[s["id"]],
            _totals(by_stage[s["id"]], int(s["probability"])),
        )
        for s in stages
        if is_open_stage(s)
    ]
    summaries = {}
    for status, flag in (("won", "is_won"), ("lost", "is_lost")):
        stage = next((s for s in stages if s[flag]), None)
        summary = ClosedSummary(stage["id"] if stage else None, stage["name"] if stage else None)
        for r in closed:
            if r[0] == status:
                summary.count += int(r[2])
                summary.totals.append(MoneyTotal(r[1], int(r[3] or 0), int(r[3] or 0)))
        summaries[status] = summary
    return Board(
        chosen,
        pipelines,
        [BoardStage(s["id"], s["name"], bool(s["is_won"]), bool(s["is_lost"])) for s in stages],
        columns,
        summaries["won"],
        summaries["lost"],
        owners,
    )


def _totals(cards: list[BoardCard], probability: int) -> list[MoneyTotal]:
    sums: dict[str, int] = {}
    for card in cards:
        sums[card.currency] = sums.get(card.currency, 0) + card.value_cents
    return [
        MoneyTotal(currency, cents, (cents * probability + 50) // 100)
        for currency, cents in sorted(sums.items())
    ]


def _sql_time(moment: datetime) -> str:
    """A datetime as the store's UTC text (see reports.sql_time)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
