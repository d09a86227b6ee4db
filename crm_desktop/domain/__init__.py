"""Domain tables and value types. No Qt, no I/O.

The tables load on first use of a name from here (or on importing
`crm_desktop.domain.models`): `domain.text` and `domain.enums` are needed at
app start-up, the ORM (sqlmodel and pydantic, ~0.4 s to import) is not.
"""

from typing import Any

__all__ = [
    "APPEND_ONLY_ENTITIES",
    "SYNCED_MODELS",
    "Activity",
    "Company",
    "Contact",
    "CustomField",
    "CustomValue",
    "Deal",
    "DealStageHistory",
    "Pipeline",
    "Stage",
    "Tag",
    "Task",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from crm_desktop.domain import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
