"""What a mutating use case returns: its value and what it changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from crm_desktop.store.changeset import ChangeSet

T = TypeVar("T")


@dataclass
class OpResult(Generic[T]):
    """`value` (e.g. the new id) plus the `ChangeSet`, so each view refreshes only that."""

    value: T
    changes: ChangeSet = field(default_factory=ChangeSet)
