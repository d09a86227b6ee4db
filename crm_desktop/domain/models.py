"""The CRM's tables (SQLModel).

Every synced table has a client-generated text id (UUIDv7). Columns marked
``derived`` are computed locally from synced fields (sort keys, activity
times) and are never part of a change. Datetimes are aware, in UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from crm_desktop.ids import new_id

DERIVED = {"derived": True}


def _derived(default: Any = None, **kwargs: Any) -> Any:
    return Field(default=default, sa_column_kwargs={"info": DERIVED}, **kwargs)


class Company(SQLModel, table=True):
    __tablename__ = "company"
    __table_args__ = (Index("ix_company_sort", "name_sort", "id"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    name_sort: str = _derived("")
    industry: str | None = None
    website: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    city: str | None = None
    country: str | None = None
    grade: str | None = None
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    owner: str | None = Field(default=None, index=True)
    notes: str | None = None
    created_at: datetime
    updated_at: datetime


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_sort", "name_sort", "id"),
        Index("ix_contact_owner_sort", "owner", "name_sort", "id"),
        Index("ix_contact_company_sort", "company_id", "name_sort", "id"),
        Index("ix_contact_updated", "updated_at", "id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    name_sort: str = _derived("")
    company_id: str | None = Field(default=None, foreign_key="company.id")
    title: str | None = None
    # Lists of {"label": str, "number": E.164 str} / {"label": str, "address": str}.
    phones: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)
    emails: list[dict[str, str]] = Field(default_factory=list, sa_type=JSON)
    address: str | None = None
    birthday: date | None = None
    source: str | None = None
    grade: str | None = None
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    owner: str | None = None
    notes: str | None = None
    consent_email: bool = False
    consent_call: bool = False
    consent_sms: bool = False
    last_activity_at: datetime | None = _derived(None)
    created_at: datetime
    updated_at: datetime


class Pipeline(SQLModel, table=True):
    __tablename__ = "pipeline"

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str
    position: int = 0
    created_at: datetime
    updated_at: datetime


class Stage(SQLModel, table=True):
    __tablename__ = "stage"
    __table_args__ = (Index("ix_stage_pipeline", "pipeline_id", "position"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    pipeline_id: str = Field(foreign_key="pipeline.id")
    name: str
    position: int = 0
    probability: int = 0  # percent, 0..100
    is_won: bool = False
    is_lost: bool = False
    stale_days: int | None = None
    created_at: datetime
    updated_at: datetime


class Deal(SQLModel, table=True):
    __tablename__ = "deal"
    __table_args__ = (
        # Covering indexes: the board's column totals and the forecast read
        # only the index, never the (wide) deal rows.
        Index("ix_deal_stage", "stage_id", "status", "currency", "owner", "value_cents"),
        Index(
            "ix_deal_status_close",
            "status",
            "expected_close",
            "stage_id",
            "currency",
            "value_cents",
            "owner",
            "pipeline_id",
        ),
        Index("ix_deal_company", "company_id"),
        Index("ix_deal_contact", "contact_id"),
        Index("ix_deal_status_closed", "status", "closed_at", "currency", "value_cents", "owner"),
        Index("ix_deal_funnel", "pipeline_id", "reached_position", "owner", "created_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    title: str
    pipeline_id: str = Field(foreign_key="pipeline.id")
    stage_id: str = Field(foreign_key="stage.id")
    company_id: str | None = Field(default=None, foreign_key="company.id")
    contact_id: str | None = Field(default=None, foreign_key="contact.id")
    value_cents: int = 0
    currency: str = "CNY"
    expected_close: date | None = None
    status: str = "open"
    lost_reason: str | None = None
    owner: str | None = None
    notes: str | None = None
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    stage_entered_at: datetime
    closed_at: datetime | None = None
    last_activity_at: datetime | None = _derived(None)
    # Position of the furthest non-lost stage of its pipeline it ever reached:
    # the funnel counts these instead of reading every stage move.
    reached_position: int | None = _derived(None)
    created_at: datetime
    updated_at: datetime


class DealStageHistory(SQLModel, table=True):
    """One row per stage move; append-only."""

    __tablename__ = "deal_stage_history"
    # Covering for the funnel: reads (deal, stage) pairs from the index alone.
    __table_args__ = (Index("ix_dsh_deal", "deal_id", "moved_at", "to_stage_id"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    deal_id: str = Field(foreign_key="deal.id")
    from_stage_id: str | None = None
    to_stage_id: str
    moved_at: datetime
    moved_by: str | None = None


class Activity(SQLModel, table=True):
    """A call, meeting, email, visit or note; append-only (never conflicts)."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_contact", "contact_id", "occurred_at"),
        Index("ix_activity_company", "company_id", "occurred_at"),
        Index("ix_activity_deal", "deal_id", "occurred_at"),
        Index("ix_activity_kind_time", "kind", "occurred_at", "owner"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    kind: str
    subject: str | None = None
    notes: str | None = None
    occurred_at: datetime
    duration_s: int | None = None
    direction: str | None = None
    outcome: str | None = None
    phone: str | None = None
    contact_id: str | None = Field(default=None, foreign_key="contact.id")
    company_id: str | None = Field(default=None, foreign_key="company.id")
    deal_id: str | None = Field(default=None, foreign_key="deal.id")
    owner: str | None = None
    created_at: datetime


class Task(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_open_due", "done", "due_at"),
        Index("ix_task_open_remind", "done", "remind_at"),
        Index("ix_task_contact", "contact_id"),
        Index("ix_task_deal", "deal_id"),
        Index("ix_task_company", "company_id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    title: str
    notes: str | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None
    done: bool = False
    done_at: datetime | None = None
    contact_id: str | None = Field(default=None, foreign_key="contact.id")
    company_id: str | None = Field(default=None, foreign_key="company.id")
    deal_id: str | None = Field(default=None, foreign_key="deal.id")
    owner: str | None = None
    created_at: datetime
    updated_at: datetime


class Tag(SQLModel, table=True):
    __tablename__ = "tag"

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(unique=True)
    color: str | None = None
    created_at: datetime
    updated_at: datetime


class CustomField(SQLModel, table=True):
    """A user-defined field of contacts, companies or deals."""

    __tablename__ = "custom_field"
    __table_args__ = (Index("ux_custom_field_key", "entity", "key", unique=True),)

    id: str = Field(default_factory=new_id, primary_key=True)
    entity: str
    key: str
    label: str
    type: str
    options: list[str] = Field(default_factory=list, sa_type=JSON)
    required: bool = False
    position: int = 0
    created_at: datetime
    updated_at: datetime


class CustomValue(SQLModel, table=True):
    """A custom field's value on one record.

    Synced as field ``cf:<field_id>`` of its owner record, not as a record of
    its own, so a value merges like any built-in field.
    """

    __tablename__ = "custom_value"
    __table_args__ = (Index("ix_custom_value_field", "field_id", "value"),)

    record_id: str = Field(primary_key=True)
    field_id: str = Field(primary_key=True, foreign_key="custom_field.id")
    entity: str
    value: str = Field(sa_column=Column("value", JSON, nullable=True))


class SyncConflict(SQLModel, table=True):
    """A value that lost to a concurrent edit, kept for a person to review.

    Made by the HQ server when it merges (`crm_desktop.sync.merge.Overwrite`)
    and synced to everyone who may see the record; resolving it is an edit of
    ``resolved``/``resolution`` that syncs like any other. ``kind`` "delete":
    an edit and a delete crossed; ``loser_value`` holds the edited record.
    """

    __tablename__ = "sync_conflict"
    __table_args__ = (
        Index("ix_sync_conflict_open", "resolved", "created_at"),
        Index("ix_sync_conflict_record", "record_id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    entity: str
    record_id: str
    field_name: str | None = None
    kind: str = "field"
    base_value: Any = Field(default=None, sa_column=Column("base_value", JSON, nullable=True))
    winner_value: Any = Field(default=None, sa_column=Column("winner_value", JSON, nullable=True))
    loser_value: Any = Field(default=None, sa_column=Column("loser_value", JSON, nullable=True))
    winner_hlc: int = 0
    winner_device: str | None = None
    winner_user: str | None = None
    loser_hlc: int = 0
    loser_device: str | None = None
    loser_user: str | None = None
    owner: str | None = None
    resolved: bool = False
    resolution: str | None = None
    resolved_by: str | None = None
    created_at: datetime
    updated_at: datetime


class MergeRedirect(SQLModel, table=True):
    """Where a merged-away record now lives: ``id`` is the merged-away record's id.

    Synced, so every device and the HQ server learn of the merge: the server
    sends a later (offline) edit of the merged-away record to ``survivor_id``.
    """

    __tablename__ = "merge_redirect"
    __table_args__ = (Index("ix_merge_redirect_survivor", "survivor_id"),)

    id: str = Field(primary_key=True)
    entity: str
    survivor_id: str
    owner: str | None = None
    created_at: datetime
    updated_at: datetime


class Consent(SQLModel, table=True):
    """One consent event of a person: given or withdrawn, for a purpose (GDPR / PIPL).

    Append-only: a withdrawal is a new record, so the history of who agreed
    to what, when and how stays intact; the latest per purpose is the state.
    """

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_contact", "contact_id", "purpose", "recorded_at"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    contact_id: str = Field(foreign_key="contact.id")
    purpose: str
    status: str  # "given" or "withdrawn"
    recorded_at: datetime  # when the person gave or withdrew it
    source: str | None = None  # web form, call, paper, email...
    notes: str | None = None
    recorded_by: str | None = None
    owner: str | None = None  # the contact's owner: who may see it
    created_at: datetime


class Erasure(SQLModel, table=True):
    """A person erased on request: holds no personal data, only what and who.

    Synced: other devices remove the person when they pull it, and the HQ
    server scrubs the person's values from its history.
    """

    __tablename__ = "erasure"
    __table_args__ = (Index("ix_erasure_record", "record_id"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    entity: str
    record_id: str
    erased_by: str | None = None
    reason: str | None = None
    removed: dict[str, int] = Field(default_factory=dict, sa_type=JSON)  # entity -> count
    created_at: datetime


SYNCED_MODELS: dict[str, type[SQLModel]] = {
    m.__tablename__: m
    for m in (
        Company,
        Contact,
        Pipeline,
        Stage,
        Deal,
        DealStageHistory,
        Activity,
        Task,
        Tag,
        CustomField,
        SyncConflict,
        Consent,
        Erasure,
        MergeRedirect,
    )
}
APPEND_ONLY_ENTITIES = frozenset({"activity", "deal_stage_history", "consent"})
