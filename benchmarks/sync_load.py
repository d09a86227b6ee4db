"""Many clients syncing at once against PostgreSQL, one process per client, as laptops are.

Each client process opens its own store (a copy of an empty template), signs in
over HTTP, seeds contacts its team sees, waits for the others, then for the
given time makes 20 changes (5 new contacts, 15 edits of its team's contacts,
so teammates' edits cross) and syncs, again and again. Afterwards every client
syncs twice more and must agree with the server's digest. Processes, not
threads: threads in one interpreter would measure this harness's GIL rather
than the server. Clients, server workers and PostgreSQL share the machine.

Baseline: the same workload with a single client.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.sync_setup import (
    add_users,
    clone_store,
    new_store,
    postgres_schema,
    progress,
    running_server,
    scratch,
    sign_in,
    unowned_contacts,
)
from benchmarks.timing import Figure, p50, p95
from crm_desktop.domain.models import Contact
from crm_desktop.services.contacts import create_contacts
from crm_desktop.store.engine import Store
from crm_desktop.sync.engine import SyncEngine, pending_count

CHANGES_PER_ROUND = 20
TEAM_SIZE = 10
SERVER_WORKERS = 2
SETUP_TIMEOUT = 600.0
"""Seconds for all clients to open their stores and sign in (50 on 2 cores take a while)."""


@dataclass
class ClientResult:
    """What one client process saw; sent back to the parent through a queue."""

    latencies: list[float] = field(default_factory=list)
    changes: int = 0
    errors: list[str] = field(default_factory=list)
    resyncs: int = 0
    started: float = 0.0
    ended: float = 0.0


@dataclass
class Load:
    latencies: list[float]
    changes: int
    errors: list[str]
    resyncs: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.changes / self.elapsed if self.elapsed else 0.0


def bench_concurrent(clients: int, duration: float, workers: int = SERVER_WORKERS) -> list[Figure]:
    work = scratch("sync-concurrent")
    names = [f"rep{i:02d}" for i in range(clients)]
    teams = max(1, clients // TEAM_SIZE)
    users = [(name, "rep", f"team{i % teams}") for i, name in enumerate(names)]
    with postgres_schema() as url:
        add_users(url, [*users, ("solo", "rep", "solo")])
        with running_server(url, work / "server.log", workers=workers) as server:
            new_store(work / "template").close()
            progress(f"concurrent: 1 client for {duration:.0f} s")
            one = run_clients(server.url, work, ["solo"], duration)
            progress(f"concurrent: {clients} clients for {duration:.0f} s")
            many = run_clients(server.url, work, names, duration)
    if many.errors:
        progress(f"errors: {many.errors[:5]}")
    name = f"{clients} clients, PostgreSQL, {workers} workers"
    return [
        Figure(f"{name}: sync round p50", p50(many.latencies), "ms", p50(one.latencies)),
        Figure(f"{name}: sync round p95", p95(many.latencies), "ms", p95(one.latencies)),
        Figure(f"{name}: changes synced", many.rate, "changes/s", one.rate),
        Figure(f"{name}: full re-syncs", many.resyncs, "rounds", one.resyncs),
        Figure(
            f"{name}: errors", len(many.errors), "errors", len(one.errors), "0", not many.errors
        ),
    ]


def run_clients(url: str, work: Path, names: list[str], duration: float) -> Load:
    """One process per name; returns what they measured, together."""
    context = multiprocessing.get_context("fork")  # inherits the imports: starts fast
    barriers = [context.Barrier(len(names), timeout=SETUP_TIMEOUT) for _ in range(3)]
    results: Any = context.Queue()
    processes = [
        context.Process(
            target=_client, args=(url, work, name, n, duration, barriers, results), daemon=True
        )
        for n, name in enumerate(names)
    ]
    for process in processes:
        process.start()
    try:
        collected: list[ClientResult] = [
            results.get(timeout=SETUP_TIMEOUT + duration) for _ in processes
        ]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
    return Load(
        latencies=[t for r in collected for t in r.latencies],
        changes=sum(r.changes for r in collected),
        errors=[e for r in collected for e in r.errors],
        resyncs=sum(r.resyncs for r in collected),
        elapsed=max(r.ended for r in collected) - min(r.started for r in collected),
    )


def _client(
    url: str,
    work: Path,
    name: str,
    index: int,
    duration: float,
    barriers: list[Any],
    results: Any,
) -> None:
    """A client process: set up, wait for all, sync in a loop, settle, report."""
    result = ClientResult()
    store: Store | None = None
    try:
        store = clone_store(work / "template", work / f"client-{name}")
        engine = SyncEngine(store, sign_in(url, store, name))
        create_contacts(store, unowned_contacts(CHANGES_PER_ROUND, seed=100 + index))
        engine.sync()
        start, settle, final = barriers
        start.wait()
        _loop(engine, random.Random(index), duration, result)
        settle.wait()
        engine.sync()  # everyone's last changes are in: take them
        final.wait()
        report = engine.sync()  # nobody writes now: the digest must agree
        if report.full_resync or pending_count(store):
            result.errors.append(f"{name} did not converge: {report.mismatch}")
    except Exception as exc:  # reported, and the others are released from the barriers
        result.errors.append(f"{name}: {type(exc).__name__}: {exc}")
        for barrier in barriers:
            barrier.abort()
    finally:
        if store is not None:
            store.close()
        results.put(result)


def _loop(engine: SyncEngine, rng: random.Random, duration: float, result: ClientResult) -> None:
    result.started = time.monotonic()  # system-wide clock: comparable across processes
    deadline = result.started + duration
    while time.monotonic() < deadline:
        make_round_changes(engine.store, rng)
        started = time.perf_counter()
        try:
            report = engine.sync()
        except Exception as exc:  # counted and shown: the figure is the error count
            result.errors.append(f"{type(exc).__name__}: {exc}")
            continue
        result.latencies.append((time.perf_counter() - started) * 1000)
        result.changes += report.pushed
        result.resyncs += report.full_resync
        if report.rejected:
            result.errors.append(f"{report.rejected} change(s) rejected")
    result.ended = time.monotonic()


def make_round_changes(store: Store, rng: random.Random) -> None:
    """`CHANGES_PER_ROUND` changes: a quarter new contacts, the rest edits of the team's."""
    creates = CHANGES_PER_ROUND // 4
    create_contacts(store, unowned_contacts(creates, seed=rng.randrange(1 << 30)))
    with store.read() as conn:
        ids = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT id FROM contact ORDER BY random() LIMIT ?", (CHANGES_PER_ROUND - creates,)
            )
        ]
    with store.write() as tx:
        for record_id in ids:
            tx.update(Contact, record_id, {"title": f"Title {rng.randrange(1 << 30)}"})
