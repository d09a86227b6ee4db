"""Tags: a shared vocabulary; records hold tag names, `record_tag` indexes them."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from crm_desktop.domain.models import Tag
from crm_desktop.store.changes import WriteTx
from crm_desktop.store.engine import Store


def ensure_tags(tx: WriteTx, names: set[str]) -> None:
    """Create Tag records for names not yet known (in the caller's transaction)."""
    if not names:
        return
    known = set(tx.conn.execute(select(col(Tag.name)).where(col(Tag.name).in_(names))).scalars())
    missing = sorted(names - known)
    if missing:
        tx.insert_many(Tag, [{"name": name} for name in missing])


def list_tags(store: Store) -> list[str]:
    with store.read() as conn:
        return list(conn.execute(select(col(Tag.name)).order_by(col(Tag.name))).scalars())
