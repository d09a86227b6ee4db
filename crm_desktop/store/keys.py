"""Where the store's key comes from: the OS keychain, or a passphrase.

First run makes a random 256-bit raw key and keeps it in the OS keychain; a raw
key skips SQLCipher's KDF, so opening costs ~0.3 ms instead of ~150 ms. Where
no real keychain exists (headless Linux), the user's passphrase is the key and
SQLCipher derives the cipher key from it (PBKDF2-HMAC-SHA512, 256k rounds).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from crm_desktop.errors import StoreError

KEYRING_SERVICE = "crm-desktop"
PASSPHRASE_ENV = "CRM_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 8

# Backends that store nothing, store secrets in a readable file, or prompt on a
# terminal for their own password: never trusted with the store key (a readable
# key next to the database is no lock; a GUI app has no terminal to prompt on).
_UNTRUSTED_BACKENDS = ("fail.Keyring", "null.Keyring", "PlaintextKeyring", "EncryptedKeyring")


class KeySource(StrEnum):
    KEYCHAIN = "keychain"
    PASSPHRASE = "passphrase"


@dataclass(frozen=True)
class StoreKey:
    """The value for ``PRAGMA key``, already quoted. Never logged."""

    pragma: str
    source: KeySource

    def __repr__(self) -> str:
        return f"StoreKey(source={self.source.value}, pragma=<hidden>)"


PassphraseProvider = Callable[[bool], str]
"""Asked for the passphrase; the argument is True when creating (confirm it)."""


def raw_key(key_hex: str) -> StoreKey:
    return StoreKey(pragma=f"\"x'{key_hex}'\"", source=KeySource.KEYCHAIN)


def passphrase_key(passphrase: str) -> StoreKey:
    if not passphrase:
        raise StoreError("store.passphrase_empty", "The passphrase is empty.")
    if "\x00" in passphrase:  # SQL text cannot carry it; refuse rather than truncate
        raise StoreError("store.passphrase_invalid", "The passphrase contains a NUL character.")
    quoted = passphrase.replace("'", "''")
    return StoreKey(pragma=f"'{quoted}'", source=KeySource.PASSPHRASE)


def check_new_passphrase(passphrase: str) -> None:
    """Reject passphrases too weak to protect a stolen laptop's data."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise StoreError(
            "store.passphrase_short",
            f"The passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters.",
            minimum=MIN_PASSPHRASE_LENGTH,
        )


def _is_trusted(backend: object) -> bool:
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        # A chainer stores into the first member that accepts the secret, which
        # may be a plaintext file: trusted only if every member is.
        members = list(backend.backends)
        return bool(members) and all(_is_trusted(m) for m in members)
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    return not any(name.endswith(bad) for bad in _UNTRUSTED_BACKENDS)


def keychain_available() -> bool:
    """Whether a real OS keychain can hold a secret here."""
    try:
        import keyring

        return _is_trusted(keyring.get_keyring())
    except Exception:  # keyring raises assorted errors when no backend loads
        return False


def new_keychain_key(store_id: str) -> StoreKey:
    """Create a random 256-bit key and keep it in the keychain under `store_id`."""
    key_hex = secrets.token_hex(32)
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, store_id, key_hex)
        if keyring.get_password(KEYRING_SERVICE, store_id) != key_hex:
            raise RuntimeError("the keychain did not return the key just stored")
    # Not only KeyringError: OS backends leak their own errors (D-Bus, COM, ...).
    except Exception as exc:
        raise StoreError(
            "store.keychain_failed", f"The OS keychain could not store the key: {exc}"
        ) from exc
    return raw_key(key_hex)


def load_keychain_key(store_id: str) -> StoreKey:
    """The key kept in the keychain for `store_id`, or a clear error."""
    try:
        import keyring

        key_hex = keyring.get_password(KEYRING_SERVICE, store_id)
    except Exception as exc:
        raise StoreError(
            "store.keychain_unavailable",
            f"The OS keychain holding this store's key is not available: {exc}",
        ) from exc
    if not key_hex:
        raise StoreError(
            "store.key_missing",
            "This store's key is not in the OS keychain (was it removed, or is this "
            "another user account?). The data cannot be opened without it.",
        )
    return raw_key(key_hex)


def forget_keychain_key(store_id: str) -> None:
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, store_id)
    except Exception:  # already gone or no keychain: nothing left to forget
        pass


def passphrase_from_env() -> str | None:
    return os.environ.get(PASSPHRASE_ENV) or None
