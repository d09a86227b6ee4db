"""The device's account and token: keychain when there is one, else the encrypted store."""

from __future__ import annotations

import pytest

from crm_desktop.store import keys
from crm_desktop.store.engine import open_store
from crm_desktop.sync.account import (
    TOKEN_KEY,
    TOKEN_SERVICE,
    Account,
    forget_account,
    load_account,
    load_token,
    save_account,
    transport_for,
    wipe_local_data,
)
from crm_desktop.sync.errors import NotSignedInError

from ..conftest import PASSPHRASE

TOKEN = "tok-7f3a9c1e5b2d4f6a8c0e"
ACCOUNT = Account("https://hq.example", "ann", "rep", "north")


def _meta(store, key: str) -> str | None:
    with store.read() as conn:
        row = conn.exec_driver_sql("SELECT value FROM local_meta WHERE key = ?", (key,)).first()
    return None if row is None else row[0]


def test_not_signed_in_at_first(store):
    assert load_account(store) is None
    with pytest.raises(NotSignedInError, match="crm-desktop login"):
        load_token(store)
    with pytest.raises(NotSignedInError):
        transport_for(store)


def test_with_a_keychain_the_token_goes_there(store, memory_keyring):
    assert save_account(store, ACCOUNT, TOKEN) == "keychain"
    assert memory_keyring.secrets[(TOKEN_SERVICE, store.store_id)] == TOKEN
    assert _meta(store, TOKEN_KEY) is None
    assert load_account(store) == ACCOUNT
    assert load_token(store) == TOKEN


def test_without_a_keychain_the_token_stays_in_the_encrypted_store(
    passphrase_store, data_dir, monkeypatch
):
    monkeypatch.setattr(keys, "keychain_available", lambda: False)
    account = Account("https://hq.example", "王芳", "manager", None, "/etc/hq-ca.pem")
    assert save_account(passphrase_store, account, TOKEN) == "store"
    assert load_account(passphrase_store) == account
    assert load_token(passphrase_store) == TOKEN
    passphrase_store.close()
    written = b"".join(p.read_bytes() for p in data_dir.iterdir() if p.is_file())
    assert TOKEN.encode() not in written
    assert b"hq.example" not in written  # the whole store is encrypted, account included
    reopened = open_store(data_dir, passphrase=lambda _creating: PASSPHRASE)
    try:
        assert load_token(reopened) == TOKEN
    finally:
        reopened.close()


def test_signing_in_again_with_a_keychain_clears_an_old_token_in_the_store(
    store, memory_keyring, monkeypatch
):
    with monkeypatch.context() as patch:
        patch.setattr(keys, "keychain_available", lambda: False)
        save_account(store, ACCOUNT, "old-token")
    assert _meta(store, TOKEN_KEY) == "old-token"
    save_account(store, ACCOUNT, TOKEN)
    assert _meta(store, TOKEN_KEY) is None
    assert load_token(store) == TOKEN


def test_a_keychain_that_fails_falls_back_to_the_store(store, memory_keyring, monkeypatch):
    def broken(*_args: object) -> None:
        raise RuntimeError("D-Bus went away")

    monkeypatch.setattr(memory_keyring, "set_password", broken)
    assert save_account(store, ACCOUNT, TOKEN) == "store"
    assert load_token(store) == TOKEN


def test_forget_removes_the_token_from_both_places_and_the_account(store, memory_keyring):
    save_account(store, ACCOUNT, TOKEN)
    with store.write() as tx:  # as if an earlier sign-in had left one in the store too
        tx.conn.exec_driver_sql(
            "INSERT INTO local_meta(key, value) VALUES (?, 'stale')", (TOKEN_KEY,)
        )
    forget_account(store)
    assert (TOKEN_SERVICE, store.store_id) not in memory_keyring.secrets
    assert _meta(store, TOKEN_KEY) is None
    assert load_account(store) is None
    with pytest.raises(NotSignedInError):
        load_token(store)
    forget_account(store)  # twice is fine


def test_a_token_missing_from_the_keychain_says_sign_in_again(store, memory_keyring):
    save_account(store, ACCOUNT, TOKEN)
    memory_keyring.secrets.clear()
    with pytest.raises(NotSignedInError, match="login again"):
        load_token(store)


def test_transport_for_carries_server_token_and_ca_bundle(store, monkeypatch):
    from crm_desktop.sync import transport

    made = {}

    def fake(base_url, token=None, *, ca_bundle=None):
        made.update(base_url=base_url, token=token, ca_bundle=ca_bundle)
        return "transport"

    monkeypatch.setattr(transport, "make_transport", fake)
    save_account(store, Account("https://hq.example", "ann", "rep", None, "/ca.pem"), TOKEN)
    assert transport_for(store) == "transport"
    assert made == {"base_url": "https://hq.example", "token": TOKEN, "ca_bundle": "/ca.pem"}


def test_wipe_removes_the_store_its_key_and_token(data_dir, memory_keyring):
    opened = open_store(data_dir, use_keychain=True)
    store_id = opened.store_id
    save_account(opened, ACCOUNT, TOKEN)
    opened.close()
    assert (keys.KEYRING_SERVICE, store_id) in memory_keyring.secrets
    removed = wipe_local_data(data_dir, store_id)
    assert {p.name for p in removed} >= {"crm.db", "store.json"}
    assert not [p for p in data_dir.iterdir() if p.name.startswith(("crm.db", "store.json"))]
    assert memory_keyring.secrets == {}
