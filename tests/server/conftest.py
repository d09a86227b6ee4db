"""Fixtures for the HQ server: one database per test, on SQLite and on PostgreSQL.

Every database test runs twice (`tests.databases`). PostgreSQL gets a fresh
schema per test (``search_path`` set in the URL, so the CLI reaches it too);
when PostgreSQL is unreachable those tests fail, they do not skip: the server
ships for it.
Passwords are hashed with cheap argon2 parameters; the defaults cost ~0.2 s
a hash, and one test checks that real hashes are upgraded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from crm_desktop.sync.protocol import API_PREFIX
from crm_server import auth
from crm_server.app import create_app
from crm_server.db import create_schema, make_engine
from crm_server.models import User
from tests.databases import DATABASES, database

PASSWORD = "correct horse"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    monkeypatch.setattr(auth, "_hasher", lambda: FAST_HASHER)
    return FAST_HASHER


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine), base_url="http://hq.test") as test_client:
        yield test_client


def add_user(
    engine: Engine,
    name: str = "amy",
    role: str = "rep",
    team: str | None = "east",
    password: str = PASSWORD,
    **fields: Any,
) -> None:
    with Session(engine) as session:
        auth.add_user(session, name, password, role, team)
        user = session.get(User, name)
        assert user is not None
        for key, value in fields.items():
            setattr(user, key, value)
        session.commit()


def login(
    client: TestClient, user: str = "amy", device_id: str = "dev-1", password: str = PASSWORD
) -> str:
    """Signs a device in and returns its token."""
    response = client.post(
        f"{API_PREFIX}/login",
        json={"user": user, "password": password, "device_id": device_id, "device_name": "Laptop"},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_of(response: Any) -> dict[str, Any]:
    """The error body, checked to have exactly the protocol's shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "wipe"}, body
    return dict(body["error"])


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
