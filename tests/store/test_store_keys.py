"""Where the key comes from and what happens when it is wrong, missing or unreachable.

Keychain tests use the in-memory backend (a raw key opens in ~0.3 ms); only the
tests whose subject is the passphrase pay SQLCipher's KDF (~150 ms a connection).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
import sqlcipher3
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked

from crm_desktop.errors import StoreError
from crm_desktop.store import keys
from crm_desktop.store.engine import Store, open_store
from crm_desktop.store.files import DB_FILENAME, MANIFEST_FILENAME
from tests.conftest import MemoryKeyring
from tests.store.store_testkit import add_contact, contact_names, file_hashes

PASSPHRASE = "correct horse battery staple"  # the one tests/conftest.py uses


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's file backend: works, but keeps secrets readable."""

    priority = 1  # type: ignore[assignment]


class LockedKeyring(KeyringBackend):
    """A keychain that exists but refuses every request (locked, or its daemon died)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the keychain is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the keychain is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("the keychain is locked")


@pytest.fixture
def use_backend() -> Iterator[Any]:
    """Install keyring backends for one test; the previous one comes back after."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def _error(call: Any) -> StoreError:
    with pytest.raises(StoreError) as caught:
        call()
    return caught.value


# -- keychain path --------------------------------------------------------------


def test_first_open_keeps_a_random_256_bit_key_in_the_keychain(
    data_dir: Path, memory_keyring: Any
) -> None:
    opened = open_store(data_dir)  # the in-memory keychain counts as real
    add_contact(opened, "Ann")
    opened.close()
    manifest = json.loads((data_dir / MANIFEST_FILENAME).read_text())
    assert manifest["key_source"] == "keychain"
    (((service, username), key_hex),) = memory_keyring.secrets.items()
    assert (service, username) == (keys.KEYRING_SERVICE, manifest["store_id"])
    assert len(bytes.fromhex(key_hex)) == 32
    # That key, used as a raw SQLCipher key, is what opens the file.
    raw = sqlcipher3.connect(str(data_dir / DB_FILENAME))
    try:
        raw.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        assert raw.execute("SELECT name FROM contact").fetchall() == [("Ann",)]
    finally:
        raw.close()
    reopened = open_store(data_dir)
    try:
        assert contact_names(reopened) == ["Ann"]
        assert memory_keyring.secrets == {(service, username): key_hex}  # no second key
    finally:
        reopened.close()


def test_two_stores_get_different_keys(tmp_path: Path, memory_keyring: Any) -> None:
    for name in ("a", "b"):
        open_store(tmp_path / name, use_keychain=True).close()
    assert len(set(memory_keyring.secrets.values())) == 2


def test_key_removed_from_the_keychain(store: Store, data_dir: Path, memory_keyring: Any) -> None:
    add_contact(store, "Ann")
    store.close()
    before = file_hashes(data_dir)
    memory_keyring.secrets.clear()
    assert _error(lambda: open_store(data_dir)).code == "store.key_missing"
    assert file_hashes(data_dir) == before


def test_a_different_key_in_the_keychain(
    store: Store, data_dir: Path, memory_keyring: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    add_contact(store, "Ann")
    store.close()
    before = file_hashes(data_dir)
    (slot,) = memory_keyring.secrets
    memory_keyring.secrets[slot] = secrets.token_hex(32)
    assert _error(lambda: open_store(data_dir)).code == "store.wrong_key"
    assert file_hashes(data_dir) == before
    assert capfd.readouterr().err == ""  # SQLCipher's own log stays quiet


def test_keychain_raising_on_open(store: Store, data_dir: Path, use_backend: Any) -> None:
    store.close()
    before = file_hashes(data_dir)
    use_backend(LockedKeyring())
    error = _error(lambda: open_store(data_dir))
    assert error.code == "store.keychain_unavailable"
    assert "locked" in error.message
    assert file_hashes(data_dir) == before


def test_keychain_raising_on_creation_creates_nothing(data_dir: Path, use_backend: Any) -> None:
    use_backend(LockedKeyring())
    assert _error(lambda: open_store(data_dir, use_keychain=True)).code == "store.keychain_failed"
    assert not data_dir.exists()


def test_keychain_backends_that_cannot_be_trusted(
    use_backend: Any, memory_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert keys.keychain_available()  # a real (if in-memory) keychain
    for backend in (fail.Keyring(), null.Keyring(), PlaintextKeyring()):
        use_backend(backend)
        assert not keys.keychain_available(), type(backend)
    # A chainer may store into any of its members: trusted only if all are.
    use_backend(chainer.ChainerBackend())
    for members, trusted in (
        ([memory_keyring], True),
        ([memory_keyring, PlaintextKeyring()], False),
        ([], False),
    ):
        monkeypatch.setattr(chainer.ChainerBackend, "backends", members)
        assert keys.keychain_available() is trusted, members


# -- passphrase path -------------------------------------------------------------


def test_wrong_passphrase_changes_nothing_and_the_right_one_opens(
    passphrase_store: Store,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    add_contact(passphrase_store, "Ann")
    for still_open in (True, False):
        if not still_open:
            passphrase_store.close()
        assert (data_dir / f"{DB_FILENAME}-wal").exists() is still_open
        before = file_hashes(data_dir)
        error = _error(lambda: open_store(data_dir, passphrase=lambda _new: "not the passphrase"))
        assert error.code == "store.wrong_passphrase"
        assert file_hashes(data_dir) == before
    assert capfd.readouterr().err == ""  # a clear error, not SQLCipher's log on stderr
    assert PASSPHRASE not in (data_dir / MANIFEST_FILENAME).read_text()
    assert _error(lambda: open_store(data_dir)).code == "store.passphrase_required"
    monkeypatch.setenv(keys.PASSPHRASE_ENV, PASSPHRASE)
    reopened = open_store(data_dir, passphrase=lambda _new: keys.passphrase_from_env() or "")
    try:
        assert contact_names(reopened) == ["Ann"]
    finally:
        reopened.close()


def test_passphrase_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "from the environment")
    assert keys.passphrase_from_env() == "from the environment"
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "")
    assert keys.passphrase_from_env() is None
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    assert keys.passphrase_from_env() is None


@pytest.mark.parametrize("weak", ["", "abc", "1234567"])
@pytest.mark.parametrize("dir_exists", [False, True])
def test_a_weak_new_passphrase_is_rejected_with_nothing_created(
    data_dir: Path, use_backend: Any, weak: str, dir_exists: bool
) -> None:
    if dir_exists:
        data_dir.mkdir()
    use_backend(fail.Keyring())  # no keychain: creation must ask for a passphrase
    asked: list[bool] = []

    def provider(creating: bool) -> str:
        asked.append(creating)
        return weak

    error = _error(lambda: open_store(data_dir, passphrase=provider))
    assert error.code == "store.passphrase_short"
    assert error.params["minimum"] == keys.MIN_PASSPHRASE_LENGTH
    assert asked == [True]
    assert not data_dir.exists() or list(data_dir.iterdir()) == []


def test_no_keychain_and_no_passphrase(data_dir: Path, use_backend: Any) -> None:
    use_backend(fail.Keyring())
    assert _error(lambda: open_store(data_dir)).code == "store.passphrase_required"
    assert not data_dir.exists()


def test_passphrase_quoting_and_nul() -> None:
    assert keys.passphrase_key("it's").pragma == "'it''s'"
    assert _error(lambda: keys.passphrase_key("")).code == "store.passphrase_empty"
    assert _error(lambda: keys.passphrase_key("a\x00b")).code == "store.passphrase_invalid"


def test_keys_never_show_in_repr() -> None:
    key_hex = secrets.token_hex(32)
    assert key_hex not in repr(keys.raw_key(key_hex))
    assert PASSPHRASE not in repr(keys.passphrase_key(PASSPHRASE))


# -- a manifest that outlived its database ------------------------------------------


def test_a_lost_database_is_recreated_under_the_same_id_and_key(
    store: Store, data_dir: Path, memory_keyring: Any
) -> None:
    store.close()
    manifest = (data_dir / MANIFEST_FILENAME).read_text()
    stored = dict(memory_keyring.secrets)
    (data_dir / DB_FILENAME).unlink()
    open_store(data_dir).close()
    assert (data_dir / MANIFEST_FILENAME).read_text() == manifest
    assert memory_keyring.secrets == stored


def test_a_lost_database_and_key_get_a_new_key(
    store: Store, data_dir: Path, memory_keyring: Any
) -> None:
    store.close()
    (data_dir / DB_FILENAME).unlink()
    memory_keyring.secrets.clear()
    reopened = open_store(data_dir)
    try:
        add_contact(reopened, "Ann")
        (key_hex,) = memory_keyring.secrets.values()
        assert len(bytes.fromhex(key_hex)) == 32
    finally:
        reopened.close()
