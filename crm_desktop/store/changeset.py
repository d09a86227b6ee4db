"""What a use case changed, as views and the runner see it (no ORM imports)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

# Custom field values travel in change rows as fields named "cf:<key>".
CUSTOM_PREFIX = "cf:"


@dataclass
class ChangeSet:
    """What a use case changed: entity -> ids, per kind of change. Views refresh from it."""

    created: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    updated: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    deleted: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def entities(self) -> set[str]:
        return set(self.created) | set(self.updated) | set(self.deleted)

    def __bool__(self) -> bool:
        return bool(self.entities())

    def merge(self, other: ChangeSet) -> None:
        """Add what `other` changed (for a use case made of several transactions)."""
        for mine, theirs in (
            (self.created, other.created),
            (self.updated, other.updated),
            (self.deleted, other.deleted),
        ):
            for entity, ids in theirs.items():
                mine[entity].update(ids)
