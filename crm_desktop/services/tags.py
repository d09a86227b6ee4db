"""Tags: a shared vocabulary; records hold tag names, `record_tag` indexes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_desktop.store.changes import WriteTx
    from crm_desktop.store.engine import Store


def ensure_tags(tx: WriteTx, names: set[str]) -> None:
    """Create Tag records for names not yet known (in the caller's transaction)."""
    from crm_desktop.domain.models import Tag  # the ORM loads with the first write

    if not names:
        return
    wanted = sorted(names)
    rows = tx.conn.exec_driver_sql(
        f"SELECT name FROM tag WHERE name IN ({', '.join('?' * len(wanted))})", tuple(wanted)
    )
    known = {name for (name,) in rows}
    missing = sorted(names - known)
    if missing:
        tx.insert_many(Tag, [{"name": name} for name in missing])


def list_tags(store: Store) -> list[str]:
    with store.read() as conn:
        return [name for (name,) in conn.exec_driver_sql("SELECT name FROM tag ORDER BY name")]
