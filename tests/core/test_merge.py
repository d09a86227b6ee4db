"""Merging contacts: children and tags kept, fields picked, a redirect recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_desktop.domain.models import Activity, Deal, MergeRedirect, Task
from crm_desktop.errors import NotFoundError, ValidationError
from crm_desktop.services import custom_fields, deals, pipelines
from crm_desktop.services.activities import log_activity
from crm_desktop.services.contacts import create_contact, get_contact
from crm_desktop.services.merge import (
    OTHER,
    SURVIVOR,
    merge_contacts,
    plan_merge,
    resolve,
)
from crm_desktop.services.tasks import create_task
from crm_desktop.store.engine import Store


def _pair(store: Store) -> tuple[str, str]:
    a = create_contact(
        store,
        {
            "name": "张伟",
            "title": "经理",
            "phones": ["13812345678"],
            "tags": ["vip"],
            "notes": "met at fair",
        },
        company_name="华为技术有限公司",
    ).value
    b = create_contact(
        store,
        {
            "name": "Zhang Wei",
            "title": "Sales Director",
            "phones": ["+86 139 1234 5678", "138 1234 5678"],
            "emails": ["zw@huawei.example"],
            "tags": ["lead", "vip"],
            "address": "北京",
            "notes": "prefers WeChat",
        },
    ).value
    return a, b


def _children(store: Store, contact_id: str) -> dict[str, int]:
    with store.read() as conn:
        return {
            m.__tablename__: len(conn.execute(select(m.id).where(m.contact_id == contact_id)).all())
            for m in (Activity, Task, Deal)
        }


def test_plan_defaults_keep_survivor_fill_gaps_unite_lists(store: Store) -> None:
    a, b = _pair(store)
    plan = plan_merge(store, a, b)
    d = plan.defaults
    assert d["name"] == "张伟" and d["title"] == "经理" and d["address"] == "北京"
    assert [p["number"] for p in d["phones"]] == ["+8613812345678", "+8613912345678"]
    assert d["tags"] == ["vip", "lead"]
    assert d["notes"] == "met at fair\n\nprefers WeChat"
    assert {"name", "title", "phones", "emails", "address", "company_id"} <= set(plan.differing)


def test_merge_keeps_every_child_and_tag_and_records_redirect(store: Store) -> None:
    a, b = _pair(store)
    pipelines.create_pipeline(store, "Sales", [{"name": "Lead"}, {"name": "Won", "is_won": True}])
    log_activity(store, "note", contact_id=a, subject="a's note")
    log_activity(store, "meeting", contact_id=b, subject="b's meeting")
    log_activity(store, "note", contact_id=b, subject="b's note")
    create_task(store, {"title": "call b", "contact_id": b})
    deals.create_deal(store, {"title": "b's deal", "contact_id": b})
    result = merge_contacts(store, a, b, {"title": OTHER, "notes": "edited by hand"})
    assert result.value.moved == {"activity": 2, "task": 1, "deal": 1}
    assert _children(store, a) == {"activity": 3, "task": 1, "deal": 1}
    merged = get_contact(store, a).contact
    assert merged.title == "Sales Director" and merged.notes == "edited by hand"
    assert merged.tags == ["vip", "lead"] and merged.address == "北京"
    assert len(merged.emails) == 1 and len(merged.phones) == 2
    with pytest.raises(NotFoundError):
        get_contact(store, b)
    assert resolve(store, b) == a and resolve(store, a) == a
    with store.read() as conn:
        redirect = conn.execute(select(MergeRedirect)).mappings().one()
    assert (redirect["id"], redirect["survivor_id"], redirect["entity"]) == (b, a, "contact")
    assert {"contact", "activity", "task", "deal", "merge_redirect"} <= result.changes.entities()
    assert b in result.changes.deleted["contact"]


def test_field_picks_survivor_other_and_custom(store: Store) -> None:
    custom_fields.define_field(store, "contact", "wechat", "WeChat", "text")
    a = create_contact(store, {"name": "A", "title": "T-a"}, custom={"wechat": "wx-a"}).value
    b = create_contact(store, {"name": "B", "title": "T-b"}, custom={"wechat": "wx-b"}).value
    plan = plan_merge(store, a, b)
    key = next(k for k in plan.defaults if k.startswith("cf:"))
    assert plan.defaults[key] == "wx-a"
    merge_contacts(store, a, b, {"name": OTHER, "title": SURVIVOR, key: OTHER, "tags": []})
    detail = get_contact(store, a)
    assert (detail.contact.name, detail.contact.title) == ("B", "T-a")
    assert detail.custom == {"wechat": "wx-b"}


def test_chains_flatten(store: Store) -> None:
    a, b, c = (create_contact(store, {"name": n}).value for n in "ABC")
    merge_contacts(store, b, c)
    merge_contacts(store, a, b)
    assert resolve(store, c) == a
    with store.read() as conn:
        rows = dict(conn.execute(select(MergeRedirect.id, MergeRedirect.survivor_id)).all())
    assert rows == {b: a, c: a}


def test_bad_merges_change_nothing(store: Store) -> None:
    a, b = _pair(store)
    with pytest.raises(ValidationError):
        merge_contacts(store, a, a)
    with pytest.raises(NotFoundError):
        merge_contacts(store, a, "no-such-id")
    with pytest.raises(ValidationError):
        merge_contacts(store, a, b, {"emails": ["not an email"]})
    with pytest.raises(ValidationError):
        merge_contacts(store, a, b, {"shoe_size": 42})
    assert get_contact(store, b).contact.name == "Zhang Wei"
    assert resolve(store, b) == b


def test_merge_moves_every_kind_of_record_pointing_at_the_contact(store: Store) -> None:
    """Found from the schema: e.g. consent records (data rights) move too."""
    from crm_desktop.services import consent

    a, b = _pair(store)
    consent.record_consent(store, b, "marketing_email", "given", source="web form")
    result = merge_contacts(store, a, b)
    assert result.value.moved.get("consent") == 1
    assert [c.source for c in consent.consent_history(store, a)] == ["web form"]
