"""kill -9 while writing, 100 times: the store always opens and keeps every commit.

A forked child (modules already imported, so a round costs milliseconds, not
an interpreter start) opens the store and commits in a loop, writing each
committed id to a pipe after its commit returned. The parent SIGKILLs it at
a random moment (while opening, inside a transaction, mid-commit or between
commits), then opens the store and finds every id the child reported.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from crm_desktop.domain.models import Activity, Contact
from crm_desktop.store.engine import open_store
from crm_desktop.store.integrity import check_at_open, check_integrity

ROUNDS = 100
pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "fork"), reason="needs fork and SIGKILL"
)


def _child(data_dir: Path, write_fd: int, seed: int) -> None:
    """Commit forever; report each committed contact id on `write_fd`."""
    rng = random.Random(seed)
    store = open_store(data_dir, create=False)
    os.write(write_fd, b"open\n")
    n = 0
    while True:
        n += 1
        with store.write() as tx:
            ids = [
                tx.insert(
                    Contact, {"name": f"k{seed}-{n}-{i}", "notes": "x" * rng.randint(0, 3000)}
                )
                for i in range(rng.randint(1, 20))
            ]
            tx.insert(
                Activity,
                {"kind": "note", "notes": "y" * 500, "contact_id": ids[0], "occurred_at": tx.now},
            )
            if n > 1 and rng.random() < 0.3:
                tx.update(Contact, ids[0], {"title": f"t{n}"})
        os.write(write_fd, ("\n".join(ids) + "\n").encode())


def _run_round(data_dir: Path, seed: int, delay: float, *, while_opening: bool) -> list[str]:
    """One writer, killed `delay` s after it opened the store (or after it started)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_fd)
        try:
            _child(data_dir, write_fd, seed)
        finally:
            os._exit(1)
    os.close(write_fd)
    chunks: list[bytes] = []
    if not while_opening:  # wait (at most 10 s) until the writer has the store open
        deadline = time.monotonic() + 10
        while b"open\n" not in b"".join(chunks) and time.monotonic() < deadline:
            ready, _, _ = select.select([read_fd], [], [], 0.05)
            if ready:
                chunks.append(os.read(read_fd, 65536))
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        f"the writer died on its own (status {status!r}) before it was killed"
    )
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    text = b"".join(chunks).decode()
    # A line cut by the kill is not a report: only whole lines count.
    return [line for line in text.split("\n")[:-1] if line and line != "open"]


def test_kill_9_while_writing_never_loses_a_commit(data_dir: Path, memory_keyring) -> None:
    store = open_store(data_dir, use_keychain=True)
    with store.write():  # loads the write path's modules here, not in every child
        pass
    store.close()  # no connection may be open across fork
    rng = random.Random(20261129)
    reported: set[str] = set()
    started = time.monotonic()
    for round_ in range(ROUNDS):
        # Most kills land among the writes; one in five while the child opens the store.
        while_opening = round_ % 5 == 0
        delay = rng.uniform(0.0, 0.02 if while_opening else 0.08)
        reported.update(_run_round(data_dir, round_, delay, while_opening=while_opening))
        store = open_store(data_dir, create=False)
        try:
            with store.read() as conn:
                raw = conn.connection.dbapi_connection
                assert check_at_open(raw, store.path) == []
                present = {row[0] for row in conn.exec_driver_sql("SELECT id FROM contact")}
            missing = reported - present
            assert not missing, f"round {round_}: {len(missing)} committed contacts lost"
            if round_ % 25 == 24:
                report = check_integrity(store)
                assert report.ok, report.problems
        finally:
            store.close()
    elapsed = time.monotonic() - started
    # The kills landed while writing, not only while opening.
    assert len(reported) > ROUNDS
    store = open_store(data_dir, create=False)
    try:
        report = check_integrity(store, full=True)
        assert report.ok, report.problems
    finally:
        store.close()
    assert elapsed < 90
