"""An undone merge syncs: the server stops redirecting and other devices get the
merged-away contact back, with its records (through the server's real merge code)."""

from __future__ import annotations

from sqlalchemy import select

from crm_desktop.domain.models import Activity, MergeRedirect, Task
from crm_desktop.services.activities import log_activity
from crm_desktop.services.companies import create_company, get_company
from crm_desktop.services.company_merge import merge_companies
from crm_desktop.services.conflicts import list_conflicts
from crm_desktop.services.contacts import create_contact, get_contact, update_contact
from crm_desktop.services.merge import OTHER, merge_contacts, resolve, unmerge
from crm_desktop.services.tasks import create_task
from crm_desktop.store.engine import Store
from tests.sync.test_merge_sync import _setup, _signed_in


def _links(store: Store, model: type) -> dict[str, str | None]:
    with store.read() as conn:
        return dict(conn.execute(select(model.id, model.contact_id)).all())


def _redirects(store: Store) -> list[str]:
    with store.read() as conn:
        return list(conn.execute(select(MergeRedirect.id)).scalars())


def test_undo_reaches_server_and_second_device(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice, bob, a, b = _setup(make_replica)
    outcome = merge_contacts(alice.store, a, b, {"name": OTHER}).value
    alice.sync()
    bob.sync()
    assert resolve(bob.store, b) == a
    unmerge(alice.store, outcome)
    assert alice.sync().rejected == 0
    server = hq.records("merge_redirect")
    assert server[b].is_deleted
    contacts = hq.records("contact")
    assert not contacts[b].is_deleted and contacts[b].fields["title"] == "CTO"
    assert contacts[a].fields["name"] == "张伟"
    bob.sync()
    assert _redirects(bob.store) == [] and resolve(bob.store, b) == b
    assert get_contact(bob.store, b).contact.name == "Zhang Wei"
    assert get_contact(bob.store, a).contact.name == "张伟"
    assert set(_links(bob.store, Task).values()) == {b}  # a shared task: bob sees it
    assert {r.fields["contact_id"] for r in hq.records("activity").values()} == {b}
    assert set(_links(alice.store, Activity).values()) == {b}
    # Later edits of b, on either device, stay on b: the merge is gone everywhere.
    update_contact(bob.store, b, {"notes": "after the undo"})
    bob.sync()
    alice.sync()
    assert get_contact(alice.store, b).contact.notes == "after the undo"
    assert get_contact(alice.store, a).contact.notes is None
    assert list_conflicts(alice.store) == [] and list_conflicts(bob.store) == []


def test_undo_and_redo_before_syncing_end_as_one_merge(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice, bob, a, b = _setup(make_replica)
    first = merge_contacts(alice.store, a, b).value
    unmerge(alice.store, first)
    merge_contacts(alice.store, a, b, first.picks)
    assert alice.sync().rejected == 0
    assert not hq.records("merge_redirect")[b].is_deleted
    assert hq.records("contact")[b].is_deleted
    bob.sync()
    assert resolve(bob.store, b) == a
    assert set(_links(bob.store, Task).values()) == {a}
    assert {r.fields["contact_id"] for r in hq.records("activity").values()} == {a}


def test_company_merge_and_undo_sync(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice = _signed_in(make_replica("mia"))
    bob = _signed_in(make_replica("bob"))
    x = create_company(alice.store, {"name": "Acme Ltd", "owner": None, "tags": ["a"]}).value
    y = create_company(alice.store, {"name": "ACME", "owner": None, "tags": ["b"]}).value
    wang = create_contact(alice.store, {"name": "王芳", "company_id": y, "owner": None}).value
    log_activity(alice.store, "note", company_id=y, subject="y's note")
    create_task(alice.store, {"title": "visit", "company_id": y, "owner": None})
    alice.sync()
    bob.sync()
    outcome = merge_companies(alice.store, x, y).value
    alice.sync()
    bob.sync()
    assert get_company(bob.store, x).tags == ["a", "b"]
    assert get_contact(bob.store, wang).contact.company_id == x
    assert resolve(bob.store, y) == x
    unmerge(alice.store, outcome)
    assert alice.sync().rejected == 0
    bob.sync()
    assert get_company(bob.store, y).name == "ACME" and get_company(bob.store, x).tags == ["a"]
    assert get_contact(bob.store, wang).contact.company_id == y
    assert resolve(bob.store, y) == y


def test_records_moved_by_their_owners_device_move_back_on_undo(make_replica, hq) -> None:  # type: ignore[no-untyped-def]
    alice, bob = _signed_in(make_replica("alice")), _signed_in(make_replica("bob"))
    a = create_contact(alice.store, {"name": "Wang Fang", "owner": None}).value
    b = create_contact(alice.store, {"name": "王芳", "owner": None}).value
    alice.sync()
    bob.sync()
    log_activity(bob.store, "note", contact_id=b, subject="bob's own")
    mine_on_a = log_activity(bob.store, "note", contact_id=a, subject="bob's, on a").value
    bob.sync()
    outcome = merge_contacts(alice.store, a, b).value  # alice cannot see bob's notes
    alice.sync()
    bob.sync()  # pulls the merge; the server moved "bob's own" to a
    bob.sync()
    server = {r.fields["subject"]: r.fields["contact_id"] for r in hq.records("activity").values()}
    assert server == {"bob's own": a, "bob's, on a": a}
    unmerge(alice.store, outcome)
    alice.sync()
    bob.sync()  # pulls the undo: the server moved back exactly what it moved, not the note on a
    with bob.store.read() as conn:
        local = dict(conn.execute(select(Activity.subject, Activity.contact_id)).all())
    assert local == {"bob's own": b, "bob's, on a": a}
    bob.sync()
    server = {r.fields["subject"]: r.fields["contact_id"] for r in hq.records("activity").values()}
    assert server == {"bob's own": b, "bob's, on a": a}
    assert mine_on_a in hq.records("activity")
    with bob.store.read() as conn:
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM local_meta WHERE key LIKE 'merge_follow:%'"
        ).scalar()
    assert left == 0 and list_conflicts(bob.store) == []
    bob.sync()  # nothing re-applies the merge
    assert resolve(bob.store, b) == b
