"""Push, pull and digest: the server half of sync, over one SQLModel session.

Callers commit. A push locks the single `ServerState` row for its whole
transaction, so server seqs are handed out and committed in order: a pull
that reads ``last_seq`` first never skips a change that commits later.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, update
from sqlmodel import Session, col

from crm_desktop.domain.models import APPEND_ONLY_ENTITIES
from crm_desktop.ids import new_id
from crm_desktop.sync.hlc import HybridLogicalClock
from crm_desktop.sync.merge import Overwrite, RecordState, merge_change, version_of
from crm_desktop.sync.protocol import (
    Digest,
    PullResponse,
    PushRequest,
    PushResponse,
    Rejection,
    WireChange,
    WireRecord,
)
from crm_server import erasure, merge_moves, permissions
from crm_server.models import Device, ServerState, SyncChange, SyncRecord, User
from crm_server.redirects import redirect_changes
from crm_server.schema_check import (
    CONFLICT_ENTITY,
    SchemaViolation,
    check_change,
    check_new_record,
)

SERVER_DEVICE = "hq"
Key = tuple[str, str]


@dataclass
class _Loaded:
    """A record's server row as plain data while a batch is merged."""

    state: RecordState
    owner: str | None
    team: str | None
    seq: int
    is_new: bool
    dirty: bool = False


@dataclass
class _Batch:
    session: Session
    user: User
    device: Device
    server: ServerState
    clock: HybridLogicalClock
    records: dict[Key, _Loaded]
    now: datetime
    users: dict[str, User | None] = field(default_factory=dict)
    device_users: dict[str, str | None] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    contacts: erasure.ContactLookup | None = None
    reowned: set[Key] = field(default_factory=set)  # parents whose owner or team changed

    def next_seq(self) -> int:
        self.server.last_seq += 1
        return self.server.last_seq

    def lookup_user(self, name: str) -> User | None:
        if name not in self.users:
            self.users[name] = self.session.get(User, name)
        return self.users[name]

    def user_of_device(self, device_id: str) -> str | None:
        if device_id == SERVER_DEVICE:
            return None
        if device_id not in self.device_users:
            found = self.session.get(Device, device_id)
            self.device_users[device_id] = found.user_name if found else None
        return self.device_users[device_id]


def push(session: Session, user: User, device: Device, request: PushRequest) -> PushResponse:
    """Merge a batch of changes; idempotent by change id."""
    # A write first: it takes the lock at once on SQLite and PostgreSQL alike,
    # before any read could pin an older snapshot.
    session.connection().execute(update(ServerState).values(last_seq=ServerState.last_seq))
    server = session.scalars(select(ServerState).with_for_update()).one()
    response = PushResponse()
    known = _known_change_ids(session, [c.change_id for c in request.changes])
    batch = _Batch(
        session, user, device, server, HybridLogicalClock(server.hlc), {}, datetime.now(UTC)
    )
    batch.device_users[device.id] = user.name
    # Edits of merged-away records go to their survivors (crm_server.redirects).
    changes = redirect_changes(session, request.changes)
    batch.records = _load_records(session, changes)
    for change in changes:
        if change.change_id in known:
            response.duplicates.append(change.change_id)
            continue
        known.add(change.change_id)
        rejection = _rejection(batch, change)
        if rejection is not None:
            response.rejected.append(rejection)
            continue
        response.conflicts += _accept(batch, change)
        response.accepted.append(change.change_id)
    _write_back(batch)
    accepted = set(response.accepted)
    # Records already here that the merging device could not see follow the merge
    # (or go back on its undo), as the server's own changes (crm_server.merge_moves).
    merged = merge_moves.redirects_touched(changes, accepted)
    if merged:
        merge_moves.follow_merges(session, server, batch.clock, user.name, merged, batch.now)
    erased = erasure.erased_contacts(changes, accepted)
    if erased:
        erasure.apply_erasures(session, server, batch.clock, erased)
    server.hlc = batch.clock.last
    session.add(server)
    return response


def pull(session: Session, user: User, cursor: int, limit: int) -> PullResponse:
    """The current state of visible records changed after `cursor`, oldest first."""
    # Read the high-water mark first: everything at or below it has committed.
    last_seq = _last_seq(session)
    rows = session.execute(
        select(*_PULLED)
        .where(col(SyncRecord.seq) > cursor, col(SyncRecord.seq) <= last_seq)
        .where(permissions.visible_filter(user))
        .order_by(col(SyncRecord.seq))
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    records = [_wire_record(row) for row in rows[:limit]]
    next_cursor = records[-1].seq if more else max(cursor, last_seq)
    return PullResponse(records=records, cursor=next_cursor, more=more)


def digest(session: Session, user: User) -> Digest:
    """Live records per entity this user may see: the client compares its own counts."""
    last_seq = _last_seq(session)
    rows = session.execute(
        select(col(SyncRecord.entity), func.count())
        .where(col(SyncRecord.is_deleted).is_(False), col(SyncRecord.seq) <= last_seq)
        .where(permissions.visible_filter(user))
        .group_by(col(SyncRecord.entity))
    ).all()
    return Digest(counts={entity: count for entity, count in rows}, cursor=last_seq)


def _last_seq(session: Session) -> int:
    return int(session.scalars(select(col(ServerState.last_seq))).one())


# -- push internals ----------------------------------------------------------


def _known_change_ids(session: Session, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    found = session.scalars(
        select(col(SyncChange.change_id)).where(col(SyncChange.change_id).in_(ids))
    ).all()
    return set(found)


def _load_records(session: Session, changes: list[WireChange]) -> dict[Key, _Loaded]:
    ids: dict[str, list[str]] = defaultdict(list)
    for entity, record_id in dict.fromkeys((c.entity, c.record_id) for c in changes):
        ids[entity].append(record_id)
    columns = [
        col(SyncRecord.entity),
        col(SyncRecord.record_id),
        col(SyncRecord.fields),
        col(SyncRecord.versions),
        col(SyncRecord.alive),
        col(SyncRecord.deleted),
        col(SyncRecord.owner),
        col(SyncRecord.team),
        col(SyncRecord.seq),
    ]
    loaded: dict[Key, _Loaded] = {}
    # One entity per query: SQLite answers `entity = ? AND record_id IN (...)` from
    # the primary key, but scans the whole key for `(entity, record_id) IN (...)`.
    # Plain rows, not ORM objects: only the values are needed.
    for entity, record_ids in ids.items():
        for start in range(0, len(record_ids), 500):
            rows = session.execute(
                select(*columns).where(
                    col(SyncRecord.entity) == entity,
                    col(SyncRecord.record_id).in_(record_ids[start : start + 500]),
                )
            )
            for entity_, record_id, fields, versions, alive, deleted, owner, team, seq in rows:
                state = RecordState(fields, versions, alive, deleted)
                loaded[(entity_, record_id)] = _Loaded(state, owner, team, seq, is_new=False)
    return loaded


def _rejection(batch: _Batch, change: WireChange) -> Rejection | None:
    def reject(code: str, reason: str) -> Rejection:
        return Rejection(change_id=change.change_id, code=code, reason=reason)

    if change.device_id != batch.device.id:
        return reject("validation.device", "The change was not made on this device.")
    try:
        check_change(change)
    except SchemaViolation as exc:
        return reject(exc.code, exc.reason)
    try:
        batch.clock.receive(change.hlc)
    except ValueError as exc:
        return reject("validation.clock", f"The device clock is far ahead: {exc}.")
    loaded = batch.records.get((change.entity, change.record_id))
    if batch.contacts is None:
        batch.contacts = erasure.ContactLookup(batch.session)
    refused = erasure.rejection(  # an erased person stays erased (crm_server.erasure)
        change,
        loaded.state.deleted if loaded else None,
        loaded is not None,
        batch.user,
        batch.contacts,
    )
    if refused is not None:
        return refused
    parent = _parent_access(batch, change, loaded)
    if parent is not None and not permissions.may_see(batch.user, *parent):
        return reject("permission.denied", "This record's deal belongs to someone else.")
    if loaded is None:
        if change.entity == CONFLICT_ENTITY:
            return reject("validation.conflict", "No such conflict on the server.")
        owner = change.fields.get("owner")
        if not permissions.may_assign(batch.user, owner, batch.lookup_user):
            return reject("permission.owner", f"You may not create records owned by {owner}.")
        try:
            check_new_record(change)
        except SchemaViolation as exc:
            return reject(exc.code, exc.reason)
        return None
    own_access = parent is None and change.entity not in permissions.PARENT_ACCESS
    if own_access and not permissions.may_see(batch.user, change.entity, loaded.owner, loaded.team):
        return reject("permission.denied", "This record belongs to someone you may not edit for.")
    if "owner" in change.fields and change.fields["owner"] != loaded.owner:
        owner = change.fields["owner"]
        if not permissions.may_assign(batch.user, owner, batch.lookup_user):
            return reject("permission.owner", f"You may not hand this record to {owner}.")
    return None


def _parent_access(
    batch: _Batch, change: WireChange, loaded: _Loaded | None
) -> tuple[str, str | None, str | None] | None:
    """For a record whose access is its parent's (`permissions.PARENT_ACCESS`): the
    parent's entity, owner and team; None for other records, or a parent the server lacks."""
    found = permissions.PARENT_ACCESS.get(change.entity)
    if found is None:
        return None
    entity, ref = found
    parent_id = (loaded.state.fields if loaded else change.fields).get(ref)
    if not isinstance(parent_id, str):
        return None
    parent = batch.records.get((entity, parent_id))
    if parent is not None:  # pushed in this batch, or loaded for it
        return entity, parent.owner, parent.team
    row = batch.session.execute(
        select(col(SyncRecord.owner), col(SyncRecord.team)).where(
            col(SyncRecord.entity) == entity, col(SyncRecord.record_id) == parent_id
        )
    ).first()
    return None if row is None else (entity, row[0], row[1])


def _accept(batch: _Batch, change: WireChange) -> int:
    """Merge one accepted change; returns how many conflicts it made."""
    key = (change.entity, change.record_id)
    seq = batch.next_seq()
    loaded = batch.records.get(key)
    result = merge_change(
        loaded.state if loaded else None,
        change,
        seq,
        append_only=change.entity in APPEND_ONLY_ENTITIES,
    )
    if loaded is None:
        owner = result.state.fields.get("owner")
        loaded = _Loaded(
            result.state,
            owner,
            permissions.team_of(owner, batch.user, batch.lookup_user),
            seq,
            is_new=True,
        )
        batch.records[key] = loaded
    if result.changed:
        loaded.dirty = True
        loaded.seq = seq
        access = (loaded.owner, loaded.team)
        _follow_owner(batch, loaded)
        if change.entity in permissions.PARENTS and (loaded.owner, loaded.team) != access:
            batch.reowned.add(key)
    batch.audit.append(_audit_row(batch, change, seq))
    for overwrite in result.overwrites:
        _record_conflict(batch, change, loaded, overwrite)
    return len(result.overwrites)


def _follow_owner(batch: _Batch, loaded: _Loaded) -> None:
    owner = loaded.state.fields.get("owner")
    if owner != loaded.owner:
        loaded.owner = owner
        loaded.team = permissions.team_of(owner, batch.user, batch.lookup_user)


def _audit_row(batch: _Batch, change: WireChange, seq: int) -> dict[str, Any]:
    return {
        "seq": seq,
        "change_id": change.change_id,
        "entity": change.entity,
        "record_id": change.record_id,
        "op": change.op,
        "fields": change.fields,
        "hlc": change.hlc,
        "device_id": change.device_id,
        "user_name": batch.user.name,
        "seen": change.seen,
        "received_at": batch.now,
    }


def _record_conflict(
    batch: _Batch, change: WireChange, loaded: _Loaded, overwrite: Overwrite
) -> None:
    seq = batch.next_seq()
    stamp = [batch.clock.now(), SERVER_DEVICE, seq]
    fields = {
        "entity": change.entity,
        "record_id": change.record_id,
        "field_name": overwrite.field,
        "kind": overwrite.kind,
        "base_value": _base_value(batch, change, overwrite),
        "winner_value": overwrite.winner_value,
        "loser_value": overwrite.loser_value,
        "winner_hlc": overwrite.winner[0],
        "winner_device": overwrite.winner[1],
        "winner_user": batch.user_of_device(overwrite.winner[1]),
        "loser_hlc": overwrite.loser[0],
        "loser_device": overwrite.loser[1],
        "loser_user": batch.user_of_device(overwrite.loser[1]),
        "owner": loaded.owner,
        "resolved": False,
        "created_at": batch.now.isoformat(),
    }
    state = RecordState(fields, {name: stamp for name in fields}, stamp[:2], None)
    batch.records[(CONFLICT_ENTITY, new_id())] = _Loaded(
        state, loaded.owner, loaded.team, seq, is_new=True, dirty=True
    )


def _base_value(batch: _Batch, change: WireChange, overwrite: Overwrite) -> Any:
    """The field's value as the change's author last saw it (from the audit log)."""
    if overwrite.field is None:
        return None
    rows = batch.session.scalars(
        select(col(SyncChange.fields))
        .where(
            col(SyncChange.entity) == change.entity,
            col(SyncChange.record_id) == change.record_id,
            col(SyncChange.seq) <= change.seen,
        )
        .order_by(col(SyncChange.seq).desc())
        .limit(200)
    ).all()
    for fields in rows:
        if overwrite.field in fields:
            return fields[overwrite.field]
    return None


def _write_back(batch: _Batch) -> None:
    session = batch.session
    session.flush()
    new_rows, changed_rows = [], []
    for (entity, record_id), loaded in batch.records.items():
        if not loaded.dirty:
            continue
        state = loaded.state
        row = {
            "fields": state.fields,
            "versions": state.versions,
            "alive": state.alive,
            "deleted": state.deleted,
            "is_deleted": state.is_deleted,
            "owner": loaded.owner,
            "team": loaded.team,
            "seq": loaded.seq,
        }
        if loaded.is_new:
            new_rows.append({"entity": entity, "record_id": record_id, **row})
        else:
            changed_rows.append({"k_entity": entity, "k_record_id": record_id, **row})
    conn = session.connection()
    if new_rows:
        conn.execute(insert(SyncRecord), new_rows)
    if changed_rows:
        table = SyncRecord.__table__  # type: ignore[attr-defined]
        conn.execute(
            update(table)
            .where(
                table.c.entity == bindparam("k_entity"),
                table.c.record_id == bindparam("k_record_id"),
            )
            .values(
                {name: bindparam(name) for name in changed_rows[0] if not name.startswith("k_")}
            ),
            changed_rows,
        )
    if batch.audit:
        conn.execute(insert(SyncChange), batch.audit)
    if batch.reowned:
        _resend_children(batch)


def _resend_children(batch: _Batch) -> None:
    """New seqs for the stage history of deals whose owner or team changed.

    Who may see a history row follows its deal (`permissions.PARENT_ACCESS`): a
    user who may now see the deal pulls its history with it, not only after a
    full re-sync. Each row gets its own seq, so a pull page never splits a run
    of equal seqs.
    """
    conn = batch.session.connection()
    for child, (parent, ref) in sorted(permissions.PARENT_ACCESS.items()):
        parent_ids = sorted(rid for entity, rid in batch.reowned if entity == parent)
        for start in range(0, len(parent_ids), 500):
            ids = batch.session.scalars(
                select(col(SyncRecord.record_id))
                .where(
                    col(SyncRecord.entity) == child,
                    col(SyncRecord.fields)[ref].as_string().in_(parent_ids[start : start + 500]),
                )
                .order_by(col(SyncRecord.record_id))
            ).all()
            for record_id in ids:
                conn.execute(
                    update(SyncRecord)
                    .where(col(SyncRecord.entity) == child, col(SyncRecord.record_id) == record_id)
                    .values(seq=batch.next_seq())
                )


# -- pull internals ----------------------------------------------------------


# Plain rows, not ORM objects: a page is read once and sent, never changed.
_PULLED = (
    col(SyncRecord.entity),
    col(SyncRecord.record_id),
    col(SyncRecord.fields),
    col(SyncRecord.versions),
    col(SyncRecord.alive),
    col(SyncRecord.deleted),
    col(SyncRecord.is_deleted),
    col(SyncRecord.seq),
)


def _wire_record(row: Row[Any]) -> WireRecord:
    if row.is_deleted:
        assert row.deleted is not None
        return WireRecord(
            entity=row.entity, id=row.record_id, deleted=version_of(row.deleted), seq=row.seq
        )
    return WireRecord(
        entity=row.entity,
        id=row.record_id,
        fields=row.fields,
        versions={name: version_of(v) for name, v in row.versions.items()},
        alive=version_of(row.alive) if row.alive else None,
        seq=row.seq,
    )
