"""Erasing a person: what an `Erasure` record does to the store it is written to.

Registered as a `WriteTx` hook on the ``erasure`` table, so it runs alike for
an erasure made here (`crm_desktop.services.privacy.erase_contact`) and for
one pulled from the HQ server (another device's): in the same transaction,

- the contact, its consents, activities and tasks are deleted (with their
  custom values, search documents and tag index rows); its deals stay (they
  are the company's business) but no longer point at it;
- conflicts kept about those records are deleted (they hold old values);
- the local change history keeps each change's who/when/what kind but loses
  the values: acknowledged rows get empty fields, unsent edits are dropped
  (the server would refuse them); parked rejected changes about the person go.

These removals write no change rows: the erasure record is the one change that
syncs, and the server applies the same removal (and scrubs its own history).
"""

from __future__ import annotations

import json

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from crm_desktop.domain.models import Activity, Consent, Contact, Deal, SyncConflict, Task
from crm_desktop.store.changes import Row, WriteTx, on_written
from crm_desktop.store.search_bands import FTS_TABLE

PERSONAL_CHILDREN = (Consent, Activity, Task)


def related_records(conn: Connection, contact_id: str) -> dict[str, list[str]]:
    """Ids of the records that are the person's: entity -> ids (the contact included)."""
    found: dict[str, list[str]] = {}
    exists = conn.exec_driver_sql("SELECT 1 FROM contact WHERE id = ?", (contact_id,)).scalar()
    found["contact"] = [contact_id] if exists else []
    for model in PERSONAL_CHILDREN:
        table = model.__tablename__
        found[str(table)] = [
            row[0]
            for row in conn.exec_driver_sql(
                f"SELECT id FROM {table} WHERE contact_id = ?", (contact_id,)
            )
        ]
    return found


@on_written("erasure")
def _apply_erasures(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if op != "insert":
        return
    for row in rows:
        if row.get("entity") == "contact":
            erase_contact_rows(tx, str(row["record_id"]))


def erase_contact_rows(tx: WriteTx, contact_id: str) -> dict[str, int]:
    """Remove the person `contact_id` from the store (see the module); counts removed."""
    capturing = tx.capturing
    tx.capturing = False  # no change rows: the erasure itself is what syncs
    raw = tx.conn.exec_driver_sql
    # Freed pages are zeroed, and the full-text index drops the deleted entries'
    # tokens at once instead of leaving them in older segments until a merge
    # (migration 0006 sets FTS5 secure-delete for good, so that earlier edits
    # of the person's document left no old tokens behind either).
    secure = raw("PRAGMA secure_delete").scalar()
    raw("PRAGMA secure_delete = ON")
    raw(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('secure-delete', 1)")
    try:
        related = related_records(tx.conn, contact_id)
        version = (tx.replica.clock.now(), tx.replica.device_id)
        removed: dict[str, int] = {}
        for model in PERSONAL_CHILDREN:
            entity = str(model.__tablename__)
            for record_id in related[entity]:
                tx.delete(model, record_id, version=version)
            removed[entity] = len(related[entity])
        deal_ids = [
            row[0]
            for row in tx.conn.exec_driver_sql(
                "SELECT id FROM deal WHERE contact_id = ?", (contact_id,)
            )
        ]
        for deal_id in deal_ids:
            tx.update(Deal, deal_id, {"contact_id": None})
        removed["deals_unlinked"] = len(deal_ids)
        if related["contact"]:
            tx.delete(Contact, contact_id, version=version)
        else:
            tx.write_tombstone("contact", contact_id, version)
        removed["contact"] = len(related["contact"])
        record_ids = {rid for ids in related.values() for rid in ids} | {contact_id}
        # Records once made for the person and gone since (a create the server
        # refused, a call deleted earlier) are known only from the change log.
        history = _history_of(tx.conn, record_ids, contact_id)
        gone = {rid for _seq, _entity, rid in history} - record_ids
        if gone:  # their later changes (a task's edits) carry no contact_id
            record_ids |= gone
            history = _history_of(tx.conn, record_ids, contact_id)
        conflicts = _conflicts_about(tx.conn, sorted(record_ids))
        for conflict_id in conflicts:
            tx.delete(SyncConflict, conflict_id, version=version)
        removed["conflicts"] = len(conflicts)
        scrub_history(tx.conn, [seq for seq, _e, _r in history], sorted(record_ids), contact_id)
        return removed
    finally:
        tx.capturing = capturing
        raw(f"PRAGMA secure_delete = {int(secure or 0)}")


def _history_of(
    conn: Connection, record_ids: set[str], contact_id: str
) -> list[tuple[int, str, str]]:
    """(seq, entity, record id) of the change rows about the person, in one pass.

    The change log has no index on record ids (it would cost every write and a
    long upgrade): one scan finds the rows of `record_ids` and those that made
    a consent, activity or task for `contact_id`.
    """
    children = tuple(str(m.__tablename__) for m in PERSONAL_CHILDREN)
    marks = ", ".join("?" * len(children))
    rows = conn.exec_driver_sql(
        "SELECT seq, entity, record_id FROM change_log "
        "WHERE record_id IN (SELECT value FROM json_each(?)) "
        f"OR (entity IN ({marks}) AND json_extract(fields, '$.contact_id') = ?)",
        (json.dumps(sorted(record_ids)), *children, contact_id),
    )
    return [(int(seq), str(entity), str(rid)) for seq, entity, rid in rows]


def _conflicts_about(conn: Connection, record_ids: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found += [
            row[0]
            for row in conn.exec_driver_sql(
                f"SELECT id FROM sync_conflict WHERE record_id IN ({marks})", tuple(chunk)
            )
        ]
    return found


def scrub_history(
    conn: Connection, seqs: list[int], record_ids: list[str], contact_id: str
) -> None:
    """Drop the person's values from the local change log and parked rejections.

    Sent changes (up to the acknowledged seq) keep who, when and what kind,
    with empty fields; unsent ones are dropped (the server would refuse them),
    except deletes, which carry no values.
    """
    acked = conn.exec_driver_sql("SELECT value FROM local_meta WHERE key = 'acked_seq'").scalar()
    acked_seq = int(acked) if acked is not None else 0
    listed = json.dumps(seqs)
    conn.exec_driver_sql(
        "UPDATE change_log SET fields = '{}' "
        "WHERE seq IN (SELECT value FROM json_each(?)) AND seq <= ?",
        (listed, acked_seq),
    )
    conn.exec_driver_sql(
        "DELETE FROM change_log WHERE seq IN (SELECT value FROM json_each(?)) AND seq > ? "
        "AND op != 'delete'",
        (listed, acked_seq),
    )
    conn.exec_driver_sql(
        "DELETE FROM sync_rejected WHERE record_id IN (SELECT value FROM json_each(?)) "
        "OR json_extract(fields, '$.contact_id') = ?",
        (json.dumps(record_ids), contact_id),
    )


def fields_of(raw: str | dict[str, object]) -> dict[str, object]:
    return raw if isinstance(raw, dict) else json.loads(raw)


def consent_ids(conn: Connection, contact_id: str) -> list[str]:
    """Ids of the consent records of `contact_id` (none on a store without the table)."""
    try:
        return [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT id FROM consent WHERE contact_id = ?", (contact_id,)
            )
        ]
    except OperationalError as exc:
        # A development store made while revision 0006 was still empty (it
        # is at a later revision without the table): it holds no consents.
        if "no such table: consent" not in str(exc.orig):
            raise
        return []


@on_written("contact")
def _delete_consents_with_contact(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    """A deleted contact takes its consent records along (they point at it)."""
    if op != "delete":
        return
    for row in rows:
        for consent_id in consent_ids(tx.conn, row["id"]):
            tx.delete(Consent, consent_id)
