from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_desktop.store.engine import Store, open_store
from tests.conftest import MemoryKeyring
from tests.sync.harness import HQ, Replica, clone_store, server_engine


@pytest.fixture
def hq(tmp_path: Path) -> HQ:
    server = HQ(server_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    for name, role, team in [
        ("alice", "rep", "north"),
        ("bob", "rep", "north"),
        ("carol", "rep", "south"),
        ("mia", "manager", "north"),
        ("root", "admin", None),
    ]:
        server.add_user(name, role, team)
    return server


@pytest.fixture
def template_store(tmp_path: Path, memory_keyring: MemoryKeyring) -> Path:
    directory = tmp_path / "template"
    open_store(directory, use_keychain=True).close()
    return directory


@pytest.fixture
def make_replica(tmp_path: Path, template_store: Path, hq: HQ) -> Iterator:
    opened: list[Store] = []

    def make(user: str, name: str | None = None) -> Replica:
        name = name or f"{user}-{len(opened)}"
        store = clone_store(template_store, tmp_path / name, f"dev-{name}")
        opened.append(store)
        return Replica(store, hq, user)

    yield make
    for store in opened:
        store.close()
