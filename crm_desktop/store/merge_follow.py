"""A merge undone, pulled from the server: this device moves back what it moved to follow it.

Records the merging device could not see (another rep's private activity on
the merged-away contact, a shared task linked to it offline) are moved to the
survivor by the HQ server when it accepts the ``merge_redirect``, as its own
changes (`crm_server.merge_moves`), and moved back by it on the undo. Devices
no longer move them when they pull the redirect: two writers of the same edit
would keep a conflict of a value with itself.

Stores that followed a merge themselves (before the server did) remembered
what they moved in ``local_meta`` (key ``merge_follow:<merged id>``, local
bookkeeping, never synced). When the merge is undone on the device that made
it, the redirect's delete is pulled here: exactly those records, where they
still point at the survivor, move back to the restored record. A pulled delete
never re-applies the merge, and a local merge or undo (capture on) moves its
records itself.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from crm_desktop.domain.models import SYNCED_MODELS
from crm_desktop.store.changes import Row, WriteTx, on_written, table_of

MOVED_KEY = "merge_follow:"
_CHUNK = 500


@on_written("merge_redirect")
def _follow_merge(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if tx.capturing:  # a local merge or undo re-points everything itself
        return
    user = tx.replica.user
    if not user:
        return
    for row in rows:
        merged, survivor, kind = row["id"], row.get("survivor_id"), row.get("entity")
        if not survivor or kind not in ("contact", "company"):
            continue
        if op == "delete":  # the server moves records to the survivor, not this device
            _move_back(tx, kind, merged, survivor, user)


def _move_back(tx: WriteTx, kind: str, merged: str, survivor: str, user: str) -> None:
    """The records this device moved when it followed the merge, if still on the survivor."""
    column = f"{kind}_id"
    moved = _remembered(tx, merged)
    for entity, ids in moved.items():
        model = SYNCED_MODELS.get(entity)
        if model is None or column not in table_of(model).c:
            continue
        table = table_of(model)
        still: list[str] = []
        for start in range(0, len(ids), _CHUNK):
            still += tx.conn.execute(
                select(table.c.id).where(
                    table.c.id.in_(ids[start : start + _CHUNK]),
                    table.c[column] == survivor,
                    table.c.owner == user,
                )
            ).scalars()
        _update(tx, model, still, {column: merged})
    tx.conn.exec_driver_sql("DELETE FROM local_meta WHERE key = ?", (MOVED_KEY + merged,))


def _update(tx: WriteTx, model: type, ids: list[str], values: Row) -> None:
    if not ids:
        return
    tx.capturing = True  # these are this device's own edits: they must sync
    try:
        for record_id in ids:
            tx.update(model, record_id, values)
    finally:
        tx.capturing = False


def _remembered(tx: WriteTx, merged: str) -> dict[str, list[str]]:
    raw = tx.conn.exec_driver_sql(
        "SELECT value FROM local_meta WHERE key = ?", (MOVED_KEY + merged,)
    ).scalar()
    found = json.loads(raw) if raw else {}
    return (
        {str(k): [str(i) for i in v] for k, v in found.items()} if isinstance(found, dict) else {}
    )
