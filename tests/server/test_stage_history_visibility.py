"""A deal's stage history is seen by exactly those who see the deal, on SQLite and PostgreSQL.

History rows carry no owner of their own (crm_server.permissions.PARENT_ACCESS):
a rep's private deal must not hand teammates its history (who moved it, when),
nor leave them history rows of a deal they do not have.
"""

from __future__ import annotations

from typing import Any

import pytest

from crm_desktop.sync.hlc import HybridLogicalClock
from crm_desktop.sync.protocol import API_PREFIX

from .conftest import add_user, bearer, login

_clock = HybridLogicalClock()
_NOW = "2026-03-02T09:00:00Z"


def _change(table: str, record_id: str, device: str, **fields: Any) -> dict[str, Any]:
    hlc = _clock.now()
    return {
        "change_id": f"{table}-{record_id}-{hlc}",
        "entity": table,
        "record_id": record_id,
        "op": "upsert",
        "fields": fields,
        "hlc": hlc,
        "device_id": device,
    }


def _deal(record_id: str, device: str, owner: str | None) -> dict[str, Any]:
    return _change(
        "deal",
        record_id,
        device,
        title=record_id,
        pipeline_id="p",
        stage_id="s2",
        stage_entered_at=_NOW,
        owner=owner,
        created_at=_NOW,
    )


def _moved(record_id: str, deal_id: str, device: str, by: str) -> dict[str, Any]:
    return _change(
        "deal_stage_history",
        record_id,
        device,
        deal_id=deal_id,
        from_stage_id="s1",
        to_stage_id="s2",
        moved_at=_NOW,
        moved_by=by,
    )


def _push(client: Any, token: str, *changes: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        f"{API_PREFIX}/sync/push", json={"changes": list(changes)}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _pull(client: Any, token: str, cursor: int = 0) -> tuple[set[tuple[str, str]], int]:
    """(entity, id) of every live record pulled after `cursor`, and the new cursor."""
    seen: set[tuple[str, str]] = set()
    while True:
        response = client.get(
            f"{API_PREFIX}/sync/pull", params={"cursor": cursor}, headers=bearer(token)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        seen |= {(r["entity"], r["id"]) for r in body["records"] if r["deleted"] is None}
        cursor = body["cursor"]
        if not body["more"]:
            return seen, cursor


def _counts(client: Any, token: str) -> dict[str, int]:
    response = client.get(f"{API_PREFIX}/sync/digest", headers=bearer(token))
    assert response.status_code == 200, response.text
    return dict(response.json()["counts"])


@pytest.fixture
def tokens(client: Any, engine: Any) -> dict[str, str]:
    """amy's private deal and the east team's shared one, each moved once by amy."""
    for name, role, team in [
        ("amy", "rep", "east"),
        ("bob", "rep", "east"),
        ("max", "manager", "east"),
        ("cat", "rep", "west"),
        ("root", "admin", None),
    ]:
        add_user(engine, name, role, team)
    tokens = {name: login(client, name, f"dev-{name}") for name in ("amy", "bob", "max", "cat")}
    tokens["root"] = login(client, "root", "dev-root")
    body = _push(
        client,
        tokens["amy"],
        _deal("mine", "dev-amy", "amy"),
        _moved("h-mine", "mine", "dev-amy", "amy"),
        _deal("ours", "dev-amy", None),
        _moved("h-ours", "ours", "dev-amy", "amy"),
    )
    assert body["rejected"] == [], body
    return tokens


MINE = {("deal", "mine"), ("deal_stage_history", "h-mine")}
OURS = {("deal", "ours"), ("deal_stage_history", "h-ours")}


def test_a_teammate_gets_the_history_of_shared_deals_only(client, tokens) -> None:
    pulled, _cursor = _pull(client, tokens["bob"])
    assert pulled == OURS
    assert _counts(client, tokens["bob"]) == {"deal": 1, "deal_stage_history": 1}


@pytest.mark.parametrize(
    ("user", "expected"),
    [("amy", MINE | OURS), ("max", MINE | OURS), ("root", MINE | OURS), ("cat", set())],
)
def test_history_goes_where_its_deal_goes(client, tokens, user, expected) -> None:
    pulled, _cursor = _pull(client, tokens[user])
    assert pulled == expected
    deals = sum(1 for entity, _id in expected if entity == "deal")
    counts = _counts(client, tokens[user])
    assert counts.get("deal", 0) == counts.get("deal_stage_history", 0) == deals


def test_a_deal_handed_to_the_team_brings_its_history_along(client, tokens) -> None:
    _pulled, cursor = _pull(client, tokens["bob"])
    body = _push(client, tokens["amy"], _change("deal", "mine", "dev-amy", owner=None))
    assert body["rejected"] == [], body
    pulled, _cursor = _pull(client, tokens["bob"], cursor)  # from where bob was: no full resync
    assert pulled == MINE
    assert _counts(client, tokens["bob"]) == {"deal": 2, "deal_stage_history": 2}


def test_history_follows_a_deal_made_private(client, tokens) -> None:
    body = _push(client, tokens["amy"], _change("deal", "ours", "dev-amy", owner="amy"))
    assert body["rejected"] == [], body
    assert _counts(client, tokens["bob"]) == {}
    assert _counts(client, tokens["max"]) == {"deal": 2, "deal_stage_history": 2}


def test_moves_by_someone_of_no_team_stay_with_the_deal(client, tokens) -> None:
    """An admin (no team) moves the team's shared deal: the team sees that move."""
    body = _push(client, tokens["root"], _moved("h-root", "ours", "dev-root", "root"))
    assert body["rejected"] == [], body
    pulled, _cursor = _pull(client, tokens["bob"])
    assert ("deal_stage_history", "h-root") in pulled
    pulled, _cursor = _pull(client, tokens["cat"])
    assert pulled == set()


def test_a_rep_cannot_write_history_of_a_deal_they_cannot_see(client, tokens) -> None:
    forged = _moved("h-forged", "mine", "dev-bob", "bob")
    allowed = _moved("h-bob", "ours", "dev-bob", "bob")
    body = _push(client, tokens["bob"], forged, allowed)
    assert body["accepted"] == [allowed["change_id"]]
    [rejected] = body["rejected"]
    assert (rejected["change_id"], rejected["code"]) == (forged["change_id"], "permission.denied")
    assert ("deal_stage_history", "h-forged") not in _pull(client, tokens["amy"])[0]


def test_a_new_deal_and_its_first_move_in_one_push(client, tokens) -> None:
    body = _push(
        client,
        tokens["bob"],
        _deal("bobs", "dev-bob", "bob"),
        _moved("h-bobs", "bobs", "dev-bob", "bob"),
    )
    assert body["rejected"] == [], body
    assert ("deal_stage_history", "h-bobs") in _pull(client, tokens["bob"])[0]
    assert ("deal_stage_history", "h-bobs") not in _pull(client, tokens["amy"])[0]
