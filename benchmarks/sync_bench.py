"""Sync benchmarks (issue: sync engine and HQ server), each against a same-run baseline.

Every figure runs the real thing: a `crm-server serve` subprocess on loopback,
`HttpTransport` clients signed in with a password, `SyncEngine` rounds on
encrypted stores. Baselines:

- push / pull: the server's own work, `crm_server.sync_service.push` / `pull`
  called in this process on a copy of the same database with the same
  batches and cursors (no HTTP, no JSON, no client store): the ratio is what
  HTTP and the client add.
- bootstrap: the client store's own bulk insert (`create_contacts`) of the
  same rows, the floor for writing them with their indexes and search rows.
- sync with nothing to do: the same round from an empty store to the same
  server, so a ratio near 1 says the cost does not grow with local data.
- concurrent clients: the same workload with one client.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import stores, sync_load
from benchmarks.sync_setup import (
    Server,
    add_users,
    new_store,
    progress,
    running_server,
    scratch,
    sign_in,
    sqlite_url,
    unowned_contacts,
)
from benchmarks.timing import Figure, p50, p95, seconds
from crm_desktop.domain.models import Contact
from crm_desktop.services.contacts import create_contacts
from crm_desktop.store.engine import Store
from crm_desktop.sync.apply import write_meta
from crm_desktop.sync.engine import SyncEngine, SyncReport, pending_count
from crm_desktop.sync.protocol import (
    Digest,
    Hello,
    PullResponse,
    PushRequest,
    PushResponse,
    WireChange,
)


@dataclass(frozen=True)
class Sizes:
    changes: int
    snapshot: int
    noop_store: int
    clients: int
    duration: float


FULL = Sizes(changes=10_000, snapshot=100_000, noop_store=1_000_000, clients=50, duration=15.0)
QUICK = Sizes(changes=2_000, snapshot=10_000, noop_store=20_000, clients=10, duration=4.0)


def bench_sync(sizes: Sizes) -> list[Figure]:
    figures: list[Figure] = []
    for run in (
        lambda: bench_push_pull(sizes.changes),
        lambda: bench_bootstrap(sizes.snapshot),
        lambda: bench_noop(sizes.noop_store),
        lambda: sync_load.bench_concurrent(sizes.clients, sizes.duration),
    ):
        figures += run()
    shutil.rmtree(stores.DATA / "scratch", ignore_errors=True)
    return figures


def _target(applies: bool, target: str, met: bool) -> tuple[str, bool | None]:
    """The issue's target and verdict, shown only at the size the issue gives it for."""
    return (target, met) if applies else ("", None)


def _quiet(_phase: str, _done: int, _total: int | None) -> None:
    pass


def _label(count: int) -> str:
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    return f"{count // 1000}k" if count >= 1000 and count % 1000 == 0 else f"{count:,}"


# -- 1. push and pull of N changes ---------------------------------------------------------
class Recorder:
    """A transport that remembers the pushes and pulls it forwards (for the baseline)."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.pushes: list[PushRequest] = []
        self.pulls: list[tuple[int, int]] = []

    def hello(self) -> Hello:
        return self.inner.hello()

    def push(self, request: PushRequest) -> PushResponse:
        self.pushes.append(request)
        return self.inner.push(request)

    def pull(self, cursor: int, limit: int) -> PullResponse:
        self.pulls.append((cursor, limit))
        return self.inner.pull(cursor, limit)

    def digest(self) -> Digest:
        return self.inner.digest()


def _make_changes(store: Store, changes: int) -> None:
    """Half new contacts, half edits of contacts both devices already hold."""
    with store.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM contact ORDER BY id")]
    updates = changes - changes // 2
    assert len(ids) >= updates
    create_contacts(store, unowned_contacts(changes // 2, seed=4))
    with store.write() as tx:
        for n, record_id in enumerate(ids[:updates]):
            tx.update(Contact, record_id, {"title": f"Account manager {n}"})
    assert pending_count(store) == changes, pending_count(store)


def bench_push_pull(changes: int) -> list[Figure]:
    work = scratch("sync-push-pull")
    url = sqlite_url(work / "server.sqlite3")
    add_users(url, [("alice", "rep", "north"), ("bob", "rep", "north")])
    with running_server(url, work / "server.log") as server:
        a_store, b_store = new_store(work / "a"), new_store(work / "b")
        try:
            with sign_in(server, a_store, "alice") as a, sign_in(server, b_store, "bob") as b:
                return _push_pull(a_store, Recorder(a), b_store, Recorder(b), changes, work)
        finally:
            a_store.close()
            b_store.close()


def _push_pull(
    a_store: Store, a_http: Recorder, b_store: Store, b_http: Recorder, n: int, work: Path
) -> list[Figure]:
    """Device A (alice) makes `n` changes and pushes them; device B (bob) pulls them."""
    label = f"{n:,} changes"
    progress(f"push/pull: {label}")
    a, b = SyncEngine(a_store, a_http), SyncEngine(b_store, b_http)
    create_contacts(a_store, unowned_contacts(n - n // 2))  # both devices hold these already
    a.sync()
    b.sync()
    _make_changes(a_store, n)
    _backup(work / "server.sqlite3", work / "baseline.sqlite3")
    a_http.pushes.clear()
    b_http.pulls.clear()
    a_report, b_report = SyncReport(), SyncReport()
    a.transport.hello()
    push = seconds(lambda: a.push(a_report, _quiet))
    b.transport.hello()
    b.push(b_report, _quiet)
    pull = seconds(lambda: b.pull(b_report, _quiet))
    echo = seconds(lambda: _pull_and_check(a))
    b.check(b_report, _quiet)
    assert a_report.pushed == n and b_report.pulled == n, (a_report, b_report.pulled)
    assert not b_report.full_resync and not a_report.rejected
    base_push, base_pull = _server_only(
        work / "baseline.sqlite3", a_http.pushes, b_http.pulls, a_store.device_id
    )
    return [
        Figure(f"sync push {label} over HTTP", push, "s", base_push),
        Figure(f"sync pull {label} over HTTP", pull, "s", base_pull),
        Figure(
            f"sync push+pull {label} (loopback)",
            push + pull,
            "s",
            base_push + base_pull,
            *_target(n == FULL.changes, "≤ 3 s", push + pull <= 3),
        ),
        Figure(f"sync: the author pulls its {label} back", echo, "s", base_pull),
    ]


def _pull_and_check(engine: SyncEngine) -> None:
    """The rest of a sync round after its push."""
    report = SyncReport()
    engine.pull(report, _quiet)
    engine.check(report, _quiet)


def _backup(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the server keeps it open)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _server_only(
    db: Path, pushes: list[PushRequest], pulls: list[tuple[int, int]], device_id: str
) -> tuple[float, float]:
    """The same pushes and pulls through `sync_service`, in this process, on a copy."""
    from crm_server import sync_service
    from crm_server.db import make_engine, session_factory, transaction
    from crm_server.models import Device, User

    engine = make_engine(sqlite_url(db))
    writers, readers = session_factory(engine, write=True), session_factory(engine)
    try:
        started = time.perf_counter()
        for request in pushes:
            with transaction(writers) as session:
                user, device = session.get(User, "alice"), session.get(Device, device_id)
                assert user is not None and device is not None
                sync_service.push(session, user, device, request)
        push = time.perf_counter() - started
        started = time.perf_counter()
        for cursor, limit in pulls:
            with transaction(readers) as session:
                bob = session.get(User, "bob")
                assert bob is not None
                sync_service.pull(session, bob, cursor, limit)
        return push, time.perf_counter() - started
    finally:
        engine.dispose()


# -- 2. bootstrap from a snapshot ----------------------------------------------------------
def snapshot_server(contacts: int) -> Path:
    """A server database holding `contacts` unowned contacts of team north (built once)."""
    directory = stores.DATA / f"sync-server-{contacts}"
    database, ready = directory / "server.sqlite3", directory / "READY"
    if ready.exists():
        return database
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    url = sqlite_url(database)
    add_users(url, [("filler", "rep", "north"), ("reader", "rep", "north")])
    store = new_store(stores.DATA / "scratch" / "snapshot-filler")
    try:
        progress(f"building a {contacts:,}-contact server snapshot (kept for later runs)")
        create_contacts(store, unowned_contacts(contacts))
        with (
            running_server(url, directory / "build.log") as server,
            sign_in(server, store, "filler") as transport,
        ):
            SyncEngine(store, transport, push_batch=1000).push(SyncReport(), _push_progress)
    finally:
        store.close()
    ready.write_text("ok\n")
    return database


def _push_progress(_phase: str, done: int, total: int | None) -> None:
    if done % 10_000 == 0:
        progress(f"pushed {done:,}/{total or 0:,}")


def bench_bootstrap(contacts: int) -> list[Figure]:
    label = _label(contacts)
    work = scratch("sync-bootstrap")
    shutil.copy(snapshot_server(contacts), work / "server.sqlite3")
    url = sqlite_url(work / "server.sqlite3")
    with running_server(url, work / "server.log") as server:
        store = new_store(work / "client")
        engine = SyncEngine(store, sign_in(server, store, "reader"))
        try:
            progress(f"bootstrap: pulling {contacts:,} contacts")
            reports: list[SyncReport] = []
            elapsed = seconds(lambda: reports.append(engine.sync()))
            assert reports[0].pulled >= contacts and not reports[0].full_resync, reports
        finally:
            engine.transport.close()  # type: ignore[attr-defined]
            store.close()
    baseline = new_store(work / "insert")
    try:
        rows = unowned_contacts(contacts)
        insert = seconds(lambda: create_contacts(baseline, rows))
    finally:
        baseline.close()
    return [
        Figure(
            f"sync bootstrap of {label} contacts (first sync)",
            elapsed,
            "s",
            insert,
            *_target(contacts == FULL.snapshot, "≤ 20 s", elapsed <= 20),
        )
    ]


# -- 3. a sync with nothing to do ----------------------------------------------------------
class GuardedEngine(SyncEngine):
    """The real engine, except that it refuses a full re-sync (a digest mismatch), whose
    last step drops local records: the benchmark must never damage the cached demo store."""

    def pull(
        self,
        report: SyncReport,
        notify: Callable[[str, int, int | None], None],
        *,
        cursor: int | None = None,
        stats: Any = None,
    ) -> None:
        if cursor == 0:
            raise RuntimeError("the server's digest disagrees with the store: not re-syncing")
        super().pull(report, notify, cursor=cursor, stats=stats)


def demo_server(size: int, store: Store) -> Path:
    """A server database holding everything the demo store of `size` ever wrote (built
    once, in-process): pushed by an admin from the store's own device, as a first sync
    would, so the server's digest matches the store."""
    directory = stores.DATA / f"sync-server-demo-{size}"
    database, ready = directory / "server.sqlite3", directory / "READY"
    if ready.exists():
        return database
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    url = sqlite_url(database)
    add_users(url, [("admin", "admin", None), ("newcomer", "rep", "empty")])
    progress(f"building the server of the {_label(size)} demo store (kept for later runs)")
    fill_in_process(url, store, "admin")
    ready.write_text("ok\n")
    return database


def fill_in_process(url: str, store: Store, user_name: str, batch: int = 1000) -> None:
    """Every change of `store`'s change log through `sync_service.push`, batch by batch."""
    from crm_server import auth, sync_service
    from crm_server.db import make_engine, session_factory, transaction
    from crm_server.models import Device, User

    engine = make_engine(url)
    writers = session_factory(engine, write=True)
    with transaction(writers) as session:
        session.add(
            Device(
                id=store.device_id,
                user_name=user_name,
                name="demo",
                token_hash=auth.token_hash(auth.new_token()),
                created_at=auth.utcnow(),
            )
        )
    total, done, last = pending_count(store), 0, 0
    try:
        while True:
            last, changes = changes_after(store, last, batch)
            if not changes:
                return
            with transaction(writers) as session:
                user, device = session.get(User, user_name), session.get(Device, store.device_id)
                assert user is not None and device is not None
                response = sync_service.push(session, user, device, PushRequest(changes=changes))
            assert not response.rejected, response.rejected[:3]
            done += len(changes)
            if done % 100_000 < batch:
                progress(f"server filled with {done:,}/{total:,} changes")
    finally:
        engine.dispose()


def changes_after(store: Store, seq: int, limit: int) -> tuple[int, list[WireChange]]:
    """The change log after `seq` as the engine pushes it, and the last seq read."""
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT seq, change_id, entity, record_id, op, fields, hlc, device_id, seen "
            "FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit),
        ).all()
    changes = [
        WireChange(
            change_id=r[1],
            entity=r[2],
            record_id=r[3],
            op=r[4],
            fields=json.loads(r[5]),
            hlc=r[6],
            device_id=r[7],
            seen=r[8],
        )
        for r in rows
    ]
    return (rows[-1][0] if rows else seq), changes


def _meta(store: Store, key: str) -> int | None:
    with store.read() as conn:
        value = conn.exec_driver_sql("SELECT value FROM local_meta WHERE key = ?", (key,)).scalar()
    return None if value is None else int(value)


def _set_meta(store: Store, **values: int | None) -> None:
    """Set (or with None, remove) local_meta keys."""
    with store.write() as tx:
        for key, value in values.items():
            if value is None:
                tx.conn.exec_driver_sql("DELETE FROM local_meta WHERE key = ?", (key,))
            else:
                write_meta(tx.conn, key, value)


NOOP_ROUNDS = 20


def bench_noop(size: int) -> list[Figure]:
    label = _label(size)
    store = stores.demo_store(size)
    try:
        database = demo_server(size, store)
        work = scratch("sync-noop")
        with running_server(sqlite_url(database), work / "server.log") as server:
            progress(f"sync with nothing to do: {label} store, {NOOP_ROUNDS} rounds")
            big = _noop_rounds(server, store, "admin", pretend_synced=True)
            empty_store = new_store(work / "empty")
            try:
                empty = _noop_rounds(server, empty_store, "newcomer", pretend_synced=False)
            finally:
                empty_store.close()
    finally:
        store.close()
    name = f"sync with nothing to do ({label} store)"
    return [
        Figure(f"{name}, client CPU p50", p50(big.cpu), "ms", p50(empty.cpu)),
        Figure(
            f"{name}, client CPU p95",
            p95(big.cpu),
            "ms",
            p95(empty.cpu),
            *_target(size == FULL.noop_store, "≤ 100 ms", p95(big.cpu) <= 100),
        ),
        Figure(f"{name}, wall p50", p50(big.wall), "ms", p50(empty.wall)),
        Figure(f"{name}, wall p95", p95(big.wall), "ms", p95(empty.wall)),
    ]


@dataclass
class Rounds:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _noop_rounds(server: Server, store: Store, user: str, *, pretend_synced: bool) -> Rounds:
    """`NOOP_ROUNDS` timed sync rounds (after one untimed) that find nothing to do.

    `pretend_synced`: the demo store never synced; its server holds exactly what
    its change log says, so the outbox is marked acknowledged and the cursor set
    to the server's for the run, then both put back as they were.
    """
    engine = GuardedEngine(store, sign_in(server, store, user))
    saved = {key: _meta(store, key) for key in ("acked_seq", "pull_cursor")}
    saved_cursor = store.replica.pull_cursor
    try:
        if pretend_synced:
            _pretend_synced(engine)
        engine.sync()
        rounds = Rounds()
        for _ in range(NOOP_ROUNDS):
            cpu, wall = time.process_time(), time.perf_counter()
            report = engine.sync()
            rounds.wall.append((time.perf_counter() - wall) * 1000)
            rounds.cpu.append((time.process_time() - cpu) * 1000)
            assert report.pushed == report.pulled == 0 and not report.full_resync, report
        return rounds
    finally:
        if pretend_synced:
            _set_meta(store, **saved)
            store.replica.pull_cursor = saved_cursor
        engine.transport.close()  # type: ignore[attr-defined]


def _pretend_synced(engine: SyncEngine) -> None:
    store = engine.store
    with store.read() as conn:
        last = conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM change_log").scalar()
    digest = engine.transport.digest()
    _set_meta(store, acked_seq=int(last or 0), pull_cursor=digest.cursor)
    store.replica.pull_cursor = digest.cursor
    mismatch = engine._mismatch(digest)
    if mismatch:
        raise RuntimeError(f"the server does not hold the demo store's records: {mismatch}")
