"""A scripted HQ server behind `httpx.MockTransport`, for the HTTP layer and the CLI.

`FakeServer` answers by path; a test queues special answers (errors, bad
bodies, network failures) for a path, and reads back what was sent.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from crm_desktop.sync.protocol import PROTOCOL_VERSION
from crm_desktop.sync.transport import HttpTransport

SERVER = "https://hq.example"
Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def error(status: int, code: str, message: str, *, wipe: bool = False) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, "wipe": wipe}})


class FakeServer:
    """Sign-in with one password per user; everything else from queued answers or defaults."""

    def __init__(self) -> None:
        self.users = {"ann": ("s3cret-pass", "rep", "north")}
        self.requests: list[httpx.Request] = []
        self.queued: dict[str, deque[Answer]] = defaultdict(deque)
        self.tokens: set[str] = set()
        self.hello = {
            "server": "crm-server",
            "protocol": PROTOCOL_VERSION,
            "min_protocol": PROTOCOL_VERSION,
        }

    def queue(self, path: str, *answers: Answer) -> None:
        self.queued[path].extend(answers)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/api/v1")
        if self.queued[path]:
            answer = self.queued[path].popleft()
            if isinstance(answer, Exception):
                raise answer
            return answer(request) if callable(answer) else answer
        return self.default(path, request)

    def default(self, path: str, request: httpx.Request) -> httpx.Response:
        if path == "/hello":
            return httpx.Response(200, json=self.hello)
        if path == "/login":
            return self.login(json.loads(request.content))
        if path == "/logout":
            return httpx.Response(204)
        if path == "/sync/push":
            return httpx.Response(200, json={"accepted": []})
        if path == "/sync/pull":
            return httpx.Response(200, json={"records": [], "cursor": 0, "more": False})
        if path == "/sync/digest":
            return httpx.Response(200, json={"counts": {}, "cursor": 0})
        return error(404, "not_found", "No such path.")

    def login(self, body: dict[str, Any]) -> httpx.Response:
        known = self.users.get(body["user"])
        if known is None or known[0] != body["password"]:
            return error(401, "auth.invalid", "Wrong user name or password.")
        token = f"token-{len(self.tokens) + 1}-{body['device_id']}"
        self.tokens.add(token)
        _, role, team = known
        return httpx.Response(
            200,
            json={
                "token": token,
                "user": body["user"],
                "role": role,
                "team": team,
                "device_id": body["device_id"],
            },
        )


class Sleeps(list[float]):
    """A fake `sleep` that records the delays asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_http(server: FakeServer, sleeps: Sleeps) -> Callable[..., HttpTransport]:
    def make(base_url: str = SERVER, token: str | None = None, **kwargs: Any) -> HttpTransport:
        kwargs.setdefault("transport", httpx.MockTransport(server))
        kwargs.setdefault("sleep", sleeps)
        return HttpTransport(base_url, token, **kwargs)

    return make


@pytest.fixture
def fake_network(monkeypatch: pytest.MonkeyPatch, server: FakeServer, sleeps: Sleeps) -> FakeServer:
    """Every transport the app makes talks to `server` (the CLI's one seam)."""
    from crm_desktop.sync import transport

    def make_transport(
        base_url: str, token: str | None = None, *, ca_bundle: str | None = None
    ) -> HttpTransport:
        return HttpTransport(
            base_url,
            token,
            verify=ca_bundle or True,
            transport=httpx.MockTransport(server),
            sleep=sleeps,
        )

    monkeypatch.setattr(transport, "make_transport", make_transport)
    return server
