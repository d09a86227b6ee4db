"""Shared fixtures: stores on real temporary SQLCipher files.

The machines that run the tests have no OS keychain (no Secret Service on a
headless Linux box), so tests that exercise the keychain path install
`MemoryKeyring`, a real `keyring` backend that keeps secrets in a dict.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from crm_desktop.store.engine import Store, open_store

PASSPHRASE = "correct horse battery staple"


class MemoryKeyring(KeyringBackend):
    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise PasswordDeleteError(username)
        del self.secrets[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path, memory_keyring: MemoryKeyring) -> Iterator[Store]:
    """A fresh store keyed from the (in-memory) keychain: fast to open."""
    opened = open_store(data_dir, use_keychain=True)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def passphrase_store(data_dir: Path) -> Iterator[Store]:
    opened = open_store(data_dir, passphrase=lambda _creating: PASSPHRASE, use_keychain=False)
    try:
        yield opened
    finally:
        opened.close()
