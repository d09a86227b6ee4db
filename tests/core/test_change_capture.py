"""Every service path that writes synced data leaves change rows in the same transaction."""

from __future__ import annotations

import pytest

from crm_desktop.errors import ValidationError
from crm_desktop.services import companies, contacts, custom_fields
from tests.changelog_replay import (
    assert_change_log_is_complete,
    assert_record_counts_are_exact,
    replayed_state,
)


def _people_and_companies(store) -> None:
    custom_fields.define_field(store, "contact", "budget", "Budget", "number")
    acme = companies.create_company(store, {"name": "Acme Ltd", "tags": ["partner"]}).value
    other = companies.create_company(store, {"name": "华信"}).value
    a = contacts.create_contact(
        store, {"name": "张伟", "company_id": acme, "tags": ["vip"]}, custom={"budget": 10}
    ).value
    b = contacts.create_contact(store, {"name": "Ann", "phones": ["+14155552671"]}).value
    contacts.create_contacts(store, [{"name": f"Bulk {i}", "company_id": other} for i in range(30)])
    contacts.update_contact(
        store, a, {"title": "CEO", "tags": ["vip", "hot"]}, custom={"budget": 20}
    )
    contacts.update_contact(store, b, {"company_id": other})
    companies.update_company(store, acme, {"name": "Acme Group", "city": "Shanghai"})
    contacts.delete_contact(store, b)
    companies.delete_company(store, other, detach=True)


def test_contacts_and_companies_paths_are_fully_captured(store):
    _people_and_companies(store)
    assert_change_log_is_complete(store)
    assert_record_counts_are_exact(store)


def test_sales_activity_and_task_paths_are_fully_captured(store):
    from tests.core.sales_scenario import run_sales_scenario

    run_sales_scenario(store)
    assert_change_log_is_complete(store)
    assert_record_counts_are_exact(store)


def test_failed_use_case_leaves_no_change_rows(store):
    before = replayed_state(store)
    with pytest.raises(ValidationError):
        contacts.create_contacts(store, [{"name": "ok"}, {"name": "x", "company_id": "missing"}])
    assert replayed_state(store) == before


def test_replay_detects_a_write_that_bypasses_capture(store):
    contacts.create_contact(store, {"name": "Zed"})
    with store.write() as tx:  # a rogue raw write, as a bug would do
        tx.conn.exec_driver_sql("UPDATE contact SET title = 'sneaky'")
    with pytest.raises(AssertionError):
        assert_change_log_is_complete(store)
