"""Errors that carry intent, and the handlers that answer every failure in one JSON shape.

Whatever goes wrong, a client reads ``{"error": {"code", "message", "wipe"}}``
(`crm_desktop.sync.protocol.ErrorResponse`): its code decides what to do (sign
in again, update the app, wipe), the message is shown to the user. FastAPI's
own validation errors, unknown routes and bugs are translated too; a bug is
logged with its traceback here and never sent to the client.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI imports this module; keep it free of web imports
    from fastapi import FastAPI, Request
    from starlette.responses import JSONResponse
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("crm_server")


class ServerError(Exception):
    """A failure the caller can act on: a stable code and an English message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class ApiError(ServerError):
    """A `ServerError` with its HTTP status; ``wipe`` tells a device to erase its data."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        wipe: bool = False,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(code, message)
        self.status = status
        self.wipe = wipe
        self.headers = dict(headers or {})


def error_response(error: ApiError) -> JSONResponse:
    from starlette.responses import JSONResponse

    from crm_desktop.sync.protocol import ErrorBody, ErrorResponse

    body = ErrorResponse(error=ErrorBody(code=error.code, message=error.message, wipe=error.wipe))
    return JSONResponse(body.model_dump(), status_code=error.status, headers=error.headers)


def install_handlers(app: FastAPI) -> None:
    """Route every error FastAPI or Starlette raises through `error_response`."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    app.add_exception_handler(ApiError, _on_api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_middleware(CatchAllMiddleware)


async def _on_api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc)


async def _on_validation_error(_request: Request, exc: Any) -> JSONResponse:
    return error_response(validation_error(exc.errors()))


def validation_error(errors: Any) -> ApiError:
    """The first problem, named by its field: enough for a developer to fix the client."""
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return ApiError(400, "request.bad_json", "The request body is not valid JSON.")
    location = [str(part) for part in first.get("loc", ())]
    field = ".".join(location[1:]) or ".".join(location) or "request"
    where = location[0] if location else "request"
    message = f"Invalid {field} ({where}): {first.get('msg', 'invalid value')}"
    return ApiError(422, "request.invalid", message)


async def _on_http_error(request: Request, exc: Any) -> JSONResponse:
    headers = getattr(exc, "headers", None)
    if exc.status_code == 404:
        error = ApiError(404, "request.not_found", f"No such endpoint: {request.url.path}")
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
        error = ApiError(405, "request.method_not_allowed", message, headers=headers)
    else:
        error = ApiError(exc.status_code, "request.error", str(exc.detail), headers=headers)
    return error_response(error)


class CatchAllMiddleware:
    """Answers an unhandled exception with a JSON 500 and logs it once.

    Starlette's own last-resort handler re-raises after answering, so the
    server would log each bug twice; this one stops the exception here.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception:
            log.exception("Unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for a clean answer; the server drops the connection
                raise
            error = ApiError(500, "server.error", "Internal server error; it has been logged.")
            await error_response(error)(scope, receive, send)
