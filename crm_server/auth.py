"""Accounts and devices: passwords, device tokens, sign-in and revocation.

Passwords are argon2id hashes. A device token is 32 random bytes the server
shows once, at login; only its SHA-256 is stored, so a copy of the database
signs nobody in. Revoking a device (the user's logout, or an administrator)
keeps its row, so its next request learns why it was refused and, when the
administrator asked for it, that it must wipe its local data.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from crm_desktop.sync.protocol import LoginRequest, LoginResponse
from crm_server.errors import ApiError
from crm_server.models import ROLES, Device, User

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # LoginRequest's limit: a longer one could never sign in
MAX_USER_NAME_LENGTH = 128
TOUCH_INTERVAL = timedelta(minutes=1)
"""last_seen_at is written at most this often per device: most requests then write nothing."""

# Each argon2 hash takes ~64 MiB for ~0.1 s; a burst of logins on the request
# thread pool (40 threads) must not take gigabytes.
_HASH_SLOTS = threading.BoundedSemaphore(4)


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """The datetime in UTC; SQLite hands back naive datetimes (stored as UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so both cases take as long."""
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    with _HASH_SLOTS:
        return _hasher().hash(password)


def _verify(stored_hash: str | None, password: str) -> bool:
    with _HASH_SLOTS:
        try:
            _hasher().verify(stored_hash or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return False
    return stored_hash is not None


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ApiError(
            422,
            "user.password_too_short",
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ApiError(
            422,
            "user.password_too_long",
            f"The password must have at most {MAX_PASSWORD_LENGTH} characters.",
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _invalid_login() -> ApiError:
    # One answer for an unknown user and a wrong password: names are not probed.
    return ApiError(401, "auth.invalid", "Wrong user name or password.")


def _disabled() -> ApiError:
    return ApiError(403, "auth.disabled", "This account is disabled: ask your administrator.")


def login(session: Session, request: LoginRequest) -> LoginResponse:
    """Check the password and issue the device a fresh token (the only time it is shown).

    Runs in two transactions: the password is checked with none open, so the
    ~0.1 s of argon2 holds no lock (on SQLite, not the database's write lock).
    """
    user = session.get(User, request.user)
    stored_hash = user.password_hash if user is not None else None
    session.commit()
    # The hash is checked even for an unknown user (against a dummy), so timing tells nothing.
    if not _verify(stored_hash, request.password) or user is None or stored_hash is None:
        raise _invalid_login()
    if user.disabled:
        raise _disabled()
    if _hasher().check_needs_rehash(stored_hash):
        user.password_hash = hash_password(request.password)
    token = new_token()
    device = _device_for_login(session, user, request)
    device.token_hash = token_hash(token)
    device.last_seen_at = utcnow()
    session.add(device)
    return LoginResponse(
        token=token, user=user.name, role=user.role, team=user.team, device_id=device.id
    )


def _device_for_login(session: Session, user: User, request: LoginRequest) -> Device:
    """The device's row, new or re-registered (a new token also lifts a revocation)."""
    device = session.get(Device, request.device_id)
    if device is None:
        return Device(
            id=request.device_id,
            user_name=user.name,
            name=request.device_name,
            token_hash="",
            created_at=utcnow(),
        )
    if device.user_name != user.name:
        raise ApiError(
            409,
            "auth.device_taken",
            f"This device id is registered to another user ({device.user_name}); "
            "an administrator must remove it, or reinstall the app.",
        )
    device.revoked_at = None
    device.wipe = False
    device.name = request.device_name or device.name
    return device


def authenticate(session: Session, bearer_token: str | None) -> tuple[User, Device]:
    """The user and device a token belongs to; refuses unknown, revoked and disabled ones.

    Reads only: call `touch` afterwards, in a transaction of its own.
    """
    if not bearer_token:
        raise _invalid_token("Sign in first: this request needs a device token.")
    statement = select(Device).where(Device.token_hash == token_hash(bearer_token))
    device = session.exec(statement).first()
    if device is None:
        raise _invalid_token("The sign-in of this device is no longer valid: sign in again.")
    if device.revoked_at is not None:
        raise ApiError(
            401,
            "device_revoked",
            "This device was revoked by an administrator"
            + (" and its local data must be erased." if device.wipe else ": sign in again."),
            wipe=device.wipe,
            headers={"WWW-Authenticate": "Bearer"},
        )
    user = session.get(User, device.user_name)
    if user is None or user.disabled:
        raise _disabled()
    return user, device


def _invalid_token(message: str) -> ApiError:
    return ApiError(401, "auth.invalid_token", message, headers={"WWW-Authenticate": "Bearer"})


def touch(
    session: Session, device_id: str, last_seen_at: datetime | None, now: datetime | None = None
) -> bool:
    """Record that a device made contact, unless it did within `TOUCH_INTERVAL`.

    Takes the values read by `authenticate` (a rollback since may have expired
    the object). A single conditional UPDATE: as the first statement of a
    transaction it waits its turn for SQLite's write lock, where a
    read-then-write would fail. Returns whether it wrote; the caller commits.
    """
    now = now or utcnow()
    last = aware(last_seen_at)
    if last is not None and now - last < TOUCH_INTERVAL:
        return False
    cutoff = now - TOUCH_INTERVAL
    session.execute(
        update(Device)
        .where(col(Device.id) == device_id)
        .where(or_(col(Device.last_seen_at).is_(None), col(Device.last_seen_at) < cutoff))
        .values(last_seen_at=now)
        # Not mirrored into loaded objects: SQLite's naive datetimes do not compare in Python.
        .execution_options(synchronize_session=False)
    )
    return True


def logout(session: Session, device: Device) -> None:
    """The user signed out: the token stops working; nothing is wiped."""
    device.revoked_at = utcnow()
    device.wipe = False
    session.add(device)


def revoke_device(session: Session, device_id: str, *, wipe: bool = False) -> Device:
    """An administrator cuts a device off; `wipe` also tells it to erase its local store.

    Revoking again never clears a wipe already asked for.
    """
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError(404, "device.not_found", f"No device with id {device_id}.")
    device.revoked_at = device.revoked_at or utcnow()
    device.wipe = device.wipe or wipe
    session.add(device)
    return device


def add_user(
    session: Session, name: str, password: str, role: str, team: str | None = None
) -> User:
    if not name or name != name.strip() or len(name) > MAX_USER_NAME_LENGTH:
        raise ApiError(
            422,
            "user.bad_name",
            f"A user name has 1 to {MAX_USER_NAME_LENGTH} characters, "
            "without leading or trailing spaces.",
        )
    if role not in ROLES:
        raise ApiError(422, "user.bad_role", f"Unknown role {role!r}: use {', '.join(ROLES)}.")
    check_password_rules(password)
    if session.get(User, name) is not None:
        raise ApiError(409, "user.exists", f"User {name} already exists.")
    user = User(
        name=name,
        password_hash=hash_password(password),
        role=role,
        team=team or None,
        created_at=utcnow(),
    )
    session.add(user)
    return user


def set_password(session: Session, name: str, password: str) -> User:
    """A new password; devices already signed in stay signed in (revoke them to cut off)."""
    user = session.get(User, name)
    if user is None:
        raise ApiError(404, "user.not_found", f"No user named {name}.")
    check_password_rules(password)
    user.password_hash = hash_password(password)
    session.add(user)
    return user


def list_users(session: Session) -> list[tuple[User, int]]:
    """Every user with the number of its devices still signed in."""
    active = (
        select(Device.user_name, func.count().label("n"))
        .where(col(Device.revoked_at).is_(None))
        .group_by(Device.user_name)
        .subquery()
    )
    rows = session.exec(
        select(User, func.coalesce(active.c.n, 0))
        .outerjoin(active, active.c.user_name == User.name)
        .order_by(User.name)
    ).all()
    return [(user, int(count)) for user, count in rows]


def list_devices(session: Session) -> list[Device]:
    statement = select(Device).order_by(col(Device.user_name), col(Device.created_at))
    return list(session.exec(statement).all())
