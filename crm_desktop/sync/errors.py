"""What can go wrong while talking to the HQ server, as errors a user can act on.

Each class has one stable code (``sync.*``) for views to translate; the English
message says what happened and what to do. None of them means data was lost:
local changes stay in the outbox until the server acknowledges them.
"""

from __future__ import annotations

from typing import Any

from crm_desktop.errors import CrmError


class SyncError(CrmError):
    """Base of every sync failure; ``code`` is fixed per subclass."""

    code_name = "sync.error"

    def __init__(self, message: str, **params: Any):
        super().__init__(self.code_name, message, **params)


class NetworkError(SyncError):
    """The server could not be reached (no network, DNS, refused, timed out)."""

    code_name = "sync.network"

    def __init__(self, reason: str, *, message: str | None = None, **params: Any):
        super().__init__(
            message
            or f"Offline: the server cannot be reached ({reason}). Nothing is lost: "
            "your changes stay queued and are sent at the next sync.",
            reason=reason,
            **params,
        )


class TlsError(SyncError):
    """The server's certificate failed verification (or TLS could not be set up).

    Verification is never turned off to get past this: the user must fix the
    address or give the certificate authority that signed the server's certificate.
    """

    code_name = "sync.tls"


class ProtocolMismatchError(SyncError):
    """The app and the server speak no common protocol version."""

    code_name = "sync.protocol_mismatch"


class AuthError(SyncError):
    """Wrong credentials at sign-in, or the device's token is no longer accepted."""

    code_name = "sync.auth"


class DeviceRevokedError(SyncError):
    """HQ revoked this device; with ``wipe`` set it also asks for the local data to go."""

    code_name = "sync.device_revoked"

    def __init__(self, message: str, *, wipe: bool = False):
        super().__init__(message, wipe=wipe)
        self.wipe = wipe


class ServerError(SyncError):
    """The server failed (5xx), refused the request, or answered something unreadable."""

    code_name = "sync.server"


class NotSignedInError(SyncError):
    """Sync was asked for on a device that has no account yet."""

    code_name = "sync.not_signed_in"

    def __init__(self, message: str | None = None):
        super().__init__(
            message or "This device is not signed in to a server: run crm-desktop login first."
        )
