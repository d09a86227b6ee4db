"""This replica's identity and clock, persisted in `local_meta`.

Plain SQL, no ORM: a store opens at app start-up, before the domain models
(sqlmodel and pydantic, ~0.4 s to import) are needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

from crm_desktop.ids import new_id
from crm_desktop.sync.hlc import HybridLogicalClock

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store


class ReplicaState:
    """The device id, the signed-in account, the clock and the pull cursor."""

    def __init__(
        self,
        device_id: str,
        clock: HybridLogicalClock,
        pull_cursor: int = 0,
        user: str | None = None,
    ):
        self.device_id = device_id
        # The signed-in HQ account (None when this store has never signed in).
        self.user = user
        self.clock = clock
        # The server cursor of the last applied pull: each change records it as
        # what its author had seen, which tells the server "concurrent" apart.
        self.pull_cursor = pull_cursor

    @classmethod
    def load(cls, store: Store) -> ReplicaState:
        with store.engine.connect() as conn, conn.begin():
            meta = read_meta(conn)
        device_id = meta.get("device_id")
        if device_id is None:  # first open: the only time this needs the write lock
            writer = store.engine.connect().execution_options(crm_begin="BEGIN IMMEDIATE")
            with writer as conn, conn.begin():
                device_id = read_meta(conn).get("device_id") or new_id()
                conn.exec_driver_sql(
                    "INSERT OR IGNORE INTO local_meta(key, value) VALUES ('device_id', ?)",
                    (device_id,),
                )
        clock = HybridLogicalClock(int(meta.get("hlc_last", 0)))
        return cls(device_id, clock, int(meta.get("pull_cursor", 0)), meta.get("sync_user"))

    def save_clock(self, conn: Connection) -> None:
        conn.exec_driver_sql(
            "INSERT INTO local_meta(key, value) VALUES ('hlc_last', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(self.clock.last),),
        )


def read_meta(conn: Connection) -> dict[str, str]:
    rows = conn.exec_driver_sql("SELECT key, value FROM local_meta")
    return {key: value for key, value in rows}
