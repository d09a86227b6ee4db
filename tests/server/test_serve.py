"""The real ``crm-server serve`` process: starts on an SQLite file and answers over HTTP."""

from __future__ import annotations

import gzip
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from crm_desktop.sync.protocol import API_PREFIX, PROTOCOL_HEADER, PROTOCOL_VERSION
from crm_server.cli import main

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_hello(base: str, process: subprocess.Popen, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            return httpx.get(f"{base}{API_PREFIX}/hello", timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not answer in time")


def test_serve_runs_the_api(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    monkeypatch.setattr(sys, "stdin", io.StringIO("serve-pw-1\n"))
    assert main(["--database-url", url, "user", "add", "amy", "--role", "rep"]) == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CRM_SERVER_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "crm_server", "--database-url", url, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        hello = wait_for_hello(base, process)
        assert hello.status_code == 200 and hello.json()["server"] == "crm-server"
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        login = httpx.post(
            f"{base}{API_PREFIX}/login",
            json={"user": "amy", "password": "serve-pw-1", "device_id": "dev-1"},
            headers=headers,
        )
        assert login.status_code == 200, login.text
        headers["Authorization"] = f"Bearer {login.json()['token']}"
        push = httpx.post(
            f"{base}{API_PREFIX}/sync/push",
            content=gzip.compress(b'{"changes": []}'),
            headers={**headers, "Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        assert push.status_code == 200, push.text
        pull = httpx.get(f"{base}{API_PREFIX}/sync/pull?cursor=0", headers=headers)
        assert pull.status_code == 200 and pull.json()["more"] is False
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    assert f"serving http://127.0.0.1:{port}" in out
    assert "POST /api/v1/login" in out  # the access log, at info
    assert "Traceback" not in err
