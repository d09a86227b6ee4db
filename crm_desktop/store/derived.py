"""Derived data kept in step with synced fields: sort keys and the tag index.

Registered as `WriteTx` hooks, so local edits and (later) applied sync
changes maintain them the same way.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import update
from sqlmodel import SQLModel

from crm_desktop.domain.local import RecordTag
from crm_desktop.domain.models import SYNCED_MODELS
from crm_desktop.domain.text import sort_key
from crm_desktop.store.changes import Row, WriteTx, on_prepare, on_written, table_of
from crm_desktop.store.rawsql import insert_rows

TAGGED_ENTITIES = ("contact", "company", "deal")


def _fill_name_sort(row: Row) -> None:
    row["name_sort"] = sort_key(row.get("name") or "")


on_prepare("contact")(_fill_name_sort)
on_prepare("company")(_fill_name_sort)


def _reindex_tags(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if op != "insert":
        tx.conn.exec_driver_sql(
            "DELETE FROM record_tag WHERE record_id IN (SELECT value FROM json_each(?))",
            (json.dumps([row["id"] for row in rows]),),
        )
    if op == "delete":
        return
    links = [
        {"tag": tag, "entity": entity, "record_id": row["id"]}
        for row in rows
        if row.get("tags")
        for tag in dict.fromkeys(row["tags"])
    ]
    # Raw executemany: an import writes one link per tag of 100k contacts.
    insert_rows(tx.conn, table_of(RecordTag), links)


for _entity in TAGGED_ENTITIES:
    on_written(_entity)(_reindex_tags)


_COUNT_SQL = (
    "INSERT INTO record_count(entity, count) VALUES (?, ?) "
    "ON CONFLICT(entity) DO UPDATE SET count = count + excluded.count"
)


def _count_rows(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if op == "insert":
        tx.conn.exec_driver_sql(_COUNT_SQL, (entity, len(rows)))
    elif op == "delete":
        tx.conn.exec_driver_sql(_COUNT_SQL, (entity, -len(rows)))


for _entity in SYNCED_MODELS:
    on_written(_entity)(_count_rows)


# The furthest non-lost stage of the deal's pipeline in its stage history.
REACHED_POSITION = (
    "(SELECT max(s.position) FROM deal_stage_history h JOIN stage s ON s.id = h.to_stage_id "
    "WHERE h.deal_id = deal.id AND s.pipeline_id = deal.pipeline_id AND NOT s.is_lost)"
)


def _recompute_reach(tx: WriteTx, where: str, params: list[tuple[str]]) -> None:
    tx.conn.exec_driver_sql(
        f"UPDATE deal SET reached_position = {REACHED_POSITION} WHERE {where} = ?", params
    )


def _reach_moved_deals(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if op == "insert":
        _recompute_reach(
            tx, "id", [(deal_id,) for deal_id in dict.fromkeys(r["deal_id"] for r in rows)]
        )


def _reach_after_stage_change(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    # Reordering stages or flipping "lost" changes what "furthest" means.
    if op == "update" and tx.changed_fields & {"position", "is_lost", "pipeline_id"}:
        pipelines = dict.fromkeys(r["pipeline_id"] for r in rows)
        _recompute_reach(tx, "pipeline_id", [(p,) for p in pipelines])


def _reach_after_pipeline_change(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if op == "update" and "pipeline_id" in tx.changed_fields:
        _recompute_reach(tx, "id", [(r["id"],) for r in rows])


on_written("deal_stage_history")(_reach_moved_deals)
on_written("stage")(_reach_after_stage_change)
on_written("deal")(_reach_after_pipeline_change)


def touch_last_activity(
    tx: WriteTx, model: type[SQLModel], record_id: str | None, when: datetime
) -> None:
    """Move a contact's or deal's derived `last_activity_at` (stale and churn marks)
    forward to `when`; derived, so no change row."""
    if record_id:
        table = table_of(model)
        tx.conn.execute(
            update(table)
            .where(table.c.id == record_id)
            .where(table.c.last_activity_at.is_(None) | (table.c.last_activity_at < when))
            .values(last_activity_at=when)
        )
