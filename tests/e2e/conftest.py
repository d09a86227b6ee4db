"""End-to-end fixtures: a real ``crm-server serve`` process and real client data dirs.

The server runs as a child process on a free port of 127.0.0.1, over an
SQLite file or a fresh PostgreSQL schema (`tests.databases`); it can be
killed (SIGKILL), stopped (SIGINT) and restarted on the same port and
database. Users and devices are managed with the real ``crm-server`` CLI,
in-process. Clients are data directories driven through the real
``crm-desktop`` CLI, in-process too (the fault tests also run it as a
process). There is no OS keychain: stores are keyed by ``CRM_PASSPHRASE`` and
device tokens live in the encrypted store.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text

from crm_desktop.cli.main import main as desktop_main
from crm_desktop.store import keys
from crm_desktop.store.engine import Store, open_store
from crm_desktop.sync.protocol import API_PREFIX
from crm_server import auth
from crm_server.cli import main as server_main
from crm_server.db import make_engine
from tests.databases import DATABASES, database

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery staple"
PASSWORD = "e2e-password-1"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


# -- the server process -------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env() -> dict[str, str]:
    """The environment of child processes: this checkout first on the path, no stray config."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("CRM_SERVER_DATABASE_URL", "CRM_DATA_DIR", "CRM_CA_BUNDLE", "CRM_USER"):
        env.pop(name, None)
    return env


class ServerProcess:
    """``python -m crm_server serve`` on a fixed port; output appended to `log_path`."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, *, wait: bool = True) -> None:
        """Start it and (unless not `wait`) wait until ``/hello`` answers."""
        assert not self.running, "the server is already running"
        command = [
            sys.executable,
            "-m",
            "crm_server",
            "--database-url",
            self.database_url,
            "serve",
            "--port",
            str(self.port),
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT
            )
        self.starts += 1
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the server exited with {self.process.returncode}:\n{self.log()[-3000:]}"
                )
            try:
                answer = httpx.get(f"{self.url}{API_PREFIX}/hello", timeout=1)
            except httpx.TransportError:
                time.sleep(0.02)
                continue
            assert answer.status_code == 200, answer.text
            return
        raise AssertionError(f"the server did not answer in time:\n{self.log()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, open transactions cut off."""
        if self.running:
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGINT (Ctrl+C): a graceful shutdown; killed if it takes too long."""
        if not self.running:
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("the server did not stop on SIGINT") from None

    def restart(self) -> None:
        """Stop (or reap a killed one) and start again on the same port and database."""
        if self.running:
            self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class LogTail:
    """Follows a server log from its current end: counts the API requests answered since."""

    def __init__(self, server: ServerProcess) -> None:
        self.path = server.log_path
        self.offset = self.path.stat().st_size
        self.partial = b""
        self.requests = 0

    def poll(self) -> int:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            data = log.read()
        self.offset += len(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        marker = f" {API_PREFIX}/".encode()
        self.requests += sum(1 for line in lines if marker in line)
        return self.requests


# -- the command lines, in-process ---------------------------------------------------------
@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, f"exit {self.code}: {self.err}"
        return json.loads(self.out)


class Cli:
    """Runs a ``main(argv)`` in-process with a given stdin; returns code and output."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, entry: Any, argv: list[str], stdin: str = "") -> Result:
        self._capsys.readouterr()  # drop output of earlier steps
        with self._monkeypatch.context() as patch:
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            code = entry(argv)
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def note(self, message: str) -> None:
        """Print past the capture (seen with ``pytest -s``): figures worth reading."""
        with self._capsys.disabled():
            print(message)


class HQ:
    """The server process plus its administrator's ``crm-server`` commands."""

    def __init__(self, server: ServerProcess, cli: Cli) -> None:
        self.server = server
        self._cli = cli
        self._engine: Engine | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def admin(self, *args: str, stdin: str = "") -> Result:
        return self._cli(server_main, ["--database-url", self.server.database_url, *args], stdin)

    def add_user(self, name: str, role: str = "rep", team: str | None = None) -> None:
        extra = ["--team", team] if team else []
        done = self.admin("user", "add", name, "--role", role, *extra, stdin=PASSWORD + "\n")
        assert done.code == 0, done.err

    def device_ids(self) -> dict[str, str]:
        """Device id -> user name, as ``crm-server device list`` prints them."""
        listed = self.admin("device", "list")
        assert listed.code == 0, listed.err
        rows = [line.split() for line in listed.out.splitlines()[1:] if line.strip()]
        return {row[0]: row[1] for row in rows}

    def revoke(self, device_id: str, *, wipe: bool = False) -> None:
        done = self.admin("device", "revoke", device_id, *(["--wipe"] if wipe else []))
        assert done.code == 0, done.err

    @property
    def engine(self) -> Engine:
        """The server's database, for checks (read it, never write)."""
        if self._engine is None:
            self._engine = make_engine(self.server.database_url)
        return self._engine

    def records(self, entity: str) -> dict[str, dict[str, Any]]:
        """Record id -> fields of every live record of `entity` the server holds."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT record_id, fields FROM sync_record "
                    "WHERE entity = :entity AND is_deleted = :no"
                ),
                {"entity": entity, "no": False},
            ).all()
        return {row[0]: _json(row[1]) for row in rows}

    def change_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT change_id FROM sync_change"))]

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _json(value: Any) -> dict[str, Any]:
    return dict(json.loads(value) if isinstance(value, str) else value)


class Client:
    """One laptop: a data directory driven through ``crm-desktop``."""

    def __init__(self, data_dir: Path, hq: HQ, cli: Cli) -> None:
        self.data_dir = data_dir
        self.hq = hq
        self._cli = cli

    def run(self, *args: str, stdin: str = "") -> Result:
        return self._cli(desktop_main, ["--data-dir", str(self.data_dir), *args], stdin)

    def note(self, message: str) -> None:
        self._cli.note(message)

    def new_device(self, data_dir: Path) -> Client:
        """Another laptop on the same server (sign it in with `login`)."""
        return Client(data_dir, self.hq, self._cli)

    def login(self, user: str, password: str = PASSWORD) -> None:
        done = self.run("login", "--server", self.hq.url, "--user", user, stdin=password + "\n")
        assert done.code == 0, done.err

    def sync(self) -> dict[str, Any]:
        """One successful ``sync --json`` round: its report."""
        report = self.run("sync", "--json").json()
        assert isinstance(report, dict)
        return report

    def clean_sync(self) -> dict[str, Any]:
        """`sync`, asserting nothing was refused and no digest mismatch forced a full
        re-sync (which would hide drift between the device and the server)."""
        report = self.sync()
        assert report["rejected"] == 0, report
        assert not report["mismatch"] and not report["full_resync"], report
        return report

    def check_links(self) -> None:
        """``crm-desktop check``: no record on the device points at a missing one."""
        checked = self.run("check")
        assert checked.code == 0, checked.out + checked.err

    def conflicts(self, *extra: str) -> list[dict[str, Any]]:
        listed = self.run("conflicts", *extra, "--json").json()
        assert isinstance(listed, list)
        return listed

    def rejected(self) -> list[dict[str, Any]]:
        listed = self.run("conflicts", "rejected", "--json").json()
        assert isinstance(listed, list)
        return listed

    def show(self, contact_id: str) -> Result:
        return self.run("contact", "show", contact_id, "--json")

    def contact(self, contact_id: str) -> dict[str, Any]:
        shown = self.show(contact_id).json()
        assert isinstance(shown, dict)
        return shown

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store opened directly (for services); closed before the CLI runs again."""
        opened = open_store(self.data_dir, passphrase=lambda _creating: PASSPHRASE, create=False)
        try:
            yield opened
        finally:
            opened.close()

    @property
    def device_id(self) -> str:
        with self.store() as opened:
            return opened.device_id


# -- fixtures ------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def e2e_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No keychain (the passphrase path, the token in the store), cheap in-process hashes."""
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)
    for name in ("CRM_DATA_DIR", "CRM_USER", "CRM_SERVER_DATABASE_URL", "CRM_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(keys, "keychain_available", lambda: False)
    # Users added in-process get cheap hashes; the server upgrades each at its first login.
    monkeypatch.setattr(auth, "_hasher", lambda: FAST_HASHER)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    with database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(capsys, monkeypatch)


@contextmanager
def running_hq(url: str, tmp_path: Path, cli: Cli) -> Iterator[HQ]:
    """A started server over `url` (its schema made by ``crm-server init``)."""
    hq = HQ(ServerProcess(url, tmp_path / "server.log"), cli)
    made = hq.admin("init")
    assert made.code == 0, made.err
    hq.server.start()
    try:
        yield hq
    finally:
        hq.server.stop()
        hq.dispose()
    assert "Traceback" not in hq.server.log(), hq.server.log()[-5000:]


@pytest.fixture
def hq(database_url: str, tmp_path: Path, cli: Cli) -> Iterator[HQ]:
    with running_hq(database_url, tmp_path, cli) as server:
        yield server


@pytest.fixture
def sqlite_hq(sqlite_url: str, tmp_path: Path, cli: Cli) -> Iterator[HQ]:
    with running_hq(sqlite_url, tmp_path, cli) as server:
        yield server


@pytest.fixture
def reps(hq: HQ, tmp_path: Path, cli: Cli) -> Iterator[tuple[Client, Client]]:
    """alice and bob, reps of team north, each signed in on a device of their own."""
    hq.add_user("alice", "rep", "north")
    hq.add_user("bob", "rep", "north")
    alice, bob = Client(tmp_path / "alice", hq, cli), Client(tmp_path / "bob", hq, cli)
    alice.login("alice")
    bob.login("bob")
    yield alice, bob
