"""Sync between replicas through the server's real merge code (in-process transport)."""

from __future__ import annotations

from crm_desktop.services.conflicts import list_conflicts, list_rejected, resolve_conflict
from crm_desktop.services.contacts import (
    create_contact,
    delete_contact,
    get_contact,
    update_contact,
)
from crm_desktop.sync.engine import pending_count


def test_a_contact_made_offline_reaches_a_teammate(make_replica) -> None:
    alice, bob = make_replica("alice"), make_replica("bob")
    made = create_contact(alice.store, {"name": "王小明", "owner": None, "title": "CTO"})
    report = alice.sync()
    assert report.pushed == 1 and pending_count(alice.store) == 0
    bob.sync()
    contact = get_contact(bob.store, made.value).contact
    assert contact.name == "王小明" and contact.title == "CTO"


def test_edits_to_different_fields_both_survive(make_replica) -> None:
    alice, bob = make_replica("alice"), make_replica("bob")
    made = create_contact(alice.store, {"name": "Li Lei", "owner": None})
    alice.sync()
    bob.sync()
    update_contact(alice.store, made.value, {"title": "Buyer"})
    update_contact(bob.store, made.value, {"notes": "prefers WeChat"})
    alice.sync()
    bob.sync()
    alice.sync()
    for replica in (alice, bob):
        contact = get_contact(replica.store, made.value).contact
        assert (contact.title, contact.notes) == ("Buyer", "prefers WeChat")
        assert list_conflicts(replica.store) == []


def test_same_field_gives_one_conflict_on_both_sides_and_flip_syncs(make_replica) -> None:
    alice, bob = make_replica("alice"), make_replica("bob")
    made = create_contact(alice.store, {"name": "Han Meimei", "owner": None})
    alice.sync()
    bob.sync()
    update_contact(alice.store, made.value, {"title": "Director"})
    update_contact(bob.store, made.value, {"title": "VP"})  # later HLC: wins
    alice.sync()
    bob.sync()
    alice.sync()
    assert get_contact(alice.store, made.value).contact.title == "VP"
    assert get_contact(bob.store, made.value).contact.title == "VP"
    [mine_a] = list_conflicts(alice.store)
    [mine_b] = list_conflicts(bob.store)
    assert mine_a.id == mine_b.id
    assert (mine_a.mine, mine_a.theirs, mine_a.theirs_user) == ("Director", "VP", "bob")
    assert (mine_b.mine, mine_b.theirs) == ("VP", "Director")
    assert mine_a.base is None and mine_a.field_name == "title"

    resolve_conflict(alice.store, mine_a.id[:8], "mine")
    alice.sync()
    bob.sync()
    assert get_contact(bob.store, made.value).contact.title == "Director"
    assert list_conflicts(bob.store) == []
    assert list_conflicts(bob.store, include_resolved=True)[0].resolution == "theirs"


def test_delete_racing_an_edit_is_recoverable(make_replica) -> None:
    alice, bob = make_replica("alice"), make_replica("bob")
    made = create_contact(alice.store, {"name": "Zhang San", "owner": None})
    alice.sync()
    bob.sync()
    delete_contact(alice.store, made.value)
    update_contact(bob.store, made.value, {"title": "Owner"})
    alice.sync()
    bob.sync()
    alice.sync()
    assert _missing(alice.store, made.value) and _missing(bob.store, made.value)
    [conflict] = list_conflicts(bob.store)
    assert conflict.kind == "delete" and conflict.mine["title"] == "Owner"
    resolve_conflict(bob.store, conflict.id, "mine")
    bob.sync()
    alice.sync()
    for replica in (alice, bob):
        contact = get_contact(replica.store, made.value).contact
        assert (contact.name, contact.title) == ("Zhang San", "Owner")


def test_a_rep_cannot_push_or_pull_another_reps_private_records(make_replica) -> None:
    alice, bob = make_replica("alice"), make_replica("bob")
    private = create_contact(bob.store, {"name": "Bob's lead", "owner": "bob"})
    bob.sync()
    alice.sync()
    assert _missing(alice.store, private.value)
    create_contact(alice.store, {"name": "Forged", "owner": "carol"})  # another team's rep
    report = alice.sync()
    assert report.rejected == 1
    [rejected] = list_rejected(alice.store)
    assert rejected.code == "permission.owner" and rejected.fields["name"] == "Forged"
    # The server does not hold it, so the full re-sync removed the local copy.
    assert report.full_resync and not report.mismatch


def test_manager_sees_the_teams_private_records(make_replica) -> None:
    bob, mia = make_replica("bob"), make_replica("mia")
    private = create_contact(bob.store, {"name": "Bob's lead", "owner": "bob"})
    bob.sync()
    mia.sync()
    assert get_contact(mia.store, private.value).contact.owner == "bob"


def test_a_repeated_push_is_a_duplicate(make_replica, hq) -> None:
    alice = make_replica("alice")
    create_contact(alice.store, {"name": "Once", "owner": None})
    from crm_desktop.sync.protocol import PushRequest

    _seqs, changes = alice.engine._outbox_batch()
    first = alice.transport.push(PushRequest(changes=changes))
    again = alice.transport.push(PushRequest(changes=changes))
    assert len(first.accepted) == 1 and again.duplicates == first.accepted
    assert len(hq.records("contact")) == 1


def _missing(store, contact_id: str) -> bool:
    from crm_desktop.errors import NotFoundError

    try:
        get_contact(store, contact_id)
    except NotFoundError:
        return True
    return False


def test_edits_of_a_refused_record_are_refused_too(make_replica, hq) -> None:
    alice = make_replica("alice")
    forged = create_contact(alice.store, {"name": "Forged", "owner": "carol"})
    update_contact(alice.store, forged.value, {"title": "still here"})
    assert alice.sync().rejected == 2
    assert forged.value not in hq.records("contact")
    codes = {r.code for r in list_rejected(alice.store)}
    assert codes == {"permission.owner", "validation.incomplete"}


def test_hostile_changes_are_refused_with_reasons(make_replica) -> None:
    from crm_desktop.sync.protocol import PushRequest, WireChange

    alice = make_replica("alice")
    base = {"record_id": "r1", "hlc": 1 << 16, "device_id": alice.store.device_id}
    bad = [
        WireChange(change_id="c1", entity="sqlite_master", op="upsert", fields={}, **base),
        WireChange(change_id="c2", entity="contact", op="upsert", fields={"nope": 1}, **base),
        WireChange(change_id="c3", entity="contact", op="upsert", fields={"name": 5}, **base),
        WireChange(change_id="c4", entity="contact", op="upsert", fields={"title": "x"}, **base),
        WireChange(
            change_id="c5",
            entity="contact",
            op="upsert",
            record_id="r2",
            hlc=1 << 16,
            device_id="someone-else",
            fields={"name": "x", "created_at": "2026-01-01T00:00:00"},
        ),
        WireChange(
            change_id="c6",
            entity="sync_conflict",
            op="upsert",
            fields={"winner_value": 1},
            **base,
        ),
    ]
    response = alice.transport.push(PushRequest(changes=bad))
    codes = {r.change_id: r.code for r in response.rejected}
    assert codes == {
        "c1": "validation.entity",
        "c2": "validation.field",
        "c3": "validation.value",
        "c4": "validation.incomplete",
        "c5": "validation.device",
        "c6": "validation.conflict",
    }
    assert response.accepted == []


def test_a_write_between_pull_and_digest_is_pulled_not_a_full_resync(make_replica) -> None:
    alice, bob = make_replica("alice"), make_replica("bob")
    alice.sync()
    digest = alice.transport.digest
    made: list[str] = []

    def digest_after_a_teammate_wrote():  # bob syncs while alice's round is at its check
        alice.transport.digest = digest
        made.append(create_contact(bob.store, {"name": "Meanwhile", "owner": None}).value)
        bob.sync()
        return digest()

    alice.transport.digest = digest_after_a_teammate_wrote
    create_contact(alice.store, {"name": "Mine", "owner": None})
    report = alice.sync()
    # The counts were taken after bob's write: alice catches up instead of
    # re-syncing everything (under load, nearly every round would re-sync).
    assert not report.full_resync and report.pulled == 2  # her own, then bob's
    assert get_contact(alice.store, made[0]).contact.name == "Meanwhile"


def test_a_round_where_nothing_moved_does_not_ask_for_counts(make_replica) -> None:
    alice = make_replica("alice")
    create_contact(alice.store, {"name": "Once", "owner": None})
    alice.sync()
    asked = []
    digest = alice.transport.digest
    alice.transport.digest = lambda: asked.append(1) or digest()
    alice.sync()
    assert asked == []
    create_contact(alice.store, {"name": "Twice", "owner": None})
    alice.sync()
    assert asked == [1]
