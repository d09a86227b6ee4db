"""Full-text search of contacts and companies, on a real encrypted store."""

from __future__ import annotations

from typing import Any

import pytest

from crm_desktop.domain.models import Company, Contact
from crm_desktop.services import search as search_service
from crm_desktop.services.search import (
    TIER_EXACT,
    TIER_NAME,
    TIER_OTHER,
    TIER_PREFIX,
    SearchHit,
    search,
)
from crm_desktop.store.search_index import rebuild_search_index, rowid_range
from crm_desktop.store.search_text import (
    NAME_MARK,
    START_MARK,
    match_expression,
    parse_query,
    phone_tokens,
)

HOSTILE_QUERIES = [
    '"',
    '""',
    "'",
    '"unterminated',
    'a"b',
    "(",
    ")",
    "(()",
    "a) OR (b",
    "AND",
    "OR",
    "NOT",
    "a AND",
    "OR b",
    "NOT x",
    "NEAR",
    "NEAR(a b, 2)",
    "NEAR/3",
    "*",
    "a*",
    "*a",
    "**",
    "^",
    "^a",
    "a^b",
    ":",
    "name:",
    "name : x",
    "{name alt}: x",
    "{",
    "}",
    "-",
    "-x",
    "x-",
    "--",
    "+",
    "+ +",
    "a + b",
    "\\",
    "\x00",
    "a\x00b",
    "\ud800",
    "%",
    "_",
    "'; DROP TABLE contact; --",
    '张"伟',
    "（张伟）",
    "    ",
    "\t\n",
    "🙂",
    "🙂 zoe",
    "x" * 5000,
    " ".join(["a"] * 200),
    "rowid",
    "rank",
    "bm25(search_fts)",
    "search_fts",
    "0",
    "000",
    "+",
    "()-+",
    '^*:-"(',
]


def add_company(store, **values: Any) -> str:
    with store.write() as tx:
        return tx.insert(Company, values)


def add_contact(store, **values: Any) -> str:
    with store.write() as tx:
        return tx.insert(Contact, values)


def ids(hits: list[SearchHit]) -> list[str]:
    return [hit.record_id for hit in hits]


def found(store, query: str, record_id: str, **kwargs: Any) -> bool:
    return record_id in ids(search(store, query, **kwargs))


# -- names ---------------------------------------------------------------------
def test_latin_names_match_by_prefix_regardless_of_case_and_accents(store):
    zoe = add_contact(store, name="Zoë Lefèvre")
    add_contact(store, name="Zack Miller")
    for query in ("zoe", "Zo", "ZOË", "lef", "LEFEVRE", "lefèvre", "zoe lef", "lef zo"):
        assert found(store, query, zoe), query
    assert not found(store, "lefx", zoe)
    assert not found(store, "oe", zoe)  # prefixes of words, not infixes


def test_chinese_names_match_by_substrings_of_one_two_and_three_characters(store):
    zwm = add_contact(store, name="张伟明")
    other = add_contact(store, name="李明")
    for query in ("张", "伟", "明", "张伟", "伟明", "张伟明"):
        assert found(store, query, zwm), query
    assert set(ids(search(store, "明"))) == {other, zwm}
    assert not found(store, "明伟", zwm)
    assert not found(store, "张明", zwm)  # a phrase: characters must be adjacent


def test_chinese_names_match_by_pinyin_and_initials(store):
    zw = add_contact(store, name="张伟")
    lv = add_contact(store, name="吕小明")
    for query in ("zhangwei", "zhang wei", "zw", "zhang", "zhangw", "wei", "Zhang Wei"):
        assert found(store, query, zw), query
    for query in ("lvxiaoming", "luxiaoming", "xiaoming", "lxm"):
        assert found(store, query, lv), query
    assert not found(store, "zhangweiming", zw)


def test_multi_word_latin_names_match_by_initials_and_joined_words(store):
    obrien = add_contact(store, name="Seán O'Brien")
    assert found(store, "so", obrien)
    assert found(store, "obrien", obrien)
    assert found(store, "o'brien", obrien)
    assert found(store, "brien", obrien)


# -- other fields ----------------------------------------------------------------
def test_phones_match_by_international_national_and_last_digits(store):
    zw = add_contact(store, name="张伟", phones=[{"label": "mobile", "number": "+8613812345678"}])
    for query in (
        "+86 138-1234-5678",
        "13812345678",
        "5678",
        "138 1234",
        "8613812345678",
        "(138) 1234-5678",
        "0086 138 1234 5678",
    ):
        assert found(store, query, zw), query
    assert not found(store, "1234567", zw)


def test_landline_matches_with_trunk_prefix(store):
    office = add_contact(store, name="Office", phones=[{"label": "w", "number": "+861012345678"}])
    assert found(store, "010-1234-5678", office)
    assert found(store, "1012345678", office)


def test_phone_tokens():
    assert phone_tokens("+8613812345678") == ["8613812345678", "13812345678", "5678"]
    assert phone_tokens("+390612345678") == ["390612345678", "0612345678", "5678"]
    assert phone_tokens("+1 415-555-2671") == ["14155552671", "4155552671", "2671"]
    assert phone_tokens("5678") == ["5678"]
    assert phone_tokens("") == []


def test_emails_tags_address_and_notes_are_searchable(store):
    contact = add_contact(
        store,
        name="Ann Lee",
        title="采购经理",
        emails=[{"label": "work", "address": "ann.lee@example.com"}],
        tags=["VIP"],
        address="上海市浦东新区",
        notes="Prefers WeChat; 喜欢喝茶",
    )
    for query in (
        "ann.lee@example.com",
        "ann.lee@",
        "example.com",
        "example",
        "vip",
        "浦东",
        "采购",
        "wechat",
        "喝茶",
    ):
        assert found(store, query, contact), query


def test_contact_is_found_by_its_company_name_which_follows_renames(store):
    acme = add_company(store, name="Acme Trading", city="Shanghai")
    zw = add_contact(store, name="张伟", company_id=acme)
    other = add_contact(store, name="Bob")
    assert found(store, "acme", zw)
    assert not found(store, "acme", other)
    with store.write() as tx:
        tx.update(Company, acme, {"name": "Globex 环球"})
    assert not found(store, "acme", zw)
    assert found(store, "globex", zw)
    assert found(store, "环球", zw)
    [hit] = [h for h in search(store, "zhangwei") if h.record_id == zw]
    assert hit.detail == "Globex 环球"


def test_moving_a_contact_to_another_company_reindexes_it(store):
    acme = add_company(store, name="Acme")
    globex = add_company(store, name="Globex")
    bob = add_contact(store, name="Bob", company_id=acme)
    with store.write() as tx:
        tx.update(Contact, bob, {"company_id": globex})
    assert not found(store, "acme", bob)
    assert found(store, "globex", bob)


def test_bulk_insert_indexes_every_contact_with_its_company(store):
    with store.write() as tx:
        companies = tx.insert_many(Company, [{"name": f"Firm{i}"} for i in range(5)])
        people = tx.insert_many(
            Contact,
            [{"name": f"Person {i}", "company_id": companies[i % 5]} for i in range(200)],
        )
    hits = search(store, "firm3", limit=500, entity="contact")
    assert set(ids(hits)) == set(people[3::5])
    assert all(hit.detail == "Firm3" for hit in hits)


# -- ranking -------------------------------------------------------------------
def test_ranking_puts_exact_then_prefix_then_name_word_then_other(store):
    other = add_contact(store, name="Zhou Min", notes="lives near the lake")
    word = add_contact(store, name="Wang Li")
    prefix = add_contact(store, name="Lily Chen")
    exact = add_contact(store, name="LI")
    hits = search(store, "li")
    assert ids(hits) == [exact, prefix, word, other]
    assert [h.tier for h in hits] == [TIER_EXACT, TIER_PREFIX, TIER_NAME, TIER_OTHER]


def test_words_only_in_bodies_rank_below_name_words(store):
    tagged = add_contact(store, name="Ann", tags=["vip"], address="上海市朝阳路")
    named = add_contact(store, name="Vipul Shah", notes="朝阳")
    assert [(h.record_id, h.tier) for h in search(store, "vip")] == [
        (named, TIER_PREFIX),
        (tagged, TIER_OTHER),
    ]
    assert {h.record_id: h.tier for h in search(store, "朝阳")} == {
        named: TIER_OTHER,
        tagged: TIER_OTHER,
    }


def test_pinyin_of_the_name_start_ranks_as_a_prefix_match(store):
    zw = add_contact(store, name="张伟")
    noted = add_contact(store, name="Eve", notes="zhangwei's friend")
    hits = search(store, "zhangwei")
    assert ids(hits) == [zw, noted]
    assert hits[0].tier == TIER_PREFIX


def test_limit_is_applied_across_tiers(store):
    with store.write() as tx:
        tx.insert_many(Contact, [{"name": f"Common {i}", "notes": "common"} for i in range(120)])
    hits = search(store, "common", limit=50)
    assert len(hits) == 50
    assert len({h.record_id for h in hits}) == 50
    assert len(search(store, "common", limit=1000)) == 120
    assert search(store, "common", limit=0) == []


def test_entity_filter(store):
    acme = add_company(store, name="Acme", industry="Retail")
    bob = add_contact(store, name="Bob Acme-Fan", company_id=acme)
    assert set(ids(search(store, "acme"))) == {acme, bob}
    assert ids(search(store, "acme", entity="company")) == [acme]
    assert ids(search(store, "acme", entity="contact")) == [bob]
    assert search(store, "acme", entity="company")[0].detail == "Retail"
    with pytest.raises(ValueError):
        search(store, "acme", entity="deal")


def test_blank_query_finds_nothing(store):
    add_contact(store, name="Anyone")
    assert search(store, "") == []
    assert search(store, "   \t ") == []


# -- index maintenance ---------------------------------------------------------------
def test_index_follows_renames_and_deletes(store):
    zw = add_contact(store, name="张伟", phones=[{"label": "m", "number": "+8613812345678"}])
    with store.write() as tx:
        tx.update(Contact, zw, {"name": "李娜"})
    assert not found(store, "张伟", zw)
    assert not found(store, "zhangwei", zw)
    assert found(store, "李娜", zw)
    assert found(store, "lina", zw)
    assert found(store, "5678", zw)
    with store.write() as tx:
        tx.delete(Contact, zw)
    assert search(store, "李娜") == []
    assert search(store, "5678") == []
    assert _index_sizes(store) == (0, 0)


def test_deleting_a_company_after_detaching_its_contacts(store):
    acme = add_company(store, name="Acme")
    bob = add_contact(store, name="Bob", company_id=acme)
    with store.write() as tx:
        tx.update(Contact, bob, {"company_id": None})
        tx.delete(Company, acme)
    assert search(store, "acme") == []
    assert found(store, "bob", bob)
    assert _index_sizes(store) == (1, 1)


def test_rebuild_reproduces_the_index(store):
    acme = add_company(store, name="Acme")
    zw = add_contact(
        store, name="张伟", company_id=acme, phones=[{"label": "m", "number": "+8613812345678"}]
    )
    with store.write() as tx:
        tx.conn.exec_driver_sql("DELETE FROM search_doc")  # a damaged index
        assert rebuild_search_index(tx.conn) == 2
    assert found(store, "zw", zw)
    assert found(store, "acme", zw)
    assert found(store, "acme", acme, entity="company")
    assert found(store, "13812345678", zw)
    assert _index_sizes(store) == (2, 2)


def test_documents_live_in_their_entity_rowid_band(store):
    acme = add_company(store, name="Acme")
    bob = add_contact(store, name="Bob")
    with store.read() as conn:
        rows = {
            rid: rowid
            for rid, rowid in conn.exec_driver_sql("SELECT record_id, rowid FROM search_doc")
        }
    low, high = rowid_range("company")
    assert low <= rows[acme] <= high
    low, high = rowid_range("contact")
    assert low <= rows[bob] <= high


def _index_sizes(store) -> tuple[int, int]:
    with store.read() as conn:
        docs = conn.exec_driver_sql("SELECT count(*) FROM search_doc").scalar_one()
        fts = conn.exec_driver_sql("SELECT count(*) FROM search_fts").scalar_one()
    return docs, fts


# -- hostile input -------------------------------------------------------------------
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_raise(store, query):
    add_contact(store, name="Zoe", notes='a "quoted" (note) AND NOT near: x-y ^z *')
    assert isinstance(search(store, query), list)
    assert isinstance(search(store, query, entity="company"), list)


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_match_expressions_are_valid_fts5(store, query):
    parsed = parse_query(query)
    expressions = [
        match_expression(query),
        match_expression(query, ("name", "alt")),
        parsed.name_expression,
        parsed.pinyin_prefix,
    ]
    with store.read() as conn:
        for expression in filter(None, expressions):
            conn.exec_driver_sql(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (expression,)
            ).all()


def test_user_input_cannot_forge_name_marks():
    parsed = parse_query(f"{NAME_MARK}bob {START_MARK}annie")
    assert parsed.expression == '"bob"* AND "annie"*'
    assert parsed.name_expression == f'"{NAME_MARK}bob" AND "{NAME_MARK}annie"*'


def test_name_tier_expression_keeps_short_last_words_on_the_prefix_index():
    assert parse_query("zhang wei").name_expression == f'"{NAME_MARK}zhang" AND "wei"*'
    assert parse_query("wei").name_expression == f'"{NAME_MARK}wei"*'
    assert parse_query("张 伟").name_expression == f'"{NAME_MARK}张" AND "{NAME_MARK}伟"'


def test_syntax_in_queries_is_plain_text(store):
    near = add_contact(store, name="Near Or Not")
    assert found(store, "near or not", near)
    assert found(store, '"near"', near)
    assert found(store, "(near)", near)
    assert not found(store, "name:near", near)  # "name" is a word here, not a column
    assert found(store, "near*", near)


# -- query plans -----------------------------------------------------------------
def _plan(store, sql: str, params: tuple[Any, ...]) -> str:
    with store.read() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
    return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize("band", ["", search_service.DOC_BAND])
def test_name_key_lookups_use_their_index(store, band):
    params: tuple[Any, ...] = (1, 2) if band else ()
    exact = _plan(store, search_service.EXACT_SQL.format(band=band), ("li", *params, 50))
    assert "USING INDEX ix_search_doc_name_key (name_key=?)" in exact
    prefix = _plan(store, search_service.PREFIX_SQL.format(band=band), ("li", "lj", *params, 50))
    assert "USING INDEX ix_search_doc_name_key (name_key>? AND name_key<?)" in prefix
    assert "SCAN search_doc" not in exact + prefix
    assert "TEMP B-TREE" not in prefix  # ORDER BY name_key comes from the index


@pytest.mark.parametrize("band", ["", search_service.FTS_BAND])
def test_match_query_is_driven_by_the_fts_index(store, band):
    params: tuple[Any, ...] = (1, 2) if band else ()
    plan = _plan(store, search_service.MATCH_SQL.format(band=band), ('"li"*', *params, 50))
    lines = plan.splitlines()
    # FTS5 reports the MATCH constraint as an 'M' in its index string.
    assert lines[0].startswith("SCAN search_fts VIRTUAL TABLE INDEX") and ":M" in lines[0]
    if band:  # the entity's rowid range is handed to FTS5 too
        assert "<" in lines[0] and ">" in lines[0]
    assert lines[1] == "SEARCH search_doc USING INTEGER PRIMARY KEY (rowid=?)"
