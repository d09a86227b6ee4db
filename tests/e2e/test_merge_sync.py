"""A merge meets a device that edited the merged-away contact offline, end to end.

Two reps of one team share contacts A and B. Rep 1 (alice) merges B into A
with ``crm-desktop merge`` and syncs; rep 2 (bob), offline all the while, edits
B, logs a call on it, gives it tasks and links deals to it, then syncs. The
server (a real ``crm-server serve`` process, on SQLite and on PostgreSQL)
rewrites bob's changes of B onto A (crm_server.redirects), and every device
ends with B gone and everything of B's on A. In the other order (bob's work
reaches the server before the merge) the merge's delete races bob's edits of
B: they are kept as a delete conflict, and his records on B, shared or his
own, are moved to A by the server when the merge arrives
(crm_server.merge_moves), and moved back by it when the merge is undone.

DESIGN §4: an edit of a merged-away record lands on the survivor instead of
resurrecting it; where it and the merge wrote the same field unseen by each
other, the later write wins on every replica and the other value is kept as
a conflict a person can flip. A rep sees the team's shared records and their
own, not another rep's private ones (crm_server.permissions).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from crm_desktop.services.activities import log_call
from crm_desktop.services.deals import create_deal, update_deal
from crm_desktop.services.merge import merge_contacts, resolve, unmerge
from crm_desktop.services.pipelines import create_pipeline
from crm_desktop.services.tasks import create_task
from tests.e2e.conftest import HQ, Client


@dataclass
class Shared:
    """What both reps hold before the merge."""

    a: str
    b: str
    old_task: str  # alice's shared task on B, made before the merge
    deal: str  # a shared deal with no contact yet


@dataclass
class Offline:
    """What bob did to B while offline."""

    call: str
    follow_up: str  # the call's follow-up task: bob's own
    task: str  # a shared task
    new_deal: str  # bob's own deal


def add_contact(client: Client, *options: str) -> str:
    added = client.run("contact", "add", "--owner", "", *options)
    assert added.code == 0, added.err
    return added.out.strip()


def edit(client: Client, contact_id: str, *assignments: str) -> None:
    done = client.run("contact", "edit", contact_id, *assignments)
    assert done.code == 0, done.err


def share(alice: Client, bob: Client) -> Shared:
    a = add_contact(alice, "--name", "Li Lei", "--title", "Buyer", "--phone", "+8613812345678")
    b = add_contact(
        alice, "--name", "Li Lei", "--title", "Engineer", "--email", "lilei@example.com"
    )
    edit(alice, a, "grade=A")
    edit(alice, b, "address=Beijing", "grade=B")
    with alice.store() as store:
        create_pipeline(store, "Sales", [{"name": "Lead"}, {"name": "Won", "is_won": True}])
        deal = create_deal(store, {"title": "Pumps", "owner": None, "value": "1200"}).value
        old_task = create_task(store, {"title": "send catalogue", "contact_id": b, "owner": None})
    alice.sync()
    bob.sync()
    assert bob.contact(b)["title"] == "Engineer"
    return Shared(a, b, old_task.value, deal)


def work_offline(bob: Client, shared: Shared) -> Offline:
    """Bob, offline, works on B: an edit, a call, his own and a shared task, two deals."""
    b = shared.b
    edit(bob, b, "title=Director", "notes=met him at the fair", "grade=C")
    with bob.store() as store:
        call = log_call(store, b, "outbound", "connected", notes="wants a quote").value
        follow_up = create_task(store, {"title": "quote pumps", "contact_id": b}).value
        task = create_task(store, {"title": "visit site", "contact_id": b, "owner": None}).value
        update_deal(store, shared.deal, {"contact_id": b})
        new_deal = create_deal(store, {"title": "Valves", "contact_id": b, "value": "300"})
    return Offline(call.activity_id, follow_up, task, new_deal.value)


def settle(*clients: Client, rounds: int = 2) -> None:
    """Each client syncs `rounds` times in turn: nothing refused, and no digest mismatch
    (a full re-sync would hide drift between a device and the server)."""
    for _ in range(rounds):
        for client in clients:
            client.clean_sync()


def contact_ids(client: Client, table: str) -> dict[str, str | None]:
    """Record id -> contact_id of every `table` record on the device."""
    with client.store() as store, store.read() as conn:
        rows = conn.exec_driver_sql(f"SELECT id, contact_id FROM {table}").fetchall()
    return {row[0]: row[1] for row in rows}


def server_contact_ids(hq: HQ, entity: str) -> dict[str, Any]:
    return {i: fields.get("contact_id") for i, fields in hq.records(entity).items()}


def test_offline_edits_of_a_merged_contact_land_on_the_survivor(
    reps: tuple[Client, Client], hq: HQ
) -> None:
    alice, bob = reps
    shared = share(alice, bob)
    a, b = shared.a, shared.b

    # Bob, offline: edits B (title, notes, grade before the merge is made, address
    # after it), logs a call, adds his own and a shared task, links two deals to B.
    offline = work_offline(bob, shared)
    time.sleep(0.02)  # the merge's clock is later than bob's first edit ...
    merged = alice.run("merge", a, b, "--pick", "title=other")
    assert merged.code == 0, merged.err
    assert alice.show(b).code == 1
    assert alice.sync()["pushed"] >= 1
    time.sleep(0.02)
    edit(bob, b, "address=Shanghai")  # ... and earlier than bob's second

    report = bob.sync()  # pushes the offline work, then pulls the merge
    assert report["rejected"] == 0 and report["conflicts"] == 2, report
    assert not report["mismatch"] and not report["full_resync"], report
    settle(alice, bob)

    check_server(hq, shared, offline)
    for client in (alice, bob):
        check_survivor(client, shared)
        check_conflicts(client, a)
    check_children(bob, shared, offline, mine=True)
    check_children(alice, shared, offline, mine=False)
    # Alice's store too: the stage history of bob's private deal stays with the deal
    # (crm_server.permissions.PARENT_ACCESS), so she holds neither.
    for client in (alice, bob):
        client.check_links()
    for client in (alice, bob):  # a last round finds nothing left to do
        last = client.sync()
        assert (last["pushed"], last["conflicts"], last["rejected"]) == (0, 0, 0), last
        assert not last["mismatch"] and not last["full_resync"], last


def check_server(hq: HQ, shared: Shared, offline: Offline) -> None:
    a, b = shared.a, shared.b
    contacts = hq.records("contact")
    assert b not in contacts and a in contacts  # B gone: no edit brought it back
    assert hq.records("merge_redirect")[b]["survivor_id"] == a
    survivor = contacts[a]
    assert survivor["title"] == "Engineer" and survivor["address"] == "Shanghai"
    assert survivor["notes"] == "met him at the fair" and survivor["grade"] == "C"
    assert server_contact_ids(hq, "activity") == {offline.call: a}
    tasks = {shared.old_task: a, offline.follow_up: a, offline.task: a}
    assert server_contact_ids(hq, "task") == tasks
    deals = {shared.deal: a, offline.new_deal: a}
    assert server_contact_ids(hq, "deal") == deals


def check_survivor(client: Client, shared: Shared) -> None:
    a, b = shared.a, shared.b
    assert client.show(b).code == 1
    survivor = client.contact(a)
    assert survivor["name"] == "Li Lei"
    # The merge's pick of B's title was later than bob's edit: it wins. Bob's
    # address was later than the merge's: it wins. The losers are conflicts.
    assert (survivor["title"], survivor["address"]) == ("Engineer", "Shanghai")
    assert survivor["notes"] == "met him at the fair"  # nobody else wrote it
    # The merge kept A's own grade without writing it: bob's edit of B's grade is a
    # later write over a value he had seen, so it simply wins (no conflict).
    assert survivor["grade"] == "C"
    assert [p["number"] for p in survivor["phones"]] == ["+8613812345678"]
    assert [e["address"] for e in survivor["emails"]] == ["lilei@example.com"]
    with client.store() as store:
        assert resolve(store, b) == a
    listing = client.run("contact", "list", "--json").json()
    assert [row["id"] for row in listing] == [a]


def check_conflicts(client: Client, a: str) -> None:
    """Bob's losing title and the merge's losing address, each kept once, nothing else."""
    found = client.conflicts()
    assert all(c["kind"] == "field" and c["record_id"] == a for c in found), found
    kept = {c["field_name"]: {c["mine"], c["theirs"]} for c in found}
    assert kept == {"title": {"Engineer", "Director"}, "address": {"Beijing", "Shanghai"}}


def check_children(client: Client, shared: Shared, offline: Offline, *, mine: bool) -> None:
    """The device's tasks, calls and deals all point at A; bob's private ones only on his."""
    a = shared.a
    tasks = {shared.old_task: a, offline.task: a}
    deals = {shared.deal: a}
    calls: dict[str, str | None] = {}
    if mine:
        tasks[offline.follow_up] = a
        deals[offline.new_deal] = a
        calls[offline.call] = a
    assert contact_ids(client, "task") == tasks
    assert contact_ids(client, "deal") == deals
    assert contact_ids(client, "activity") == calls


@pytest.fixture
def merged_after_offline_push(
    reps: tuple[Client, Client],
) -> tuple[Client, Client, Shared, Offline]:
    """The other order: bob syncs his offline work before alice's merge reaches the server."""
    alice, bob = reps
    shared = share(alice, bob)
    offline = work_offline(bob, shared)
    merged = alice.run("merge", shared.a, shared.b)
    assert merged.code == 0, merged.err
    assert bob.sync()["conflicts"] == 0  # B still lives on the server
    report = alice.sync()  # the merge deletes B over bob's edits, which alice never saw
    assert report["rejected"] == 0 and report["conflicts"] == 1, report
    settle(bob, alice)
    return alice, bob, shared, offline


def test_a_merge_pushed_after_the_offline_work_keeps_it(
    merged_after_offline_push: tuple[Client, Client, Shared, Offline], hq: HQ
) -> None:
    alice, bob, shared, offline = merged_after_offline_push
    a, b = shared.a, shared.b
    assert b not in hq.records("contact")
    for client in (alice, bob):
        assert client.show(b).code == 1
        survivor = client.contact(a)
        # Alice's merge took B as she had it: bob's edits were not there yet.
        assert (survivor["title"], survivor["grade"], survivor["address"]) == (
            "Buyer",
            "A",
            "Beijing",
        )
        # They are not lost: the merge's delete raced them, so they are kept as a
        # delete conflict on B, the same one on both devices.
        [conflict] = client.conflicts()
        assert (conflict["kind"], conflict["record_id"]) == ("delete", b)
        kept = conflict["mine"] if client is bob else conflict["theirs"]
        assert (kept["title"], kept["grade"], kept["notes"]) == (
            "Director",
            "C",
            "met him at the fair",
        )
    # Bob's own records on B, which alice could not see, are moved by the server when
    # the merge reaches it (crm_server.merge_moves), not by bob's device: one writer.
    assert server_contact_ids(hq, "activity") == {offline.call: a}
    assert contact_ids(bob, "activity") == {offline.call: a}
    for client_ids in (server_contact_ids(hq, "task"), contact_ids(bob, "task")):
        assert client_ids[offline.follow_up] == a and client_ids[shared.old_task] == a
    for client_ids in (server_contact_ids(hq, "deal"), contact_ids(bob, "deal")):
        assert client_ids[offline.new_deal] == a


def test_shared_records_linked_offline_follow_a_merge_pushed_later(
    merged_after_offline_push: tuple[Client, Client, Shared, Offline], hq: HQ
) -> None:
    alice, bob, shared, offline = merged_after_offline_push
    a = shared.a
    assert server_contact_ids(hq, "task")[offline.task] == a
    assert server_contact_ids(hq, "deal")[shared.deal] == a
    for client in (alice, bob):
        assert contact_ids(client, "task")[offline.task] == a
        assert contact_ids(client, "deal")[shared.deal] == a
    # The server moved them as its own changes: no device wrote them, so the one
    # conflict on each device is the merge's delete racing bob's edits of B.
    moved = hq.records("task")[offline.task]
    assert moved["contact_id"] == a
    for client in (alice, bob):
        assert len(client.conflicts()) == 1
        client.check_links()


def test_an_undone_merge_takes_back_what_the_server_moved(
    reps: tuple[Client, Client], hq: HQ
) -> None:
    """Bob's shared task and deal on B reach the server first; alice merges B into A and
    then undoes it: the server moved them to A, and moves them back to B."""
    alice, bob = reps
    shared = share(alice, bob)
    a, b = shared.a, shared.b
    with bob.store() as store:
        task = create_task(store, {"title": "visit site", "contact_id": b, "owner": None}).value
        update_deal(store, shared.deal, {"contact_id": b})
    settle(bob)
    with alice.store() as store:  # alice has not pulled bob's links: she cannot move them
        outcome = merge_contacts(store, a, b).value
    settle(alice, bob)
    assert server_contact_ids(hq, "task") == {shared.old_task: a, task: a}
    assert server_contact_ids(hq, "deal")[shared.deal] == a
    for client in (alice, bob):
        assert contact_ids(client, "task") == {shared.old_task: a, task: a}
        assert contact_ids(client, "deal")[shared.deal] == a
        client.check_links()

    with alice.store() as store:
        unmerge(store, outcome)
    settle(alice, bob)
    assert server_contact_ids(hq, "task") == {shared.old_task: b, task: b}
    assert server_contact_ids(hq, "deal")[shared.deal] == b
    for client in (alice, bob):
        assert client.contact(b)["title"] == "Engineer"
        assert contact_ids(client, "task") == {shared.old_task: b, task: b}
        assert contact_ids(client, "deal")[shared.deal] == b
        assert client.conflicts() == []
        client.check_links()
        last = client.sync()
        assert (last["pushed"], last["conflicts"], last["rejected"]) == (0, 0, 0), last
