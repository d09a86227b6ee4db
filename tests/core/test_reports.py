"""Reports: each aggregate against a small dataset with hand-computed numbers, and its plan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event

from crm_desktop.domain.models import Deal
from crm_desktop.errors import ValidationError
from crm_desktop.services import activities, deals, pipelines, reports
from crm_desktop.services.contacts import create_contact
from crm_desktop.store.engine import Store, open_store


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@dataclass
class Data:
    pipeline_id: str
    stages: dict[str, str]
    deals: dict[str, str]


def set_deal(store: Store, deal_id: str, **values: Any) -> None:
    with store.write() as tx:
        tx.update(Deal, deal_id, values)


def call(
    store: Store, monkeypatch: pytest.MonkeyPatch, contact: str, owner: str, when: datetime
) -> None:
    monkeypatch.setenv("CRM_USER", owner)
    activities.log_call(store, contact, "outbound", "connected", started_at=when)


def note(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    owner: str,
    when: datetime,
    kind: str = "note",
    **links: str,
) -> None:
    monkeypatch.setenv("CRM_USER", owner)
    activities.log_activity(store, kind, occurred_at=when, **links)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store for the module: the reports only read, so the dataset is built once."""
    opened = open_store(
        tmp_path_factory.mktemp("reports") / "data",
        use_keychain=False,
        passphrase=lambda _creating: "correct horse battery staple",
    )
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def data(store: Store) -> Iterator[Data]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield build_data(store, monkeypatch)


def build_data(store: Store, monkeypatch: pytest.MonkeyPatch) -> Data:
    """Eight deals of the default pipeline (Lead 10%, Qualified 25%, Proposal 50%,
    Negotiation 75%, Won, Lost) and a few calls and other activities."""
    pipeline_id = pipelines.ensure_default_pipeline(store).value
    stages = {s.name: s.id for s in pipelines.list_stages(store, pipeline_id)}
    specs = {  # name: (owner, value, currency, expected close, stages passed after Lead)
        "A": ("wang", "1000", "CNY", "2026-04-15", []),
        "B": ("li", "500.05", "CNY", "2026-04-20", []),
        "C": ("wang", "2000", "CNY", "2026-05-01", ["Proposal"]),
        "D": ("li", "300", "USD", "2026-05-31", ["Qualified", "Proposal", "Negotiation"]),
        "E": ("wang", "4000", "CNY", None, ["Qualified", "Proposal", "Won"]),
        "F": ("li", "1500", "CNY", None, []),
        "G": ("wang", "700", "CNY", None, ["Qualified"]),
        "H": ("li", "250", "USD", None, []),
    }
    ids = {}
    for name, (owner, value, currency, close, path) in specs.items():
        ids[name] = deals.create_deal(
            store,
            {
                "title": name,
                "owner": owner,
                "value": value,
                "currency": currency,
                "expected_close": close,
            },
        ).value
        for stage in path:
            deals.move_deal(store, ids[name], stages[stage])
    deals.win_deal(store, ids["F"])  # straight from Lead
    deals.win_deal(store, ids["H"])
    deals.lose_deal(store, ids["G"], "price")
    for name, closed in (
        ("E", utc(2026, 2, 10, 10)),
        ("F", utc(2025, 2, 20, 12)),
        ("G", utc(2026, 2, 15)),
        ("H", utc(2026, 3, 31, 23, 30)),
    ):
        set_deal(store, ids[name], closed_at=closed)
    for name in "AB":
        set_deal(store, ids[name], created_at=utc(2025, 6, 1), stage_entered_at=utc(2026, 2, 1))
    set_deal(store, ids["C"], stage_entered_at=utc(2026, 2, 20))
    set_deal(store, ids["D"], stage_entered_at=utc(2026, 2, 24, 12))

    contact = create_contact(store, {"name": "客户"}).value
    for when in (utc(2026, 3, 2, 1), utc(2026, 3, 2, 1), utc(2026, 3, 2, 20), utc(2026, 3, 4, 10)):
        call(store, monkeypatch, contact, "wang", when)
    for when in (utc(2026, 3, 2, 9), utc(2026, 2, 28, 10)):
        call(store, monkeypatch, contact, "li", when)
    note(store, monkeypatch, "wang", utc(2026, 3, 3, 10), kind="meeting", contact_id=contact)
    note(store, monkeypatch, "li", utc(2026, 3, 1, 10), contact_id=contact)
    note(store, monkeypatch, "wang", utc(2026, 3, 4, 23), contact_id=contact)
    note(store, monkeypatch, "li", utc(2026, 3, 8, 12), deal_id=ids["B"])  # keeps B fresh
    return Data(pipeline_id, stages, ids)


def test_pipeline_value(store: Store, data: Data) -> None:
    rows = reports.pipeline_value(store, data.pipeline_id)
    assert [
        (r.stage_name, r.currency, r.deal_count, r.value_cents, r.weighted_cents) for r in rows
    ] == [
        ("Lead", "CNY", 2, 150005, 15001),  # 15000.5 rounds half up
        ("Qualified", None, 0, 0, 0),
        ("Proposal", "CNY", 1, 200000, 100000),
        ("Negotiation", "USD", 1, 30000, 22500),
        ("Won", None, 0, 0, 0),
        ("Lost", None, 0, 0, 0),
    ]
    mine = reports.pipeline_value(store, data.pipeline_id, owner="wang")
    assert [(r.stage_name, r.deal_count, r.value_cents, r.weighted_cents) for r in mine] == [
        ("Lead", 1, 100000, 10000),
        ("Qualified", 0, 0, 0),
        ("Proposal", 1, 200000, 100000),
        ("Negotiation", 0, 0, 0),
        ("Won", 0, 0, 0),
        ("Lost", 0, 0, 0),
    ]


def test_funnel(store: Store, data: Data) -> None:
    steps = reports.funnel(store, data.pipeline_id)
    # Furthest non-lost stage per deal: A,B Lead; G Qualified; C Proposal (skipped
    # Qualified); D Negotiation; E,F,H Won.
    assert [(s.stage_name, s.reached, s.next_reached) for s in steps] == [
        ("Lead", 8, 6),
        ("Qualified", 6, 5),
        ("Proposal", 5, 4),
        ("Negotiation", 4, 3),
        ("Won", 3, None),
    ]
    assert [s.conversion for s in steps] == [0.75, 5 / 6, 0.8, 0.75, None]
    wang = reports.funnel(store, data.pipeline_id, owner="wang")
    assert [s.reached for s in wang] == [4, 3, 2, 1, 1]
    cohort = reports.funnel(store, data.pipeline_id, since=utc(2026, 1, 1))  # without A, B
    assert [s.reached for s in cohort] == [6, 6, 5, 4, 3]
    empty = reports.funnel(store, data.pipeline_id, until=utc(2020, 1, 1))
    assert [(s.reached, s.conversion) for s in empty] == [(0, None)] * 5


def test_won_revenue_by_month(store: Store, data: Data) -> None:
    def rows(**kwargs: Any) -> list[tuple[str, str, int, int]]:
        return [
            (r.month, r.currency, r.deal_count, r.value_cents)
            for r in reports.won_revenue_by_month(store, **kwargs)
        ]

    assert rows(year=2026) == [("2026-02", "CNY", 1, 400000), ("2026-03", "USD", 1, 25000)]
    # 2026-03-31 23:30 UTC is April 1st in Beijing.
    assert rows(year=2026, utc_offset_minutes=480) == [
        ("2026-02", "CNY", 1, 400000),
        ("2026-04", "USD", 1, 25000),
    ]
    assert rows() == [
        ("2025-02", "CNY", 1, 150000),
        ("2026-02", "CNY", 1, 400000),
        ("2026-03", "USD", 1, 25000),
    ]
    assert rows(owner="li") == [("2025-02", "CNY", 1, 150000), ("2026-03", "USD", 1, 25000)]
    assert rows(year=2024) == []


def test_won_revenue_vs_previous_year(store: Store, data: Data) -> None:
    rows = reports.won_revenue_vs_previous_year(store, 2026)
    assert [(r.month, r.currency, r.value_cents, r.previous_year_cents) for r in rows] == [
        (2, "CNY", 400000, 150000),
        (3, "USD", 25000, 0),
    ]


def test_calls_per_day(store: Store, data: Data) -> None:
    def rows(**kwargs: Any) -> list[tuple[str, str | None, int]]:
        found = reports.calls_per_day(store, date(2026, 3, 1), date(2026, 3, 4), **kwargs)
        return [(r.day, r.owner, r.calls) for r in found]

    assert rows() == [("2026-03-02", "li", 1), ("2026-03-02", "wang", 3), ("2026-03-04", "wang", 1)]
    assert rows(utc_offset_minutes=480) == [
        ("2026-03-02", "li", 1),
        ("2026-03-02", "wang", 2),
        ("2026-03-03", "wang", 1),
        ("2026-03-04", "wang", 1),
    ]
    assert rows(owner="li") == [("2026-03-02", "li", 1)]


def test_activity_mix(store: Store, data: Data) -> None:
    def rows(**kwargs: Any) -> list[tuple[str, int]]:
        found = reports.activity_mix(store, date(2026, 3, 1), date(2026, 3, 4), **kwargs)
        return [(r.kind, r.count) for r in found]

    assert rows() == [("call", 5), ("note", 2), ("meeting", 1)]
    assert rows(utc_offset_minutes=480) == [("call", 5), ("meeting", 1), ("note", 1)]
    assert rows(owner="wang") == [("call", 4), ("meeting", 1), ("note", 1)]


@pytest.mark.parametrize("report", [reports.calls_per_day, reports.activity_mix])
def test_day_range_rejects(store: Store, report: Callable[..., Any]) -> None:
    with pytest.raises(ValidationError) as err:
        report(store, date(2026, 3, 4), date(2026, 3, 1))
    assert err.value.field == "until"
    with pytest.raises(ValidationError) as err:
        report(store, date(2026, 3, 1), date(2026, 3, 4), utc_offset_minutes=2000)
    assert err.value.field == "utc_offset_minutes"


def test_forecast(store: Store, data: Data) -> None:
    def rows(**kwargs: Any) -> list[tuple[str, str, int, int, int]]:
        return [
            (r.month, r.currency, r.deal_count, r.best_case_cents, r.weighted_cents)
            for r in reports.forecast(store, **kwargs)
        ]

    assert rows() == [
        ("2026-04", "CNY", 2, 150005, 15001),
        ("2026-05", "CNY", 1, 200000, 100000),
        ("2026-05", "USD", 1, 30000, 22500),
    ]
    assert rows(from_month="2026-05") == rows()[1:]
    assert rows(owner="li") == [
        ("2026-04", "CNY", 1, 50005, 5001),
        ("2026-05", "USD", 1, 30000, 22500),
    ]
    assert rows(pipeline_id="other") == []
    with pytest.raises(ValidationError):
        reports.forecast(store, from_month="May")


def test_stale_deals(store: Store, data: Data) -> None:
    found = reports.stale_deals(store, utc(2026, 3, 10, 12))
    # A: Lead (14 days) since Feb 1st. D: Negotiation (14) exactly 14 days.
    # B had a note on Mar 8th; C is within Proposal's 21 days; closed deals never stale.
    assert [(s.title, s.stage_name, s.idle_days, s.stale_days) for s in found] == [
        ("A", "Lead", 37, 14),
        ("D", "Negotiation", 14, 14),
    ]
    assert found[0].last_touch == utc(2026, 2, 1) and found[0].deal_id == data.deals["A"]
    assert [s.title for s in reports.stale_deals(store, utc(2026, 3, 10, 12), owner="li")] == ["D"]
    assert len(reports.stale_deals(store, utc(2026, 3, 10, 12), limit=1)) == 1
    pipelines.set_stage_stale_days(store, data.stages["Lead"], None)
    try:
        assert [s.title for s in reports.stale_deals(store, utc(2026, 3, 10, 12))] == ["D"]
    finally:
        pipelines.set_stage_stale_days(store, data.stages["Lead"], 14)  # the module shares it


def test_overdue_deals(store: Store, data: Data) -> None:
    found = reports.overdue_deals(store, date(2026, 5, 1))
    assert [(o.title, o.expected_close, o.days_overdue, o.value_cents) for o in found] == [
        ("A", date(2026, 4, 15), 16, 100000),
        ("B", date(2026, 4, 20), 11, 50005),
    ]
    assert [o.title for o in reports.overdue_deals(store, date(2026, 5, 1), limit=1)] == ["A"]
    assert reports.overdue_deals(store, date(2026, 4, 1)) == []


# -- query plans: every report walks an index, none scans the activity table ----
@pytest.fixture
def plans(store: Store) -> Iterator[Callable[[Callable[[], Any]], str]]:
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)

    def plan_of(run: Callable[[], Any]) -> str:
        statements.clear()
        run()
        captured = list(statements)
        with store.engine.connect() as conn:
            return "\n".join(
                row[-1]
                for sql, params in captured
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            )

    yield plan_of
    event.remove(store.engine, "before_cursor_execute", capture)


def test_report_plans_use_indexes(
    store: Store, data: Data, plans: Callable[[Callable[[], Any]], str]
) -> None:
    pid, day1, day2 = data.pipeline_id, date(2026, 3, 1), date(2026, 3, 31)
    expected: list[tuple[Callable[[], Any], list[str]]] = [
        (
            lambda: reports.pipeline_value(store, pid),
            [
                "USING INDEX ix_stage_pipeline",
                "USING COVERING INDEX ix_deal_stage (stage_id=? AND status=?)",
            ],
        ),
        (
            lambda: reports.funnel(store, pid),
            ["COVERING INDEX ix_deal_funnel", "ix_stage_pipeline"],
        ),
        (
            lambda: reports.won_revenue_by_month(store, 2026),
            ["ix_deal_status_closed (status=? AND closed_at>? AND closed_at<?)"],
        ),
        (lambda: reports.won_revenue_vs_previous_year(store, 2026), ["ix_deal_status_closed"]),
        (
            lambda: reports.calls_per_day(store, day1, day2, utc_offset_minutes=480),
            ["COVERING INDEX ix_activity_kind_time (kind=? AND occurred_at>? AND occurred_at<?)"],
        ),
        (
            lambda: reports.activity_mix(store, day1, day2),
            ["COVERING INDEX ix_activity_kind_time (kind=? AND occurred_at>? AND occurred_at<?)"],
        ),
        (
            lambda: reports.forecast(store, owner="li"),
            ["COVERING INDEX ix_deal_status_close (status=? AND expected_close>?)"],
        ),
        # Stale deals read the open deals' rows in table order (see reports._STALE).
        (lambda: reports.stale_deals(store), ["SCAN d", "sqlite_autoindex_stage_1 (id=?)"]),
        (
            lambda: reports.overdue_deals(store),
            ["ix_deal_status_close (status=? AND expected_close<?)"],
        ),
        (
            lambda: activities.timeline(store, company_id="x"),
            ["ix_activity_company", "ix_activity_contact", "ix_task_company", "ix_deal_company"],
        ),
    ]
    for run, needles in expected:
        plan = plans(run)
        for needle in needles:
            assert needle in plan, f"{needle!r} not in plan:\n{plan}"
        assert "SCAN activity" not in plan and "SCAN a\n" not in plan + "\n"
        if "SCAN d" not in needles:
            assert "SCAN d\n" not in plan + "\n" and "SCAN deal\n" not in plan + "\n"


def test_funnel_follows_moves_reorders_and_pipeline_changes(store: Store) -> None:
    from crm_desktop.services import deals, pipelines

    pid = pipelines.create_pipeline(
        store,
        "Direct",
        [{"name": "Lead"}, {"name": "Demo"}, {"name": "Offer"}, {"name": "Lost", "is_lost": True}],
    ).value
    lead, demo, offer, lost = (s.id for s in pipelines.list_stages(store, pid))
    far = deals.create_deal(store, {"title": "far", "pipeline_id": pid, "stage_id": lead}).value
    deals.create_deal(store, {"title": "near", "pipeline_id": pid, "stage_id": lead})
    deals.move_deal(store, far, offer)
    deals.move_deal(store, far, lost, lost_reason="price")  # a loss keeps the furthest stage

    def reached() -> list[tuple[str, int]]:
        return [(s.stage_name, s.reached) for s in reports.funnel(store, pid)]

    assert reached() == [("Lead", 2), ("Demo", 1), ("Offer", 1)]
    # Offer first: "furthest" is by the current order, so both deals now reached Lead.
    pipelines.reorder_stages(store, pid, [offer, lead, demo, lost])
    assert reached() == [("Offer", 2), ("Lead", 2), ("Demo", 0)]
    other = pipelines.create_pipeline(store, "Other", [{"name": "Start"}]).value
    deals.update_deal(store, far, {"pipeline_id": other})
    assert reached() == [("Offer", 1), ("Lead", 1), ("Demo", 0)]
    assert [(s.stage_name, s.reached) for s in reports.funnel(store, other)] == [("Start", 1)]
