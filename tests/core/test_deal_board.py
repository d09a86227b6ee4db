"""The funnel board's read (deal_board), close periods, validate_deal, restore-on-create,
and the pipelines editor's stage deal counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crm_desktop.domain.models import Stage
from crm_desktop.errors import ConflictingStateError, ValidationError
from crm_desktop.services import activities, custom_fields, deals, pipelines, reports
from crm_desktop.services.companies import create_company
from crm_desktop.services.contacts import create_contact
from crm_desktop.services.deals import BoardFilter, close_period, deal_board
from crm_desktop.store.engine import Store
from tests.changelog_replay import assert_logged, last_seq


@pytest.fixture
def stages(store: Store) -> dict[str, Stage]:
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    return {s.name: s for s in pipelines.list_stages(store, pipeline_id)}


def test_board_columns_cards_and_totals(store: Store, stages: dict[str, Stage]) -> None:
    acme = create_company(store, {"name": "ACME"}).value
    li = create_contact(store, {"name": "Li Lei", "company_id": acme}).value
    big = deals.create_deal(
        store,
        {"title": "Big", "contact_id": li, "value": "1000", "currency": "CNY", "owner": "wang"},
    ).value
    deals.create_deal(store, {"title": "Small", "value": "10", "currency": "USD", "owner": "li"})
    prop = deals.create_deal(
        store,
        {"title": "Prop", "value": "200", "stage_id": stages["Proposal"].id, "owner": "wang"},
    ).value
    won = deals.create_deal(store, {"title": "Won one", "value": "5"}).value
    deals.win_deal(store, won)
    lost = deals.create_deal(store, {"title": "Lost one", "value": "7"}).value
    deals.lose_deal(store, lost, "price")

    board = deal_board(store)
    assert board.pipeline_id == stages["Lead"].pipeline_id
    assert [c.name for c in board.columns] == ["Lead", "Qualified", "Proposal", "Negotiation"]
    assert [s.name for s in board.stages][-2:] == ["Won", "Lost"]
    lead = board.columns[0]
    assert [c.title for c in lead.cards] == ["Big", "Small"]
    card = lead.cards[0]
    assert (card.id, card.company_name, card.contact_name, card.owner) == (
        big,
        "ACME",
        "Li Lei",
        "wang",
    )
    assert (card.value_cents, card.days_in_stage, card.stale, card.overdue) == (
        100000,
        0,
        False,
        False,
    )
    # Totals per currency; weighted by the stage's probability (Lead: 10 %).
    assert [(t.currency, t.value_cents, t.weighted_cents) for t in lead.totals] == [
        ("CNY", 100000, 10000),
        ("USD", 1000, 100),
    ]
    assert [c.id for c in board.columns[2].cards] == [prop]
    assert board.columns[2].totals[0].weighted_cents == 10000  # 50 % of 200.00
    assert (board.won.count, board.won.name, board.won.stage_id) == (1, "Won", stages["Won"].id)
    assert (board.lost.count, board.lost.totals[0].value_cents) == (1, 700)
    assert board.card_count == 3
    assert board.owners == sorted(board.owners) and {"li", "wang"} <= set(board.owners)


def test_board_filters(store: Store, stages: dict[str, Stage]) -> None:
    acme = create_company(store, {"name": "ACME 100%"}).value
    today = date(2026, 6, 15)
    deals.create_deal(store, {"title": "Router", "owner": "wang", "expected_close": "2026-06-20"})
    deals.create_deal(
        store,
        {"title": "Switch", "owner": "li", "company_id": acme, "expected_close": "2026-07-03"},
    )
    deals.create_deal(store, {"title": "无日期 服务器", "owner": "li"})
    deals.create_deal(store, {"title": "Late", "owner": "li", "expected_close": "2026-05-01"})

    def titles(**filters: object) -> list[str]:
        board = deal_board(store, filters=BoardFilter(**filters), today=today)  # type: ignore[arg-type]
        return sorted(c.title for col in board.columns for c in col.cards)

    assert titles(owner="wang") == ["Router"]
    assert titles(text="acme") == ["Switch"]  # company name, case-insensitive
    assert titles(text="100%") == ["Switch"]  # % is matched literally
    assert titles(text="_") == []
    assert titles(text="服务器") == ["无日期 服务器"]
    assert titles(close_from=date(2026, 6, 1), close_to=date(2026, 6, 30)) == ["Router"]
    assert titles(no_close_date=True) == ["无日期 服务器"]
    period = close_period("overdue", today)
    assert titles(close_to=period.close_to) == ["Late"]
    [late] = [c for col in deal_board(store, today=today).columns for c in col.cards if c.overdue]
    assert late.title == "Late"


def test_close_periods() -> None:
    today = date(2026, 11, 18)  # a Wednesday
    assert close_period(None, today) == BoardFilter()
    assert close_period("overdue", today).close_to == date(2026, 11, 17)
    week = close_period("this_week", today)
    assert (week.close_from, week.close_to) == (date(2026, 11, 16), date(2026, 11, 22))
    month = close_period("this_month", today)
    assert (month.close_from, month.close_to) == (date(2026, 11, 1), date(2026, 11, 30))
    nxt = close_period("next_month", date(2026, 12, 31))
    assert (nxt.close_from, nxt.close_to) == (date(2027, 1, 1), date(2027, 1, 31))
    quarter = close_period("this_quarter", today)
    assert (quarter.close_from, quarter.close_to) == (date(2026, 10, 1), date(2026, 12, 31))
    year = close_period("this_year", today)
    assert (year.close_from, year.close_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert close_period("no_date", today).no_close_date
    with pytest.raises(ValidationError):
        close_period("someday", today)


def test_stale_resets_on_activity_and_edit(store: Store, stages: dict[str, Stage]) -> None:
    # Lead: stale after 14 days.
    deal_id = deals.create_deal(store, {"title": "Quiet"}).value
    later = datetime.now(UTC) + timedelta(days=15)

    def card() -> deals.BoardCard:
        return deal_board(store, now=later).columns[0].cards[0]

    assert card().stale and card().days_in_stage == 15
    assert not deal_board(store, now=later - timedelta(days=2)).columns[0].cards[0].stale
    activities.log_activity(
        store, "note", deal_id=deal_id, subject="x", occurred_at=later - timedelta(days=1)
    )
    assert not card().stale  # an activity resets it
    way_later = later + timedelta(days=30)
    assert deal_board(store, now=way_later).columns[0].cards[0].stale
    # An edit resets it too: a deal that entered its stage 20 days ago...
    edited = deals.create_deal(store, {"title": "Edited"}).value
    with store.write() as tx:  # test set-up: back-date the stage entry
        tx.conn.exec_driver_sql(
            "UPDATE deal SET stage_entered_at = ? WHERE id = ?",
            (reports.sql_time(datetime.now(UTC) - timedelta(days=20)), edited),
        )

    def edited_card() -> deals.BoardCard:
        cards = deal_board(store).columns[0].cards
        return next(c for c in cards if c.id == edited)

    assert edited_card().stale and edited_card().days_in_stage == 20
    assert edited in [d.deal_id for d in reports.stale_deals(store)]  # the dashboard agrees
    deals.update_deal(store, edited, {"notes": "still interested"})
    assert not edited_card().stale and edited_card().days_in_stage == 20
    assert edited not in [d.deal_id for d in reports.stale_deals(store)]
    deals.update_deal(store, edited, {"notes": "still interested"})  # no change: no touch
    # A stage without stale_days never makes deals stale.
    pipelines.set_stage_stale_days(store, stages["Lead"].id, None)
    assert not deal_board(store, now=way_later + timedelta(days=100)).columns[0].cards[0].stale


def test_board_other_pipeline_and_unknown(store: Store, stages: dict[str, Stage]) -> None:
    other = pipelines.create_pipeline(store, "Renewals", [{"name": "Due"}, {"name": "Signed"}])
    deals.create_deal(store, {"title": "Renew", "pipeline_id": other.value})
    board = deal_board(store, other.value)
    assert [c.name for c in board.columns] == ["Due", "Signed"]
    assert board.won.stage_id is None and board.lost.stage_id is None
    assert [p[1] for p in board.pipelines] == ["Sales", "Renewals"]
    # An unknown (deleted) pipeline falls back to the first one.
    assert deal_board(store, "gone").pipeline_id == stages["Lead"].pipeline_id


def test_board_of_empty_store(store: Store) -> None:
    board = deal_board(store)
    assert board.pipeline_id is None and board.columns == [] and board.pipelines == []


def test_validate_deal(store: Store, stages: dict[str, Stage]) -> None:
    custom_fields.define_field(store, "deal", "region", "Region", "text", required=True)
    before = last_seq(store)
    with pytest.raises(ValidationError) as err:
        deals.validate_deal(store, {"title": " "}, {"region": "N"}, creating=True)
    assert err.value.field == "title"
    with pytest.raises(ValidationError) as err:
        deals.validate_deal(store, {"title": "D", "value": "x"}, {"region": "N"}, creating=True)
    assert err.value.field == "value"
    with pytest.raises(ValidationError) as err:
        deals.validate_deal(store, {"title": "D", "company_id": "nope"}, creating=False)
    assert err.value.field == "company_id"
    with pytest.raises(ValidationError) as err:
        deals.validate_deal(store, {"title": "D"}, {}, creating=True)
    assert err.value.field == "region"
    with pytest.raises(ValidationError) as err:
        deals.validate_deal(
            store, {"title": "D", "stage_id": stages["Lost"].id}, {"region": "N"}, creating=True
        )
    assert err.value.field == "lost_reason"
    with pytest.raises(ValidationError) as err:  # an edit moving a deal to Lost, too
        deals.validate_deal(store, {"stage_id": stages["Lost"].id}, creating=False)
    assert err.value.field == "lost_reason"
    deals.validate_deal(
        store, {"stage_id": stages["Lost"].id, "lost_reason": "price"}, creating=False
    )
    row = deals.validate_deal(
        store, {"title": "D", "value": "12.5"}, {"region": "N"}, creating=True
    )
    assert row["value_cents"] == 1250
    assert last_seq(store) == before  # nothing written


def test_create_with_id_restores_an_undone_create(store: Store, stages: dict[str, Stage]) -> None:
    deal_id = deals.create_deal(store, {"title": "Again"}).value
    deals.delete_deal(store, deal_id)
    before = last_seq(store)
    result = deals.create_deal(store, {"title": "Again"}, deal_id=deal_id)
    assert result.value == deal_id
    assert_logged(store, before, result)
    assert deals.get_deal(store, deal_id).deal.title == "Again"
    with pytest.raises(ConflictingStateError):
        deals.create_deal(store, {"title": "Again"}, deal_id=deal_id)


def test_stage_deal_counts_and_owners(store: Store, stages: dict[str, Stage]) -> None:
    pipeline_id = stages["Lead"].pipeline_id
    assert pipelines.stage_deal_counts(store, pipeline_id) == {}
    deals.create_deal(store, {"title": "A", "owner": "zhao"})
    deals.create_deal(store, {"title": "B", "stage_id": stages["Proposal"].id, "owner": "qian"})
    deals.create_deal(store, {"title": "C", "stage_id": stages["Proposal"].id})
    counts = pipelines.stage_deal_counts(store, pipeline_id)
    assert counts == {stages["Lead"].id: 1, stages["Proposal"].id: 2}
    assert {"qian", "zhao"} <= set(deals.deal_owners(store))
