"""A sales scenario touching every write path of pipelines, deals, activities and tasks."""

from datetime import UTC, datetime, timedelta

from crm_desktop.services import (
    activities,
    companies,
    contacts,
    custom_fields,
    deals,
    pipelines,
    tasks,
)


def run_sales_scenario(store) -> None:
    pid = pipelines.ensure_default_pipeline(store, language="zh").value
    st = {s.name: s.id for s in pipelines.list_stages(store, pid)}
    custom_fields.define_field(store, "deal", "source", "Source", "text")
    acme = companies.create_company(store, {"name": "Acme"}).value
    zhang = contacts.create_contact(
        store, {"name": "张三", "company_id": acme, "phones": ["13812345678"]}
    ).value
    d1 = deals.create_deal(
        store,
        {"title": "Big", "contact_id": zhang, "value": "100.5", "tags": ["hot"]},
        custom={"source": "fair"},
    ).value
    d2 = deals.create_deal(store, {"title": "Small", "stage_id": st["方案"]}).value
    deals.update_deal(
        store, d1, {"notes": "n", "expected_close": "2026-12-01"}, custom={"source": "web"}
    )
    deals.move_deal(store, d1, st["已确认"])
    deals.update_deal(store, d1, {"stage_id": st["谈判"]})
    deals.win_deal(store, d1)
    deals.reopen_deal(store, d1)
    deals.lose_deal(store, d1, "price")
    deals.update_deal(store, d1, {"lost_reason": "timing"})
    new_stage = pipelines.add_stage(store, pid, {"name": "合同", "probability": 90}).value
    pipelines.rename_stage(store, new_stage, "合同签署")
    pipelines.set_stage_probability(store, new_stage, 95)
    pipelines.set_stage_stale_days(store, new_stage, 5)
    pipelines.reorder_stages(
        store, pid, list(reversed([s.id for s in pipelines.list_stages(store, pid)]))
    )
    deals.move_deal(store, d2, new_stage)
    pipelines.delete_stage(store, new_stage, move_deals_to=st["线索"])
    other = pipelines.create_pipeline(
        store, "Renewals", [{"name": "Due"}, {"name": "Done", "is_won": True}]
    ).value
    deals.update_deal(store, d2, {"pipeline_id": other})
    pipelines.rename_pipeline(store, other, "续约")
    pipelines.reorder_pipelines(store, [other, pid])
    call = activities.log_call(
        store, zhang, "outbound", "connected", duration_s=30, follow_up_days=2, deal_id=d1
    ).value
    note = activities.log_activity(store, "note", deal_id=d2, notes="x").value
    activities.delete_activity(store, note)
    t = tasks.create_task(
        store, {"title": "T", "contact_id": zhang, "due_at": datetime.now(UTC) + timedelta(days=1)}
    ).value
    tasks.update_task(store, t, {"remind_at": datetime.now(UTC)})
    tasks.complete_task(store, t)
    tasks.reopen_task(store, t)
    tasks.complete_task(store, call.task_id)
    tasks.delete_task(store, t)
    deals.delete_deal(store, d2)
    pipelines.delete_pipeline(store, other)
    contacts.delete_contact(store, zhang)
