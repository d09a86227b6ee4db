"""Accounts and tokens below HTTP: rehashing, touch throttling, revocation rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session

from crm_desktop.sync.protocol import LoginRequest
from crm_server import auth
from crm_server.errors import ApiError
from crm_server.models import Device, User

from .conftest import PASSWORD, add_user, utc


def sign_in(engine, user="amy", device_id="dev-1", password=PASSWORD):
    with Session(engine, expire_on_commit=False) as session:
        request = LoginRequest(user=user, password=password, device_id=device_id)
        response = auth.login(session, request)
        session.commit()
    return response


def test_login_rehashes_a_password_hashed_with_old_parameters(engine, monkeypatch):
    add_user(engine)  # hashed with the cheap test parameters
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: stronger)
    sign_in(engine)
    with Session(engine) as session:
        stored = session.get(User, "amy").password_hash
    assert not stronger.check_needs_rehash(stored)
    assert sign_in(engine).user == "amy"  # the new hash verifies


def test_touch_writes_at_most_once_a_minute(engine):
    add_user(engine)
    sign_in(engine)
    start = utc(2030, 1, 1, 12, 0)
    with Session(engine) as session:
        assert auth.touch(session, "dev-1", None, now=start)
        session.commit()
        seen = session.get(Device, "dev-1").last_seen_at
        assert auth.aware(seen) == start
        assert not auth.touch(session, "dev-1", seen, now=start + timedelta(seconds=59))
        assert auth.touch(session, "dev-1", seen, now=start + timedelta(seconds=61))
        session.commit()
        session.expire_all()
        assert auth.aware(session.get(Device, "dev-1").last_seen_at) > start


def test_authenticate_returns_user_and_device(engine):
    add_user(engine)
    token = sign_in(engine).token
    with Session(engine) as session:
        user, device = auth.authenticate(session, token)
    assert (user.name, device.id) == ("amy", "dev-1")
    with Session(engine) as session, pytest.raises(ApiError) as caught:
        auth.authenticate(session, token + "x")
    assert (caught.value.status, caught.value.code) == (401, "auth.invalid_token")


def test_revoking_again_never_clears_a_wipe(engine):
    add_user(engine)
    sign_in(engine)
    with Session(engine) as session:
        auth.revoke_device(session, "dev-1", wipe=True)
        auth.revoke_device(session, "dev-1")
        session.commit()
        assert session.get(Device, "dev-1").wipe is True
        with pytest.raises(ApiError) as caught:
            auth.revoke_device(session, "nope")
    assert caught.value.code == "device.not_found"


def test_signing_in_again_after_a_wipe_clears_it(engine):
    add_user(engine)
    sign_in(engine)
    with Session(engine) as session:
        auth.revoke_device(session, "dev-1", wipe=True)
        session.commit()
    token = sign_in(engine).token
    with Session(engine) as session:
        _user, device = auth.authenticate(session, token)
        assert device.revoked_at is None and device.wipe is False


@pytest.mark.parametrize(
    ("name", "password", "role", "code"),
    [
        ("amy", "short", "rep", "user.password_too_short"),
        ("amy", "x" * 1025, "rep", "user.password_too_long"),
        (" amy", PASSWORD, "rep", "user.bad_name"),
        ("", PASSWORD, "rep", "user.bad_name"),
        ("amy", PASSWORD, "boss", "user.bad_role"),
    ],
)
def test_add_user_checks_its_input(engine, name, password, role, code):
    with Session(engine) as session, pytest.raises(ApiError) as caught:
        auth.add_user(session, name, password, role)
    assert caught.value.code == code


def test_list_users_counts_signed_in_devices(engine):
    add_user(engine, "amy")
    add_user(engine, "ben", role="manager", team=None)
    sign_in(engine, "amy", "dev-1")
    sign_in(engine, "amy", "dev-2")
    with Session(engine) as session:
        auth.revoke_device(session, "dev-2")
        session.commit()
        rows = [(user.name, count) for user, count in auth.list_users(session)]
    assert rows == [("amy", 1), ("ben", 0)]
