"""The dashboard's additions to reports: owners, forecast against targets, one-call bundle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, text

from crm_desktop.errors import ValidationError
from crm_desktop.services import pipelines, reports
from crm_desktop.services.reports import DashboardFilters, ForecastMonth
from crm_desktop.store.engine import Store, open_store
from tests.core.test_reports import Data, build_data, utc

MARCH_10 = utc(2026, 3, 10, 12)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The dataset of test_reports.py, built once for the module (reports only read)."""
    opened = open_store(
        tmp_path_factory.mktemp("dashboard") / "data",
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


def plan_of(store: Store, run: Callable[[], Any]) -> str:
    """EXPLAIN QUERY PLAN of every SELECT `run` executes."""
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    with store.engine.connect() as conn:
        return "\n".join(
            row[-1]
            for sql, params in statements
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
        )


def test_owners_are_distinct_and_sorted(store: Store, data: Data) -> None:
    found = reports.owners(store)
    with store.read() as conn:
        expected = sorted(
            {
                r[0]
                for r in conn.execute(
                    text("SELECT owner FROM contact UNION SELECT owner FROM deal")
                )
                if r[0]
            }
        )
    assert found == expected and {"li", "wang"} <= set(found)


def test_owners_plan_seeks_instead_of_scanning_contacts(store: Store, data: Data) -> None:
    plan = plan_of(store, lambda: reports.owners(store))
    assert "ix_contact_owner_sort" in plan
    assert "SCAN contact\n" not in plan + "\n"


def test_pipeline_value_marks_closing_stages(store: Store, data: Data) -> None:
    rows = reports.pipeline_value(store, data.pipeline_id)
    assert [(r.stage_name, r.closing) for r in rows if r.closing] == [
        ("Won", True),
        ("Lost", True),
    ]
    assert all(r.closing is False for r in rows if r.stage_name not in {"Won", "Lost"})


def test_next_months() -> None:
    assert reports.next_months(date(2026, 11, 30), 3) == ["2026-11", "2026-12", "2027-01"]
    assert reports.next_months(date(2026, 1, 1), 1) == ["2026-01"]
    with pytest.raises(ValidationError):
        reports.next_months(date(2026, 1, 1), 0)


def test_forecast_plan_fills_months_and_compares_with_targets() -> None:
    rows = [
        ForecastMonth("2026-04", "CNY", 2, 150005, 15001),
        ForecastMonth("2026-05", "CNY", 1, 200000, 100000),
        ForecastMonth("2026-05", "USD", 1, 30000, 22500),
    ]
    months = ["2026-03", "2026-04", "2026-05"]
    plan = reports.forecast_plan(rows, months, "CNY", {"2026-04": 100000, "2026-05": 80000})
    assert [
        (p.month, p.deal_count, p.committed_cents, p.best_case_cents, p.target_cents) for p in plan
    ] == [
        ("2026-03", 0, 0, 0, None),
        ("2026-04", 2, 15001, 150005, 100000),
        ("2026-05", 1, 100000, 200000, 80000),
    ]
    assert [p.committed_share for p in plan] == [None, 0.15001, 1.25]
    assert [p.best_case_share for p in plan] == [None, 1.50005, 2.5]
    usd = reports.forecast_plan(rows, months, "USD")
    assert [(p.committed_cents, p.target_cents) for p in usd] == [
        (0, None),
        (0, None),
        (22500, None),
    ]
    zero = reports.forecast_plan(rows, months, "CNY", {"2026-04": 0})
    assert zero[1].committed_share is None  # a zero target is no target to compare with


@pytest.mark.parametrize(
    ("typed", "cents"), [("1,000.50", 100050), ("  800 ", 80000), ("", None), ("0", 0)]
)
def test_parse_target(typed: str, cents: int | None) -> None:
    assert reports.parse_target(typed) == cents


@pytest.mark.parametrize("typed", ["lots", "-5", "1e999"])
def test_parse_target_rejects(typed: str) -> None:
    with pytest.raises(ValidationError) as err:
        reports.parse_target(typed)
    assert err.value.field == "target"


def test_dashboard_bundles_every_report(store: Store, data: Data) -> None:
    since, until = date(2026, 2, 9), date(2026, 3, 10)
    filters = DashboardFilters(since, until)
    found = reports.dashboard(store, filters, MARCH_10)
    pid = data.pipeline_id
    assert found.pipeline_id == pid  # the first pipeline when none is chosen
    assert found.pipelines[0] == (pid, "Sales")
    assert found.pipeline == reports.pipeline_value(store, pid)
    assert found.funnel == reports.funnel(store, pid, since=utc(2026, 2, 9), until=utc(2026, 3, 11))
    assert found.year == 2026
    assert found.revenue == reports.won_revenue_vs_previous_year(store, 2026)
    assert found.calls == reports.calls_per_day(store, since, until)
    assert found.mix == reports.activity_mix(store, since, until)
    assert found.months == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]
    assert found.forecast == reports.forecast(store, pipeline_id=pid, from_month="2026-03")
    assert found.stale == reports.stale_deals(store, MARCH_10, pipeline_id=pid)
    assert found.overdue == reports.overdue_deals(store, date(2026, 3, 10), pipeline_id=pid)
    assert found.owners == reports.owners(store)
    assert found.currencies == ["CNY", "USD"]  # most money first
    assert set(found.timings_ms) >= {"pipeline", "funnel", "calls", "mix", "forecast", "stale"}


def test_dashboard_filters_owner_offset_and_forecast_horizon(store: Store, data: Data) -> None:
    since, until = date(2026, 3, 1), date(2026, 3, 4)
    beijing = DashboardFilters(since, until, owner="wang", utc_offset_minutes=480)
    found = reports.dashboard(store, beijing, MARCH_10)
    assert found.calls == reports.calls_per_day(
        store, since, until, owner="wang", utc_offset_minutes=480
    )
    assert found.pipeline == reports.pipeline_value(store, data.pipeline_id, owner="wang")
    assert {d.owner for d in found.stale} <= {"wang"}
    # The forecast stops after its months: May is beyond a two-month horizon from March.
    short = DashboardFilters(since, until, forecast_months=2)
    assert [f.month for f in reports.dashboard(store, short, MARCH_10).forecast] == ["2026-04"]


def test_dashboard_pipeline_choice_and_bad_input(store: Store, data: Data) -> None:
    period = (date(2026, 3, 1), date(2026, 3, 4))
    other = pipelines.create_pipeline(store, "Dashboard other", [{"name": "Only"}]).value
    try:
        chosen = reports.dashboard(store, DashboardFilters(*period, pipeline_id=other), MARCH_10)
        assert chosen.pipeline_id == other
        assert [r.stage_name for r in chosen.pipeline] == ["Only"]
        gone = reports.dashboard(store, DashboardFilters(*period, pipeline_id="gone"), MARCH_10)
        assert gone.pipeline_id == data.pipeline_id  # a deleted pipeline: back to the first
    finally:
        pipelines.delete_pipeline(store, other)  # the module shares the store
    with pytest.raises(ValidationError):
        reports.dashboard(store, DashboardFilters(date(2026, 3, 4), date(2026, 3, 1)))
    with pytest.raises(ValidationError):
        reports.dashboard(store, DashboardFilters(*period, utc_offset_minutes=5000))


def test_activity_mix_of_some_kinds(store: Store, data: Data) -> None:
    since, until = date(2026, 3, 1), date(2026, 3, 4)
    everything = reports.activity_mix(store, since, until)
    some = reports.activity_mix(store, since, until, kinds=["note", "meeting"])
    assert some == [k for k in everything if k.kind in {"note", "meeting"}]
    assert reports.activity_mix(store, since, until, kinds=[]) == []
    assert reports.activity_mix(store, since, until, kinds=["no such kind"]) == []


def test_calls_per_day_counts_owners_missing_from_the_hint(store: Store, data: Data) -> None:
    since, until = date(2026, 2, 27), date(2026, 3, 4)
    expected = [
        ("2026-02-28", "li", 1),
        ("2026-03-02", "li", 1),
        ("2026-03-02", "wang", 3),
        ("2026-03-04", "wang", 1),
    ]

    def rows(**kwargs: Any) -> list[tuple[str, str | None, int]]:
        return [
            (r.day, r.owner, r.calls) for r in reports.calls_per_day(store, since, until, **kwargs)
        ]

    assert rows() == expected  # owners read from the store
    assert rows(known_owners=["wang", "li", "zz"]) == expected  # one pass, by name
    assert rows(known_owners=["wang"]) == expected  # li is not known: grouped instead
    assert rows(known_owners=[]) == expected
    assert rows(owner="li", known_owners=["wang"]) == expected[:2]
    assert rows(known_owners=[f"user{i}" for i in range(reports.MAX_KNOWN_OWNERS + 1)]) == expected


def test_calls_without_owner_are_counted(tmp_path, monkeypatch) -> None:
    from crm_desktop.domain.models import Activity
    from crm_desktop.services import activities
    from crm_desktop.services.contacts import create_contact

    opened = open_store(tmp_path / "d", use_keychain=False, passphrase=lambda _c: "p" * 12)
    try:
        contact = create_contact(opened, {"name": "客户"}).value
        monkeypatch.setenv("CRM_USER", "wang")
        logged = activities.log_call(
            opened, contact, "outbound", "connected", started_at=utc(2026, 3, 2, 9)
        ).value
        activities.log_call(
            opened, contact, "outbound", "connected", started_at=utc(2026, 3, 2, 10)
        )
        with opened.write() as tx:
            tx.update(Activity, logged.activity_id, {"owner": None})
        found = reports.calls_per_day(opened, date(2026, 3, 2), date(2026, 3, 2))
        assert [(r.owner, r.calls) for r in found] == [(None, 1), ("wang", 1)]
    finally:
        opened.close()
