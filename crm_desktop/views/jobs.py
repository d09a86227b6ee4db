"""Store work on behalf of one widget: its callbacks are dropped once it is destroyed.

A dialog closed (and deleted) while its save is still on the worker, or a
view torn down with a page request pending, must not be called back: the
C++ object is gone. `Jobs` cancels every pending job of its owner when the
owner is destroyed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from crm_desktop.views.runner import Done, Failed, Runner

log = logging.getLogger(__name__)


class Jobs:
    """`runner.submit` for one owner; pending jobs are cancelled when it is destroyed."""

    def __init__(self, runner: Runner, owner: QObject) -> None:
        self._runner = runner
        state = _State()
        self._state = state
        # The closure holds the state, not the owner: it must not keep the owner alive.
        owner.destroyed.connect(lambda *_: state.owner_gone())

    def submit(
        self, work: Callable[[], Any], done: Done | None = None, failed: Failed | None = None
    ) -> threading.Event:
        """Queue `work`; returns the job's cancel event (as `Runner.submit` does)."""
        holder: list[threading.Event] = []

        def finished(result: Any) -> None:
            self._state.pending.discard(holder[0])
            if done is not None:
                done(result)

        def errored(error: BaseException) -> None:
            self._state.pending.discard(holder[0])
            if failed is None:
                log.error("unhandled error in store work", exc_info=error)
            else:
                failed(error)

        event = self._runner.submit(work, finished, errored)
        holder.append(event)
        if self._state.alive:
            self._state.pending.add(event)
        else:  # e.g. an undo command outliving its view: the work runs, nobody is called
            event.set()
        return event


class _State:
    def __init__(self) -> None:
        self.alive = True
        self.pending: set[threading.Event] = set()

    def owner_gone(self) -> None:
        self.alive = False
        for event in list(self.pending):
            event.set()
        self.pending.clear()
