"""Who may see and write which record.

A record belongs to its ``owner`` (a user name) and a team: the owner's team,
or for an unowned record the team of the user who created it.

- rep: own records, and the team's unowned (shared) records;
- manager: every record of the team, and own ones;
- admin: everything.

Pipelines, stages, tags and custom field definitions are the whole company's
set-up: everyone reads and writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, or_, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from crm_server.models import SyncRecord, User

# Erasures hold no personal data (an id, who, when): every device must learn of
# one, to remove the person wherever a copy is.
GLOBAL_ENTITIES = frozenset({"pipeline", "stage", "tag", "custom_field", "erasure"})

UserLookup = Callable[[str], "User | None"]


def may_see(user: User, entity: str, owner: str | None, team: str | None) -> bool:
    if user.role == "admin" or entity in GLOBAL_ENTITIES or owner == user.name:
        return True
    if user.team is None or team != user.team:
        return False
    return user.role == "manager" or owner is None


def visible_filter(user: User) -> ColumnElement[bool]:
    """`may_see` as a SQL condition on `SyncRecord`, for pulls and digests."""
    if user.role == "admin":
        return true()
    mine = or_(
        col(SyncRecord.entity).in_(sorted(GLOBAL_ENTITIES)), col(SyncRecord.owner) == user.name
    )
    if user.team is None:
        return mine
    same_team = col(SyncRecord.team) == user.team
    if user.role == "manager":
        return or_(mine, same_team)
    return or_(mine, and_(same_team, col(SyncRecord.owner).is_(None)))


def may_assign(user: User, new_owner: Any, lookup: UserLookup) -> bool:
    """Whether `user` may make `new_owner` the owner of a record (hand it over)."""
    if new_owner is None or new_owner == user.name or user.role == "admin":
        return True
    if not isinstance(new_owner, str) or user.team is None:
        return False
    target = lookup(new_owner)
    return target is not None and target.team == user.team


def team_of(owner: str | None, creator: User, lookup: UserLookup) -> str | None:
    if owner is None or owner == creator.name:
        return creator.team
    target = lookup(owner)
    return target.team if target is not None else None
