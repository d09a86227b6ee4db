"""Deals: create, edit, stage moves with history, win/lose/reopen, delete."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_desktop.domain.models import Stage
from crm_desktop.errors import ConflictingStateError, NotFoundError, ValidationError
from crm_desktop.services import activities, custom_fields, deals, pipelines, tasks
from crm_desktop.services.companies import create_company
from crm_desktop.services.contacts import create_contact
from crm_desktop.store.engine import Store
from tests.changelog_replay import assert_logged, last_seq


@pytest.fixture
def stages(store: Store) -> dict[str, Stage]:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    return {s.name: s for s in pipelines.list_stages(store, pipeline_id)}


def new_deal(store: Store, **values: Any) -> str:
    return deals.create_deal(store, {"title": "Deal", **values}).value


def test_create_deal_defaults(store: Store, stages: dict[str, Stage]) -> None:
    company = create_company(store, {"name": "ACME"}).value
    contact = create_contact(store, {"name": "Li Lei", "company_id": company}).value
    before = last_seq(store)
    result = deals.create_deal(
        store,
        {
            "title": "  Big order ",
            "contact_id": contact,
            "value": "1,234.50",
            "currency": "usd",
            "expected_close": "2026-12-31",
            "tags": "vip, q4",
        },
    )
    assert_logged(store, before, result)
    assert result.changes.created["deal_stage_history"]
    detail = deals.get_deal(store, result.value)
    deal = detail.deal
    assert (deal.title, deal.value_cents, deal.currency) == ("Big order", 123450, "USD")
    assert deal.expected_close == date(2026, 12, 31) and deal.tags == ["vip", "q4"]
    assert deal.company_id == company  # taken from the contact
    assert deal.stage_id == stages["Lead"].id and deal.status == "open"
    assert deal.stage_entered_at.tzinfo is not None and deal.owner
    assert (detail.pipeline_name, detail.stage_name, detail.company_name, detail.contact_name) == (
        "Sales",
        "Lead",
        "ACME",
        "Li Lei",
    )
    [entry] = deals.deal_history(store, result.value)
    assert (entry.from_stage_id, entry.to_stage_id, entry.to_stage_name) == (
        None,
        stages["Lead"].id,
        "Lead",
    )


def test_create_deal_custom_fields(store: Store, stages: dict[str, Stage]) -> None:
    custom_fields.define_field(store, "deal", "source", "Source", "choice", options=["web", "fair"])
    deal_id = deals.create_deal(store, {"title": "D"}, custom={"source": "fair"}).value
    assert deals.get_deal(store, deal_id).custom == {"source": "fair"}
    with pytest.raises(ValidationError) as err:
        deals.update_deal(store, deal_id, {}, custom={"source": "tv"})
    assert err.value.field == "source"
    deals.update_deal(store, deal_id, {}, custom={"source": "web"})
    assert deals.get_deal(store, deal_id).custom == {"source": "web"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "D", "value": "-5"}, "value"),
        ({"title": "D", "value_cents": -1}, "value_cents"),
        ({"title": "D", "value_cents": 1.5}, "value_cents"),
        ({"title": "D", "value": "abc"}, "value"),
        ({"title": "D", "currency": "EURO"}, "currency"),
        ({"title": "D", "expected_close": "31/12/2026"}, "expected_close"),
        ({"title": "D", "company_id": "missing"}, "company_id"),
        ({"title": "D", "contact_id": "missing"}, "contact_id"),
        ({"title": "D", "stage_id": "missing"}, "stage_id"),
        ({"title": "D", "pipeline_id": "missing"}, "pipeline_id"),
        ({"title": "D", "priority": 1}, "priority"),
    ],
)
def test_create_deal_rejects(
    store: Store, stages: dict[str, Stage], values: dict[str, Any], field: str
) -> None:
    before = last_seq(store)
    with pytest.raises(ValidationError) as err:
        deals.create_deal(store, values)
    assert err.value.field == field
    assert last_seq(store) == before  # nothing written


def test_create_deal_stage_of_another_pipeline(store: Store, stages: dict[str, Stage]) -> None:
    other = pipelines.create_pipeline(store, "Other", [{"name": "Open"}]).value
    with pytest.raises(ValidationError) as err:
        deals.create_deal(
            store, {"title": "D", "pipeline_id": other, "stage_id": stages["Lead"].id}
        )
    assert err.value.field == "stage_id"


def test_create_deal_without_pipeline(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        deals.create_deal(store, {"title": "D"})
    assert err.value.field == "pipeline_id"


def test_create_deal_in_lost_stage_needs_reason(store: Store, stages: dict[str, Stage]) -> None:
    with pytest.raises(ValidationError) as err:
        deals.create_deal(store, {"title": "D", "stage_id": stages["Lost"].id})
    assert err.value.field == "lost_reason"
    deal_id = new_deal(store, stage_id=stages["Lost"].id, lost_reason="price")
    deal = deals.get_deal(store, deal_id).deal
    assert (deal.status, deal.lost_reason) == ("lost", "price") and deal.closed_at


def test_update_deal(store: Store, stages: dict[str, Stage]) -> None:
    deal_id = new_deal(store, value="10")
    before = last_seq(store)
    result = deals.update_deal(store, deal_id, {"value_cents": 2500, "notes": "call back"})
    assert_logged(store, before, result)
    assert result.value == {"value_cents": 1000, "notes": None}
    assert deals.update_deal(store, deal_id, {"notes": "call back"}).value == {}
    with pytest.raises(NotFoundError):
        deals.update_deal(store, "missing", {"notes": "x"})
    with pytest.raises(ValidationError) as err:
        deals.update_deal(store, deal_id, {"lost_reason": "price"})  # an open deal
    assert err.value.field == "lost_reason"


def test_move_deal_writes_history(store: Store, stages: dict[str, Stage]) -> None:
    deal_id = new_deal(store)
    entered = deals.get_deal(store, deal_id).deal.stage_entered_at
    before = last_seq(store)
    result = deals.move_deal(store, deal_id, stages["Proposal"].id)
    assert_logged(store, before, result)
    assert result.changes.created["deal_stage_history"] == {result.value}
    deal = deals.get_deal(store, deal_id).deal
    assert deal.stage_id == stages["Proposal"].id and deal.stage_entered_at > entered
    history = deals.deal_history(store, deal_id)
    assert [(h.from_stage_name, h.to_stage_name) for h in history] == [
        (None, "Lead"),
        ("Lead", "Proposal"),
    ]
    again = deals.move_deal(store, deal_id, stages["Proposal"].id)
    assert again.value is None and not again.changes


def test_move_deal_bad_paths(store: Store, stages: dict[str, Stage]) -> None:
    deal_id = new_deal(store)
    other = pipelines.create_pipeline(store, "Other", [{"name": "Open"}]).value
    foreign = pipelines.list_stages(store, other)[0]
    with pytest.raises(ValidationError) as err:
        deals.move_deal(store, deal_id, foreign.id)
    assert err.value.field == "stage_id"
    with pytest.raises(ValidationError) as err:
        deals.move_deal(store, deal_id, "missing")
    assert err.value.field == "stage_id"
    with pytest.raises(ValidationError) as err:
        deals.move_deal(store, deal_id, stages["Lost"].id)
    assert err.value.field == "lost_reason"
    with pytest.raises(NotFoundError):
        deals.move_deal(store, "missing", stages["Won"].id)
    assert len(deals.deal_history(store, deal_id)) == 1


def test_move_into_won_and_back(store: Store, stages: dict[str, Stage]) -> None:
    deal_id = new_deal(store)
    deals.move_deal(store, deal_id, stages["Won"].id)
    deal = deals.get_deal(store, deal_id).deal
    assert deal.status == "won" and deal.closed_at is not None
    deals.move_deal(store, deal_id, stages["Negotiation"].id)  # dragging back reopens
    deal = deals.get_deal(store, deal_id).deal
    assert (deal.status, deal.closed_at) == ("open", None)


def test_win_lose_reopen(store: Store, stages: dict[str, Stage]) -> None:
    deal_id = new_deal(store, stage_id=stages["Proposal"].id)
    before = last_seq(store)
    result = deals.win_deal(store, deal_id)
    assert_logged(store, before, result)
    deal = deals.get_deal(store, deal_id).deal
    assert (deal.status, deal.stage_id) == ("won", stages["Won"].id) and deal.closed_at
    with pytest.raises(ConflictingStateError):
        deals.win_deal(store, deal_id)

    before = last_seq(store)
    result = deals.reopen_deal(store, deal_id)
    assert_logged(store, before, result)
    deal = deals.get_deal(store, deal_id).deal
    # Back to where it was before it was won.
    assert (deal.status, deal.stage_id, deal.closed_at) == ("open", stages["Proposal"].id, None)
    with pytest.raises(ConflictingStateError):
        deals.reopen_deal(store, deal_id)

    with pytest.raises(ValidationError) as err:
        deals.lose_deal(store, deal_id, "  ")
    assert err.value.field == "lost_reason"
    before = last_seq(store)
    result = deals.lose_deal(store, deal_id, "Budget cut")
    assert_logged(store, before, result)
    deal = deals.get_deal(store, deal_id).deal
    assert (deal.status, deal.lost_reason) == ("lost", "Budget cut")
    assert deal.stage_id == stages["Lost"].id
    with pytest.raises(ConflictingStateError):
        deals.lose_deal(store, deal_id, "again")
    deals.reopen_deal(store, deal_id, stage_id=stages["Lead"].id)
    deal = deals.get_deal(store, deal_id).deal
    assert (deal.status, deal.lost_reason, deal.stage_id) == ("open", None, stages["Lead"].id)
    names = [h.to_stage_name for h in deals.deal_history(store, deal_id)]
    assert names == ["Proposal", "Won", "Proposal", "Lost", "Lead"]


def test_reopen_into_closing_stage_refused(store: Store, stages: dict[str, Stage]) -> None:
    deal_id = new_deal(store)
    deals.lose_deal(store, deal_id, "price")
    with pytest.raises(ValidationError) as err:
        deals.reopen_deal(store, deal_id, stage_id=stages["Won"].id)
    assert err.value.field == "stage_id"


def test_win_in_pipeline_without_won_stage(store: Store) -> None:
    pipeline_id = pipelines.create_pipeline(store, "Simple", [{"name": "Open"}]).value
    deal_id = new_deal(store, pipeline_id=pipeline_id)
    deals.win_deal(store, deal_id)
    deal = deals.get_deal(store, deal_id).deal
    assert deal.status == "won" and deal.closed_at
    assert len(deals.deal_history(store, deal_id)) == 1  # status only, no stage move
    assert not deals.move_deal(store, deal_id, deal.stage_id).changes  # dropped in place
    deals.reopen_deal(store, deal_id)
    assert deals.get_deal(store, deal_id).deal.status == "open"


def test_update_deal_changes_pipeline(store: Store, stages: dict[str, Stage]) -> None:
    deal_id = new_deal(store)
    other = pipelines.create_pipeline(store, "Other", [{"name": "Start"}, {"name": "Next"}]).value
    start = pipelines.list_stages(store, other)[0]
    result = deals.update_deal(store, deal_id, {"pipeline_id": other})
    assert result.value["stage_id"] == stages["Lead"].id
    deal = deals.get_deal(store, deal_id).deal
    assert (deal.pipeline_id, deal.stage_id) == (other, start.id)
    assert deals.deal_history(store, deal_id)[-1].from_stage_id == stages["Lead"].id


def test_delete_deal_keeps_activities_and_tasks(store: Store, stages: dict[str, Stage]) -> None:
    contact = create_contact(store, {"name": "Han Meimei"}).value
    deal_id = new_deal(store, contact_id=contact)
    deals.move_deal(store, deal_id, stages["Qualified"].id)
    activity = activities.log_activity(store, "note", deal_id=deal_id, notes="n").value
    task = tasks.create_task(store, {"title": "T", "deal_id": deal_id}).value
    before = last_seq(store)
    result = deals.delete_deal(store, deal_id)
    assert_logged(store, before, result)
    assert len(result.changes.deleted["deal_stage_history"]) == 2
    with pytest.raises(NotFoundError):
        deals.get_deal(store, deal_id)
    with pytest.raises(NotFoundError):
        deals.deal_history(store, deal_id)
    with store.read() as conn:
        assert (
            conn.exec_driver_sql(
                "SELECT deal_id FROM activity WHERE id = ?", (activity,)
            ).scalar_one()
            is None
        )
        assert (
            conn.exec_driver_sql("SELECT deal_id FROM task WHERE id = ?", (task,)).scalar_one()
            is None
        )
    with pytest.raises(NotFoundError):
        deals.delete_deal(store, deal_id)


def test_list_deals_filters(store: Store, stages: dict[str, Stage]) -> None:
    a = new_deal(store, owner="wang")
    b = new_deal(store, owner="li", stage_id=stages["Proposal"].id)
    deals.win_deal(store, b)
    assert {d.id for d in deals.list_deals(store)} == {a, b}
    assert [d.id for d in deals.list_deals(store, status="open")] == [a]
    assert [d.id for d in deals.list_deals(store, owner="li")] == [b]
    assert [d.id for d in deals.list_deals(store, stage_id=stages["Won"].id)] == [b]


def test_list_deals_pages_by_key(store):
    from crm_desktop.services import deals as deal_service
    from crm_desktop.services.pipelines import ensure_default_pipeline

    ensure_default_pipeline(store)
    for i in range(7):
        deal_service.create_deal(store, {"title": f"Deal {i}"})
    seen, after = [], None
    while True:
        page = deal_service.list_deals(store, limit=3, after=after)
        if not page:
            break
        seen += [d.id for d in page]
        after = (page[-1].stage_entered_at, page[-1].id)
    everything = [d.id for d in deal_service.list_deals(store, limit=100)]
    assert seen == everything
    assert len(seen) == 7
