"""The HTTP side of sync: one HQ server, spoken to as `crm_desktop.sync.protocol` says.

`HttpTransport` turns every failure into a `crm_desktop.sync.errors.SyncError`
the user can act on, and retries what is safe to retry: connection failures,
timeouts, 502/503/504 and 429 (after its Retry-After), with exponential
backoff and jitter, so a hundred laptops coming back online do not hammer HQ
in step. A 4xx is never retried: asking again gets the same answer.

Push is idempotent by change id, so a push whose answer was lost is simply
sent again. Sign-in is not: a retried login after a read timeout could leave
a second device token behind, so it is retried only when the request surely
never reached the server.

TLS verification is always on. A server signed by HQ's own authority is
reached by giving that authority's certificate (``ca_bundle`` /
``CRM_CA_BUNDLE``), never by turning verification off.
"""

from __future__ import annotations

import gzip
import ipaddress
import logging
import os
import random
import ssl
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from crm_desktop import __version__
from crm_desktop.errors import ValidationError as InputError
from crm_desktop.sync.errors import (
    AuthError,
    DeviceRevokedError,
    NetworkError,
    ProtocolMismatchError,
    ServerError,
    SyncError,
    TlsError,
)
from crm_desktop.sync.protocol import (
    API_PREFIX,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    Digest,
    ErrorResponse,
    Hello,
    LoginRequest,
    LoginResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)

log = logging.getLogger(__name__)

CA_BUNDLE_ENV = "CRM_CA_BUNDLE"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Statuses that say the request was not processed, so even a sign-in may be re-sent.
NOT_PROCESSED_STATUSES = frozenset({429, 503})
MAX_BACKOFF = 30.0
MAX_RETRY_AFTER = 120.0
MAX_SERVER_MESSAGE = 300

Model = TypeVar("Model", bound=BaseModel)
Sleep = Callable[[float], None]


# -- the server's address ------------------------------------------------------------
@dataclass(frozen=True)
class ServerUrl:
    """A server address checked for use: ``base`` has no trailing slash or API prefix."""

    base: str
    insecure: bool
    """Plain http to another machine: passwords and data would cross the network in clear."""

    @property
    def warning(self) -> str | None:
        if not self.insecure:
            return None
        return (
            f"{self.base} uses plain http: your password, token and data cross the network "
            "unencrypted. Use https unless this network is fully trusted."
        )


def parse_server_url(text: str) -> ServerUrl:
    """Check that `text` is an http(s) address and say whether it is insecure."""
    url = text.strip().rstrip("/")
    if url.endswith(API_PREFIX):  # someone pasted the API address
        url = url[: -len(API_PREFIX)].rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            "server",
            f"'{text}' is not a server address: give one like https://hq.example.com.",
            code="sync.invalid_url",
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InputError(
            "server",
            f"'{text}' is not a plain server address: leave out the user, query and fragment.",
            code="sync.invalid_url",
        )
    insecure = parts.scheme == "http" and not _is_loopback(parts.hostname)
    return ServerUrl(base=url, insecure=insecure)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ssl_verify(verify: bool | str | os.PathLike[str] = True) -> bool | ssl.SSLContext:
    """What httpx should verify against: a CA bundle (argument or ``CRM_CA_BUNDLE``), else
    the default trust store. ``False`` is honoured only when passed explicitly, and logged."""
    if verify is False:
        log.warning("TLS certificate verification is disabled for this connection")
        return False
    given = None if verify is True else verify
    path_text = given or os.environ.get(CA_BUNDLE_ENV)
    if not path_text:
        return True
    path = Path(path_text).expanduser()
    try:
        if path.is_dir():
            return ssl.create_default_context(capath=str(path))
        return ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as exc:
        raise TlsError(
            f"The certificate authority file {path} cannot be used ({exc}).", path=str(path)
        ) from None


# -- the transport ---------------------------------------------------------------------
class HttpTransport:
    """The client of one HQ server (see `crm_desktop.sync.protocol` for the calls).

    Args:
        base_url: the server, e.g. ``https://hq.example.com`` (checked by
            `parse_server_url`; ``insecure`` / ``warning`` tell about plain http).
        token: the device token from `login`; sent as a bearer token.
        verify: True (default trust store, or ``CRM_CA_BUNDLE``), or the path of
            a CA bundle.
        retries: how many times a transient failure is retried.
        backoff: the first retry's delay in seconds; doubles each time, with jitter.
        transport: an httpx transport (tests pass `httpx.MockTransport`).
        sleep: waits between retries (tests pass a fake).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        verify: bool | str | os.PathLike[str] = True,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
    ):
        self.server = parse_server_url(base_url)
        self.retries = max(retries, 0)
        self.backoff = backoff
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=self.server.base + API_PREFIX,
            headers={
                PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                "Accept": "application/json",
                "Accept-Encoding": "gzip",
                "User-Agent": f"crm-desktop/{__version__}",
            },
            timeout=timeout,
            verify=ssl_verify(verify),
            transport=transport,
            follow_redirects=False,  # a redirect would resend the password elsewhere
        )
        self.token = token

    # -- the connection -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.server.base

    @property
    def insecure(self) -> bool:
        return self.server.insecure

    @property
    def warning(self) -> str | None:
        return self.server.warning

    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        self._token = value
        if value:
            self._client.headers["Authorization"] = f"Bearer {value}"
        else:
            self._client.headers.pop("Authorization", None)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:  # never shows the token
        return f"HttpTransport({self.server.base!r}, signed_in={bool(self._token)})"

    # -- the calls ------------------------------------------------------------------
    def hello(self) -> Hello:
        """The server's protocol range; raises if this app's version is outside it."""
        hello = self._call("GET", "/hello", Hello)
        check_protocol(hello)
        return hello

    def login(self, request: LoginRequest) -> LoginResponse:
        """Sign this device in; the returned token is also used for the calls that follow."""
        response = self._send(
            "POST", "/login", idempotent=False, json=request.model_dump(mode="json")
        )
        answer = _parse(response, LoginResponse, signing_in=True)
        self.token = answer.token
        return answer

    def logout(self) -> None:
        """Revoke this device's token on the server."""
        response = self._send("POST", "/logout")
        if not response.is_success:
            raise error_for(response)

    def push(self, request: PushRequest) -> PushResponse:
        body = gzip.compress(request.model_dump_json().encode("utf-8"), compresslevel=6)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return self._call("POST", "/sync/push", PushResponse, content=body, headers=headers)

    def pull(self, cursor: int, limit: int) -> PullResponse:
        params = {"cursor": cursor, "limit": limit}
        return self._call("GET", "/sync/pull", PullResponse, params=params)

    def digest(self) -> Digest:
        return self._call("GET", "/sync/digest", Digest)

    # -- sending, retrying ------------------------------------------------------------
    def _call(self, method: str, path: str, model: type[Model], **kwargs: Any) -> Model:
        return _parse(self._send(method, path, **kwargs), model)

    def _send(
        self, method: str, path: str, *, idempotent: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """One request, retried on transient failures; the response is read in full."""
        attempt = 0
        while True:
            try:
                response = self._client.request(method, path, **kwargs)
            except httpx.DecodingError as exc:  # a body that claims gzip but is not
                raise _unreadable(None, "a gzip or plain body") from exc
            except httpx.TransportError as exc:
                error = transport_error(exc, self.server.base)
                if not self._retry_after_error(exc, error, attempt, idempotent):
                    raise error from exc
                delay = self._backoff_delay(attempt)
            else:
                wait = self._retry_after_status(response, attempt, idempotent)
                if wait is None:
                    return response
                response.close()
                delay = wait
            log.info("retrying %s %s in %.1f s (attempt %d)", method, path, delay, attempt + 1)
            self._sleep(delay)
            attempt += 1

    def _retry_after_error(
        self, exc: httpx.TransportError, error: SyncError, attempt: int, idempotent: bool
    ) -> bool:
        if isinstance(error, TlsError) or attempt >= self.retries:
            return False
        # Not idempotent: only when the request cannot have reached the server.
        return idempotent or isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)

    def _retry_after_status(
        self, response: httpx.Response, attempt: int, idempotent: bool
    ) -> float | None:
        """The delay before trying again, or None when `response` is the answer."""
        status = response.status_code
        if status not in RETRY_STATUSES or attempt >= self.retries:
            return None
        if not idempotent and status not in NOT_PROCESSED_STATUSES:
            return None
        waited = retry_after_seconds(response)
        if waited is None:
            return self._backoff_delay(attempt)
        return waited if waited <= MAX_RETRY_AFTER else None

    def _backoff_delay(self, attempt: int) -> float:
        ceiling = min(MAX_BACKOFF, self.backoff * 2**attempt)
        return ceiling * (0.5 + random.random() / 2)  # jitter, not a secret


def check_protocol(hello: Hello) -> None:
    """Refuse a server whose protocol range does not include this app's version."""
    if hello.min_protocol > PROTOCOL_VERSION:
        raise ProtocolMismatchError(
            f"The server needs a newer crm-desktop (protocol {hello.min_protocol} or later; "
            f"this app speaks {PROTOCOL_VERSION}): update the app, then sync again. "
            "Your changes stay queued.",
            server=hello.protocol,
        )
    if hello.protocol < PROTOCOL_VERSION:
        raise ProtocolMismatchError(
            f"The server is older than this app (it speaks protocol {hello.protocol}, this "
            f"app needs {PROTOCOL_VERSION}): ask HQ to update the server. "
            "Your changes stay queued.",
            server=hello.protocol,
        )


def make_transport(
    base_url: str, token: str | None = None, *, ca_bundle: str | None = None
) -> HttpTransport:
    """The transport the app uses; the one place tests replace to talk to a fake server."""
    return HttpTransport(base_url, token, verify=ca_bundle or True)


# -- reading answers ---------------------------------------------------------------------
def _parse(response: httpx.Response, model: type[Model], *, signing_in: bool = False) -> Model:
    if not response.is_success:
        raise error_for(response, signing_in=signing_in)
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise _unreadable(response.status_code, model.__name__) from exc


def _unreadable(status: int | None, expected: str) -> ServerError:
    got = f"HTTP {status}, " if status else ""
    return ServerError(
        f"The server sent an answer this app cannot read ({got}expected {expected}). "
        "Nothing is lost: your changes stay queued.",
        status=status,
    )


def error_for(response: httpx.Response, *, signing_in: bool = False) -> SyncError:
    """The `SyncError` an unsuccessful response stands for.

    The server's messages are written for users, so they are shown as they
    are; the defaults cover a proxy or an old server that sends none.
    """
    status = response.status_code
    code, said, wipe = _error_body(response)
    if code == "device_revoked":
        return DeviceRevokedError(said or "HQ has revoked this device's access.", wipe=wipe)
    if status == 426 or code == "protocol_mismatch":
        default = (
            f"The server does not accept this app's protocol version ({PROTOCOL_VERSION}): "
            "update the app."
        )
        return ProtocolMismatchError(_then(said or default, _QUEUED), status=status)
    if status == 401 and signing_in:
        return AuthError(said or "Wrong user name or password.", status=status)
    if status == 401:
        default = "The server no longer accepts this device's sign-in: run crm-desktop login."
        return AuthError(_then(said or default, _QUEUED), status=status)
    if status == 403:
        return AuthError(said or "The server refused access.", status=status)
    return _other_error(response, said)


_QUEUED = "Your changes stay queued."


def _then(first: str, second: str) -> str:
    return f"{first.rstrip()}{'' if first.rstrip().endswith(('.', '!', '?')) else '.'} {second}"


def _other_error(response: httpx.Response, said: str) -> SyncError:
    status = response.status_code
    if 300 <= status < 400:
        where = _clean(response.headers.get("Location", "")) or "another address"
        return ServerError(
            f"The server redirects to {where}: sign in with that address instead.",
            status=status,
        )
    if status == 429:
        return ServerError(
            f"The server is busy{_quoted(said)}: try again in a few minutes. "
            "Your changes stay queued.",
            status=status,
        )
    if status >= 500:
        return ServerError(
            f"The server failed (HTTP {status}){_quoted(said)}. Nothing is lost: "
            "your changes stay queued; try again later.",
            status=status,
        )
    return ServerError(said or f"The server refused the request (HTTP {status}).", status=status)


def _error_body(response: httpx.Response) -> tuple[str, str, bool]:
    """(code, message, wipe) of an error body; empty when it is not one."""
    try:
        body = ErrorResponse.model_validate_json(response.content).error
    except ValidationError:
        return "", "", False
    return body.code, _clean(body.message), body.wipe


def _clean(text: str) -> str:
    """Server text made safe to print: no control characters (terminal escapes), bounded."""
    kept = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    kept = " ".join(kept.split())
    return kept if len(kept) <= MAX_SERVER_MESSAGE else kept[: MAX_SERVER_MESSAGE - 1] + "…"


def _quoted(said: str) -> str:
    return f' (the server said: "{said.rstrip(".")}")' if said else ""


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds (either form), or None if absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


# -- network failures --------------------------------------------------------------------
def transport_error(exc: httpx.TransportError, server: str) -> SyncError:
    """A failure to talk to `server` as a `TlsError` or a `NetworkError`."""
    tls = _ssl_cause(exc)
    if isinstance(tls, ssl.SSLCertVerificationError):
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or str(tls)
        return TlsError(
            f"The certificate of {server} could not be verified ({reason}), so nothing was "
            "sent. If HQ uses its own certificate authority, give its certificate with "
            f"--ca-bundle or {CA_BUNDLE_ENV}; otherwise check the address.",
            reason=str(reason),
        )
    if tls is not None:
        reason = getattr(tls, "reason", None) or str(tls)
        return TlsError(
            f"A secure connection to {server} could not be set up ({reason}). "
            "Check that the address (https or http, and the port) is right.",
            reason=str(reason),
        )
    return NetworkError(_network_reason(exc, server), server=server)


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):  # a chain cut by a library in between
        return ssl.SSLCertVerificationError(1, "certificate verify failed")
    return None


def _network_reason(exc: httpx.TransportError, server: str) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"{server} did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        detail = _clean(str(exc))
        return f"cannot connect to {server}" + (f": {detail}" if detail else "")
    return f"the connection to {server} failed: {_clean(str(exc)) or type(exc).__name__}"
