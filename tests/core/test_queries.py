import pytest
from sqlalchemy import text

from crm_desktop.errors import ValidationError
from crm_desktop.services import companies, contacts
from crm_desktop.services.queries import (
    ANCHOR_STEP,
    ContactFilter,
    ContactQuery,
    list_contacts,
    stored_custom_value,
)


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


@pytest.fixture
def custom(store):
    from crm_desktop.services import custom_fields

    level = custom_fields.define_field(
        store, "contact", "level", "Level", "choice", options=["gold", "silver", "金"]
    ).value
    note = custom_fields.define_field(store, "contact", "note", "Note", "text").value
    score = custom_fields.define_field(store, "contact", "score", "Score", "number").value
    since = custom_fields.define_field(store, "contact", "since", "Since", "date").value
    levels = ["gold", "silver", "金", None]
    for i in range(2 * ANCHOR_STEP + 40):
        values = {
            "level": levels[i % 4],
            "note": "hello" if i % 3 == 0 else "other",
            "score": i % 5,
            "since": "2024-01-02" if i % 6 == 0 else None,
        }
        contacts.create_contact(
            store,
            {"name": f"P {i:05d}", "owner": "amy" if i % 2 else "bob", "tags": ["vip"] * (i % 2)},
            values,
        )
    return store, {"level": level, "note": note, "score": score, "since": since}


def _all_rows(query):
    rows, key = [], None
    while True:
        page = query.page_after(key, 97)
        rows += page.rows
        if page.next_key is None:
            return rows
        key = page.next_key


def test_values_are_matched_as_the_store_encodes_them(custom):
    store, ids = custom
    with store.read() as conn:
        stored = dict(
            conn.execute(
                text(
                    "SELECT field_id, value FROM custom_value WHERE record_id = ("
                    "SELECT id FROM contact WHERE name = 'P 00002')"
                )
            ).all()
        )
    assert stored[ids["level"]] == '"金"'
    assert stored[ids["note"]] == '"other"'
    # JSON columns have NUMERIC affinity: '2' is kept as the integer 2, and the bound
    # text '2' a filter compares it with gets the same affinity (so it matches).
    assert stored[ids["score"]] == 2
    assert stored_custom_value(2) == "2" and stored_custom_value("金") == '"金"'


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("level", "gold", lambda i: i % 4 == 0),
        ("level", "金", lambda i: i % 4 == 2),
        ("note", "hello", lambda i: i % 3 == 0),
        ("score", 3, lambda i: i % 5 == 3),
        ("since", "2024-01-02", lambda i: i % 6 == 0),
    ],
)
def test_filter_by_custom_value_pages_and_counts_agree(custom, key, value, expected):
    store, ids = custom
    query = ContactQuery(store, filters=ContactFilter(custom_field_id=ids[key], custom_value=value))
    wanted = [f"P {i:05d}" for i in range(2 * ANCHOR_STEP + 40) if expected(i)]
    rows = _all_rows(query)
    assert [r.name for r in rows] == wanted
    assert query.count() == len(wanted)
    for offset in (0, 1, len(wanted) // 2, len(wanted) - 1):
        assert [r.name for r in query.page_at(offset, 3)] == wanted[offset : offset + 3]
    assert query.index_of(rows[-1].id) == len(wanted) - 1


def test_custom_filter_combines_with_tag_and_owner(custom):
    store, ids = custom
    filters = ContactFilter(
        tag="vip", owner="amy", custom_field_id=ids["note"], custom_value="hello"
    )
    query = ContactQuery(store, sort="updated", descending=True, filters=filters)
    rows = _all_rows(query)
    wanted = {f"P {i:05d}" for i in range(2 * ANCHOR_STEP + 40) if i % 2 and i % 3 == 0}
    assert {r.name for r in rows} == wanted
    assert query.count() == len(wanted) == len(rows)
    assert all(r.owner == "amy" and r.tags == ["vip"] for r in rows)
    assert hash(filters) == hash(ContactFilter(**vars(filters)))
    none = ContactFilter(owner="bob", custom_field_id=ids["level"], custom_value="silver")
    assert ContactQuery(store, filters=none).count() == 0  # silver rows are all amy's
    assert ContactQuery(store, filters=ContactFilter(custom_field_id=ids["level"])).count() == (
        ContactQuery(store).count()
    )
