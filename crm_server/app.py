"""The HTTP API (`crm_desktop.sync.protocol`): thin endpoints over auth and the sync service.

Endpoints are plain functions, run on FastAPI's thread pool, each with one
database session that commits only when the work succeeded, before the
answer leaves: a client told "accepted" can rely on it. Before any endpoint
runs, `RequestGuard` checks the protocol version and bounds the body.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crm_desktop.sync.protocol import (
    API_PREFIX,
    DEFAULT_PULL_PAGE,
    MAX_PULL_PAGE,
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
from crm_server import APP_NAME, __version__, auth, sync_service
from crm_server.config import (
    GZIP_MINIMUM_SIZE,
    MAX_BODY_BYTES,
    MAX_INFLATED_BYTES,
    resolve_database_url,
)
from crm_server.db import make_engine, session_factory, transaction
from crm_server.errors import ApiError, CatchAllMiddleware, error_response, install_handlers
from crm_server.models import Device, User

log = logging.getLogger("crm_server")

MIN_PROTOCOL = PROTOCOL_VERSION
"""The oldest client protocol this server still speaks."""

_MIB = 1024 * 1024


class Me(BaseModel):
    """Who the token belongs to: lets a client check its sign-in without syncing."""

    user: str
    role: str
    team: str | None
    device_id: str
    device_name: str


def create_app(engine: Engine) -> FastAPI:
    """The API over `engine`, whose schema must exist (`crm_server.db.create_schema`)."""
    app = FastAPI(
        title=APP_NAME,
        version=__version__,
        description="HQ sync server for crm-desktop.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.readers = session_factory(engine)
    app.state.writers = session_factory(engine, write=True)
    install_handlers(app)
    app.include_router(router, prefix=API_PREFIX)
    # Added innermost first: GZip wraps CatchAll, which wraps RequestGuard.
    app.add_middleware(RequestGuard)
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=6)
    return app


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` worker processes: the database URL comes from the env."""
    return create_app(make_engine(resolve_database_url()))


# --- requests: protocol version and body ------------------------------------------------


def check_protocol(header: str | None) -> None:
    """Refuse (426) a client whose ``X-CRM-Protocol`` this server cannot speak."""
    if header is None:
        return
    try:
        version = int(header.strip())
    except ValueError:
        version = None
    if version is not None and MIN_PROTOCOL <= version <= PROTOCOL_VERSION:
        return
    speaks = f"protocol {MIN_PROTOCOL}" + (
        f" to {PROTOCOL_VERSION}" if MIN_PROTOCOL != PROTOCOL_VERSION else ""
    )
    if version is not None and version > PROTOCOL_VERSION:
        message = (
            f"This app uses sync protocol {version}, newer than the server's ({speaks}): "
            "ask your administrator to update crm-server."
        )
    else:
        message = (
            f"This app uses sync protocol {header.strip()[:16]!s}, which the server no longer "
            f"supports (it speaks {speaks}): update the app."
        )
    raise ApiError(426, "protocol_mismatch", message)


def inflate(data: bytes, limit: int) -> bytes:
    """Decompress a gzip body, giving up once it passes `limit` bytes (a zip bomb)."""
    out = bytearray()
    rest = data
    try:
        while rest:  # a body may hold several gzip members
            member = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            out += member.decompress(rest, limit + 1 - len(out))
            if len(out) > limit or member.unconsumed_tail:
                raise _too_large(f"decompresses to more than {limit // _MIB} MiB")
            if not member.eof:
                raise zlib.error("truncated")
            rest = member.unused_data
    except zlib.error as exc:
        raise ApiError(
            400, "request.bad_encoding", f"The gzip request body is damaged ({exc})."
        ) from None
    return bytes(out)


def _too_large(what: str) -> ApiError:
    return ApiError(
        413,
        "request.too_large",
        f"The request body {what}: send fewer changes at a time.",
    )


class RequestGuard:
    """Checks the protocol header, bounds the body and inflates gzip before routing.

    The body is read whole (it is at most `MAX_BODY_BYTES`, and the endpoint
    would buffer it anyway), counting bytes as they arrive: Content-Length can
    be absent (chunked) or wrong.
    """

    def __init__(
        self, app: ASGIApp, max_body: int = MAX_BODY_BYTES, max_inflated: int = MAX_INFLATED_BYTES
    ):
        self.app = app
        self.max_body = max_body
        self.max_inflated = max_inflated

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            check_protocol(headers.get(PROTOCOL_HEADER))
            body = await self._read_body(headers, receive)
            if body is None:
                return  # the client went away
            body, scope = await self._decode(headers, body, scope)
        except ApiError as error:
            await error_response(error)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, headers: Headers, receive: Receive) -> bytes | None:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise _too_large(f"is larger than {self.max_body // _MIB} MiB")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _too_large(f"is larger than {self.max_body // _MIB} MiB")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _decode(self, headers: Headers, body: bytes, scope: Scope) -> tuple[bytes, Scope]:
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("", "identity"):
            return body, scope
        if encoding not in ("gzip", "x-gzip"):
            raise ApiError(
                415, "request.bad_encoding", f"Unsupported Content-Encoding {encoding!r}."
            )
        # Inflating up to 64 MiB takes a while: off the event loop.
        body = await anyio.to_thread.run_sync(inflate, body, self.max_inflated)
        kept = [
            (name, value)
            for name, value in scope["headers"]
            if name not in (b"content-encoding", b"content-length")
        ]
        kept.append((b"content-length", str(len(body)).encode("ascii")))
        return body, {**scope, "headers": kept}


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then the client's events."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


# --- endpoints ---------------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="The device token returned by /login.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

_ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 403, 413, 422, 426)
}
router = APIRouter(responses=_ERRORS)


@contextmanager
def _signed_in(
    request: Request, credentials: HTTPAuthorizationCredentials | None, *, write: bool
) -> Iterator[tuple[Session, User, Device]]:
    """A session for the token's user and device: commits if the block succeeds.

    Sessions that will write (`write`) take SQLite's write lock up front.
    """
    factory = request.app.state.writers if write else request.app.state.readers
    with factory() as session:
        user, device = auth.authenticate(session, credentials.credentials if credentials else None)
        device_id, last_seen_at = device.id, device.last_seen_at
        try:
            yield session, user, device
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            _touch(session, device_id, last_seen_at)


def _touch(session: Session, device_id: str, last_seen_at: datetime | None) -> None:
    """Record the contact in a transaction of its own; failing to is no reason to fail."""
    try:
        if auth.touch(session, device_id, last_seen_at):
            session.commit()
    except Exception:  # the answer may already be committed work: never turn it into a 500
        session.rollback()
        log.warning("Could not record when device %s was last seen", device_id, exc_info=True)


@router.get("/hello", response_model=Hello)
def hello() -> Hello:
    """Who is here and which protocols it speaks; needs no sign-in."""
    return Hello(server="crm-server", protocol=PROTOCOL_VERSION, min_protocol=MIN_PROTOCOL)


@router.post("/login", response_model=LoginResponse, responses={409: {"model": ErrorResponse}})
def login(body: LoginRequest, request: Request) -> LoginResponse:
    with transaction(request.app.state.writers) as session:
        return auth.login(session, body)


@router.post("/logout", status_code=204, response_class=Response)
def logout(request: Request, credentials: Credentials) -> Response:
    """Revoke the calling device's token (the device keeps its data)."""
    with _signed_in(request, credentials, write=True) as (session, _user, device):
        auth.logout(session, device)
    return Response(status_code=204)


@router.get("/me", response_model=Me)
def me(request: Request, credentials: Credentials) -> Me:
    with _signed_in(request, credentials, write=False) as (_session, user, device):
        return Me(
            user=user.name,
            role=user.role,
            team=user.team,
            device_id=device.id,
            device_name=device.name,
        )


@router.post("/sync/push", response_model=PushResponse)
def push(body: PushRequest, request: Request, credentials: Credentials) -> PushResponse:
    with _signed_in(request, credentials, write=True) as (session, user, device):
        return sync_service.push(session, user, device, body)


@router.get("/sync/pull", response_model=PullResponse)
def pull(
    request: Request,
    credentials: Credentials,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1)] = DEFAULT_PULL_PAGE,
) -> PullResponse:
    """Records changed after `cursor`; `limit` above `MAX_PULL_PAGE` is capped, not refused."""
    with _signed_in(request, credentials, write=False) as (session, user, _device):
        return sync_service.pull(session, user, cursor, min(limit, MAX_PULL_PAGE))


@router.get("/sync/digest", response_model=Digest)
def digest(request: Request, credentials: Credentials) -> Digest:
    with _signed_in(request, credentials, write=False) as (session, user, _device):
        return sync_service.digest(session, user)
