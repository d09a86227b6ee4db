"""Two reps of one team (and a rep of another) sync through a real server process.

The same scenarios as tests/sync/test_sync_scenarios.py, but end to end: the
``crm-desktop`` command line on real data directories, HTTP to a running
``crm-server serve``, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crm_desktop.domain.models import Contact
from crm_desktop.services.contacts import update_contact
from crm_desktop.store.files import DB_FILENAME, MANIFEST_FILENAME
from tests.e2e.conftest import HQ, Cli, Client


@dataclass
class Team:
    alice: Client
    bob: Client
    carol: Client


@pytest.fixture
def team(hq: HQ, tmp_path: Path, cli: Cli) -> Iterator[Team]:
    hq.add_user("alice", "rep", "north")
    hq.add_user("bob", "rep", "north")
    hq.add_user("carol", "rep", "south")
    hq.add_user("root", "admin")
    clients = {}
    for name in ("alice", "bob", "carol"):
        clients[name] = Client(tmp_path / name, hq, cli)
        clients[name].login(name)
    yield Team(**clients)


def add_shared_contact(client: Client, name: str) -> str:
    """A contact with no owner (the team's), through ``contact add --owner ''``."""
    added = client.run("contact", "add", "--name", name, "--owner", "")
    assert added.code == 0, added.err
    contact_id = added.out.strip()
    assert client.contact(contact_id)["owner"] is None
    return contact_id


def edit(client: Client, contact_id: str, *assignments: str) -> None:
    done = client.run("contact", "edit", contact_id, *assignments)
    assert done.code == 0, done.err


def test_edits_of_different_fields_both_survive(team: Team, hq: HQ) -> None:
    alice, bob = team.alice, team.bob
    shared = add_shared_contact(alice, "Li Lei")
    assert alice.sync()["pushed"] == 1
    assert bob.sync()["pulled"] >= 1
    assert bob.contact(shared)["name"] == "Li Lei"

    edit(alice, shared, "title=Buyer")  # both offline
    edit(bob, shared, "notes=prefers WeChat")
    for client in (alice, bob, alice):
        report = client.sync()
        assert report["conflicts"] == 0 and report["rejected"] == 0
        assert not report["full_resync"] and not report["mismatch"]

    for client in (alice, bob):
        contact = client.contact(shared)
        assert (contact["title"], contact["notes"]) == ("Buyer", "prefers WeChat")
        assert client.conflicts("--all") == []
    server = hq.records("contact")[shared]
    assert (server["title"], server["notes"]) == ("Buyer", "prefers WeChat")
    assert server.get("owner") is None  # a default: not sent at all


def test_same_field_is_one_conflict_on_both_sides_and_the_choice_syncs(team: Team, hq: HQ) -> None:
    alice, bob = team.alice, team.bob
    shared = add_shared_contact(alice, "Han Meimei")
    alice.sync()
    bob.sync()
    edit(alice, shared, "title=Director")
    edit(bob, shared, "title=VP")  # later clock: the server keeps it
    assert alice.sync()["conflicts"] == 0
    assert bob.sync()["conflicts"] == 1
    alice.sync()

    for client in (alice, bob):
        assert client.contact(shared)["title"] == "VP"
    [on_alice] = alice.conflicts()
    [on_bob] = bob.conflicts()
    assert on_alice["id"] == on_bob["id"]
    assert on_alice["record_id"] == shared and on_alice["field_name"] == "title"
    assert (on_alice["mine"], on_alice["theirs"]) == ("Director", "VP")
    assert (on_bob["mine"], on_bob["theirs"]) == ("VP", "Director")
    assert (on_alice["mine_user"], on_alice["theirs_user"]) == ("alice", "bob")
    assert (on_bob["mine_user"], on_bob["theirs_user"]) == ("bob", "alice")

    resolved = alice.run("conflicts", "resolve", on_alice["id"], "--keep", "mine")
    assert resolved.code == 0, resolved.err
    assert alice.conflicts() == []
    assert alice.sync()["conflicts"] == 0
    assert bob.sync()["conflicts"] == 0

    for client, kept in ((alice, "mine"), (bob, "theirs")):
        assert client.contact(shared)["title"] == "Director"
        assert client.conflicts() == []
        [done] = client.conflicts("--all")
        assert done["id"] == on_alice["id"] and done["resolved"] and done["resolution"] == kept
    assert hq.records("contact")[shared]["title"] == "Director"
    assert _server_conflicts(hq) == {on_alice["id"]: True}


def _server_conflicts(hq: HQ) -> dict[str, bool]:
    """Conflict id -> resolved, as the server holds them."""
    return {i: bool(fields["resolved"]) for i, fields in hq.records("sync_conflict").items()}


def test_private_records_stay_private_and_forged_edits_are_refused(team: Team, hq: HQ) -> None:
    alice, bob, carol = team.alice, team.bob, team.carol
    added = bob.run("contact", "add", "--name", "Bob's lead", "--title", "CEO")
    assert added.code == 0, added.err
    private = added.out.strip()
    assert bob.contact(private)["owner"] == "bob"  # the signed-in user is the default owner
    shared = add_shared_contact(alice, "North's shared lead")
    bob.sync()
    alice.sync()
    assert alice.show(private).code == 1  # never pulled
    assert alice.contact(shared)["owner"] is None

    # Alice forges bob's record locally (same id) and edits it: both changes are refused.
    with alice.store() as store:
        with store.write() as tx:
            tx.insert(Contact, {"id": private, "name": "Forged", "owner": "alice"})
        update_contact(store, private, {"title": "hijacked"})
    report = alice.sync()
    assert report["rejected"] == 2 and report["pushed"] == 0
    assert report["full_resync"] and not report["mismatch"]  # the local forgery is gone
    assert alice.show(private).code == 1
    rejected = alice.rejected()
    assert {r["record_id"] for r in rejected} == {private}
    assert len(rejected) == 2
    assert all(r["code"].startswith("permission.") for r in rejected), rejected
    listed = alice.run("conflicts", "rejected")
    assert listed.code == 0 and private[-8:] in listed.out

    server = hq.records("contact")[private]
    assert (server["name"], server["title"], server["owner"]) == ("Bob's lead", "CEO", "bob")
    bob.sync()
    assert bob.contact(private)["title"] == "CEO"

    # Another team's rep sees none of north's records, shared or private.
    carol_report = carol.sync()
    assert carol_report["pulled"] == 0 and not carol_report["mismatch"]
    assert carol.show(shared).code == 1 and carol.show(private).code == 1
    listing = carol.run("contact", "list", "--json").json()
    assert listing == []


def test_a_revoked_device_is_signed_out_and_a_wiped_one_loses_its_store(team: Team, hq: HQ) -> None:
    alice, bob = team.alice, team.bob
    shared = add_shared_contact(alice, "Kept after revocation")
    alice.sync()
    bob.sync()
    devices = hq.device_ids()
    assert devices[alice.device_id] == "alice" and devices[bob.device_id] == "bob"

    hq.revoke(alice.device_id)
    edit(alice, shared, "title=Made while revoked")
    refused = alice.run("sync", "--json")
    assert refused.code == 1 and refused.out == ""
    assert "revoked" in refused.err and "signed out" in refused.err, refused.err
    assert alice.contact(shared)["title"] == "Made while revoked"  # nothing wiped
    again = alice.run("sync")
    assert again.code == 1 and "not signed in" in again.err, again.err
    alice.login("alice")  # a new sign-in lifts the revocation; the edit was kept for it
    report = alice.sync()
    assert report["pushed"] == 1 and not report["mismatch"], report
    assert hq.records("contact")[shared]["title"] == "Made while revoked"

    hq.revoke(bob.device_id, wipe=True)
    wiped = bob.run("sync", "--json")
    assert wiped.code == 1 and "revoked" in wiped.err and "wiped" in wiped.err, wiped.err
    for name in (DB_FILENAME, f"{DB_FILENAME}-wal", MANIFEST_FILENAME):
        assert not (bob.data_dir / name).exists(), name
    assert bob.show(shared).code == 1
