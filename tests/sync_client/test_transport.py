"""The HTTP layer on its own: headers, gzip, retries, and failures as SyncErrors."""

from __future__ import annotations

import gzip
import ssl

import httpx
import pytest

from crm_desktop.errors import ValidationError
from crm_desktop.sync.errors import (
    AuthError,
    DeviceRevokedError,
    NetworkError,
    ProtocolMismatchError,
    ServerError,
    TlsError,
)
from crm_desktop.sync.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    LoginRequest,
    PushRequest,
    WireChange,
)
from crm_desktop.sync.transport import CA_BUNDLE_ENV, parse_server_url

from .conftest import error


def _login() -> LoginRequest:
    return LoginRequest(user="ann", password="s3cret-pass", device_id="dev-1", device_name="pc")


def _push_request(count: int = 3) -> PushRequest:
    return PushRequest(
        changes=[
            WireChange(
                change_id=f"c{i}",
                entity="contact",
                record_id=f"r{i}",
                op="upsert",
                fields={"name": f"张伟 {i}", "tags": ["vip"]},
                hlc=1000 + i,
                device_id="dev-1",
            )
            for i in range(count)
        ]
    )


# -- headers and bodies ------------------------------------------------------------------
def test_every_request_carries_the_protocol_header_and_asks_for_gzip(make_http, server):
    with make_http(token="tok") as http:
        http.hello()
        http.pull(0, 100)
        http.digest()
        http.push(_push_request())
    assert len(server.requests) == 4
    for request in server.requests:
        assert request.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)
        assert request.headers["Accept-Encoding"] == "gzip"
        assert request.headers["Authorization"] == "Bearer tok"
        assert request.url.path.startswith("/api/v1/")
    assert dict(server.requests[1].url.params) == {"cursor": "0", "limit": "100"}


def test_no_authorization_header_without_a_token(make_http, server):
    make_http().hello()
    assert "Authorization" not in server.requests[0].headers


def test_push_body_is_gzip_of_the_request_json(make_http, server):
    request = _push_request(50)
    make_http(token="tok").push(request)
    sent = server.requests[0]
    assert sent.headers["Content-Encoding"] == "gzip"
    assert sent.headers["Content-Type"] == "application/json"
    assert PushRequest.model_validate_json(gzip.decompress(sent.content)) == request


def test_gzip_answers_are_decoded(make_http, server):
    body = gzip.compress(b'{"accepted": ["c0"], "duplicates": ["c1"], "conflicts": 2}')
    server.queue(
        "/sync/push",
        httpx.Response(200, content=body, headers={"Content-Encoding": "gzip"}),
    )
    answer = make_http(token="tok").push(_push_request())
    assert answer.accepted == ["c0"] and answer.duplicates == ["c1"] and answer.conflicts == 2


def test_login_sets_the_token_for_later_calls(make_http, server):
    http = make_http()
    answer = http.login(_login())
    assert (answer.user, answer.role, answer.team) == ("ann", "rep", "north")
    http.digest()
    assert server.requests[-1].headers["Authorization"] == f"Bearer {answer.token}"
    assert answer.token not in repr(http)


# -- retries -----------------------------------------------------------------------------
def test_503_is_retried_with_growing_delays_then_succeeds(make_http, server, sleeps):
    server.queue("/sync/digest", httpx.Response(503), httpx.Response(502), httpx.Response(504))
    digest = make_http(backoff=1.0).digest()
    assert digest.cursor == 0
    assert len(server.requests) == 4
    assert len(sleeps) == 3
    # Exponential with jitter: attempt n waits within [0.5, 1] x 2**n seconds.
    for attempt, delay in enumerate(sleeps):
        assert 0.5 * 2**attempt <= delay <= 2**attempt


def test_retries_give_up_after_the_limit(make_http, server, sleeps):
    server.queue("/sync/pull", *[httpx.Response(503)] * 10)
    with pytest.raises(ServerError) as caught:
        make_http(retries=2).pull(0, 10)
    assert len(server.requests) == 3
    assert len(sleeps) == 2
    assert "changes stay queued" in caught.value.message


@pytest.mark.parametrize("status", [400, 404, 409, 413, 422])
def test_a_4xx_is_never_retried(make_http, server, sleeps, status):
    server.queue("/sync/push", error(status, "bad_request", "Nope."))
    with pytest.raises(ServerError, match="Nope"):
        make_http(token="tok").push(_push_request())
    assert len(server.requests) == 1
    assert sleeps == []


def test_500_is_not_retried(make_http, server, sleeps):
    server.queue("/hello", httpx.Response(500, text="Internal Server Error"))
    with pytest.raises(ServerError, match="HTTP 500"):
        make_http().hello()
    assert sleeps == []


def test_429_waits_as_long_as_retry_after_says(make_http, server, sleeps):
    server.queue("/sync/pull", httpx.Response(429, headers={"Retry-After": "7"}))
    make_http().pull(0, 10)
    assert sleeps == [7.0]
    assert len(server.requests) == 2


def test_429_with_an_http_date_retry_after(make_http, server, sleeps):
    server.queue(
        "/sync/pull", httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    )
    make_http().pull(0, 10)
    assert sleeps == [0.0]  # a date in the past: try again at once


def test_429_asking_for_a_long_wait_is_not_waited_for(make_http, server, sleeps):
    server.queue("/sync/pull", httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(ServerError, match="busy"):
        make_http().pull(0, 10)
    assert sleeps == []


def test_connection_failures_are_retried_then_reported_as_offline(make_http, server, sleeps):
    server.queue("/sync/digest", *[httpx.ConnectError("Connection refused")] * 5)
    with pytest.raises(NetworkError) as caught:
        make_http(retries=4).digest()
    assert len(server.requests) == 5
    assert len(sleeps) == 4
    message = caught.value.message
    assert message.startswith("Offline:")
    assert "Nothing is lost" in message
    assert caught.value.code == "sync.network"


def test_a_read_timeout_on_push_is_retried(make_http, server):
    # Safe: the server ignores a change id it already has.
    server.queue("/sync/push", httpx.ReadTimeout("timed out"))
    make_http(token="tok").push(_push_request())
    assert len(server.requests) == 2
    first, second = server.requests
    assert first.content == second.content


def test_login_is_not_retried_after_a_read_timeout(make_http, server, sleeps):
    # The server may have made a token already: a retry could leave a second one.
    server.queue("/login", httpx.ReadTimeout("timed out"))
    with pytest.raises(NetworkError, match="did not answer in time"):
        make_http().login(_login())
    assert len(server.requests) == 1
    assert sleeps == []


def test_login_is_retried_when_it_never_reached_the_server(make_http, server):
    server.queue("/login", httpx.ConnectError("Connection refused"), httpx.Response(503))
    assert make_http().login(_login()).user == "ann"
    assert len(server.requests) == 3


def test_login_is_not_retried_after_a_502(make_http, server, sleeps):
    server.queue("/login", httpx.Response(502))
    with pytest.raises(ServerError):
        make_http().login(_login())
    assert sleeps == []


# -- errors ------------------------------------------------------------------------------
def test_device_revoked_with_wipe(make_http, server):
    server.queue(
        "/sync/pull", error(401, "device_revoked", "This laptop was reported lost.", wipe=True)
    )
    with pytest.raises(DeviceRevokedError) as caught:
        make_http(token="tok").pull(0, 10)
    assert caught.value.wipe is True
    assert caught.value.code == "sync.device_revoked"
    assert caught.value.message == "This laptop was reported lost."


def test_device_revoked_without_wipe(make_http, server):
    server.queue("/sync/push", error(401, "device_revoked", "Revoked."))
    with pytest.raises(DeviceRevokedError) as caught:
        make_http(token="tok").push(_push_request())
    assert caught.value.wipe is False


def test_426_is_a_protocol_mismatch(make_http, server):
    server.queue("/hello", error(426, "protocol_mismatch", "Protocol 1 is no longer served."))
    with pytest.raises(ProtocolMismatchError, match="no longer served"):
        make_http().hello()


def test_426_without_a_body_is_still_a_protocol_mismatch(make_http, server):
    server.queue("/sync/digest", httpx.Response(426, text="Upgrade Required"))
    with pytest.raises(ProtocolMismatchError, match="update the app"):
        make_http().digest()


def test_other_401_means_sign_in_again(make_http, server):
    server.queue("/sync/digest", error(401, "auth.invalid_token", "Sign in again"))
    with pytest.raises(AuthError) as caught:
        make_http(token="old").digest()
    assert caught.value.message == "Sign in again. Your changes stay queued."
    server.queue("/sync/digest", httpx.Response(401))  # a proxy, say: no body
    with pytest.raises(AuthError, match="run crm-desktop login"):
        make_http(token="old").digest()


def test_wrong_password_at_login(make_http, server):
    with pytest.raises(AuthError, match=r"^Wrong user name or password\.$"):
        make_http().login(LoginRequest(user="ann", password="nope", device_id="dev-1"))
    server.queue("/login", httpx.Response(401))
    with pytest.raises(AuthError, match=r"^Wrong user name or password\.$"):
        make_http().login(_login())


def test_a_4xx_message_is_shown_as_the_server_wrote_it(make_http, server):
    server.queue("/login", error(409, "auth.device_taken", "This device id is taken."))
    with pytest.raises(ServerError) as caught:
        make_http().login(_login())
    assert caught.value.message == "This device id is taken."
    assert caught.value.params["status"] == 409


def test_server_messages_lose_control_characters(make_http, server):
    server.queue("/sync/digest", error(503, "down", "Down\x1b[2J for\nmaintenance"))
    with pytest.raises(ServerError) as caught:
        make_http(retries=0).digest()
    assert "\x1b" not in caught.value.message
    assert "Down [2J for maintenance" in caught.value.message


def test_a_redirect_is_not_followed(make_http, server):
    server.queue("/hello", httpx.Response(301, headers={"Location": "https://new.example/"}))
    with pytest.raises(ServerError, match=r"redirects to https://new\.example/"):
        make_http().hello()
    assert len(server.requests) == 1


def _bad_gzip(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, stream=httpx.ByteStream(b"\x1f\x8b garbage"), headers={"Content-Encoding": "gzip"}
    )


@pytest.mark.parametrize(
    "answer",
    [
        lambda _r: httpx.Response(200, text="<html>captive portal</html>"),
        lambda _r: httpx.Response(200, json={"records": "nope"}),
        lambda _r: httpx.Response(200, json={"counts": {"contact": 1}}),  # no cursor
        _bad_gzip,
    ],
)
def test_an_unreadable_answer_is_a_server_error(make_http, server, answer):
    server.queue("/sync/digest", answer)
    server.queue("/sync/pull", answer)
    http = make_http()
    with pytest.raises(ServerError, match="cannot read"):
        http.digest()
    with pytest.raises(ServerError, match="cannot read"):
        http.pull(0, 1)


# -- protocol versions -------------------------------------------------------------------
def test_hello_accepts_a_range_including_this_version(make_http, server):
    server.hello = {
        "server": "crm-server",
        "protocol": PROTOCOL_VERSION + 2,
        "min_protocol": PROTOCOL_VERSION,
    }
    assert make_http().hello().protocol == PROTOCOL_VERSION + 2


def test_hello_refuses_a_server_that_needs_a_newer_app(make_http, server):
    server.hello = {
        "server": "crm-server",
        "protocol": PROTOCOL_VERSION + 2,
        "min_protocol": PROTOCOL_VERSION + 1,
    }
    with pytest.raises(ProtocolMismatchError, match="needs a newer crm-desktop"):
        make_http().hello()


def test_hello_refuses_an_older_server(make_http, server):
    server.hello = {
        "server": "crm-server",
        "protocol": PROTOCOL_VERSION - 1,
        "min_protocol": PROTOCOL_VERSION - 1,
    }
    with pytest.raises(ProtocolMismatchError, match="older than this app"):
        make_http().hello()


# -- addresses ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "base", "insecure"),
    [
        ("https://hq.example", "https://hq.example", False),
        ("https://hq.example:8443/", "https://hq.example:8443", False),
        ("https://hq.example/api/v1/", "https://hq.example", False),
        ("http://hq.example", "http://hq.example", True),
        ("http://10.0.0.5:8000", "http://10.0.0.5:8000", True),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000", False),
        ("http://localhost:8000", "http://localhost:8000", False),
        ("http://[::1]:8000", "http://[::1]:8000", False),
    ],
)
def test_server_addresses(given, base, insecure):
    parsed = parse_server_url(given)
    assert (parsed.base, parsed.insecure) == (base, insecure)
    assert (parsed.warning is not None) == insecure


@pytest.mark.parametrize("given", ["hq.example", "ftp://hq.example", "https://", "https://u:p@hq"])
def test_bad_server_addresses_are_refused(given):
    with pytest.raises(ValidationError) as caught:
        parse_server_url(given)
    assert caught.value.code == "sync.invalid_url"


def test_plain_http_to_another_machine_is_flagged(make_http):
    http = make_http("http://hq.example")
    assert http.insecure
    assert "unencrypted" in (http.warning or "")


# -- TLS ----------------------------------------------------------------------------------
def test_a_certificate_failure_is_a_tls_error_and_not_retried(make_http, server, sleeps):
    failure = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    failure.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    server.queue("/hello", failure)
    with pytest.raises(TlsError) as caught:
        make_http().hello()
    assert caught.value.code == "sync.tls"
    assert "could not be verified" in caught.value.message
    assert "--ca-bundle" in caught.value.message
    assert sleeps == []


def test_an_unreadable_ca_bundle_is_a_tls_error(make_http, tmp_path, monkeypatch):
    with pytest.raises(TlsError, match="cannot be used"):
        make_http(verify=str(tmp_path / "missing.pem"))
    monkeypatch.setenv(CA_BUNDLE_ENV, str(tmp_path / "also-missing.pem"))
    with pytest.raises(TlsError, match="also-missing"):
        make_http()
