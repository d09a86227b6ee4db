"""Syncs cut short at random points: the client killed, or the server killed.

Each test kills one side 50 times, in rounds against a real ``crm-server
serve`` process on SQLite. Every round first makes new local edits (so every
sync has work), then starts a sync and kills one side at a seeded random
point: after a random number of requests, plus a random delay. After the
rounds a final sync must succeed, and then nothing may be lost or doubled:
every change in the client's change log is on the server exactly once, the
server's live contacts equal the client's (and what the test wrote), the
store passes ``crm-desktop check``, and a new device signed in as the same
user bootstraps exactly the same contacts.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from crm_desktop.services.contacts import create_contacts, update_contact
from crm_desktop.sync import transport as http
from crm_desktop.sync.engine import pending_count
from tests.e2e.conftest import HQ, ROOT, Cli, Client, LogTail, ServerProcess, child_env

pytestmark = pytest.mark.slow

ROUNDS = 50
START_CONTACTS = 3000
NEW_PER_ROUND = 40
UPDATES_PER_ROUND = 20
KILL_AFTER_ANSWERS = (1, 4)  # the client dies after this many answers (and a delay)
KILL_AT_REQUEST = (1, 3)  # the server dies after this request left (and a delay)
KILL_DELAY = (0.0, 0.06)  # seconds
START_UP_KILL_WINDOW = (0.0, 1.0)  # seconds after the sync process starts

Synced = tuple[str, str | None, str | None]
"""The synced fields the checks compare: name, title, notes."""


@dataclass
class Ledger:
    """What the client's contacts must hold: every edit the test made, by id."""

    contacts: dict[str, Synced] = field(default_factory=dict)

    def seed(self, client: Client, count: int) -> None:
        rows = [{"name": f"Seed {i:05d}", "owner": None} for i in range(count)]
        with client.store() as store:
            made = create_contacts(store, rows).value
        assert not made.errors
        for i, contact_id in enumerate(made.ids):
            self.contacts[contact_id] = (f"Seed {i:05d}", None, None)

    def edit(self, client: Client, rng: random.Random, round_no: int) -> None:
        """New contacts and edits of existing ones, in-process; the store closed after."""
        rows = [
            {"name": f"Round {round_no:02d} #{i:02d}", "owner": None, "title": "new"}
            for i in range(NEW_PER_ROUND)
        ]
        existing = rng.sample(sorted(self.contacts), UPDATES_PER_ROUND)
        with client.store() as store:
            made = create_contacts(store, rows).value
            assert not made.errors
            for i, contact_id in enumerate(made.ids):
                self.contacts[contact_id] = (rows[i]["name"], "new", None)
            for contact_id in existing:
                name, title, _notes = self.contacts[contact_id]
                notes = f"edited in round {round_no}"
                update_contact(store, contact_id, {"notes": notes})
                self.contacts[contact_id] = (name, title, notes)


# -- what the two sides hold ----------------------------------------------------------------
def client_contacts(client: Client) -> dict[str, Synced]:
    with client.store() as store, store.read() as conn:
        rows = conn.exec_driver_sql("SELECT id, name, title, notes FROM contact").all()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def client_change_ids(client: Client) -> list[str]:
    with client.store() as store, store.read() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT change_id FROM change_log")]


def server_contacts(hq: HQ) -> dict[str, Synced]:
    return {
        contact_id: (fields["name"], fields.get("title"), fields.get("notes"))
        for contact_id, fields in hq.records("contact").items()
    }


def assert_nothing_lost_or_doubled(hq: HQ, client: Client, ledger: Ledger, tmp_path: Path) -> None:
    report = client.sync()
    assert not report["mismatch"], report
    with client.store() as store:
        assert pending_count(store) == 0

    on_server = Counter(hq.change_ids())
    assert max(on_server.values()) == 1
    local = client_change_ids(client)
    assert len(local) == len(set(local))
    assert set(local) == set(on_server), (
        f"{len(set(local) - set(on_server))} changes never reached the server, "
        f"{len(set(on_server) - set(local))} on the server are unknown here"
    )

    assert hq.records("sync_conflict") == {}  # one device never conflicts with itself

    mine = client_contacts(client)
    assert mine == ledger.contacts
    assert server_contacts(hq) == mine
    names = [name for name, _title, _notes in mine.values()]
    assert len(names) == len(set(names)), "a contact was created twice"

    checked = client.run("check")
    assert checked.code == 0, checked.out + checked.err

    # A new device of the same user bootstraps from the snapshot: the same contacts.
    laptop = client.new_device(tmp_path / "new-laptop")
    laptop.login("alice")
    first = laptop.sync()
    assert first["pulled"] >= len(mine), first
    assert not first["full_resync"] and not first["mismatch"], first
    assert client_contacts(laptop) == mine
    assert laptop.run("check").code == 0


def cut_at(hq: HQ, client: Client, server_changes_before: int) -> str:
    """How far a killed sync got, told from what each side committed."""
    if len(hq.change_ids()) == server_changes_before:
        return "before pushing"
    with client.store() as store, store.read() as conn:
        meta = dict(conn.exec_driver_sql("SELECT key, value FROM local_meta").all())
        last = conn.exec_driver_sql("SELECT max(seq) FROM change_log").scalar()
    if int(meta.get("acked_seq", 0)) < int(last or 0):
        return "while pushing"
    with hq.engine.connect() as conn:
        last_seq = conn.execute(text("SELECT last_seq FROM server_state")).scalar()
    if int(meta.get("pull_cursor", 0)) < int(last_seq or 0):
        return "after pushing, before the pull ended"
    return "after pulling"


@pytest.fixture
def alice(sqlite_hq: HQ, tmp_path: Path, cli: Cli) -> Iterator[Client]:
    sqlite_hq.add_user("alice", "rep", "north")
    client = Client(tmp_path / "alice", sqlite_hq, cli)
    client.login("alice")
    yield client


# -- the client killed ------------------------------------------------------------------------
def test_client_killed_at_random_points_of_sync(
    sqlite_hq: HQ, alice: Client, tmp_path: Path
) -> None:
    rng = random.Random(20261130)
    ledger = Ledger()
    ledger.seed(alice, START_CONTACTS)
    outcomes: Counter[str] = Counter()
    started = time.monotonic()
    for round_no in range(ROUNDS):
        ledger.edit(alice, rng, round_no)
        in_start_up = round_no % 10 == 9  # now and then while it starts and opens the store
        outcome = kill_a_sync(sqlite_hq, alice, rng, in_start_up=in_start_up)
        outcomes[outcome] += 1
    alice.note(f"\nclient kills: {dict(outcomes)} in {time.monotonic() - started:.1f} s")
    assert outcomes["finished"] <= ROUNDS // 5, outcomes  # nearly every sync was cut short
    mid_sync = ROUNDS - outcomes["finished"] - outcomes["killed before pushing"]
    assert mid_sync >= ROUNDS // 2, outcomes

    assert_nothing_lost_or_doubled(sqlite_hq, alice, ledger, tmp_path)


def kill_a_sync(hq: HQ, client: Client, rng: random.Random, *, in_start_up: bool) -> str:
    """``crm-desktop sync`` as a process, SIGKILLed at a random point; what it got to.

    The point is a random request of the round (hello, push batches, pull pages,
    digest), told by the server's access log, plus a short random delay: the
    process is killed while it handles that answer or sends the next request.
    A delay from the process start would mostly kill the interpreter's start-up,
    which takes most of a second where the sync itself takes a tenth.
    """
    command = [sys.executable, "-m", "crm_desktop", "--data-dir", str(client.data_dir), "sync"]
    changes = len(hq.change_ids())
    tail = LogTail(hq.server)
    process = subprocess.Popen(
        command, cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        outcome, err = _kill_at_random(hq, client, process, tail, rng, changes, in_start_up)
    finally:
        if process.poll() is None:  # a failed check above: leave no process behind
            process.kill()
            process.communicate()
    assert b"Traceback" not in err, err.decode()
    return outcome


def _kill_at_random(
    hq: HQ,
    client: Client,
    process: subprocess.Popen[bytes],
    tail: LogTail,
    rng: random.Random,
    changes: int,
    in_start_up: bool,
) -> tuple[str, bytes]:
    if in_start_up:
        delay = rng.uniform(*START_UP_KILL_WINDOW)
    else:
        answers, delay = rng.randint(*KILL_AFTER_ANSWERS), rng.uniform(*KILL_DELAY)
        deadline = time.monotonic() + 30
        while tail.poll() < answers and process.poll() is None:
            assert time.monotonic() < deadline, "the sync stalled"
            time.sleep(0.002)
    try:
        _out, err = process.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        _out, err = process.communicate()
        return f"killed {cut_at(hq, client, changes)}", err
    assert process.returncode == 0, err.decode()
    return "finished", err


# -- the server killed ------------------------------------------------------------------------
class KillSwitch(httpx.HTTPTransport):
    """An ordinary HTTP transport that kills the server a while after its n-th request left."""

    def __init__(self, server: ServerProcess, requests: int, delay: float) -> None:
        super().__init__()
        self.server = server
        self.requests = requests
        self.timer = threading.Timer(delay, self._kill)
        self.sent = 0
        self.fired = False

    def _kill(self) -> None:
        self.fired = True
        self.server.kill()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        if self.sent == self.requests:
            self.timer.start()
        return super().handle_request(request)

    def disarm(self) -> None:
        """Cancel a timer that has not fired; wait for one that is firing."""
        self.timer.cancel()
        if self.timer.is_alive():
            self.timer.join()


@dataclass
class ServerKiller:
    """Hands the CLI transports that kill the server mid-sync, while `armed`."""

    server: ServerProcess
    rng: random.Random
    armed: bool = True
    switches: list[KillSwitch] = field(default_factory=list)

    def make_transport(
        self, base_url: str, token: str | None = None, *, ca_bundle: str | None = None
    ) -> http.HttpTransport:
        if not self.armed:
            return http.HttpTransport(base_url, token, verify=ca_bundle or True)
        switch = KillSwitch(
            self.server, self.rng.randint(*KILL_AT_REQUEST), self.rng.uniform(*KILL_DELAY)
        )
        self.switches.append(switch)
        # One quick retry: the server stays down until the round ends, so more would only wait.
        return http.HttpTransport(base_url, token, retries=1, backoff=0.01, transport=switch)


def test_server_killed_mid_request(
    sqlite_hq: HQ, alice: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = sqlite_hq.server
    rng = random.Random(20261201)
    killer = ServerKiller(server, rng)
    monkeypatch.setattr(http, "make_transport", killer.make_transport)
    ledger = Ledger()
    ledger.seed(alice, START_CONTACTS)
    outcomes: Counter[str] = Counter()
    started = time.monotonic()
    round_no = 0
    while outcomes["offline"] < ROUNDS:
        assert round_no < 2 * ROUNDS, outcomes
        ledger.edit(alice, rng, round_no)
        server.wait_ready()  # restarted at the end of the last round
        result = alice.run("sync")
        switch = killer.switches[-1]
        switch.disarm()
        if result.code == 0:
            outcomes["killed after the last answer" if switch.fired else "finished"] += 1
        else:
            assert result.code == 1, result.err
            assert switch.fired, result.err
            assert "Offline" in result.err and "nothing is lost" in result.err, result.err
            assert "waiting to be sent" in result.err, result.err
            outcomes["offline"] += 1
        if switch.fired:
            server.kill()  # reaped
            server.start(wait=False)  # it starts while the next edits are made
        round_no += 1
    server.wait_ready()
    killer.armed = False
    assert server.starts == 1 + sum(switch.fired for switch in killer.switches)
    alice.note(f"\nserver kills: {dict(outcomes)} in {time.monotonic() - started:.1f} s")

    with sqlite_hq.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert_nothing_lost_or_doubled(sqlite_hq, alice, ledger, tmp_path)
