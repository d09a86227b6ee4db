"""The merge rules, one module for the HQ server and the desktop client.

State converges because every field is a last-writer-wins register ordered by
(HLC, device id): whatever order replicas see the same writes in, each field
ends with the same winner. Deletes are tombstones that edits never undo; only
an explicit ``restore`` (newer than the delete) brings a record back.

Nothing is lost silently: a write that loses to a *concurrent* write (one its
author had not seen, told by the change's ``seen`` cursor) is reported as an
`Overwrite`, which the server keeps as a conflict record a person can review
and flip. Append-only entities (activities, stage history) never conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from crm_desktop.sync.protocol import Version, WireChange

FieldVersion = list[Any]
"""[hlc, device id, server seq] of the write that set a field."""


def version_of(stamp: Sequence[Any]) -> Version:
    return (int(stamp[0]), str(stamp[1]))


def newer(a: Sequence[Any], b: Sequence[Any] | None) -> bool:
    """Whether write `a` beats write `b` (None: no write yet)."""
    return b is None or version_of(a) > version_of(b)


@dataclass
class RecordState:
    """A record as the server holds it: values, per-field versions, life."""

    fields: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, FieldVersion] = field(default_factory=dict)
    alive: list[Any] | None = None  # [hlc, device] of the create or last restore
    deleted: list[Any] | None = None  # [hlc, device, seq] of the winning delete

    @property
    def is_deleted(self) -> bool:
        return self.deleted is not None and newer(self.deleted, self.alive)


@dataclass(frozen=True)
class Overwrite:
    """A value that lost to a concurrent write: to keep as a conflict.

    ``kind`` "field": one field's value lost. "delete": edits and a delete
    crossed; ``loser_value`` then holds the whole record as the editor had it,
    so a person can restore it.
    """

    kind: Literal["field", "delete"]
    field: str | None
    winner_value: Any
    loser_value: Any
    winner: Version
    loser: Version
    loser_is_incoming: bool


@dataclass
class MergeResult:
    state: RecordState
    changed: bool
    overwrites: list[Overwrite] = field(default_factory=list)


def merge_change(
    state: RecordState | None, change: WireChange, seq: int, *, append_only: bool = False
) -> MergeResult:
    """Apply one pushed change (the server's `seq` for it) to a record's state."""
    if change.op == "delete":
        return _merge_delete(state, change, seq, append_only)
    if state is None:
        state = RecordState(alive=[change.hlc, change.device_id])
        _write_fields(state, change, seq)
        return MergeResult(state, True)
    if change.op == "restore":
        return _merge_restore(state, change, seq, append_only)
    if state.is_deleted:
        return MergeResult(state, False, _edit_of_deleted(state, change, append_only))
    return _merge_upsert(state, change, seq, append_only)


def remote_wins(remote: Sequence[Any], pending: Sequence[Any] | None) -> bool:
    """Client side: does a pulled field value replace this device's unpushed write?"""
    return newer(remote, pending)


def _stamp(change: WireChange, seq: int) -> FieldVersion:
    return [change.hlc, change.device_id, seq]


def _is_concurrent(current: FieldVersion, change: WireChange) -> bool:
    """The current write was made by another device and not seen by the change's author."""
    return int(current[2]) > change.seen and current[1] != change.device_id


def _write_fields(state: RecordState, change: WireChange, seq: int) -> bool:
    wrote = False
    for name, value in change.fields.items():
        if newer(_stamp(change, seq), state.versions.get(name)):
            state.fields[name] = value
            state.versions[name] = _stamp(change, seq)
            wrote = True
    return wrote


def _merge_upsert(
    state: RecordState, change: WireChange, seq: int, append_only: bool
) -> MergeResult:
    mine = (change.hlc, change.device_id)
    overwrites: list[Overwrite] = []
    changed = False
    for name, value in change.fields.items():
        current = state.versions.get(name)
        if newer(mine, current):
            if current is not None and _is_concurrent(current, change) and not append_only:
                overwrites.append(
                    Overwrite(
                        "field",
                        name,
                        value,
                        state.fields.get(name),
                        mine,
                        version_of(current),
                        loser_is_incoming=False,
                    )
                )
            state.fields[name] = value
            state.versions[name] = _stamp(change, seq)
            changed = True
        elif (
            current is not None
            and version_of(current) != mine
            and current[1] != change.device_id  # the device overwrote itself: no conflict
            and not append_only
        ):
            overwrites.append(
                Overwrite(
                    "field",
                    name,
                    state.fields.get(name),
                    value,
                    version_of(current),
                    mine,
                    loser_is_incoming=True,
                )
            )
    return MergeResult(state, changed, overwrites)


def _edit_of_deleted(state: RecordState, change: WireChange, append_only: bool) -> list[Overwrite]:
    if append_only or not change.fields:
        return []
    assert state.deleted is not None
    edited = {**state.fields, **change.fields}
    return [
        Overwrite(
            "delete",
            None,
            None,
            edited,
            version_of(state.deleted),
            (change.hlc, change.device_id),
            loser_is_incoming=True,
        )
    ]


def _merge_delete(
    state: RecordState | None, change: WireChange, seq: int, append_only: bool
) -> MergeResult:
    stamp = _stamp(change, seq)
    if state is None:
        return MergeResult(RecordState(deleted=stamp), True)
    if state.is_deleted:
        if newer(stamp, state.deleted):
            state.deleted = stamp
        return MergeResult(state, False)
    if not newer(stamp, state.alive):
        return MergeResult(state, False)  # a newer restore wins over this delete
    unseen = [v for v in state.versions.values() if _is_concurrent(v, change)]
    overwrites = []
    if unseen and not append_only:
        latest = max(version_of(v) for v in unseen)
        overwrites.append(
            Overwrite(
                "delete",
                None,
                None,
                dict(state.fields),
                (change.hlc, change.device_id),
                latest,
                loser_is_incoming=False,
            )
        )
    state.deleted = stamp
    return MergeResult(state, True, overwrites)


def _merge_restore(
    state: RecordState, change: WireChange, seq: int, append_only: bool
) -> MergeResult:
    if state.is_deleted:
        assert state.deleted is not None
        if not newer((change.hlc, change.device_id), state.deleted):
            return MergeResult(state, False, _edit_of_deleted(state, change, append_only))
        state.alive = [change.hlc, change.device_id]
        state.deleted = None
    _write_fields(state, change, seq)
    return MergeResult(state, True)
