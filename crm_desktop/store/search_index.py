"""Keeps the full-text index (`search_doc` + `search_fts`) in step with contacts and companies.

Registered as `WriteTx` hooks, so every write path (use cases, imports,
applied sync changes) maintains it, in the same transaction as the record.

Each entity's documents live in their own band of rowids (`ENTITY_BANDS`), so
a search restricted to one entity is a rowid range that FTS5 applies inside
its index, instead of a filter on the join that would visit every match
(DESIGN §8: a filter combined with MATCH can turn milliseconds into seconds).

Bulk writes cost one company-name query, one rowid query and two
``executemany`` per batch, whatever its size.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from crm_desktop.store.changes import Row, WriteTx, on_prepared, on_written
from crm_desktop.store.search_bands import FTS_TABLE, rowid_range
from crm_desktop.store.search_text import DocTexts, company_texts, contact_texts

REBUILD_BATCH = 2000

_CONTACT_COLUMNS = (
    "id",
    "name",
    "company_id",
    "title",
    "phones",
    "emails",
    "address",
    "tags",
    "notes",
)
_COMPANY_COLUMNS = (
    "id",
    "name",
    "industry",
    "website",
    "phone",
    "email",
    "address",
    "city",
    "country",
    "tags",
    "notes",
)
_JSON_COLUMNS = frozenset({"phones", "emails", "tags"})

_Doc = tuple[str, DocTexts]  # (record_id, what it contributes to the index)


# -- hooks -----------------------------------------------------------------------
@on_written("contact")
def _index_contacts(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if op == "delete":
        _drop(tx.conn, [row["id"] for row in rows])
        return
    prepared = tx.prepared.get(_PREPARED_DOCS) if op == "insert" else None
    if prepared is not None:
        _insert_docs(tx.conn, entity, *prepared)
        return
    _write_docs(tx.conn, entity, _contact_docs(tx.conn, rows), fresh=op == "insert")


_PREPARED_DOCS = "search_docs"


@on_prepared("contact", _PREPARED_DOCS)
def _prepare_contact_docs(
    rows: list[Row], hints: Mapping[str, Any]
) -> tuple[list[_Doc], str] | None:
    """Documents of contacts about to be inserted, when the caller knows their companies'
    names (hint ``company_names``: {company id: name}); None leaves it to the write."""
    names = hints.get("company_names")
    if names is None or any(r.get("company_id") not in names for r in rows if r.get("company_id")):
        return None
    docs = [(r["id"], contact_texts(r, names.get(r.get("company_id") or ""))) for r in rows]
    return docs, _docs_json(docs)


@on_written("company")
def _index_companies(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if op == "delete":
        # Contacts still pointing at the company make the delete itself fail
        # (foreign key), so no contact document needs its company removed here.
        _drop(tx.conn, [row["id"] for row in rows])
        return
    docs = [(row["id"], company_texts(row)) for row in rows]
    old_keys = _write_docs(tx.conn, entity, docs, fresh=op == "insert")
    # Contacts carry their company's name; the folded key tells whether it changed.
    renamed = [rid for rid, texts in docs if old_keys.get(rid, texts.key) != texts.key]
    if renamed:
        _reindex_contacts_of(tx.conn, renamed)


# -- rebuild -------------------------------------------------------------------
def rebuild_search_index(conn: Connection) -> int:
    """Rebuild the whole index from the contact and company tables.

    Run inside a write transaction (e.g. ``store.write()``'s ``tx.conn``). The
    FTS table is dropped and recreated from its own stored definition: far
    faster than deleting a million rows one by one.

    Returns:
        The number of documents indexed.
    """
    definition = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)
    ).scalar_one()
    conn.exec_driver_sql(f"DROP TABLE {FTS_TABLE}")
    conn.exec_driver_sql("DELETE FROM search_doc")
    conn.exec_driver_sql(definition)
    count = 0
    for rows in _batches(conn, "company", _COMPANY_COLUMNS):
        _insert_docs(conn, "company", [(r["id"], company_texts(r)) for r in rows])
        count += len(rows)
    for rows in _batches(conn, "contact", _CONTACT_COLUMNS):
        _insert_docs(conn, "contact", _contact_docs(conn, rows))
        count += len(rows)
    # Merge the many segments a bulk load leaves: later queries read fewer b-trees.
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    return count


# -- internals -------------------------------------------------------------------
def _contact_docs(conn: Connection, rows: Sequence[Row]) -> list[_Doc]:
    companies = _company_names(conn, {r["company_id"] for r in rows if r.get("company_id")})
    return [(r["id"], contact_texts(r, companies.get(r.get("company_id") or ""))) for r in rows]


def _company_names(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    wanted = list(ids)
    if not wanted:
        return {}
    result = conn.exec_driver_sql(
        "SELECT id, name FROM company WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted),),
    )
    return {record_id: name for record_id, name in result}


def _existing(conn: Connection, record_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """record_id -> (rowid, name_key) of the documents that exist."""
    result = conn.exec_driver_sql(
        "SELECT record_id, rowid, name_key FROM search_doc "
        "WHERE record_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(record_ids)),),
    )
    return {record_id: (rowid, key) for record_id, rowid, key in result}


def _write_docs(conn: Connection, entity: str, docs: list[_Doc], *, fresh: bool) -> dict[str, str]:
    """Insert or update documents; returns {record_id: name_key before} of updated ones.

    `fresh` (records just inserted) skips looking for existing documents.
    """
    if not docs:
        return {}
    existing = {} if fresh else _existing(conn, [rid for rid, _texts in docs])
    updates = [(existing[rid][0], texts) for rid, texts in docs if rid in existing]
    if updates:
        conn.exec_driver_sql(
            "UPDATE search_doc SET name_key = ? WHERE rowid = ?",
            [(texts.key, rowid) for rowid, texts in updates],
        )
        conn.exec_driver_sql(
            f"UPDATE {FTS_TABLE} SET name = ?, alt = ?, body = ? WHERE rowid = ?",
            [(texts.name, texts.alt, texts.body, rowid) for rowid, texts in updates],
        )
    _insert_docs(conn, entity, [(rid, texts) for rid, texts in docs if rid not in existing])
    return {rid: existing[rid][1] for rid, _texts in docs if rid in existing}


def _insert_docs(conn: Connection, entity: str, docs: list[_Doc], payload: str = "") -> None:
    """Add documents; `payload` is `_docs_json(docs)` when it was made beforehand."""
    if not docs:
        return
    first, last = rowid_range(entity)
    # Writers are serialised (BEGIN IMMEDIATE), so the band's max is stable here.
    top = conn.exec_driver_sql(
        "SELECT max(rowid) FROM search_doc WHERE rowid BETWEEN ? AND ?", (first, last)
    ).scalar()
    start = (top or first) + 1
    params = (start, entity, payload or _docs_json(docs))
    # One statement over a JSON array each, not executemany: SQLite then keeps the GIL
    # released for the whole insert (see `rawsql.encode_rows`).
    conn.exec_driver_sql(
        "INSERT INTO search_doc(rowid, entity, record_id, name_key) "
        "SELECT ?1 + key, ?2, value->>0, value->>1 FROM json_each(?3)",
        params,
    )
    conn.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE}(rowid, name, alt, body) "
        "SELECT ?1 + key, value->>2, value->>3, value->>4 FROM json_each(?3)",
        params,
    )


def _docs_json(docs: list[_Doc]) -> str:
    return _json_array([[rid, t.key, t.name, t.alt, t.body] for rid, t in docs])


_json_array = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _drop(conn: Connection, record_ids: Sequence[str]) -> None:
    rowids = [(rowid,) for rowid, _key in _existing(conn, record_ids).values()]
    if rowids:
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", rowids)
        conn.exec_driver_sql("DELETE FROM search_doc WHERE rowid = ?", rowids)


def _reindex_contacts_of(conn: Connection, company_ids: Sequence[str]) -> None:
    rows = _read_rows(
        conn,
        f"SELECT {', '.join(_CONTACT_COLUMNS)} FROM contact "
        "WHERE company_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(company_ids)),),
    )
    _write_docs(conn, "contact", _contact_docs(conn, rows), fresh=False)


def _batches(conn: Connection, table: str, columns: Sequence[str]) -> Iterator[list[Row]]:
    """All rows of `table`, in keyset pages by id (no cursor held across writes)."""
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE id > ? ORDER BY id LIMIT {REBUILD_BATCH}"
    after = ""
    while rows := _read_rows(conn, sql, (after,)):
        yield rows
        after = rows[-1]["id"]


def _read_rows(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[Row]:
    result = conn.exec_driver_sql(sql, params)
    names = list(result.keys())
    decoders: list[Callable[[Any], Any]] = [
        _decode_json if n in _JSON_COLUMNS else _same for n in names
    ]
    return [
        {n: decode(v) for n, decode, v in zip(names, decoders, raw, strict=True)} for raw in result
    ]


def _decode_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _same(value: Any) -> Any:
    return value
