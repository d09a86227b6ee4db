"""Off the GUI thread: "do this on the store's worker, then call me back here".

All store work runs on one worker thread, in order (SQLCipher connections
are cheap to share, but one writer at a time keeps every use case simple and
the GUI thread never waits on a lock). Results and errors come back to the
GUI thread through a queued signal; a mutating use case's `ChangeSet` is
broadcast on `changed`, so each view refreshes only what it shows.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from crm_desktop.store.changeset import ChangeSet

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


@dataclass
class _Job:
    work: Callable[[], Any]
    done: Done | None
    failed: Failed | None
    cancelled: threading.Event
    silent: bool = False  # no delivery to the GUI thread (idle markers)


class Runner(QObject):
    """One worker thread for store work; callbacks run on the GUI thread."""

    changed = Signal(object)  # a ChangeSet, after a mutating job
    busy = Signal(bool)
    _finished = Signal(object, object, object)  # job, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._pending = 0
        self._finished.connect(self._deliver)
        self._thread = threading.Thread(target=self._loop, name="store-worker", daemon=True)
        self._thread.start()

    def submit(
        self,
        work: Callable[[], Any],
        done: Done | None = None,
        failed: Failed | None = None,
    ) -> threading.Event:
        """Queue `work`; returns an event that, once set, drops the callbacks (cancel)."""
        job = _Job(work, done, failed, threading.Event())
        self._pending += 1
        if self._pending == 1:
            self.busy.emit(True)
        self._jobs.put(job)
        return job.cancelled

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until queued work has run (tests and shutdown only)."""
        marker = threading.Event()
        self._jobs.put(_Job(marker.set, None, None, threading.Event(), silent=True))
        return marker.wait(timeout)

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            if job.silent:
                job.work()
                continue
            try:
                result = job.work()
            except BaseException as exc:  # delivered to the GUI thread, never lost
                self._finished.emit(job, None, exc)
            else:
                self._finished.emit(job, result, None)

    @Slot(object, object, object)
    def _deliver(self, job: _Job, result: Any, error: BaseException | None) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy.emit(False)
        if job.cancelled.is_set():
            return
        if error is not None:
            if job.failed is None:
                log.error("unhandled error in store work", exc_info=error)
                return
            job.failed(error)
            return
        changes = getattr(result, "changes", None)
        if isinstance(result, ChangeSet):
            changes = result
        if isinstance(changes, ChangeSet) and changes:
            self.changed.emit(changes)
        if job.done is not None:
            job.done(result)
