"""A merge syncs to the server and other devices; offline edits of the merged-away
contact land on the survivor (through the server's real merge code)."""

from __future__ import annotations

from sqlalchemy import select

from crm_desktop.domain.models import Activity, MergeRedirect
from crm_desktop.errors import NotFoundError
from crm_desktop.services.activities import log_activity
from crm_desktop.services.conflicts import list_conflicts
from crm_desktop.services.contacts import create_contact, get_contact, update_contact
from crm_desktop.services.merge import OTHER, merge_contacts, resolve
from crm_desktop.services.tasks import create_task
from crm_desktop.store.engine import Store


def _gone(store: Store, contact_id: str) -> bool:
    try:
        get_contact(store, contact_id)
    except NotFoundError:
        return True
    return False


def _activity_contacts(store: Store) -> dict[str, str | None]:
    with store.read() as conn:
        return dict(conn.execute(select(Activity.subject, Activity.contact_id)).all())


def _signed_in(replica):  # type: ignore[no-untyped-def]
    replica.store.replica.user = replica.user  # records made here are owned by the user
    return replica


def _server_activity_contacts(hq) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {r.fields["subject"]: r.fields["contact_id"] for r in hq.records("activity").values()}


def _setup(make_replica):  # type: ignore[no-untyped-def]
    # "alice" here is mia, the team's manager: she sees the activities bob logs.
    alice, bob = _signed_in(make_replica("mia")), _signed_in(make_replica("bob"))
    a = create_contact(alice.store, {"name": "张伟", "owner": None, "tags": ["vip"]}).value
    b = create_contact(
        alice.store,
        {"name": "Zhang Wei", "owner": None, "title": "CTO", "tags": ["lead"]},
    ).value
    log_activity(alice.store, "note", contact_id=b, subject="old note on b")
    create_task(alice.store, {"title": "follow up b", "contact_id": b, "owner": None})
    alice.sync()
    bob.sync()
    return alice, bob, a, b


def test_merge_reaches_server_and_second_device(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice, bob, a, b = _setup(make_replica)
    merge_contacts(alice.store, a, b, {"name": OTHER})
    report = alice.sync()
    assert report.rejected == 0
    server = hq.records("merge_redirect")
    assert server[b].fields["survivor_id"] == a and not server[b].is_deleted
    assert hq.records("contact")[b].is_deleted
    bob.sync()
    assert _gone(bob.store, b)
    merged = get_contact(bob.store, a).contact
    assert merged.name == "Zhang Wei" and merged.title == "CTO"
    assert merged.tags == ["vip", "lead"]
    assert _server_activity_contacts(hq) == {"old note on b": a}
    assert resolve(bob.store, b) == a
    with bob.store.read() as conn:
        assert conn.execute(select(MergeRedirect.survivor_id)).scalars().all() == [a]
    assert list_conflicts(bob.store) == []


def test_offline_edit_of_merged_away_contact_lands_on_survivor(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice, bob, a, b = _setup(make_replica)
    # Bob, offline, edits the contact alice is about to merge away and logs a call on it.
    update_contact(bob.store, b, {"notes": "met him at the fair", "title": "CEO"})
    log_activity(bob.store, "meeting", contact_id=b, subject="bob's offline meeting")
    merge_contacts(alice.store, a, b)
    alice.sync()
    report = bob.sync()  # pushes the offline edits, then pulls the merge
    assert report.rejected == 0
    for replica in (bob, alice):
        replica.sync()
    for replica in (alice, bob):
        assert _gone(replica.store, b)
        survivor = get_contact(replica.store, a).contact
        assert survivor.notes == "met him at the fair"
        # The merge (later) wrote "CTO" to the survivor: it wins, bob's value is kept
        # as a conflict to review, as for any two edits of one field.
        assert survivor.title == "CTO"
    assert _server_activity_contacts(hq) == {"old note on b": a, "bob's offline meeting": a}
    assert _activity_contacts(alice.store) == {"old note on b": a, "bob's offline meeting": a}
    assert _activity_contacts(bob.store) == {"bob's offline meeting": a}
    server = hq.records("contact")
    assert server[a].fields["notes"] == "met him at the fair" and server[b].is_deleted
    # No "edit of a deleted record" conflict: the edit had somewhere to go.
    conflicts = list_conflicts(bob.store)
    assert all(c.kind != "delete" for c in conflicts)
    assert [(c.record_id, c.field_name) for c in conflicts] == [(a, "title")]


def test_edit_after_merge_seen_goes_to_survivor_on_a_third_device(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice, bob, a, b = _setup(make_replica)
    mia = _signed_in(make_replica("alice"))
    mia.sync()
    merge_contacts(alice.store, a, b)
    alice.sync()
    update_contact(mia.store, b, {"address": "上海"})  # mia has not pulled the merge
    mia.sync()
    bob.sync()
    assert get_contact(bob.store, a).contact.address == "上海"
    assert hq.records("contact")[b].fields.get("address") is None


def test_records_the_merger_could_not_see_are_moved_by_their_owner(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice, bob = _signed_in(make_replica("alice")), _signed_in(make_replica("bob"))
    a = create_contact(alice.store, {"name": "Wang Fang", "owner": None}).value
    b = create_contact(alice.store, {"name": "王芳", "owner": None}).value
    alice.sync()
    bob.sync()
    log_activity(bob.store, "note", contact_id=b, subject="bob's own")
    bob.sync()
    alice.sync()
    assert _activity_contacts(alice.store) == {}  # a rep does not see another rep's activity
    merge_contacts(alice.store, a, b)
    alice.sync()
    bob.sync()  # applies the merge: bob's device moves bob's activity to the survivor
    assert _activity_contacts(bob.store) == {"bob's own": a}
    bob.sync()  # ... and pushes that edit
    assert _server_activity_contacts(hq) == {"bob's own": a}
    assert list_conflicts(bob.store) == []
