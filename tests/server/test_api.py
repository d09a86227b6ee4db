"""The HTTP layer: sign-in, tokens, revocation, handshake, limits and error shapes.

Sync semantics (what push and pull do with records) are tested in tests/sync.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from crm_desktop.sync.protocol import (
    API_PREFIX,
    DEFAULT_PULL_PAGE,
    MAX_PULL_PAGE,
    MAX_PUSH_BATCH,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    Digest,
    PullResponse,
)
from crm_server import __version__, auth, sync_service
from crm_server.config import MAX_BODY_BYTES
from crm_server.models import Device, User

from .conftest import PASSWORD, add_user, bearer, error_of, login

API = API_PREFIX


def a_change(n: int) -> dict[str, object]:
    return {
        "change_id": f"c{n}",
        "entity": "contact",
        "record_id": f"r{n}",
        "op": "upsert",
        "fields": {"name": "x"},
        "hlc": n,
        "device_id": "dev-1",
    }


def test_hello_needs_no_sign_in(client):
    response = client.get(f"{API}/hello")
    assert response.status_code == 200
    assert response.json() == {
        "server": "crm-server",
        "protocol": PROTOCOL_VERSION,
        "min_protocol": PROTOCOL_VERSION,
    }


def test_login_returns_a_token_stored_only_as_its_hash(client, engine):
    add_user(engine)
    response = client.post(
        f"{API}/login",
        json={"user": "amy", "password": PASSWORD, "device_id": "dev-1", "device_name": "Laptop"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "token": body["token"],
        "user": "amy",
        "role": "rep",
        "team": "east",
        "device_id": "dev-1",
    }
    assert len(body["token"]) >= 43  # 32 random bytes
    with Session(engine) as session:
        device = session.get(Device, "dev-1")
        assert device is not None
        assert device.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
        assert body["token"] not in repr(device.model_dump())
        assert device.name == "Laptop" and device.last_seen_at is not None
    me = client.get(f"{API}/me", headers=bearer(body["token"]))
    assert me.json() == {
        "user": "amy",
        "role": "rep",
        "team": "east",
        "device_id": "dev-1",
        "device_name": "Laptop",
    }


def test_wrong_password_and_unknown_user_get_the_same_answer(client, engine, monkeypatch):
    add_user(engine)
    checked = []
    real_verify = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda h, p: checked.append(h) or real_verify(h, p))
    answers = []
    for user, password in [("amy", "wrong password"), ("nobody", PASSWORD)]:
        response = client.post(
            f"{API}/login", json={"user": user, "password": password, "device_id": "dev-1"}
        )
        assert response.status_code == 401
        answers.append(error_of(response))
    assert answers[0] == answers[1]
    assert answers[0]["code"] == "auth.invalid"
    # The unknown user's attempt still ran a hash check (against a dummy): same time.
    assert len(checked) == 2 and checked[1] is None


def test_disabled_user_cannot_sign_in_nor_use_a_token(client, engine):
    add_user(engine)
    token = login(client)
    with Session(engine) as session:
        user = session.get(User, "amy")
        user.disabled = True
        session.commit()
    response = client.post(
        f"{API}/login", json={"user": "amy", "password": PASSWORD, "device_id": "dev-2"}
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "auth.disabled"
    assert error_of(client.get(f"{API}/me", headers=bearer(token)))["code"] == "auth.disabled"


def test_login_again_reissues_the_token_and_lifts_a_revocation(client, engine):
    add_user(engine)
    first = login(client)
    assert client.post(f"{API}/logout", headers=bearer(first)).status_code == 204
    second = login(client)
    assert second != first
    assert client.get(f"{API}/me", headers=bearer(second)).status_code == 200
    old = client.get(f"{API}/me", headers=bearer(first))
    assert old.status_code == 401
    assert error_of(old)["code"] == "auth.invalid_token"
    with Session(engine) as session:
        assert len(session.exec(select(Device)).all()) == 1


def test_a_device_of_another_user_is_refused(client, engine):
    add_user(engine, "amy")
    add_user(engine, "ben")
    login(client, "amy", "dev-1")
    response = client.post(
        f"{API}/login", json={"user": "ben", "password": PASSWORD, "device_id": "dev-1"}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "auth.device_taken"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YW15OnB3"}],
)
def test_requests_without_a_valid_token_are_refused(client, headers):
    for method, path in [
        ("GET", "/me"),
        ("GET", "/sync/pull"),
        ("GET", "/sync/digest"),
        ("POST", "/logout"),
    ]:
        response = client.request(method, f"{API}{path}", headers=headers)
        assert response.status_code == 401, path
        assert error_of(response)["code"] == "auth.invalid_token"
        assert response.headers["www-authenticate"] == "Bearer"
    push = client.post(f"{API}/sync/push", json={"changes": []}, headers=headers)
    assert error_of(push)["code"] == "auth.invalid_token"


def test_logout_revokes_the_token_without_wipe(client, engine):
    add_user(engine)
    token = login(client)
    assert client.post(f"{API}/logout", headers=bearer(token)).status_code == 204
    response = client.get(f"{API}/sync/digest", headers=bearer(token))
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "device_revoked" and error["wipe"] is False
    with Session(engine) as session:
        assert session.get(Device, "dev-1").revoked_at is not None


@pytest.mark.parametrize("wipe", [False, True])
def test_device_revoked_by_an_administrator(client, engine, wipe):
    add_user(engine)
    token = login(client)
    with Session(engine) as session:
        auth.revoke_device(session, "dev-1", wipe=wipe)
        session.commit()
    response = client.get(f"{API}/sync/pull", headers=bearer(token))
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "device_revoked"
    assert error["wipe"] is wipe
    assert "administrator" in error["message"]


@pytest.mark.parametrize("ago", [None, timedelta(minutes=2)])
def test_requests_record_when_the_device_was_last_seen(client, engine, ago):
    add_user(engine)
    token = login(client)
    before = None if ago is None else datetime.now(UTC) - ago
    with Session(engine) as session:
        session.get(Device, "dev-1").last_seen_at = before
        session.commit()
    for path in ("/me", "/sync/pull", "/sync/digest"):
        assert client.get(f"{API}{path}", headers=bearer(token)).status_code == 200
    with Session(engine) as session:
        seen = auth.aware(session.get(Device, "dev-1").last_seen_at)
    assert seen is not None and seen > datetime.now(UTC) - timedelta(seconds=30)


def test_a_failure_to_record_contact_does_not_fail_the_request(client, engine, monkeypatch):
    add_user(engine)
    token = login(client)

    def broken_touch(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(auth, "touch", broken_touch)
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("version", [str(PROTOCOL_VERSION + 1), "0", "abc", ""])
def test_an_unknown_protocol_version_gets_426(client, version):
    response = client.get(f"{API}/hello", headers={PROTOCOL_HEADER: version})
    assert response.status_code == 426
    error = error_of(response)
    assert error["code"] == "protocol_mismatch"
    assert f"protocol {PROTOCOL_VERSION}" in error["message"]
    assert "update" in error["message"]
    if version == str(PROTOCOL_VERSION + 1):
        assert "update crm-server" in error["message"]
    else:
        assert "update the app" in error["message"]


def test_the_current_protocol_version_is_accepted_everywhere(client, engine):
    add_user(engine)
    token = login(client)
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), **bearer(token)}
    assert client.get(f"{API}/hello", headers=headers).status_code == 200
    assert client.get(f"{API}/sync/digest", headers=headers).status_code == 200
    # The version is checked before the body is even read.
    response = client.post(
        f"{API}/sync/push", content=b"{bad", headers={**headers, PROTOCOL_HEADER: "99"}
    )
    assert response.status_code == 426


def test_push_accepts_a_gzip_body(client, engine):
    add_user(engine)
    token = login(client)
    body = gzip.compress(b'{"changes": []}')
    response = client.post(
        f"{API}/sync/push",
        content=body,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json", **bearer(token)},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": [], "duplicates": [], "rejected": [], "conflicts": 0}


def test_a_damaged_gzip_body_is_a_400(client):
    for damaged in (b"not gzip at all", gzip.compress(b'{"user": "x"}')[:-6]):
        response = client.post(
            f"{API}/login",
            content=damaged,
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert error_of(response)["code"] == "request.bad_encoding"


def test_an_unknown_content_encoding_is_refused(client):
    response = client.post(f"{API}/login", content=b"{}", headers={"Content-Encoding": "br"})
    assert response.status_code == 415
    assert error_of(response)["code"] == "request.bad_encoding"


def test_a_gzip_bomb_is_refused(client):
    bomb = gzip.compress(b"\0" * (65 * 1024 * 1024), compresslevel=1)
    assert len(bomb) < MAX_BODY_BYTES
    response = client.post(
        f"{API}/sync/push",
        content=bomb,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "request.too_large"


def test_an_oversized_body_is_refused(client):
    response = client.post(
        f"{API}/sync/push",
        content=b" " * (MAX_BODY_BYTES + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "request.too_large"


def test_an_oversized_chunked_body_is_refused(client):
    def chunks():
        for _ in range(17):
            yield b" " * (1024 * 1024)

    response = client.post(
        f"{API}/sync/push", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_malformed_json_is_a_json_400(client):
    response = client.post(
        f"{API}/login", content=b'{"user": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "request.bad_json"


def test_invalid_fields_are_a_422_naming_the_field(client):
    response = client.post(f"{API}/login", json={"user": "amy", "device_id": "d"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "request.invalid"
    assert "password" in error["message"]


def test_a_batch_over_the_limit_is_a_422(client, engine):
    add_user(engine)
    token = login(client)
    changes = [a_change(n) for n in range(MAX_PUSH_BATCH + 1)]
    response = client.post(f"{API}/sync/push", json={"changes": changes}, headers=bearer(token))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "request.invalid"
    assert "changes" in error["message"]


def test_pull_passes_cursor_and_capped_limit(client, engine, monkeypatch):
    add_user(engine)
    token = login(client)
    calls = []

    def fake_pull(session, user, cursor, limit):
        calls.append((user.name, cursor, limit))
        return PullResponse(records=[], cursor=cursor, more=False)

    monkeypatch.setattr(sync_service, "pull", fake_pull)
    headers = bearer(token)
    assert client.get(f"{API}/sync/pull", headers=headers).status_code == 200
    assert client.get(f"{API}/sync/pull?cursor=7&limit=10", headers=headers).status_code == 200
    assert client.get(f"{API}/sync/pull?cursor=7&limit=999999", headers=headers).status_code == 200
    assert calls == [("amy", 0, DEFAULT_PULL_PAGE), ("amy", 7, 10), ("amy", 7, MAX_PULL_PAGE)]
    for query in ("cursor=-1", "limit=0", "cursor=x"):
        response = client.get(f"{API}/sync/pull?{query}", headers=headers)
        assert response.status_code == 422, query
        assert error_of(response)["code"] == "request.invalid"


def test_a_failed_request_rolls_back(client, engine, monkeypatch):
    add_user(engine)
    token = login(client)

    def failing_digest(session, user):
        session.get(Device, "dev-1").name = "changed"
        raise auth.ApiError(409, "test.failed", "no")

    monkeypatch.setattr(sync_service, "digest", failing_digest)
    response = client.get(f"{API}/sync/digest", headers=bearer(token))
    assert response.status_code == 409
    assert error_of(response) == {"code": "test.failed", "message": "no", "wipe": False}
    with Session(engine) as session:
        assert session.get(Device, "dev-1").name == "Laptop"


def test_a_bug_is_a_json_500_without_details(client, engine, monkeypatch, caplog):
    add_user(engine)
    token = login(client)

    def broken_digest(session, user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(sync_service, "digest", broken_digest)
    with caplog.at_level(logging.ERROR, logger="crm_server"):
        response = client.get(f"{API}/sync/digest", headers=bearer(token))
    assert response.status_code == 500
    assert error_of(response)["code"] == "server.error"
    assert "secret" not in response.text
    assert "secret internals" in caplog.text


def test_digest_goes_through_the_sync_service(client, engine, monkeypatch):
    add_user(engine)
    token = login(client)
    monkeypatch.setattr(sync_service, "digest", lambda s, u: Digest(counts={"deal": 3}, cursor=9))
    response = client.get(f"{API}/sync/digest", headers=bearer(token))
    assert response.json() == {"counts": {"deal": 3}, "cursor": 9}


def test_unknown_routes_and_methods_are_json_errors(client):
    response = client.get(f"{API}/nowhere")
    assert response.status_code == 404
    assert error_of(response)["code"] == "request.not_found"
    response = client.get(f"{API}/login")
    assert response.status_code == 405
    assert error_of(response)["code"] == "request.method_not_allowed"


def test_openapi_and_docs_are_served_compressed(client):
    response = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    spec = response.json()
    assert spec["info"] == {
        "title": "crm-server",
        "version": __version__,
        "description": spec["info"]["description"],
    }
    assert f"{API}/sync/push" in spec["paths"]
    assert client.get("/docs").status_code == 200
