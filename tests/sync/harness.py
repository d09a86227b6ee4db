"""An HQ server in the test process, and clients that reach it without HTTP.

The transport still round-trips every message through JSON, so what the
engine and the server exchange is exactly what would cross the wire.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session, select

from crm_desktop.store.changes import ReplicaState
from crm_desktop.store.engine import Store, open_store
from crm_desktop.sync.engine import SyncEngine
from crm_desktop.sync.protocol import (
    PROTOCOL_VERSION,
    Digest,
    Hello,
    PullResponse,
    PushRequest,
    PushResponse,
)
from crm_server import sync_service
from crm_server.models import Device, ServerState, SyncRecord, User
from crm_server.models import metadata as server_metadata

M = TypeVar("M", bound=BaseModel)


def server_engine(url: str = "sqlite://") -> Engine:
    engine = create_engine(url)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _fk(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA busy_timeout = 30000")
            # Test servers are thrown away: no fsync per commit.
            dbapi_conn.execute("PRAGMA synchronous = OFF")

    server_metadata.create_all(engine)
    with Session(engine) as session:
        if session.get(ServerState, 1) is None:
            session.add(ServerState(id=1, last_seq=0, hlc=0))
            session.commit()
    return engine


class HQ:
    """The server's state plus its accounts; `transport()` signs a device in."""

    def __init__(self, engine: Engine | None = None):
        self.engine = engine or server_engine()

    def add_user(self, name: str, role: str = "rep", team: str | None = "north") -> None:
        with Session(self.engine) as session:
            session.add(
                User(
                    name=name, password_hash="-", role=role, team=team, created_at=datetime.now(UTC)
                )
            )
            session.commit()

    def transport(self, user: str, device_id: str) -> InProcessTransport:
        with Session(self.engine) as session:
            if session.get(Device, device_id) is None:
                session.add(
                    Device(
                        id=device_id,
                        user_name=user,
                        name=device_id,
                        token_hash=f"test-{device_id}",
                        created_at=datetime.now(UTC),
                    )
                )
                session.commit()
        return InProcessTransport(self.engine, user, device_id)

    def records(self, entity: str) -> dict[str, SyncRecord]:
        with Session(self.engine) as session:
            rows = session.exec(select(SyncRecord).where(SyncRecord.entity == entity)).all()
            return {r.record_id: r for r in rows}


def _wire(message: BaseModel, kind: type[M]) -> M:
    return kind.model_validate_json(message.model_dump_json())


class InProcessTransport:
    def __init__(self, engine: Engine, user: str, device_id: str):
        self.engine = engine
        self.user_name = user
        self.device_id = device_id

    def _call(self, fn: Callable[[Session, User, Device], M], kind: type[M]) -> M:
        with Session(self.engine) as session:
            user = session.get(User, self.user_name)
            device = session.get(Device, self.device_id)
            assert user is not None and device is not None
            result = fn(session, user, device)
            session.commit()
        return _wire(result, kind)

    def hello(self) -> Hello:
        return Hello(server="crm-server", protocol=PROTOCOL_VERSION, min_protocol=PROTOCOL_VERSION)

    def push(self, request: PushRequest) -> PushResponse:
        request = _wire(request, PushRequest)
        return self._call(lambda s, u, d: sync_service.push(s, u, d, request), PushResponse)

    def pull(self, cursor: int, limit: int) -> PullResponse:
        return self._call(lambda s, u, d: sync_service.pull(s, u, cursor, limit), PullResponse)

    def digest(self) -> Digest:
        return self._call(lambda s, u, d: sync_service.digest(s, u), Digest)


class Replica:
    """A client: its own encrypted store and device id, signed in as `user`."""

    def __init__(self, store: Store, hq: HQ, user: str):
        self.store = store
        self.user = user
        self.transport = hq.transport(user, store.device_id)
        self.engine = SyncEngine(store, self.transport, push_batch=7, pull_page=5)

    def sync(self):
        return self.engine.sync()


def clone_store(template: Path, target: Path, device_id: str) -> Store:
    """A copy of a template store, given its own device id (cheaper than creating one)."""
    shutil.copytree(template, target)
    store = open_store(target, create=False)
    with store.engine.connect() as conn, conn.begin():
        conn.exec_driver_sql(
            "UPDATE local_meta SET value = ? WHERE key = 'device_id'", (device_id,)
        )
    store.replica = ReplicaState.load(store)
    return store
