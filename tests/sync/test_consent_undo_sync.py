"""Undoing a contact delete brings its consent records back on the server and other devices."""

from __future__ import annotations

from crm_desktop.services import consent as consents
from crm_desktop.services.contacts import create_contact, delete_contact, restore_contact


def test_undone_delete_restores_consents_everywhere(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice, bob = make_replica("alice"), make_replica("bob")
    for replica in (alice, bob):
        replica.store.replica.user = replica.user
    contact = create_contact(alice.store, {"name": "Ann", "owner": None}).value
    given = consents.record_consent(alice.store, contact, "email", "given", source="form").value
    alice.sync()
    bob.sync()
    deleted = delete_contact(alice.store, contact).value
    alice.sync()
    bob.sync()
    assert consents.consent_history(bob.store, contact) == []
    assert hq.records("consent")[given].is_deleted

    restore_contact(alice.store, deleted)
    assert alice.sync().rejected == 0
    bob.sync()
    [back] = consents.consent_history(bob.store, contact)
    assert (back.id, back.purpose, back.status, back.source) == (given, "email", "given", "form")
    assert not hq.records("consent")[given].is_deleted
    assert not hq.records("contact")[contact].is_deleted
