"""Merging contacts: children and tags kept, fields picked, a redirect recorded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_desktop.domain.models import Activity, Contact, Deal, MergeRedirect, Task
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
    unmerge,
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


# -- undo ------------------------------------------------------------------------------------
def _snapshot(store: Store, contact_id: str) -> dict[str, object]:
    """Every stored field of a contact, its custom values and its records' ids."""
    from crm_desktop.services.custom_fields import raw_custom_values
    from crm_desktop.store.changes import table_of

    with store.read() as conn:
        table = table_of(Contact)
        row = dict(conn.execute(select(table).where(table.c.id == contact_id)).mappings().one())
        row.pop("updated_at")
        row["custom"] = raw_custom_values(conn, contact_id)
        for model in (Activity, Task, Deal):
            ids = conn.execute(select(model.id).where(model.contact_id == contact_id)).scalars()
            row[model.__tablename__] = sorted(ids)
    return row


def _redirects(store: Store) -> dict[str, str]:
    with store.read() as conn:
        return dict(conn.execute(select(MergeRedirect.id, MergeRedirect.survivor_id)).all())


def _tombstoned(store: Store, entity: str, record_id: str) -> bool:
    with store.read() as conn:
        return (
            conn.exec_driver_sql(
                "SELECT 1 FROM tombstone WHERE entity = ? AND record_id = ?", (entity, record_id)
            ).first()
            is not None
        )


def _outbox(store: Store) -> list[tuple[str, str, str]]:
    with store.read() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT entity, record_id, op FROM change_log ORDER BY hlc"
            ).all()
        ]


def test_unmerge_restores_both_contacts_and_exactly_the_moved_records(store: Store) -> None:
    custom_fields.define_field(store, "contact", "wechat", "WeChat", "text")
    a, b = _pair(store)
    from crm_desktop.services.contacts import update_contact

    update_contact(store, b, {}, {"wechat": "wx-b"})
    pipelines.create_pipeline(store, "Sales", [{"name": "Lead"}, {"name": "Won", "is_won": True}])
    log_activity(store, "note", contact_id=a, subject="a's note")
    log_activity(store, "meeting", contact_id=b, subject="b's meeting")
    create_task(store, {"title": "call b", "contact_id": b})
    deals.create_deal(store, {"title": "b's deal", "contact_id": b})
    before_a, before_b = _snapshot(store, a), _snapshot(store, b)
    outcome = merge_contacts(store, a, b, {"title": OTHER, "notes": "edited"}).value
    result = unmerge(store, outcome)
    assert result.value == b
    assert _snapshot(store, a) == before_a
    assert _snapshot(store, b) == before_b
    assert get_contact(store, b).custom == {"wechat": "wx-b"}
    assert _redirects(store) == {} and resolve(store, b) == b
    assert not _tombstoned(store, "contact", b) and _tombstoned(store, "merge_redirect", b)
    assert {"contact", "activity", "task", "deal", "merge_redirect"} <= result.changes.entities()
    assert b in result.changes.deleted["merge_redirect"]


def test_unmerge_syncs_the_redirect_delete_before_the_restore(store: Store) -> None:
    """The server stops redirecting at the delete: the restore after it must not be sent on."""
    a, b = _pair(store)
    outcome = merge_contacts(store, a, b).value
    with store.write() as tx:  # as if pushed and acknowledged
        tx.conn.exec_driver_sql("DELETE FROM change_log")
    unmerge(store, outcome)
    ops = _outbox(store)
    assert ops.index(("merge_redirect", b, "delete")) < ops.index(("contact", b, "restore"))


def test_unmerge_keeps_edits_made_since_and_records_moved_elsewhere(store: Store) -> None:
    from crm_desktop.services.contacts import update_contact
    from crm_desktop.services.tasks import update_task

    a, b = _pair(store)
    c = create_contact(store, {"name": "C"}).value
    t1 = create_task(store, {"title": "t1", "contact_id": b}).value
    t2 = create_task(store, {"title": "t2", "contact_id": b}).value
    mine = create_task(store, {"title": "a's own", "contact_id": a}).value
    outcome = merge_contacts(store, a, b, {"title": OTHER}).value
    update_contact(store, a, {"address": "上海"})  # edited after the merge: kept
    update_task(store, t2, {"contact_id": c})  # moved on by hand: stays with C
    t3 = create_task(store, {"title": "new on the survivor", "contact_id": a}).value
    unmerge(store, outcome)
    survivor = get_contact(store, a).contact
    assert survivor.address == "上海" and survivor.title == "经理"
    with store.read() as conn:
        owners = dict(conn.execute(select(Task.id, Task.contact_id)).all())
    assert owners == {t1: b, t2: c, mine: a, t3: a}


def test_redo_after_undo_merges_again_and_syncs_as_a_restore(store: Store) -> None:
    a, b = _pair(store)
    log_activity(store, "note", contact_id=b, subject="b's note")
    first = merge_contacts(store, a, b, {"title": OTHER}).value
    unmerge(store, first)
    again = merge_contacts(store, a, b, first.picks).value
    assert again.moved == first.moved and get_contact(store, a).contact.title == "Sales Director"
    assert _redirects(store) == {b: a}
    assert ("merge_redirect", b, "restore") in _outbox(store)  # not an upsert of a tombstone
    unmerge(store, again)
    assert _redirects(store) == {} and get_contact(store, b).contact.name == "Zhang Wei"


def test_unmerge_of_a_chain_points_the_older_redirect_back(store: Store) -> None:
    a, b, c = (create_contact(store, {"name": n}).value for n in "ABC")
    merge_contacts(store, b, c)
    outcome = merge_contacts(store, a, b).value
    assert _redirects(store) == {b: a, c: a}
    unmerge(store, outcome)
    assert _redirects(store) == {c: b}
    assert resolve(store, c) == b


def test_unmerge_refuses_when_the_survivor_is_gone_and_writes_nothing(store: Store) -> None:
    from crm_desktop.errors import ConflictingStateError
    from crm_desktop.services.contacts import delete_contact

    a, b = _pair(store)
    outcome = merge_contacts(store, a, b).value
    delete_contact(store, a)
    with pytest.raises(ConflictingStateError) as caught:
        unmerge(store, outcome)
    assert caught.value.code == "merge.survivor_gone"
    assert _redirects(store) == {b: a}
    with pytest.raises(NotFoundError):
        get_contact(store, b)


def test_unmerge_drops_a_link_to_a_company_deleted_since(store: Store) -> None:
    from crm_desktop.services.companies import delete_company

    a = create_contact(store, {"name": "A"}).value
    b = create_contact(store, {"name": "B"}, company_name="Gone Ltd").value
    company = get_contact(store, b).contact.company_id
    outcome = merge_contacts(store, a, b, {"company_id": SURVIVOR}).value
    delete_company(store, company)
    unmerge(store, outcome)
    assert get_contact(store, b).contact.company_id is None


# -- companies -------------------------------------------------------------------------------
def _company_pair(store: Store) -> tuple[str, str]:
    from crm_desktop.services.companies import create_company

    x = create_company(
        store, {"name": "华为技术有限公司", "city": "深圳", "tags": ["key"], "notes": "HQ"}
    ).value
    y = create_company(
        store,
        {"name": "华为技术", "website": "https://huawei.example", "tags": ["telecom", "key"]},
    ).value
    return x, y


def test_company_merge_moves_everything_unites_tags_and_records_redirect(store: Store) -> None:
    from crm_desktop.services.companies import get_company
    from crm_desktop.services.company_merge import merge_companies, plan_company_merge

    x, y = _company_pair(store)
    pipelines.create_pipeline(store, "Sales", [{"name": "Lead"}, {"name": "Won", "is_won": True}])
    wang = create_contact(store, {"name": "王芳", "company_id": y}).value
    deals.create_deal(store, {"title": "5G", "company_id": y})
    log_activity(store, "note", company_id=y, subject="y's note")
    create_task(store, {"title": "visit y", "company_id": y})
    plan = plan_company_merge(store, x, y)
    assert plan.defaults["tags"] == ["key", "telecom"]
    assert plan.defaults["website"] == "https://huawei.example"
    assert {"name", "city", "website"} <= set(plan.differing)
    outcome = merge_companies(store, x, y, {"name": OTHER}).value
    assert outcome.moved == {"contact": 1, "deal": 1, "activity": 1, "task": 1}
    kept = get_company(store, x)
    assert (kept.name, kept.city, kept.tags) == ("华为技术", "深圳", ["key", "telecom"])
    assert get_contact(store, wang).contact.company_id == x
    with pytest.raises(NotFoundError):
        get_company(store, y)
    assert resolve(store, y) == x
    with store.read() as conn:
        entity = conn.execute(select(MergeRedirect.entity)).scalar_one()
    assert entity == "company"


def test_company_merge_undo_and_bad_merges(store: Store) -> None:
    from crm_desktop.services.companies import get_company
    from crm_desktop.services.company_merge import merge_companies

    custom_fields.define_field(store, "company", "tax_id", "Tax id", "text")
    x, y = _company_pair(store)
    from crm_desktop.services.companies import update_company

    update_company(store, y, {}, {"tax_id": "91440300"})
    wang = create_contact(store, {"name": "王芳", "company_id": y}).value
    before_x, before_y = get_company(store, x), get_company(store, y)
    with pytest.raises(ValidationError):
        merge_companies(store, x, x)
    with pytest.raises(ValidationError):
        merge_companies(store, x, y, {"email": "not an email"})
    with pytest.raises(NotFoundError):
        merge_companies(store, x, "no-such-company")
    outcome = merge_companies(store, x, y, {"name": OTHER})
    unmerge(store, outcome.value)
    after_x, after_y = get_company(store, x), get_company(store, y)
    assert after_x.model_dump(exclude={"updated_at"}) == before_x.model_dump(exclude={"updated_at"})
    assert after_y.model_dump(exclude={"updated_at"}) == before_y.model_dump(exclude={"updated_at"})
    assert get_contact(store, wang).contact.company_id == y
    from crm_desktop.services.custom_fields import custom_values_many

    assert custom_values_many(store, [y])[y] == {"tax_id": "91440300"}
    assert _redirects(store) == {}


def test_company_duplicates_same_name_without_legal_suffix(store: Store) -> None:
    from crm_desktop.services.companies import create_company
    from crm_desktop.services.duplicates import find_company_duplicates

    hw1 = create_company(store, {"name": "华为技术有限公司"}).value
    hw2 = create_company(store, {"name": "华为技术"}).value
    acme = [create_company(store, {"name": n}).value for n in ("Acme Ltd", "ACME, Inc.", "acme")]
    create_company(store, {"name": "Acme Robotics Ltd"})  # another company
    create_company(store, {"name": "有限公司"})  # mostly a suffix: pairs with nothing
    result = find_company_duplicates(store)
    assert result.companies == 7
    pairs = {frozenset((p.a, p.b)) for p in result.pairs}
    assert pairs == {
        frozenset((hw1, hw2)),
        frozenset(acme[:2]),
        frozenset(acme[1:]),
        frozenset((acme[0], acme[2])),
    }
    assert all(p.reasons == ["company_name"] for p in result.pairs)
