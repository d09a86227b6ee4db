"""A merge pulled from the server: this device re-points its own records to the survivor.

The device that merged re-pointed every activity, task and deal it could see.
Records it could not see (another rep's private activity on the merged-away
contact) still point at the merged-away id; when their owner's device applies
the pulled ``merge_redirect``, this hook moves them to the survivor as ordinary
captured edits, which the next push sends to the server. Only records owned by
this device's user are moved, so two devices never race to make the same edit.
"""

from __future__ import annotations

from sqlalchemy import select

from crm_desktop.domain.models import SYNCED_MODELS
from crm_desktop.store.changes import Row, WriteTx, on_written, table_of


def _children(kind: str) -> list[type]:
    """Synced, owned kinds of record that point at a `kind` ("contact_id" column)."""
    column = f"{kind}_id"
    return [
        m for m in SYNCED_MODELS.values() if column in table_of(m).c and "owner" in table_of(m).c
    ]


@on_written("merge_redirect")
def _follow_merge(tx: WriteTx, entity: str, op: str, rows: list[Row]) -> None:
    if op == "delete" or tx.capturing:  # a local merge re-points everything itself
        return
    user = tx.replica.user
    if not user:
        return
    for row in rows:
        merged, survivor, kind = row["id"], row.get("survivor_id"), row.get("entity")
        if not survivor or kind not in ("contact", "company"):
            continue
        column = f"{kind}_id"
        for model in _children(kind):
            table = table_of(model)
            ids = list(
                tx.conn.execute(
                    select(table.c.id).where(table.c[column] == merged, table.c.owner == user)
                ).scalars()
            )
            if not ids:
                continue
            tx.capturing = True  # these are this device's own edits: they must sync
            try:
                for record_id in ids:
                    tx.update(model, record_id, {column: survivor})
            finally:
                tx.capturing = False
