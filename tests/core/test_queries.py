import pytest
from sqlalchemy import text

from crm_desktop.errors import ValidationError
from crm_desktop.services import companies, contacts
from crm_desktop.services.queries import ANCHOR_STEP, ContactFilter, ContactQuery, list_contacts


@pytest.fixture
def filled(store):
    acme = companies.create_company(store, {"name": "Acme"}).value
    rows = [
        {
            "name": f"Person {i:05d}",
            "owner": "amy" if i % 2 else "bob",
            "tags": ["vip"] if i % 5 == 0 else [],
            "company_id": acme if i % 7 == 0 else None,
        }
        for i in range(2 * ANCHOR_STEP + 345)
    ]
    contacts.create_contacts(store, rows)
    return store, acme


def test_keyset_pages_walk_the_whole_list_in_order(filled):
    store, _ = filled
    query = ContactQuery(store)
    names, key = [], None
    while True:
        page = query.page_after(key, 500)
        names += [r.name for r in page.rows]
        if page.next_key is None:
            break
        key = page.next_key
    assert names == sorted(names)
    assert len(names) == query.count() == 2 * ANCHOR_STEP + 345


def test_page_at_any_offset_matches_keyset_order(filled):
    store, _ = filled
    query = ContactQuery(store, descending=True)
    every = [r.id for r in query.page_after(None, 1000).rows]
    assert len(every) == 2 * ANCHOR_STEP + 345
    step = ANCHOR_STEP
    for offset in (0, 1, step - 1, step, step + 1, 2 * step + 7, 2 * step + 340):
        assert [r.id for r in query.page_at(offset, 7)] == every[offset : offset + 7]
    assert [r.name for r in query.page_at(2 * ANCHOR_STEP + 340, 10)] == [
        f"Person {i:05d}" for i in (4, 3, 2, 1, 0)
    ]
    assert query.page_at(10**6, 10) == []


def test_filters_combine(filled):
    store, acme = filled
    q = ContactQuery(store, filters=ContactFilter(tag="vip", owner="bob"))
    rows = q.page_after(None, 1000).rows
    assert rows and all(r.owner == "bob" and "vip" in r.tags for r in rows)
    assert q.count() == len([i for i in range(2 * ANCHOR_STEP + 345) if i % 10 == 0])
    page = list_contacts(store, company_id=acme, limit=5)
    assert all(r.company_name == "Acme" for r in page.rows)


def test_unknown_sort_is_a_validation_error(store):
    with pytest.raises(ValidationError):
        ContactQuery(store, sort="shoe_size")


def test_page_queries_use_indexes(filled):
    store, _ = filled
    with store.read() as conn:
        plan = " ".join(
            str(r[-1])
            for r in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT c.id FROM contact c "
                    "WHERE (c.name_sort, c.id) > ('m', '') ORDER BY c.name_sort, c.id LIMIT 100"
                )
            )
        )
        owner_plan = " ".join(
            str(r[-1])
            for r in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT c.id FROM contact c WHERE c.owner = 'amy' "
                    "ORDER BY c.name_sort, c.id LIMIT 100"
                )
            )
        )
    assert "ix_contact_sort" in plan and "TEMP B-TREE" not in plan
    assert "ix_contact_owner_sort" in owner_plan and "TEMP B-TREE" not in owner_plan
