"""This device's HQ account: which server, who signed in, and the device token.

The account (server, user, role, team) is kept in the store's ``local_meta``
table: it is not secret, and it belongs to this store. The device token is a
secret: it goes to the OS keychain when a trusted one exists (the same check
as the store's key, `crm_desktop.store.keys.keychain_available`), else into
``local_meta`` inside the encrypted store. Never into a plain file, and the
password is never kept anywhere: it is sent once, at sign-in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crm_desktop.store import keys
from crm_desktop.store.files import DB_FILENAME, MANIFEST_FILENAME
from crm_desktop.sync.errors import NotSignedInError

if TYPE_CHECKING:
    from crm_desktop.store.engine import Store
    from crm_desktop.sync.transport import HttpTransport

log = logging.getLogger(__name__)

TOKEN_SERVICE = "crm-desktop-sync"
TOKEN_KEY = "sync_token"
SERVER_KEY, USER_KEY, ROLE_KEY, TEAM_KEY = "sync_server", "sync_user", "sync_role", "sync_team"
CA_BUNDLE_KEY = "sync_ca_bundle"
ACCOUNT_KEYS = (SERVER_KEY, USER_KEY, ROLE_KEY, TEAM_KEY, CA_BUNDLE_KEY)
# The database, SQLite's files beside it, and the manifest naming its key.
STORE_FILES = (
    DB_FILENAME,
    f"{DB_FILENAME}-wal",
    f"{DB_FILENAME}-shm",
    f"{DB_FILENAME}-journal",
    MANIFEST_FILENAME,
)


@dataclass(frozen=True)
class Account:
    """Who this device is signed in as, and where.

    ``ca_bundle`` is the certificate authority file given at sign-in, so that
    later syncs trust the same server without being told again.
    """

    server: str
    user: str
    role: str
    team: str | None
    ca_bundle: str | None = None


# -- the account -----------------------------------------------------------------------
def load_account(store: Store) -> Account | None:
    """The signed-in account, or None when this device never signed in (or signed out)."""
    meta = _read_meta(store, ACCOUNT_KEYS)
    if not meta.get(SERVER_KEY) or not meta.get(USER_KEY):
        return None
    return Account(
        server=meta[SERVER_KEY],
        user=meta[USER_KEY],
        role=meta.get(ROLE_KEY, ""),
        team=meta.get(TEAM_KEY) or None,
        ca_bundle=meta.get(CA_BUNDLE_KEY) or None,
    )


def save_account(store: Store, account: Account, token: str) -> str:
    """Remember `account` and its device token; returns where the token went
    (``"keychain"`` or ``"store"``), for the user to be told."""
    in_keychain = keys.keychain_available() and _keychain_set(_token_user(store), token)
    values = {
        SERVER_KEY: account.server,
        USER_KEY: account.user,
        ROLE_KEY: account.role,
        TEAM_KEY: account.team or "",
        CA_BUNDLE_KEY: account.ca_bundle or "",
    }
    if not in_keychain:
        values[TOKEN_KEY] = token
    with store.write() as tx:
        for key, value in values.items():
            tx.conn.exec_driver_sql(
                "INSERT INTO local_meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        if in_keychain:  # a token from an earlier sign-in must not linger in the store
            tx.conn.exec_driver_sql("DELETE FROM local_meta WHERE key = ?", (TOKEN_KEY,))
    if not in_keychain:
        _keychain_delete(_token_user(store))
    store.replica.user = account.user  # new records are owned by the account from now on
    return "keychain" if in_keychain else "store"


def load_token(store: Store, account: Account | None = None) -> str:
    """The device token of the signed-in account.

    Raises:
        NotSignedInError: no account, or its token is gone (e.g. removed from the keychain).
    """
    if account is None and load_account(store) is None:
        raise NotSignedInError()
    token = _read_meta(store, (TOKEN_KEY,)).get(TOKEN_KEY)
    if not token and keys.keychain_available():
        token = _keychain_get(_token_user(store))
    if not token:
        raise NotSignedInError(
            "This device's sign-in token is missing (was it removed from the keychain?): "
            "run crm-desktop login again."
        )
    return token


def forget_account(store: Store) -> None:
    """Sign out locally: the token leaves the keychain and the store, the account the store."""
    _keychain_delete(_token_user(store))
    with store.write() as tx:
        placeholders = ", ".join("?" for _ in (*ACCOUNT_KEYS, TOKEN_KEY))
        tx.conn.exec_driver_sql(
            f"DELETE FROM local_meta WHERE key IN ({placeholders})", (*ACCOUNT_KEYS, TOKEN_KEY)
        )
    store.replica.user = None


def transport_for(store: Store) -> HttpTransport:
    """A transport to the signed-in server, carrying the device token.

    Raises:
        NotSignedInError: this device has not signed in.
    """
    from crm_desktop.sync import transport

    account = load_account(store)
    if account is None:
        raise NotSignedInError()
    token = load_token(store, account)
    return transport.make_transport(account.server, token, ca_bundle=account.ca_bundle)


# -- a device HQ revoked with a wipe -------------------------------------------------------
def wipe_local_data(data_dir: Path, store_id: str) -> list[Path]:
    """Delete the (closed) store in `data_dir`: its files, its key and its sync token.

    Done when HQ revokes a lost or stolen device and asks for its data to go.
    Removing the keychain key makes any copy of the encrypted file unreadable;
    a passphrase store relies on its passphrase. Returns the files removed.
    """
    removed = []
    for name in STORE_FILES:
        path = data_dir / name
        if path.exists():
            path.unlink()
            removed.append(path)
    if store_id:
        _keychain_delete(store_id)
        keys.forget_keychain_key(store_id)
    return removed


# -- storage ------------------------------------------------------------------------------
def _token_user(store: Store) -> str:
    # The keychain entry is per store: two data directories may sign in as different users.
    return store.store_id or store.device_id


def _read_meta(store: Store, names: tuple[str, ...]) -> dict[str, str]:
    placeholders = ", ".join("?" for _ in names)
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT key, value FROM local_meta WHERE key IN ({placeholders})", names
        )
        return {str(key): str(value) for key, value in rows}


def _keychain_set(user: str, token: str) -> bool:
    try:
        import keyring

        keyring.set_password(TOKEN_SERVICE, user, token)
        return keyring.get_password(TOKEN_SERVICE, user) == token
    # OS backends raise their own errors (D-Bus, COM, ...), not only KeyringError.
    except Exception as exc:
        log.warning("the OS keychain could not store the sync token (%s); kept in the store", exc)
        return False


def _keychain_get(user: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(TOKEN_SERVICE, user)
    except Exception:  # no keychain now (e.g. an SSH session): as if absent
        return None


def _keychain_delete(user: str) -> None:
    try:
        import keyring

        keyring.delete_password(TOKEN_SERVICE, user)
    except Exception:  # already gone, or no keychain: nothing left to forget
        pass
