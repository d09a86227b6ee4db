"""Who may see and write which record.

A record belongs to its ``owner`` (a user name) and a team: the owner's team,
or for an unowned record the team of the user who created it.

- rep: own records, and the team's unowned (shared) records;
- manager: every record of the team, and own ones;
- admin: everything.

Pipelines, stages, tags and custom field definitions are the whole company's
set-up: everyone reads and writes them.

A deal's stage history carries no owner of its own: each row is seen by
exactly those who see its deal (`PARENT_ACCESS`), so a rep's private deal does
not show teammates who moved it when, nor leave them history rows of a deal
they do not have.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, exists, or_, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from crm_server.models import SyncRecord, User

# Erasures hold no personal data (an id, who, when): every device must learn of
# one, to remove the person wherever a copy is.
GLOBAL_ENTITIES = frozenset({"pipeline", "stage", "tag", "custom_field", "erasure"})

# entity -> (parent entity, reference field): access is the parent record's.
PARENT_ACCESS: dict[str, tuple[str, str]] = {"deal_stage_history": ("deal", "deal_id")}
PARENTS = frozenset(parent for parent, _ref in PARENT_ACCESS.values())

UserLookup = Callable[[str], "User | None"]


def may_see(user: User, entity: str, owner: str | None, team: str | None) -> bool:
    if user.role == "admin" or entity in GLOBAL_ENTITIES or owner == user.name:
        return True
    if user.team is None or team != user.team:
        return False
    return user.role == "manager" or owner is None


def visible_filter(user: User) -> ColumnElement[bool]:
    """`may_see` as a SQL condition on `SyncRecord`, for pulls and digests.

    A record in `PARENT_ACCESS` is visible when its parent's row is (a lookup by
    primary key per such record); every other record by its own owner and team.
    """
    if user.role == "admin":
        return true()
    entity = col(SyncRecord.entity)
    own = or_(entity.in_(sorted(GLOBAL_ENTITIES)), _owner_or_team(user, SyncRecord))
    by_parent = [
        and_(entity == child, _parent_visible(user, parent, ref))
        for child, (parent, ref) in sorted(PARENT_ACCESS.items())
    ]
    return or_(and_(entity.not_in(sorted(PARENT_ACCESS)), own), *by_parent)


def _owner_or_team(user: User, table: Any) -> ColumnElement[bool]:
    """`may_see` for a non-admin on `table`'s owner and team columns."""
    mine = table.owner == user.name
    if user.team is None:
        return mine
    same_team = table.team == user.team
    if user.role == "manager":
        return or_(mine, same_team)
    return or_(mine, and_(same_team, table.owner.is_(None)))


def _parent_visible(user: User, parent_entity: str, ref: str) -> ColumnElement[bool]:
    parent = aliased(SyncRecord)
    return exists().where(
        col(parent.entity) == parent_entity,
        col(parent.record_id) == col(SyncRecord.fields)[ref].as_string(),
        _owner_or_team(user, parent),
    )


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
