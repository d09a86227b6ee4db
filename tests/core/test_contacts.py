from datetime import date

import pytest
from sqlalchemy import select

from crm_desktop.domain.local import ChangeRecord
from crm_desktop.domain.models import Activity, Contact, Deal, Task
from crm_desktop.errors import ConflictingStateError, NotFoundError, ValidationError
from crm_desktop.services import companies, contacts


def _count(store, model, **where):
    with store.read() as conn:
        stmt = select(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return len(conn.execute(stmt).all())


def test_create_normalises_and_reads_back(store):
    company = companies.create_company(store, {"name": "北京华信科技有限公司"}).value
    result = contacts.create_contact(
        store,
        {
            "name": "  张伟 ",
            "phones": ["138 1234 5678", {"label": "work", "number": "+1 415 555 2671"}],
            "emails": ["ZW@Example.com"],
            "company_id": company,
            "birthday": "1985-06-01",
            "tags": "vip, 北京",
            "consent_email": "yes",
        },
    )
    detail = contacts.get_contact(store, result.value)
    c = detail.contact
    assert c.name == "张伟"
    assert c.name_sort == "zhang wei"
    assert c.phones == [
        {"label": "mobile", "number": "+8613812345678"},
        {"label": "work", "number": "+14155552671"},
    ]
    assert c.emails == [{"label": "work", "address": "ZW@example.com"}]
    assert c.birthday == date(1985, 6, 1)
    assert c.tags == ["vip", "北京"]
    assert c.consent_email is True
    assert c.created_at.tzinfo is not None
    assert detail.company_name == "北京华信科技有限公司"
    assert result.changes.created["contact"] == {result.value}


def test_invalid_input_names_the_field_and_writes_nothing(store):
    for values, field in [
        ({"name": ""}, "name"),
        ({"name": "A", "phones": ["12345"]}, "phones"),
        ({"name": "A", "phones": ["+8613812345678", "bad"]}, "phones[1]"),
        ({"name": "A", "emails": ["nope"]}, "emails"),
        ({"name": "A", "grade": "Z"}, "grade"),
        ({"name": "A", "birthday": "yesterday"}, "birthday"),
        ({"name": "A", "shoe_size": 42}, "shoe_size"),
        ({"name": "A", "company_id": "01a20000-0000-7000-8000-000000000000"}, "company_id"),
    ]:
        with pytest.raises(ValidationError) as err:
            contacts.create_contact(store, values)
        assert err.value.field == field, values
    assert _count(store, Contact) == 0
    assert _count(store, ChangeRecord) == 0


def test_update_records_only_changed_fields(store):
    contact_id = contacts.create_contact(store, {"name": "Ann Lee", "title": "CTO"}).value
    old = contacts.update_contact(store, contact_id, {"title": "CTO", "notes": "met at fair"}).value
    assert old == {"notes": None}
    with store.read() as conn:
        changes = conn.execute(
            select(ChangeRecord.op, ChangeRecord.fields)
            .where(ChangeRecord.record_id == contact_id)
            .order_by(ChangeRecord.seq)
        ).all()
    assert changes[-1] == ("upsert", {"notes": "met at fair"})
    assert contacts.update_contact(store, contact_id, {"title": "CTO"}).value == {}


def test_update_unknown_contact(store):
    with pytest.raises(NotFoundError):
        contacts.update_contact(store, "01a20000-0000-7000-8000-000000000000", {"title": "x"})


def test_delete_contact_removes_tasks_and_activities_and_unlinks_deals(store):
    contact_id = contacts.create_contact(store, {"name": "Bo"}).value
    with store.write() as tx:
        tx.insert(Task, {"title": "call back", "contact_id": contact_id})
        tx.insert(Activity, {"kind": "note", "occurred_at": tx.now, "contact_id": contact_id})
        from crm_desktop.domain.models import Pipeline, Stage

        pipeline = tx.insert(Pipeline, {"name": "P"})
        stage = tx.insert(Stage, {"pipeline_id": pipeline, "name": "S"})
        deal = tx.insert(
            Deal,
            {
                "title": "D",
                "pipeline_id": pipeline,
                "stage_id": stage,
                "contact_id": contact_id,
                "stage_entered_at": tx.now,
            },
        )
    result = contacts.delete_contact(store, contact_id)
    assert _count(store, Contact) == 0
    assert _count(store, Task) == 0
    assert _count(store, Activity) == 0
    assert _count(store, Deal, contact_id=None) == 1
    assert result.changes.deleted["contact"] == {contact_id}
    assert result.changes.updated["deal"] == {deal}
    with store.read() as conn:
        tomb = conn.exec_driver_sql("SELECT entity FROM tombstone ORDER BY entity").scalars().all()
    assert tomb == ["activity", "contact", "task"]


def test_delete_company_with_contacts_is_refused_unless_detached(store):
    company = companies.create_company(store, {"name": "Acme Ltd"}).value
    contact_id = contacts.create_contact(store, {"name": "Cy", "company_id": company}).value
    with pytest.raises(ConflictingStateError) as err:
        companies.delete_company(store, company)
    assert err.value.params["counts"] == {"contact": 1}
    assert companies.get_company(store, company).name == "Acme Ltd"
    companies.delete_company(store, company, detach=True)
    assert contacts.get_contact(store, contact_id).contact.company_id is None
    with pytest.raises(NotFoundError):
        companies.get_company(store, company)


def test_bulk_create_reports_bad_rows_and_keeps_good_ones(store):
    rows = [{"name": f"Person {i}", "phones": [f"+86139{i:08d}"]} for i in range(50)]
    rows[10] = {"name": "Bad Phone", "phones": ["555"]}
    rows[20] = {"name": ""}
    progress = []
    result = contacts.create_contacts(store, rows, batch_size=16, progress=progress.append)
    assert len(result.value.ids) == 48
    assert [(n, e.field) for n, e in result.value.errors] == [(11, "phones"), (21, "name")]
    assert progress[-1] == 50
    assert _count(store, Contact) == 48
    assert _count(store, ChangeRecord) == 48


def test_tags_are_registered_and_indexed(store):
    a = contacts.create_contact(store, {"name": "A", "tags": ["vip", "hot"]}).value
    contacts.update_contact(store, a, {"tags": ["hot"]})
    with store.read() as conn:
        index = (
            conn.exec_driver_sql("SELECT tag FROM record_tag WHERE record_id = ?", (a,))
            .scalars()
            .all()
        )
        tags = conn.exec_driver_sql("SELECT name FROM tag ORDER BY name").scalars().all()
    assert index == ["hot"]
    assert tags == ["hot", "vip"]
