"""Full-text search over contacts and companies, ranked in tiers.

Tiers, best first: the whole name equals the query; the name starts with it
(or, for a lower-case query, the name's pinyin does); a word of the name or
its pinyin starts with it; anything else (company, emails, phones, notes...).
Each tier is one indexed query with a LIMIT, run only while hits are missing:
ranking every match of a common term (50k hits) took 229 ms (DESIGN §8), so
nothing here scores or sorts more than `limit` rows. The name tiers match
marked terms that only names have (see `crm_desktop.store.search_text`), so
their cost follows the names that match, not the bodies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from crm_desktop.store.search_bands import ENTITY_BANDS, rowid_range
from crm_desktop.store.search_text import ParsedQuery, parse_query

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store

TIER_EXACT = 0
TIER_PREFIX = 1
TIER_NAME = 2
TIER_OTHER = 3

_AFTER_ALL = "\U0010ffff"  # sorts after any character: key + it bounds a prefix range

# `{band}` is empty, or a rowid range restricting the search to one entity.
# On search_doc the range is written `+rowid` so the name_key index stays the
# access path; on search_fts it is handed to FTS5, which seeks inside its index.
EXACT_SQL = "SELECT rowid, entity, record_id FROM search_doc WHERE name_key = ?{band} LIMIT ?"
PREFIX_SQL = (
    "SELECT rowid, entity, record_id FROM search_doc "
    "WHERE name_key >= ? AND name_key < ?{band} ORDER BY name_key LIMIT ?"
)
# CROSS JOIN pins the FTS table as the outer loop: matches drive, search_doc is
# looked up by primary key, never scanned.
MATCH_SQL = (
    "SELECT search_doc.rowid, search_doc.entity, search_doc.record_id "
    "FROM search_fts CROSS JOIN search_doc ON search_doc.rowid = search_fts.rowid "
    "WHERE search_fts MATCH ?{band} LIMIT ?"
)
DOC_BAND = " AND +rowid BETWEEN ? AND ?"
FTS_BAND = " AND search_fts.rowid BETWEEN ? AND ?"

_DETAILS_SQL = {
    "contact": (
        "SELECT c.id, c.name, c.name_sort, coalesce(co.name, c.title) "
        "FROM contact AS c LEFT JOIN company AS co ON co.id = c.company_id "
        "WHERE c.id IN (SELECT value FROM json_each(?))"
    ),
    "company": (
        "SELECT id, name, name_sort, coalesce(industry, city) FROM company "
        "WHERE id IN (SELECT value FROM json_each(?))"
    ),
}


@dataclass(frozen=True)
class SearchHit:
    """One record found by `search`.

    Attributes:
        entity: "contact" or "company".
        record_id: the record's id.
        name: the record's name.
        detail: a contact's company (else its title); a company's industry (else city).
        tier: how well it matched, lower is better: `TIER_EXACT`, `TIER_PREFIX`,
            `TIER_NAME`, `TIER_OTHER`.
    """

    entity: str
    record_id: str
    name: str
    detail: str | None
    tier: int


def search(
    store: Store, query: str, *, limit: int = 50, entity: str | None = None
) -> list[SearchHit]:
    """Find contacts and companies matching what the user typed.

    Args:
        store: the open store.
        query: free text: name (Latin, Chinese, pinyin or its initials), company,
            email, phone number, tag, notes... Any text is accepted.
        limit: most hits to return.
        entity: "contact" or "company" to search only those.
    Returns:
        Hits best tier first, by name within a tier; [] for a blank query.
    Raises:
        ValueError: `entity` is not a searchable entity.
    """
    if entity is not None and entity not in ENTITY_BANDS:
        raise ValueError(f"not a searchable entity: {entity!r}")
    if limit <= 0 or not query.strip():
        return []
    parsed = parse_query(query)
    band = rowid_range(entity) if entity else None
    with store.read() as conn:
        found = _find(conn, parsed, limit, band)
        return _hits(conn, found)


def _steps(parsed: ParsedQuery) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(tier, SQL, leading parameters) of each query to run, best tier first."""
    if parsed.key:
        yield TIER_EXACT, EXACT_SQL, (parsed.key,)
    if parsed.phone:  # a number is no name: straight to the phones
        yield TIER_OTHER, MATCH_SQL, (parsed.expression,)
        return
    if parsed.key:
        yield TIER_PREFIX, PREFIX_SQL, (parsed.key, parsed.key + _AFTER_ALL)
    if parsed.pinyin_prefix:
        yield TIER_PREFIX, MATCH_SQL, (parsed.pinyin_prefix,)
    if parsed.name_expression:
        yield TIER_NAME, MATCH_SQL, (parsed.name_expression,)
    if parsed.expression:
        yield TIER_OTHER, MATCH_SQL, (parsed.expression,)


def _find(
    conn: Connection, parsed: ParsedQuery, limit: int, band: tuple[int, int] | None
) -> dict[tuple[str, str], int]:
    """(entity, record_id) -> best tier, for at most `limit` records."""
    found: dict[tuple[str, str], int] = {}
    for tier, sql, leading in _steps(parsed):
        if len(found) >= limit:
            break
        restrict = "" if band is None else FTS_BAND if sql == MATCH_SQL else DOC_BAND
        # Records found by a better tier come back again: ask for that many more.
        params = (*leading, *(band or ()), limit + len(found))
        rows = conn.exec_driver_sql(sql.format(band=restrict), params).all()  # LIMIT bounds it
        for _rowid, entity, record_id in rows:
            found.setdefault((entity, record_id), tier)
            if len(found) >= limit:
                break
    return found


def _hits(conn: Connection, found: dict[tuple[str, str], int]) -> list[SearchHit]:
    ranked: list[tuple[int, str, str, SearchHit]] = []
    for entity in ENTITY_BANDS:
        ids = [record_id for (e, record_id) in found if e == entity]
        if not ids:
            continue
        rows = conn.exec_driver_sql(_DETAILS_SQL[entity], (json.dumps(ids),))
        for record_id, name, name_sort, detail in rows:
            tier = found[(entity, record_id)]
            hit = SearchHit(entity, record_id, name, detail, tier)
            ranked.append((tier, name_sort or "", record_id, hit))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked]


def reindex(store: Store) -> int:
    """Rebuild the full-text index from the records (after damage, or a tokenizer change).

    Returns:
        The number of contacts and companies indexed.
    """
    from crm_desktop.store.search_index import rebuild_search_index

    with store.write() as tx:
        return rebuild_search_index(tx.conn)
