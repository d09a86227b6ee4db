"""Erasure syncs: the server scrubs its state and audit log; other devices remove the person."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from crm_desktop.services import consent as consents
from crm_desktop.services import privacy
from crm_desktop.services.activities import log_call
from crm_desktop.services.conflicts import list_rejected
from crm_desktop.services.contacts import create_contact, update_contact
from crm_desktop.services.search import search
from crm_desktop.services.tasks import create_task
from crm_desktop.store.integrity import check_integrity
from crm_desktop.sync.engine import pending_count
from crm_server.erasure import ERASED_DEVICE
from crm_server.models import SyncChange, SyncRecord
from tests.databases import DATABASES, database
from tests.sync.harness import HQ, server_engine

SECRET = "Qwertzuiop-private"


@pytest.fixture(params=DATABASES)
def hq(request, tmp_path: Path) -> Iterator[HQ]:
    """The server on SQLite and on PostgreSQL: the scrub queries JSON fields on both."""
    with database(request.param, tmp_path) as url:
        server = HQ(server_engine(url))
        for name, role, team in [
            ("alice", "rep", "north"),
            ("bob", "rep", "north"),
            ("carol", "rep", "south"),
        ]:
            server.add_user(name, role, team)
        yield server
        server.engine.dispose()


def _server_text(hq) -> str:
    with Session(hq.engine) as session:
        records = session.exec(select(SyncRecord)).all()
        changes = session.exec(select(SyncChange)).all()
        return json.dumps(
            [r.fields for r in records] + [c.fields for c in changes], ensure_ascii=False
        )


def _local_text(store) -> str:
    parts = []
    with store.read() as conn:
        tables = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        for table in tables:
            parts += [repr(tuple(r)) for r in conn.exec_driver_sql(f'SELECT * FROM "{table}"')]
    return "\n".join(parts)


def _shared_person(alice, bob) -> str:
    for replica in (alice, bob):  # as after signing in: records are owned by the account
        replica.store.replica.user = replica.user
    contact = create_contact(
        alice.store,
        {"name": "Erin Erasable", "owner": None, "notes": SECRET, "emails": "erin@example.com"},
    ).value
    log_call(alice.store, contact, "outbound", "connected", notes=f"about {SECRET}")
    consents.record_consent(alice.store, contact, "email", "given", source="form")
    alice.sync()
    bob.sync()
    update_contact(bob.store, contact, {"title": f"Chief {SECRET}"})
    bob.sync()
    alice.sync()
    return contact


def test_erasure_reaches_the_server_and_other_devices(make_replica, hq) -> None:
    alice, bob = make_replica("alice"), make_replica("bob")
    contact = _shared_person(alice, bob)
    assert SECRET in _server_text(hq) and search(bob.store, "Erasable")

    privacy.erase_contact(alice.store, contact, reason="GDPR request")
    alice.sync()
    assert pending_count(alice.store) == 0
    # The server: no value of the person in its state or audit log; who/when kept.
    text = _server_text(hq)
    assert SECRET not in text and "Erin" not in text and "erin@example.com" not in text
    with Session(hq.engine) as session:
        row = session.exec(
            select(SyncRecord).where(
                SyncRecord.entity == "contact", SyncRecord.record_id == contact
            )
        ).one()
        audit = session.exec(select(SyncChange).where(SyncChange.record_id == contact)).all()
    assert row.is_deleted and row.fields == {} and row.deleted[1] == ERASED_DEVICE
    assert audit and {a.user_name for a in audit} == {"alice", "bob"}
    assert all(a.fields == {} for a in audit)
    assert len(hq.records("erasure")) == 1
    assert SECRET not in _local_text(alice.store)

    bob.sync()
    assert SECRET not in _local_text(bob.store) and "Erin" not in _local_text(bob.store)
    assert search(bob.store, "Erasable") == []
    with bob.store.read() as conn:
        left = {
            t: conn.exec_driver_sql(
                f"SELECT count(*) FROM {t} WHERE contact_id = ?", (contact,)
            ).scalar()
            for t in ("activity", "consent", "task")
        }
        erasures = conn.exec_driver_sql("SELECT record_id, reason FROM erasure").all()
    assert left == {"activity": 0, "consent": 0, "task": 0}
    assert erasures == [(contact, "GDPR request")]
    for replica in (alice, bob):
        assert check_integrity(replica.store, full=True).ok
    report = bob.sync()  # converged: nothing more to do, no full re-sync
    assert not report.full_resync


def test_offline_edits_of_an_erased_person_are_refused_and_dropped(make_replica, hq) -> None:
    alice, bob = make_replica("alice"), make_replica("bob")
    contact = _shared_person(alice, bob)
    # Bob, offline, edits the person and logs a call with a task while Alice erases them.
    update_contact(bob.store, contact, {"notes": f"offline {SECRET}"})
    log_call(bob.store, contact, "inbound", "connected", notes=f"late {SECRET}")
    create_task(bob.store, {"title": f"late task {SECRET}", "contact_id": contact})
    privacy.erase_contact(alice.store, contact)
    alice.sync()
    report = bob.sync()
    assert report.rejected >= 2  # refused by the server: the person stays erased
    assert SECRET not in _server_text(hq)
    # Bob's store: the person, the late records and the parked rejections are gone.
    assert SECRET not in _local_text(bob.store)
    assert list_rejected(bob.store) == []
    assert pending_count(bob.store) == 0
    alice.sync()
    assert SECRET not in _local_text(alice.store)


def test_a_rep_cannot_erase_a_person_they_cannot_see(make_replica, hq) -> None:
    alice, carol = make_replica("alice"), make_replica("carol")
    contact = create_contact(alice.store, {"name": "Private Pat", "owner": "alice"}).value
    alice.sync()
    # Carol (another team) forges an erasure of Alice's contact.
    with carol.store.write() as tx:
        from crm_desktop.domain.models import Erasure

        tx.insert(Erasure, {"entity": "contact", "record_id": contact, "removed": {}})
    report = carol.sync()
    assert report.rejected == 1
    with Session(hq.engine) as session:
        row = session.exec(
            select(SyncRecord).where(
                SyncRecord.entity == "contact", SyncRecord.record_id == contact
            )
        ).one()
    assert not row.is_deleted and row.fields["name"] == "Private Pat"
