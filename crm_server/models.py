"""The HQ server's tables: accounts, devices, and the merged state of every record.

The server stores records generically (entity, id, JSON fields with per-field
versions): it merges and authorises by the shared rules in
`crm_desktop.sync.merge`, so a client schema change needs no server migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

ROLES = ("rep", "manager", "admin")


class ServerModel(SQLModel, registry=registry()):
    """Base of the server's tables: their own metadata, apart from the client store's."""


metadata = ServerModel.metadata


def _big(**kwargs: Any) -> Any:
    return Field(sa_column=Column(BigInteger, nullable=False, **kwargs))


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class User(ServerModel, table=True):
    __tablename__ = "app_user"

    name: str = Field(primary_key=True, max_length=128)
    password_hash: str
    role: str = "rep"
    team: str | None = Field(default=None, index=True)
    disabled: bool = False
    created_at: datetime = _when()


class Device(ServerModel, table=True):
    """A signed-in installation; its token is stored only as a SHA-256 hash."""

    __tablename__ = "device"

    id: str = Field(primary_key=True, max_length=64)
    user_name: str = Field(foreign_key="app_user.name", index=True)
    name: str = ""
    token_hash: str = Field(unique=True)
    created_at: datetime = _when()
    last_seen_at: datetime | None = _when(nullable=True)
    revoked_at: datetime | None = _when(nullable=True)
    wipe: bool = False


class SyncRecord(ServerModel, table=True):
    """One record's merged state (`crm_desktop.sync.merge.RecordState`) and access."""

    __tablename__ = "sync_record"
    __table_args__ = (
        Index("ix_sync_record_seq", "seq"),
        Index("ix_sync_record_owner_seq", "owner", "seq"),
        Index("ix_sync_record_team_seq", "team", "seq"),
    )

    entity: str = Field(primary_key=True, max_length=64)
    record_id: str = Field(primary_key=True, max_length=64)
    fields: dict[str, Any] = _json()
    versions: dict[str, Any] = _json()
    alive: list[Any] | None = _json(nullable=True)
    deleted: list[Any] | None = _json(nullable=True)
    is_deleted: bool = False
    owner: str | None = None
    team: str | None = None
    seq: int = _big()


class SyncChange(ServerModel, table=True):
    """Every accepted change, with who, which device and when: the audit log."""

    __tablename__ = "sync_change"
    __table_args__ = (Index("ix_sync_change_record", "entity", "record_id", "seq"),)

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    change_id: str = Field(unique=True, max_length=64)
    entity: str = Field(max_length=64)
    record_id: str = Field(max_length=64)
    op: str
    fields: dict[str, Any] = _json()
    hlc: int = _big()
    device_id: str
    user_name: str
    seen: int = _big()
    received_at: datetime = _when()


class MergeMove(ServerModel, table=True):
    """A record the server re-pointed to a survivor when it accepted a merge.

    Server bookkeeping, never synced: when the merge is undone (its
    ``merge_redirect`` deleted) the server moves exactly these records back
    (`crm_server.merge_moves`).
    """

    __tablename__ = "merge_move"

    merged_id: str = Field(primary_key=True, max_length=64)
    entity: str = Field(primary_key=True, max_length=64)
    record_id: str = Field(primary_key=True, max_length=64)
    field_name: str = Field(max_length=64)  # the reference moved: contact_id, company_id
    survivor_id: str = Field(max_length=64)


class ServerState(ServerModel, table=True):
    """One row: the last server seq handed out and the server's clock.

    Pushes lock this row, so seqs commit in order and a pull cursor never
    skips a change committed late.
    """

    __tablename__ = "server_state"

    id: int = Field(default=1, primary_key=True)
    last_seq: int = _big()
    hlc: int = _big()
