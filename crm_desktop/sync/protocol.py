"""The sync protocol's messages, shared by the desktop client and the HQ server.

Version 1, over HTTPS, JSON bodies (gzip both ways), every path under ``/api/v1``:

- ``GET  /hello``       -> `Hello`; the client sends ``X-CRM-Protocol`` on every call
  and a server that cannot speak it answers 426 with code ``protocol_mismatch``.
- ``POST /login``       `LoginRequest` -> `LoginResponse` (the password is used once).
- ``POST /logout``      revokes the calling device's token.
- ``POST /sync/push``   `PushRequest` -> `PushResponse`: outbox changes, idempotent
  by ``change_id``.
- ``GET  /sync/pull?cursor=N&limit=M`` -> `PullResponse`: the current state of every
  record the user may see that changed after ``cursor``, oldest first. Cursor 0
  is the snapshot a new device bootstraps from (current state, not history).
- ``GET  /sync/digest`` -> `Digest`: visible live records per entity, to compare.

Errors are ``{"error": {"code": ..., "message": ..., "wipe": bool}}``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-CRM-Protocol"
API_PREFIX = "/api/v1"

MAX_PUSH_BATCH = 1000
MAX_PULL_PAGE = 2000
DEFAULT_PULL_PAGE = 1000
MAX_ID_LENGTH = 64

Version = tuple[int, str]
"""A field write's (HLC, device id): the larger one wins."""

Op = Literal["upsert", "delete", "restore"]


class WireChange(BaseModel):
    """One local write: ``fields`` maps each changed field to its new value.

    ``seen`` is the pull cursor the device held when it made the change: every
    server write at or below it was already visible to the author, so it is
    overwritten knowingly; a later one from another device is concurrent.
    """

    change_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    entity: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    record_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    op: Op
    fields: dict[str, Any] = Field(default_factory=dict)
    hlc: int = Field(ge=0, lt=1 << 63)
    device_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    seen: int = Field(default=0, ge=0)


class PushRequest(BaseModel):
    changes: list[WireChange] = Field(max_length=MAX_PUSH_BATCH)


class Rejection(BaseModel):
    """A change the server refused; the client parks it with the reason."""

    change_id: str
    code: str
    reason: str


class PushResponse(BaseModel):
    accepted: list[str] = Field(default_factory=list)
    duplicates: list[str] = Field(default_factory=list)
    rejected: list[Rejection] = Field(default_factory=list)
    conflicts: int = 0


class WireRecord(BaseModel):
    """A record's merged state. ``deleted`` set: a tombstone, with no fields."""

    entity: str
    id: str
    fields: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, Version] = Field(default_factory=dict)
    alive: Version | None = None
    deleted: Version | None = None
    seq: int


class PullResponse(BaseModel):
    records: list[WireRecord]
    cursor: int
    more: bool


class Digest(BaseModel):
    counts: dict[str, int]
    cursor: int


class Hello(BaseModel):
    """Required fields: a captive portal's ``{}`` must not pass for a server."""

    server: str
    protocol: int
    min_protocol: int


class LoginRequest(BaseModel):
    user: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)
    device_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    device_name: str = Field(default="", max_length=256)


class LoginResponse(BaseModel):
    token: str
    user: str
    role: str
    team: str | None
    device_id: str


class ErrorBody(BaseModel):
    code: str
    message: str
    wipe: bool = False


class ErrorResponse(BaseModel):
    error: ErrorBody
