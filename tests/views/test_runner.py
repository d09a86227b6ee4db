"""The runner: work off the GUI thread, results and errors back on it, changes broadcast."""

from __future__ import annotations

import threading

from crm_desktop.services.contacts import create_contact
from tests.views.conftest import settle


def test_work_runs_off_the_gui_thread_and_reports_back_on_it(qtbot, ctx) -> None:
    seen = {}

    def work() -> str:
        seen["worker"] = threading.current_thread()
        return "result"

    got = []
    ctx.runner.submit(work, got.append)
    settle(qtbot, ctx)
    assert got == ["result"] and seen["worker"] is not threading.main_thread()


def test_errors_reach_the_failed_callback(qtbot, ctx) -> None:
    errors = []
    ctx.runner.submit(lambda: 1 / 0, None, errors.append)
    settle(qtbot, ctx)
    assert isinstance(errors[0], ZeroDivisionError)


def test_a_mutation_broadcasts_what_changed(qtbot, ctx) -> None:
    with qtbot.waitSignal(ctx.runner.changed) as blocker:
        ctx.runner.submit(lambda: create_contact(ctx.store, {"name": "王芳"}))
    assert "contact" in blocker.args[0].created


def test_cancelled_jobs_do_not_call_back(qtbot, ctx) -> None:
    got = []
    gate = threading.Event()
    ctx.runner.submit(gate.wait)
    cancel = ctx.runner.submit(lambda: 1, got.append)
    cancel.set()
    gate.set()
    settle(qtbot, ctx)
    assert got == []
