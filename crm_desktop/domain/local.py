"""Local bookkeeping tables: change log (outbox), tombstones, metadata, derived indexes.

These are never synced as records; the change log *is* what sync sends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel


class ChangeRecord(SQLModel, table=True):
    """One write to one record: its changed fields, stamped with HLC and device.

    Field-level by content: ``fields`` maps each changed synced field to its new
    value, all sharing one timestamp. ``op`` is ``upsert`` or ``delete``.
    ``change_id`` is random (UUIDv7), never derived from ``seq``: a commit lost
    to a power cut may reuse a seq, and must not look like a duplicate to the
    server. The outbox is every row with ``seq`` above the server's last
    acknowledgement (``local_meta.acked_seq``), so a local commit lost after a
    push is never a lost server edit, and no index is needed to find it.
    """

    __tablename__ = "change_log"

    seq: int | None = Field(default=None, primary_key=True)
    change_id: str
    entity: str
    record_id: str
    op: str
    fields: dict = Field(default_factory=dict, sa_column=Column("fields", JSON, nullable=False))
    hlc: int
    device_id: str
    # The pull cursor this device held when it wrote: what its author had seen.
    seen: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Tombstone(SQLModel, table=True):
    """A deleted record: so a late edit is recognised as racing a delete."""

    __tablename__ = "tombstone"

    entity: str = Field(primary_key=True)
    record_id: str = Field(primary_key=True)
    hlc: int
    device_id: str


class LocalMeta(SQLModel, table=True):
    """Key/value settings of this replica (device id, last HLC)."""

    __tablename__ = "local_meta"

    key: str = Field(primary_key=True)
    value: str


class SyncRejected(SQLModel, table=True):
    """A change the HQ server refused, parked with its reason: never dropped silently."""

    __tablename__ = "sync_rejected"

    change_id: str = Field(primary_key=True)
    entity: str
    record_id: str
    op: str
    fields: dict = Field(default_factory=dict, sa_column=Column("fields", JSON, nullable=False))
    code: str
    reason: str
    rejected_at: datetime


class RecordTag(SQLModel, table=True):
    """Derived index of the ``tags`` lists, so filtering by tag uses a B-tree."""

    __tablename__ = "record_tag"
    __table_args__ = (Index("ix_record_tag_record", "record_id"),)

    tag: str = Field(primary_key=True)
    entity: str = Field(primary_key=True)
    record_id: str = Field(primary_key=True)


class SearchDoc(SQLModel, table=True):
    """Maps full-text rows (integer rowids) to records; the FTS table itself is virtual."""

    __tablename__ = "search_doc"

    rowid: int | None = Field(default=None, primary_key=True)
    entity: str
    record_id: str = Field(unique=True)
    name_key: str = Field(index=True)


class RecordCount(SQLModel, table=True):
    """Rows per synced table, kept by the write path, so totals never scan millions of rows."""

    __tablename__ = "record_count"

    entity: str = Field(primary_key=True)
    count: int = 0


class ImportItem(SQLModel, table=True):
    """A record an import created, so the whole import can be undone as one batch."""

    __tablename__ = "import_item"
    __table_args__ = (Index("ix_import_item_import", "import_id"),)

    import_id: str = Field(primary_key=True)
    entity: str = Field(primary_key=True)
    record_id: str = Field(primary_key=True)
