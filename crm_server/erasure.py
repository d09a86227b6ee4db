"""Erasure on the HQ server: a person erased on one device is erased here and everywhere.

When a push brings a new ``erasure`` record (`crm_desktop.domain.models.Erasure`)
of a contact, in the same transaction:

- the contact and its consents, activities and tasks become tombstones with
  no fields (their current state is gone), stamped by ``ERASED_DEVICE``, with
  new seqs, so every device that pulls them deletes them; conflicts kept about
  them go the same way;
- deals that pointed at the contact lose the link (a new version of
  ``contact_id``), and stay;
- the audit log (`SyncChange`) keeps each of their changes' who, when, device
  and kind, with the values removed.

Afterwards, any change to an erased record, and any new record pointing at
the erased contact (a call logged offline), is refused with
``record.erased``: the person cannot come back through a late push.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from crm_desktop.sync.hlc import HybridLogicalClock
from crm_desktop.sync.protocol import Rejection, WireChange
from crm_server import permissions
from crm_server.models import ServerState, SyncChange, SyncRecord, User

ERASURE_ENTITY = "erasure"
ERASED_DEVICE = "hq-erasure"
CHILD_ENTITIES = ("consent", "activity", "task")
LINKING_ENTITIES = (*CHILD_ENTITIES, "deal")


def erased_contacts(changes: list[WireChange], accepted: set[str]) -> list[str]:
    """Contacts erased by the accepted changes of a push."""
    return [
        str(c.fields["record_id"])
        for c in changes
        if c.entity == ERASURE_ENTITY
        and c.change_id in accepted
        and c.op == "upsert"
        and c.fields.get("entity") == "contact"
        and isinstance(c.fields.get("record_id"), str)
    ]


class ContactLookup:
    """A contact's server row facts (erased? owner, team), asked once per push."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[str, tuple[bool, tuple[str | None, str | None]] | None] = {}

    def _get(self, contact_id: str) -> tuple[bool, tuple[str | None, str | None]] | None:
        if contact_id not in self._known:
            row = self._session.exec(
                select(col(SyncRecord.deleted), col(SyncRecord.owner), col(SyncRecord.team)).where(
                    col(SyncRecord.entity) == "contact", col(SyncRecord.record_id) == contact_id
                )
            ).first()
            self._known[contact_id] = (
                None if row is None else (_erased_stamp(row[0]), (row[1], row[2]))
            )
        return self._known[contact_id]

    def erased(self, contact_id: str) -> bool:
        found = self._get(contact_id)
        return found is not None and found[0]

    def access(self, contact_id: str) -> tuple[str | None, str | None] | None:
        found = self._get(contact_id)
        return None if found is None else found[1]


def _erased_stamp(deleted: Any) -> bool:
    return isinstance(deleted, list) and len(deleted) >= 2 and deleted[1] == ERASED_DEVICE


def rejection(
    change: WireChange,
    loaded_deleted: Any,
    exists: bool,
    user: User,
    contacts: ContactLookup,
) -> Rejection | None:
    """Refuse changes that would bring an erased person back, or erasures not allowed."""

    def reject(code: str, reason: str) -> Rejection:
        return Rejection(change_id=change.change_id, code=code, reason=reason)

    if exists and _erased_stamp(loaded_deleted):
        return reject("record.erased", "This person was erased; the change was discarded.")
    contact_id = change.fields.get("contact_id")
    if (
        change.entity in LINKING_ENTITIES
        and isinstance(contact_id, str)
        and change.op != "delete"
        and contacts.erased(contact_id)
    ):
        return reject("record.erased", "The person this refers to was erased.")
    if change.entity == ERASURE_ENTITY:
        if exists or change.op != "upsert":
            return reject("validation.erasure", "An erasure cannot be changed or deleted.")
        target = change.fields.get("record_id")
        if change.fields.get("entity") != "contact" or not isinstance(target, str):
            return reject("validation.erasure", "Only contacts can be erased.")
        access = contacts.access(target)
        if access is not None and not permissions.may_see(user, "contact", *access):
            return reject("permission.denied", "You may not erase a person you cannot see.")
    return None


def apply_erasures(
    session: Session,
    server: ServerState,
    clock: HybridLogicalClock,
    contact_ids: list[str],
) -> dict[str, int]:
    """Erase each contact in `contact_ids` from the server's state and history."""
    removed: dict[str, int] = {}
    conn = session.connection()
    for contact_id in dict.fromkeys(contact_ids):
        targets: list[tuple[str, str]] = []
        if _record(session, "contact", contact_id) is not None:
            targets.append(("contact", contact_id))
        for entity in CHILD_ENTITIES:
            targets += [(entity, rid) for rid in _linked(session, entity, contact_id)]
        target_ids = [rid for _e, rid in targets] or [contact_id]
        conflicts = session.exec(
            select(col(SyncRecord.record_id)).where(
                col(SyncRecord.entity) == "sync_conflict",
                col(SyncRecord.fields)["record_id"].as_string().in_(target_ids),
            )
        ).all()
        targets += [("sync_conflict", rid) for rid in conflicts]
        for entity, record_id in targets:
            server.last_seq += 1
            stamp = [clock.now(), ERASED_DEVICE, server.last_seq]
            conn.execute(
                update(SyncRecord)
                .where(col(SyncRecord.entity) == entity, col(SyncRecord.record_id) == record_id)
                .values(
                    fields={},
                    versions={},
                    alive=None,
                    deleted=stamp,
                    is_deleted=True,
                    seq=server.last_seq,
                )
            )
            removed[entity] = removed.get(entity, 0) + 1
        for deal_id in _linked(session, "deal", contact_id):
            row = _record(session, "deal", deal_id)
            assert row is not None
            server.last_seq += 1
            stamp = [clock.now(), ERASED_DEVICE, server.last_seq]
            fields = {**row.fields, "contact_id": None}
            versions = {**row.versions, "contact_id": stamp}
            conn.execute(
                update(SyncRecord)
                .where(col(SyncRecord.entity) == "deal", col(SyncRecord.record_id) == deal_id)
                .values(fields=fields, versions=versions, seq=server.last_seq)
            )
            removed["deals_unlinked"] = removed.get("deals_unlinked", 0) + 1
        # The audit log keeps who, when, which device and what kind of change.
        for entity, record_id in targets:
            conn.execute(
                update(SyncChange)
                .where(col(SyncChange.entity) == entity, col(SyncChange.record_id) == record_id)
                .values(fields={})
            )
        if not any(e == "contact" for e, _ in targets):
            # Never synced here: a tombstone still stops a late push of it.
            server.last_seq += 1
            session.add(
                SyncRecord(
                    entity="contact",
                    record_id=contact_id,
                    fields={},
                    versions={},
                    alive=None,
                    deleted=[clock.now(), ERASED_DEVICE, server.last_seq],
                    is_deleted=True,
                    owner=None,
                    team=None,
                    seq=server.last_seq,
                )
            )
            session.flush()
    return removed


def _record(session: Session, entity: str, record_id: str) -> SyncRecord | None:
    return session.exec(
        select(SyncRecord).where(
            col(SyncRecord.entity) == entity, col(SyncRecord.record_id) == record_id
        )
    ).first()


def _linked(session: Session, entity: str, contact_id: str) -> list[str]:
    """Ids of live `entity` records whose ``contact_id`` is `contact_id` (a scan; rare)."""
    return list(
        session.exec(
            select(col(SyncRecord.record_id)).where(
                col(SyncRecord.entity) == entity,
                col(SyncRecord.is_deleted).is_(False),
                col(SyncRecord.fields)["contact_id"].as_string() == contact_id,
            )
        ).all()
    )
