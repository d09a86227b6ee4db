"""Tasks: create/edit/complete/reopen/delete, due lists by local day, reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from crm_desktop.errors import NotFoundError, ValidationError
from crm_desktop.services import deals, pipelines, tasks
from crm_desktop.services.companies import create_company
from crm_desktop.services.contacts import create_contact
from crm_desktop.store.engine import Store
from tests.changelog_replay import assert_logged, last_seq

BEIJING = timezone(timedelta(hours=8))
# 2026-03-02 10:00 in Beijing = 02:00 UTC: the UTC day and the local day agree,
# but 07:00 Beijing on the 2nd is still the 1st in UTC.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=BEIJING)


def new_task(store: Store, title: str, **values: Any) -> str:
    return tasks.create_task(store, {"title": title, **values}).value


def test_create_task_links(store: Store) -> None:
    company = create_company(store, {"name": "ACME"}).value
    contact = create_contact(store, {"name": "Li", "company_id": company}).value
    pipelines.ensure_default_pipeline(store)
    deal = deals.create_deal(store, {"title": "D"}).value
    before = last_seq(store)
    result = tasks.create_task(
        store,
        {
            "title": "Call back",
            "due_at": "2026-03-02T15:00:00+08:00",
            "remind_at": local(2, 14),
            "contact_id": contact,
            "deal_id": deal,
        },
    )
    assert_logged(store, before, result)
    [task] = tasks.open_tasks_for(store, deal_id=deal)
    assert task.company_id == company  # from the contact
    assert task.due_at == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert task.remind_at == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert task.owner and not task.done
    assert [t.id for t in tasks.open_tasks_for(store, company_id=company)] == [result.value]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "T", "due_at": "soon"}, "due_at"),
        ({"title": "T", "remind_at": "later"}, "remind_at"),
        ({"title": "T", "contact_id": "missing"}, "contact_id"),
        ({"title": "T", "company_id": "missing"}, "company_id"),
        ({"title": "T", "deal_id": "missing"}, "deal_id"),
        ({"title": "T", "done": True}, "done"),
    ],
)
def test_create_task_rejects(store: Store, values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        tasks.create_task(store, values)
    assert err.value.field == field
    assert last_seq(store) == 0


def test_update_complete_reopen_delete(store: Store) -> None:
    task_id = new_task(store, "Write quote", due_at=local(2, 9))
    before = last_seq(store)
    result = tasks.update_task(store, task_id, {"title": "Write the quote", "notes": "v2"})
    assert_logged(store, before, result)
    assert result.value == {"title": "Write quote", "notes": None}

    before = last_seq(store)
    result = tasks.complete_task(store, task_id)
    assert_logged(store, before, result)
    with pytest.raises(ValidationError):
        tasks.open_tasks_for(store)
    with store.read() as conn:
        done, done_at = conn.exec_driver_sql(
            "SELECT done, done_at FROM task WHERE id = ?", (task_id,)
        ).one()
    assert done and done_at
    again = tasks.complete_task(store, task_id)  # idempotent
    assert not again.changes and again.value == {}

    before = last_seq(store)
    result = tasks.reopen_task(store, task_id)
    assert_logged(store, before, result)
    assert result.value["done"] is True and result.value["done_at"] is not None
    before = last_seq(store)
    result = tasks.delete_task(store, task_id)
    assert_logged(store, before, result)
    for operation in (tasks.complete_task, tasks.delete_task):
        with pytest.raises(NotFoundError):
            operation(store, task_id)
    with pytest.raises(NotFoundError):
        tasks.update_task(store, task_id, {"title": "x"})


def test_due_lists_partition_by_local_day(store: Store) -> None:
    ids = {
        "last_week": new_task(store, "a", due_at=local(2, 9) - timedelta(days=7)),
        "yesterday": new_task(store, "b", due_at=local(1, 23)),
        "early_today": new_task(store, "c", due_at=local(2, 7)),  # still March 1st in UTC
        "late_today": new_task(store, "d", due_at=local(2, 23)),
        "tomorrow": new_task(store, "e", due_at=local(3, 0)),
        "in_week": new_task(store, "f", due_at=local(9, 8)),
        "far": new_task(store, "g", due_at=local(20, 8)),
        "undated": new_task(store, "h"),
    }
    done = new_task(store, "i", due_at=local(2, 12))
    tasks.complete_task(store, done)

    def listed(found: list[Any]) -> list[str]:
        by_id = {v: k for k, v in ids.items()}
        return [by_id[t.id] for t in found]

    assert listed(tasks.overdue(store, NOW)) == ["last_week", "yesterday"]
    assert listed(tasks.due_today(store, NOW)) == ["early_today", "late_today"]
    assert listed(tasks.upcoming(store, 7, NOW)) == ["tomorrow", "in_week"]
    assert listed(tasks.upcoming(store, 30, NOW)) == ["tomorrow", "in_week", "far"]
    with pytest.raises(ValidationError):
        tasks.upcoming(store, 0, NOW)


def test_due_lists_owner_filter(store: Store) -> None:
    mine = new_task(store, "mine", due_at=local(2, 11), owner="wang")
    new_task(store, "theirs", due_at=local(2, 11), owner="li")
    assert [t.id for t in tasks.due_today(store, NOW, owner="wang")] == [mine]


def test_open_tasks_for_orders_undated_last(store: Store) -> None:
    contact = create_contact(store, {"name": "Li"}).value
    undated = new_task(store, "u", contact_id=contact)
    later = new_task(store, "l", contact_id=contact, due_at=local(5, 9))
    sooner = new_task(store, "s", contact_id=contact, due_at=local(3, 9))
    tasks.complete_task(store, new_task(store, "x", contact_id=contact))
    found = tasks.open_tasks_for(store, contact_id=contact)
    assert [t.id for t in found] == [sooner, later, undated]


def test_due_reminders(store: Store) -> None:
    past = new_task(store, "past", remind_at=local(2, 9))
    just_now = new_task(store, "now", remind_at=NOW)
    new_task(store, "future", remind_at=local(2, 11))
    new_task(store, "none")
    tasks.complete_task(store, new_task(store, "done", remind_at=local(2, 8)))
    assert [t.id for t in tasks.due_reminders(store, NOW)] == [past, just_now]
    # Polling: only reminders that came due since the last poll.
    assert [t.id for t in tasks.due_reminders(store, NOW, since=local(2, 9))] == [just_now]


def test_contact_names_of_a_task_list(store: Store) -> None:
    zhang = create_contact(store, {"name": "张三"}).value
    li = create_contact(store, {"name": "李四"}).value
    for values in ({"contact_id": zhang}, {"contact_id": zhang}, {"contact_id": li}, {}):
        tasks.create_task(store, {"title": "T", "due_at": NOW, **values})
    listed = tasks.due_today(store, NOW)
    assert len(listed) == 4
    assert tasks.contact_names(store, listed) == {zhang: "张三", li: "李四"}
    assert tasks.contact_names(store, []) == {}
