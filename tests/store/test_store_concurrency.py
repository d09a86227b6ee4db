"""Threads sharing one store: WAL snapshots for readers, queued writers.

Every wait has a timeout, so a regression fails the test instead of hanging it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from crm_desktop.domain.models import Contact
from crm_desktop.store.engine import Store
from tests.store.store_testkit import add_contact, count

WAIT_S = 10.0


class Worker(threading.Thread):
    """A thread that keeps its exception (or result) for the test to check."""

    def __init__(self, target: Callable[[], Any]):
        super().__init__(daemon=True)
        self._target_fn = target
        self.error: BaseException | None = None
        self.result: Any = None

    def run(self) -> None:
        try:
            self.result = self._target_fn()
        except BaseException as exc:
            self.error = exc

    def finish(self) -> Any:
        self.join(WAIT_S)
        assert not self.is_alive(), "worker hung"
        if self.error is not None:
            raise self.error
        return self.result


def _wait(event: threading.Event) -> None:
    assert event.wait(WAIT_S), "timed out waiting for the other thread"


def test_a_reader_keeps_its_snapshot_while_another_thread_commits(store: Store) -> None:
    add_contact(store, "Ann")
    snapshot_taken, committed = threading.Event(), threading.Event()

    def reader() -> tuple[int, int]:
        with store.read() as conn:
            first = conn.exec_driver_sql("SELECT count(*) FROM contact").scalar_one()
            snapshot_taken.set()
            _wait(committed)
            again = conn.exec_driver_sql("SELECT count(*) FROM contact").scalar_one()
        return first, again

    worker = Worker(reader)
    worker.start()
    _wait(snapshot_taken)
    add_contact(store, "Bob")  # commits while the reader's transaction is open
    committed.set()
    assert worker.finish() == (1, 1)
    assert count(store, "contact") == 2  # a new read sees the commit


def test_readers_are_not_blocked_by_a_long_write(store: Store) -> None:
    add_contact(store, "Ann")
    writing, release = threading.Event(), threading.Event()

    def long_write() -> None:
        with store.write() as tx:
            tx.insert(Contact, {"name": "Bob"})
            writing.set()
            _wait(release)  # holds the write lock, uncommitted

    writer = Worker(long_write)
    writer.start()
    try:
        _wait(writing)
        started = time.monotonic()
        seen = count(store, "contact")
        elapsed = time.monotonic() - started
    finally:
        release.set()
    writer.finish()
    assert seen == 1  # the committed state, not the writer's uncommitted row
    assert elapsed < 1.0  # a blocked reader would wait for the busy timeout
    assert count(store, "contact") == 2


def test_concurrent_writers_queue_and_all_succeed(store: Store) -> None:
    writers, writes_each = 3, 10
    start = threading.Barrier(writers, timeout=WAIT_S)

    def writer(n: int) -> None:
        start.wait()
        for i in range(writes_each):
            with store.write() as tx:
                tx.insert(Contact, {"name": f"W{n}-{i}"})
                # Hold the lock a moment so the others really have to wait for it.
                time.sleep(0.002)

    workers = [Worker(lambda n=n: writer(n)) for n in range(writers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.finish()
    total = writers * writes_each
    assert count(store, "contact") == total
    assert count(store, "change_log") == total
    with store.read() as conn:
        hlcs = [r[0] for r in conn.exec_driver_sql("SELECT hlc FROM change_log ORDER BY seq")]
    # Serialised by BEGIN IMMEDIATE: commit order is clock order, no duplicates.
    assert hlcs == sorted(set(hlcs))
