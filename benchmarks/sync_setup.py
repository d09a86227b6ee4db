"""Sync benchmark set-up: real `crm-server serve` processes, accounts, client stores.

Servers run as subprocesses (their own process group, logs in a file) and are
always stopped by the context manager that started them. Accounts are written
straight into the server database with `crm_server.auth`'s hash; clients sign
in over HTTP like the app does.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks import stores
from crm_desktop.store.changes import ReplicaState
from crm_desktop.store.engine import Store, open_store
from crm_desktop.sync.protocol import API_PREFIX, PROTOCOL_HEADER, PROTOCOL_VERSION, LoginRequest
from crm_desktop.sync.transport import HttpTransport

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
START_TIMEOUT = 60.0


def progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# -- the server process ------------------------------------------------------------------
@dataclass
class Server:
    url: str
    """The API's base address (``http://127.0.0.1:PORT``)."""
    database_url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def running_server(database_url: str, log: Path, *, workers: int = 1) -> Iterator[Server]:
    """`crm-server serve` on a free loopback port, stopped (with its workers) on exit."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "crm_server",
        "--database-url",
        database_url,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", database_url, process, log)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(process)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"crm-server exited ({server.process.returncode}):\n{tail}")
        try:
            if httpx.get(f"{server.url}{API_PREFIX}/hello", headers=headers).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"crm-server did not answer within {START_TIMEOUT:.0f} s ({server.log})")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT to the server's own process group (uvicorn and its workers), then SIGKILL."""
    if process.poll() is not None:
        return
    group = os.getpgid(process.pid)
    os.killpg(group, signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(group, signal.SIGKILL)
        process.wait()


# -- the server database -------------------------------------------------------------------
def add_users(database_url: str, users: Sequence[tuple[str, str, str | None]]) -> None:
    """Create `users` (name, role, team), all with `PASSWORD`, hashed once (argon2 is slow)."""
    from crm_server import auth
    from crm_server.db import create_schema, make_engine, session_factory, transaction
    from crm_server.models import User

    engine = make_engine(database_url)
    try:
        create_schema(engine)
        password_hash = auth.hash_password(PASSWORD)
        with transaction(session_factory(engine, write=True)) as session:
            for name, role, team in users:
                if session.get(User, name) is None:
                    session.add(
                        User(
                            name=name,
                            password_hash=password_hash,
                            role=role,
                            team=team,
                            created_at=auth.utcnow(),
                        )
                    )
    finally:
        engine.dispose()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one run, dropped afterwards; yields its URL."""
    import psycopg

    name = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


# -- clients ---------------------------------------------------------------------------------
def scratch(name: str) -> Path:
    """An empty scratch directory under benchmarks/.data/scratch."""
    directory = stores.DATA / "scratch" / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


def new_store(directory: Path) -> Store:
    shutil.rmtree(directory, ignore_errors=True)
    return open_store(directory, passphrase=stores.passphrase, use_keychain=False)


def clone_store(template: Path, target: Path) -> Store:
    """A copy of an empty template store with its own device id (no key derivation to create)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(template, target)
    store = open_store(target, passphrase=stores.passphrase, create=False)
    with store.engine.connect() as conn, conn.begin():
        conn.exec_driver_sql(
            "UPDATE local_meta SET value = ? WHERE key = 'device_id'", (new_device_id(),)
        )
    store.replica = ReplicaState.load(store)
    return store


def new_device_id() -> str:
    from crm_desktop.ids import new_id

    return new_id()


def sign_in(server: Server | str, store: Store, user: str) -> HttpTransport:
    """An HTTP transport to `server` (or its address) signed in as `user` from `store`'s device."""
    transport = HttpTransport(server if isinstance(server, str) else server.url)
    transport.login(
        LoginRequest(
            user=user, password=PASSWORD, device_id=store.device_id, device_name="benchmark"
        )
    )
    return transport


def unowned_contacts(count: int, seed: int = 3) -> list[dict[str, Any]]:
    """Valid, varied contacts (the bulk-insert benchmark's), unowned and untagged: every
    rep of the author's team sees them, and each is exactly one change."""
    from benchmarks.core import _contact_rows

    return [{**row, "owner": None, "tags": []} for row in _contact_rows(count, seed)]
