"""Merging two companies: the contact merge's rules (`crm_desktop.services.merge`) applied
to companies.

Each field keeps the survivor's value (or the other's where the survivor has
none) unless picked otherwise; tags are united; notes are joined; every
contact, deal, activity and task of the merged-away company moves to the
survivor; a `MergeRedirect` syncs the merge; `merge.unmerge` takes it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_desktop.domain.models import Activity, Company, Contact, Deal, Task
from crm_desktop.services.companies import EDITABLE_FIELD_ORDER, clean_company
from crm_desktop.services.merge import (
    MergeKind,
    MergeOutcome,
    MergePlan,
    merge_records,
    plan_records,
)
from crm_desktop.services.results import OpResult
from crm_desktop.store.engine import Store

COMPANY = MergeKind(
    "company",
    Company,
    EDITABLE_FIELD_ORDER,
    ("tags",),
    lambda values: clean_company(values, creating=False),
    (Contact, Deal, Activity, Task),
)


def plan_company_merge(store: Store, survivor_id: str, other_id: str) -> MergePlan:
    """Both companies and what a merge keeps unless told otherwise."""
    return plan_records(store, COMPANY, survivor_id, other_id)


def merge_companies(
    store: Store,
    survivor_id: str,
    other_id: str,
    picks: Mapping[str, Any] | None = None,
) -> OpResult[MergeOutcome]:
    """Merge company `other_id` into `survivor_id`; `merge.unmerge` undoes it.

    Args:
        picks: field -> "survivor", "other", or an explicit value.
    Raises:
        NotFoundError: either company does not exist.
        ValidationError: a picked value is invalid, or the two are the same company.
    """
    return merge_records(store, COMPANY, survivor_id, other_id, picks)
