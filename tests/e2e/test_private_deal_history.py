"""A rep's private deal keeps its stage history to itself, end to end.

Two reps of one team sync through a real ``crm-server serve`` process (SQLite
and PostgreSQL). Bob creates a private deal and moves it; alice, his teammate,
pulls neither the deal nor its history, and ``crm-desktop check`` passes on
both stores. When bob hands the deal to the team, alice's next ordinary sync
brings the deal with its history (crm_server.permissions.PARENT_ACCESS).
"""

from __future__ import annotations

from crm_desktop.services.deals import create_deal, move_deal, update_deal
from crm_desktop.services.pipelines import create_pipeline
from tests.e2e.conftest import HQ, Client


def history(client: Client) -> dict[str, str]:
    """Stage history row id -> deal id, on the device."""
    with client.store() as store, store.read() as conn:
        rows = conn.exec_driver_sql("SELECT id, deal_id FROM deal_stage_history").fetchall()
    return {row[0]: row[1] for row in rows}


def deal_ids(client: Client) -> set[str]:
    with client.store() as store, store.read() as conn:
        return {row[0] for row in conn.exec_driver_sql("SELECT id FROM deal")}


def test_a_private_deal_keeps_its_history_from_teammates(
    reps: tuple[Client, Client], hq: HQ
) -> None:
    alice, bob = reps
    with alice.store() as store:
        create_pipeline(store, "Sales", [{"name": "Lead"}, {"name": "Quote"}])
        shared = create_deal(store, {"title": "Pumps", "owner": None}).value
    alice.clean_sync()
    bob.clean_sync()
    with bob.store() as store, store.read() as conn:
        quote = conn.exec_driver_sql("SELECT id FROM stage WHERE name = 'Quote'").scalar()
    with bob.store() as store:
        private = create_deal(store, {"title": "Valves"}).value  # bob's own
        moved = move_deal(store, private, quote).value
        move_deal(store, shared, quote)
    bob.clean_sync()
    alice.clean_sync()

    mine = {h for h, deal in history(bob).items() if deal == private}
    assert moved in mine
    assert deal_ids(alice) == {shared}
    assert set(history(alice).values()) == {shared}  # the shared deal's moves, not bob's deal's
    assert not mine & set(history(alice))
    for client in (alice, bob):
        client.check_links()

    # Handed to the team: alice's next ordinary sync brings the deal and its history.
    with bob.store() as store:
        update_deal(store, private, {"owner": None})
    bob.clean_sync()
    alice.clean_sync()
    assert deal_ids(alice) == {shared, private}
    assert mine <= set(history(alice))
    for client in (alice, bob):
        client.check_links()
