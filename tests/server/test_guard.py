"""RequestGuard and `inflate` on their own: byte counting and the bomb guard."""

from __future__ import annotations

import asyncio
import gzip
import json

import pytest

from crm_server.app import RequestGuard, inflate
from crm_server.errors import ApiError


def run_guard(guard_limits: dict[str, int], headers: dict[str, str], chunks: list[bytes]):
    """Drives the guard like a server would; returns (status, body the app saw)."""
    seen: dict[str, object] = {}

    async def app(scope, receive, send):
        message = await receive()
        seen["body"] = message["body"]
        seen["headers"] = dict(scope["headers"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/x",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    asyncio.run(RequestGuard(app, **guard_limits)(scope, receive, send))
    status = sent[0]["status"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return status, (seen if status == 200 else json.loads(body))


def test_bytes_are_counted_when_the_length_header_lies():
    status, error = run_guard({"max_body": 10}, {"content-length": "5"}, [b"12345", b"67890", b"x"])
    assert status == 413
    assert error["error"]["code"] == "request.too_large"


def test_a_body_within_the_limit_reaches_the_app_in_one_piece():
    status, seen = run_guard({"max_body": 10}, {}, [b"12345", b"67890"])
    assert status == 200
    assert seen["body"] == b"1234567890"


def test_a_gzip_body_reaches_the_app_inflated_with_its_length():
    packed = gzip.compress(b"hello world")
    status, seen = run_guard(
        {}, {"content-encoding": "gzip", "content-length": str(len(packed))}, [packed]
    )
    assert status == 200
    assert seen["body"] == b"hello world"
    assert seen["headers"][b"content-length"] == b"11"
    assert b"content-encoding" not in seen["headers"]


def test_inflate_stops_at_the_limit():
    assert inflate(gzip.compress(b"a" * 100), 100) == b"a" * 100
    with pytest.raises(ApiError) as caught:
        inflate(gzip.compress(b"a" * 101), 100)
    assert caught.value.status == 413


def test_inflate_reads_several_members_and_counts_them_together():
    two = gzip.compress(b"a" * 60) + gzip.compress(b"b" * 60)
    assert inflate(two, 120) == b"a" * 60 + b"b" * 60
    with pytest.raises(ApiError):
        inflate(two, 100)


@pytest.mark.parametrize("damaged", [b"plain", gzip.compress(b"x" * 50)[:-10]])
def test_inflate_refuses_damaged_data(damaged):
    with pytest.raises(ApiError) as caught:
        inflate(damaged, 1000)
    assert (caught.value.status, caught.value.code) == (400, "request.bad_encoding")
