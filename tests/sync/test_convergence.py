"""Property: whatever the order of syncs and the faults on the way, replicas converge
to the server's state, and no overwritten concurrent value goes unrecorded.

3–5 replicas edit the same shared contacts offline (create, edit fields,
delete) and sync in a random order through a transport that loses requests,
loses responses (so the next push repeats the batch) and re-delivers stale
batches later (reordering a device's pushes at the server). After a final
full sync every replica holds exactly the server's records, and each value
the server saw overwritten is either the final value, overwritten by its own
device, overwritten by someone who had seen it, or kept as a conflict.
"""

from __future__ import annotations

import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from crm_desktop.errors import NotFoundError
from crm_desktop.services.contacts import create_contact, delete_contact, update_contact
from crm_desktop.store.wire import to_wire
from crm_desktop.sync.protocol import PullResponse, PushRequest, PushResponse
from crm_server.models import SyncChange, SyncRecord
from tests.sync.harness import HQ, InProcessTransport, Replica, clone_store, server_engine

USERS = ("alice", "bob", "dave", "erin", "finn")
EDITABLE = ("title", "notes", "grade", "name")
FAULTS = ("ok", "ok", "ok", "lose_request", "lose_response", "replay_later")


class Dropped(ConnectionError):
    """The simulated network lost a message."""


@dataclass
class FaultyTransport:
    inner: InProcessTransport
    faults: list[str]
    held: list[PushRequest] = field(default_factory=list)

    def _fault(self) -> str:
        return self.faults.pop() if self.faults else "ok"

    def hello(self):
        return self.inner.hello()

    def digest(self):
        return self.inner.digest()

    def push(self, request: PushRequest) -> PushResponse:
        while self.held:  # a stale batch arrives late, after newer ones
            self.inner.push(self.held.pop())
        fault = self._fault()
        if fault == "lose_request":
            raise Dropped
        response = self.inner.push(request)
        if fault == "lose_response":
            raise Dropped
        if fault == "replay_later":
            self.held.append(request)
        return response

    def pull(self, cursor: int, limit: int) -> PullResponse:
        response = self.inner.pull(cursor, limit)
        if self._fault() == "lose_response":
            raise Dropped
        return response


op = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 4), st.text("abcxyz王李", min_size=1, max_size=4)),
    st.tuples(
        st.just("edit"),
        st.integers(0, 4),
        st.integers(0, 30),
        st.sampled_from(EDITABLE),
        st.text("abc张", min_size=1, max_size=3),
    ),
    st.tuples(st.just("delete"), st.integers(0, 4), st.integers(0, 30)),
    st.tuples(st.just("sync"), st.integers(0, 4), st.lists(st.sampled_from(FAULTS), max_size=4)),
)


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(replica_count=st.integers(3, 5), ops=st.lists(op, min_size=1, max_size=25))
def test_replicas_converge_and_keep_every_overwritten_value(
    template_store: Path, replica_count: int, ops: list[tuple]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        hq = HQ(server_engine(f"sqlite:///{Path(tmp) / 'hq.sqlite3'}"))
        for user in USERS[:replica_count]:
            hq.add_user(user, "rep", "north")
        replicas, faulty = [], []
        for index, user in enumerate(USERS[:replica_count]):
            store = clone_store(template_store, Path(tmp) / user, f"device-{user}")
            replica = Replica(store, hq, user)
            faulty.append(FaultyTransport(replica.transport, []))
            replica.engine.transport = faulty[index]
            replicas.append(replica)
        try:
            ids = _run(replicas, faulty, ops)
            for _ in range(2):  # every replica pushes, then every one pulls the rest
                for replica in replicas:
                    replica.sync()
            _assert_converged(hq, replicas)
            _assert_nothing_lost(hq)
            assert ids is not None
        finally:
            for replica in replicas:
                replica.store.close()


def _run(replicas: list[Replica], faulty: list[FaultyTransport], ops: list[tuple]) -> list[str]:
    ids: list[str] = []
    for kind, who, *args in ops:
        replica = replicas[who % len(replicas)]
        if kind == "create":
            ids.append(create_contact(replica.store, {"name": args[0], "owner": None}).value)
        elif kind == "edit" and ids:
            name, value = args[1], args[2]
            if name == "grade":
                value = "ABC"[len(value) % 3]
            _quietly(update_contact, replica.store, ids[args[0] % len(ids)], {name: value})
        elif kind == "delete" and ids:
            _quietly(delete_contact, replica.store, ids[args[0] % len(ids)])
        elif kind == "sync":
            faulty[who % len(replicas)].faults = list(args[0])
            with suppress(Dropped):
                replica.sync()
            faulty[who % len(replicas)].faults = []
    return ids


def _quietly(fn, *args) -> None:
    with suppress(NotFoundError):  # not on this replica (deleted, or not pulled yet)
        fn(*args)


def _server_contacts(hq: HQ) -> dict[str, dict]:
    return {
        rid: record.fields for rid, record in hq.records("contact").items() if not record.is_deleted
    }


def _assert_converged(hq: HQ, replicas: list[Replica]) -> None:
    expected = _server_contacts(hq)
    for replica in replicas:
        with replica.store.read() as conn:
            rows = conn.exec_driver_sql("SELECT id, name, title, notes, grade FROM contact").all()
        local = {
            r[0]: dict(zip(("name", "title", "notes", "grade"), r[1:], strict=True)) for r in rows
        }
        assert set(local) == set(expected), replica.user
        for rid, fields in expected.items():
            for name in ("name", "title", "notes", "grade"):
                assert to_wire(local[rid][name]) == fields.get(name), (replica.user, rid, name)
        with replica.store.read() as conn:
            count = conn.exec_driver_sql("SELECT count FROM record_count WHERE entity='contact'")
            assert count.scalar() == len(expected)
            conflicts = conn.exec_driver_sql("SELECT count(*) FROM sync_conflict").scalar()
        assert conflicts == len(hq.records("sync_conflict"))


def _assert_nothing_lost(hq: HQ) -> None:
    with Session(hq.engine) as session:
        changes = session.exec(select(SyncChange).order_by(SyncChange.seq)).all()
    records = hq.records("contact")
    conflicts = [r.fields for r in hq.records("sync_conflict").values()]
    kept = {(c["record_id"], c["field_name"], c["loser_hlc"], c["loser_device"]) for c in conflicts}
    deleted_kept = {c["record_id"] for c in conflicts if c["kind"] == "delete"}
    writes = [c for c in changes if c.entity == "contact" and c.op == "upsert"]
    for c in writes:
        record = records[c.record_id]
        for name in c.fields:
            if (c.record_id, name, c.hlc, c.device_id) in kept:
                continue
            if record.is_deleted:
                if c.record_id in deleted_kept or _delete_saw(changes, c):
                    continue
                raise AssertionError(f"edit {c.change_id} of a deleted record left no trace")
            final = record.versions[name]
            if (final[0], final[1]) == (c.hlc, c.device_id):
                continue
            if _overwritten_knowingly(writes, c, name):
                continue
            raise AssertionError(f"{name}={c.fields[name]!r} of {c.change_id} lost silently")


def _overwritten_knowingly(writes: list[SyncChange], c: SyncChange, name: str) -> bool:
    return any(
        name in d.fields
        and (d.hlc, d.device_id) > (c.hlc, c.device_id)
        and (d.device_id == c.device_id or d.seen >= c.seq)
        for d in writes
    )


def _delete_saw(changes: list[SyncChange], c: SyncChange) -> bool:
    return any(
        d.op == "delete"
        and d.record_id == c.record_id
        and (d.device_id == c.device_id or d.seen >= c.seq)
        for d in changes
    )


def test_the_server_state_is_the_union_of_records(template_store: Path) -> None:
    """A smoke check of the harness itself: one replica, no faults."""
    with tempfile.TemporaryDirectory() as tmp:
        hq = HQ(server_engine(f"sqlite:///{Path(tmp) / 'hq.sqlite3'}"))
        hq.add_user("alice")
        store = clone_store(template_store, Path(tmp) / "a", "device-a")
        try:
            replica = Replica(store, hq, "alice")
            made = create_contact(store, {"name": "x", "owner": None}).value
            replica.sync()
            assert set(_server_contacts(hq)) == {made}
            with Session(hq.engine) as session:
                assert session.exec(select(SyncRecord)).all()
        finally:
            store.close()
