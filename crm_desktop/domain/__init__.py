"""Domain tables and value types. No Qt, no I/O."""

from crm_desktop.domain.models import (
    APPEND_ONLY_ENTITIES,
    SYNCED_MODELS,
    Activity,
    Company,
    Contact,
    CustomField,
    CustomValue,
    Deal,
    DealStageHistory,
    Pipeline,
    Stage,
    Tag,
    Task,
)

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
