"""Activities: log a call (with follow-up), other kinds, derived activity times, timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from crm_desktop.domain.models import Activity
from crm_desktop.errors import NotFoundError, ValidationError
from crm_desktop.services import activities, deals, pipelines, tasks
from crm_desktop.services.activities import _list_conditions
from crm_desktop.services.companies import create_company
from crm_desktop.services.contacts import create_contact, get_contact
from crm_desktop.store.changes import table_of
from crm_desktop.store.engine import Store
from tests.changelog_replay import assert_logged, last_seq

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def activity_row(store: Store, activity_id: str) -> dict[str, Any]:
    with store.read() as conn:
        return dict(
            conn.exec_driver_sql("SELECT * FROM activity WHERE id = ?", (activity_id,))
            .mappings()
            .one()
        )


def deal_last_activity(store: Store, deal_id: str) -> datetime | None:
    return deals.get_deal(store, deal_id).deal.last_activity_at


@pytest.fixture
def people(store: Store) -> dict[str, str]:
    company = create_company(store, {"name": "华为"}).value
    zhang = create_contact(
        store, {"name": "张三", "company_id": company, "phones": ["13812345678", "13900000000"]}
    ).value
    li = create_contact(store, {"name": "李四", "company_id": company}).value
    loner = create_contact(store, {"name": "Solo"}).value
    return {"company": company, "zhang": zhang, "li": li, "loner": loner}


def test_log_call_with_follow_up(store: Store, people: dict[str, str]) -> None:
    before = last_seq(store)
    result = activities.log_call(
        store,
        people["zhang"],
        "outbound",
        "connected",
        started_at=T0,
        duration_s=125,
        notes="wants a quote",
        follow_up_days=3,
        follow_up_title="Send quote",
    )
    assert_logged(store, before, result)
    call = activity_row(store, result.value.activity_id)
    assert (call["kind"], call["direction"], call["outcome"], call["duration_s"]) == (
        "call",
        "outbound",
        "connected",
        125,
    )
    assert call["company_id"] == people["company"]
    assert call["phone"] == "+8613812345678"  # the contact's first phone
    assert call["occurred_at"].startswith("2026-03-02 09:30:00")
    assert call["owner"]
    task = tasks.open_tasks_for(store, contact_id=people["zhang"])[0]
    assert task.id == result.value.task_id and task.title == "Send quote"
    assert task.company_id == people["company"]
    assert task.due_at is not None
    due_in = task.due_at - datetime.now(UTC)
    assert timedelta(days=3) - timedelta(minutes=1) < due_in <= timedelta(days=3)
    assert get_contact(store, people["zhang"]).contact.last_activity_at == T0


def test_log_call_minimal(store: Store, people: dict[str, str]) -> None:
    result = activities.log_call(store, people["li"], "inbound", "no_answer", phone="021 6234 5678")
    assert result.value.task_id is None and "task" not in result.changes.created
    call = activity_row(store, result.value.activity_id)
    assert call["phone"] == "+862162345678" and call["duration_s"] is None
    assert get_contact(store, people["li"]).contact.last_activity_at is not None
    default = activities.log_call(store, people["li"], "inbound", "busy", follow_up_days=0)
    task = tasks.open_tasks_for(store, contact_id=people["li"])[0]
    assert task.id == default.value.task_id and task.title == "Follow up: 李四"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"outcome": "great"}, "outcome"),
        ({"duration_s": -1}, "duration_s"),
        ({"phone": "12"}, "phone"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"follow_up_days": -2}, "follow_up_days"),
        ({"deal_id": "missing"}, "deal_id"),
    ],
)
def test_log_call_rejects(
    store: Store, people: dict[str, str], kwargs: dict[str, Any], field: str
) -> None:
    args = {"direction": "outbound", "outcome": "connected", **kwargs}
    before = last_seq(store)
    with pytest.raises(ValidationError) as err:
        activities.log_call(store, people["zhang"], **args)
    assert err.value.field == field
    assert last_seq(store) == before


def test_log_call_unknown_contact(store: Store) -> None:
    with pytest.raises(NotFoundError):
        activities.log_call(store, "missing", "outbound", "connected")


def test_log_activity_kinds_and_links(store: Store, people: dict[str, str]) -> None:
    pipelines.ensure_default_pipeline(store)
    deal_id = deals.create_deal(store, {"title": "5G", "contact_id": people["zhang"]}).value
    before = last_seq(store)
    result = activities.log_activity(
        store, "meeting", deal_id=deal_id, subject="Demo", occurred_at=T0, duration_s=3600
    )
    assert_logged(store, before, result)
    row = activity_row(store, result.value)
    # The deal's contact and company are filled in.
    assert (row["contact_id"], row["company_id"]) == (people["zhang"], people["company"])
    assert deal_last_activity(store, deal_id) == T0
    assert get_contact(store, people["zhang"]).contact.last_activity_at == T0
    # An older activity does not move the derived time back.
    activities.log_activity(store, "email", deal_id=deal_id, occurred_at=T0 - timedelta(days=1))
    assert deal_last_activity(store, deal_id) == T0
    note = activities.log_activity(store, "note", company_id=people["company"], notes="HQ")
    assert activity_row(store, note.value)["contact_id"] is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "call", "contact_id": "x"}, "kind"),
        ({"kind": "visit"}, "contact_id"),
        ({"kind": "visit", "contact_id": "missing"}, "contact_id"),
        ({"kind": "visit", "company_id": "missing"}, "company_id"),
        ({"kind": "visit", "deal_id": "missing"}, "deal_id"),
    ],
)
def test_log_activity_rejects(store: Store, kwargs: dict[str, Any], field: str) -> None:
    kind = kwargs.pop("kind")
    with pytest.raises(ValidationError) as err:
        activities.log_activity(store, kind, **kwargs)
    assert err.value.field == field


def test_delete_activity_refreshes_derived_times(store: Store, people: dict[str, str]) -> None:
    pipelines.ensure_default_pipeline(store)
    deal_id = deals.create_deal(store, {"title": "D", "contact_id": people["li"]}).value
    old = activities.log_activity(store, "visit", deal_id=deal_id, occurred_at=T0).value
    new = activities.log_activity(
        store, "visit", deal_id=deal_id, occurred_at=T0 + timedelta(days=2)
    ).value
    before = last_seq(store)
    result = activities.delete_activity(store, new)
    assert_logged(store, before, result)
    assert deal_last_activity(store, deal_id) == T0
    assert get_contact(store, people["li"]).contact.last_activity_at == T0
    activities.delete_activity(store, old)
    assert deal_last_activity(store, deal_id) is None
    with pytest.raises(NotFoundError):
        activities.delete_activity(store, old)


def test_activities_are_append_only() -> None:
    assert not any(name.startswith("update_") for name in dir(activities))


def test_timeline_contact_company_deal(store: Store, people: dict[str, str]) -> None:
    pipelines.ensure_default_pipeline(store)
    zhang, li = people["zhang"], people["li"]
    call = activities.log_call(store, zhang, "outbound", "connected", started_at=T0).value
    visit = activities.log_activity(
        store, "visit", contact_id=li, occurred_at=T0 + timedelta(hours=1)
    ).value
    activities.log_activity(store, "note", contact_id=people["loner"], occurred_at=T0)
    task = tasks.create_task(
        store, {"title": "Quote", "contact_id": zhang, "due_at": T0 + timedelta(days=1)}
    ).value
    deal_id = deals.create_deal(store, {"title": "Phones", "contact_id": li}).value  # now: newest

    items = activities.timeline(store, contact_id=zhang)
    assert [(i.source, i.id) for i in items] == [("task", task), ("activity", call.activity_id)]
    assert items[1].kind == "call" and items[1].direction == "outbound"
    assert items[1].at == T0

    items = activities.timeline(store, company_id=people["company"])
    assert [(i.source, i.kind) for i in items] == [
        ("deal", "created"),
        ("task", "task"),
        ("activity", "visit"),
        ("activity", "call"),
    ]
    assert items[0].id == deal_id and items[0].stage_name == "Lead"
    assert items[2].id == visit
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)

    assert len(activities.timeline(store, company_id=people["company"], limit=2)) == 2
    deals.win_deal(store, deal_id)
    assert [i.kind for i in activities.timeline(store, deal_id=deal_id)] == ["won", "created"]


def test_timeline_needs_exactly_one_record(store: Store) -> None:
    with pytest.raises(ValidationError):
        activities.timeline(store)
    with pytest.raises(ValidationError):
        activities.timeline(store, contact_id="a", deal_id="b")


def test_list_activities_pages_newest_first_with_filters(
    store: Store, people: dict[str, str]
) -> None:
    zhang, li = people["zhang"], people["li"]
    outcomes = ["connected", "no_answer", "busy", "connected", "voicemail"]
    calls = [
        activities.log_call(
            store, zhang, "outbound", o, started_at=T0 + timedelta(hours=i), duration_s=60 * i
        ).value.activity_id
        for i, o in enumerate(outcomes)
    ]
    # Two visits at the same moment: ties are broken by id, none lost between pages.
    tied = [
        activities.log_activity(
            store, "visit", contact_id=li, occurred_at=T0 + timedelta(hours=2)
        ).value
        for _ in range(2)
    ]
    everything = activities.list_activities(store)
    assert len(everything) == 7
    assert [r.key for r in everything] == sorted((r.key for r in everything), reverse=True)
    assert everything[0].id == calls[4] and everything[0].contact_name == "张三"

    paged, before = [], None
    while page := activities.list_activities(store, before=before, limit=2):
        paged += page
        before = page[-1].key
    assert [r.id for r in paged] == [r.id for r in everything]

    visits = activities.list_activities(store, kind="visit")
    assert sorted(r.id for r in visits) == sorted(tied) and visits[0].contact_name == "李四"
    connected = activities.list_activities(store, outcome="connected")
    assert [r.id for r in connected] == [calls[3], calls[0]]
    assert activities.list_activities(store, kind="visit", outcome="connected") == []
    window = activities.list_activities(
        store, since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=3)
    )
    assert {r.id for r in window} == {calls[1], calls[2], *tied}
    with pytest.raises(ValidationError):
        activities.list_activities(store, outcome="maybe")


def test_list_activities_walks_the_kind_time_index(store: Store) -> None:
    table = table_of(Activity)
    conditions = _list_conditions(None, None, (T0, "x"), None)
    query = (
        select(table)
        .where(table.c.kind == "call", *conditions)
        .order_by(table.c.occurred_at.desc(), table.c.id.desc())
        .limit(200)
    )
    with store.read() as conn:
        compiled = query.compile(conn)
        params = tuple(compiled.construct_params()[k] for k in compiled.positiontup or ())
        params = tuple(p.isoformat(" ") if isinstance(p, datetime) else p for p in params)
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert "ix_activity_kind_time" in details and "SCAN activity" not in details
