"""Data rights: consent records, export of everything about a person, erasure."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm_desktop.errors import NotFoundError, ValidationError
from crm_desktop.services import consent as consents
from crm_desktop.services import privacy
from crm_desktop.services.activities import log_activity, log_call
from crm_desktop.services.audit import audit_log
from crm_desktop.services.companies import create_company
from crm_desktop.services.contacts import create_contact, delete_contact, restore_contact
from crm_desktop.services.custom_fields import define_field
from crm_desktop.services.deals import create_deal
from crm_desktop.services.mentions import Mention, find_mentions
from crm_desktop.services.pipelines import create_pipeline
from crm_desktop.services.search import search
from crm_desktop.services.tasks import create_task
from crm_desktop.store.engine import Store
from crm_desktop.store.integrity import check_integrity

SECRET = "Zyxwvut-Secretnote"


def _person(store: Store) -> dict[str, str]:
    define_field(store, "contact", "wechat", "WeChat", "text")
    contact = create_contact(
        store,
        {
            "name": "王芳 Fang Wang",
            "phones": "+86 138 1234 5678",
            "emails": "fang@example.com",
            "tags": ["vip"],
            "notes": SECRET,
        },
        {"wechat": "fangwang88"},
        company_name="华信科技",
    ).value
    other = create_contact(store, {"name": "Bystander Bob", "notes": "keep me"}).value
    call = log_call(
        store, contact, "outbound", "connected", notes=f"called about {SECRET}", follow_up_days=2
    ).value
    create_pipeline(store, "Sales", [{"name": "Lead"}, {"name": "Won", "is_won": True}])
    task = create_task(store, {"title": f"send {SECRET}", "contact_id": contact}).value
    deal = create_deal(store, {"title": "Big order", "contact_id": contact, "value": "100"}).value
    consents.record_consent(
        store, contact, "email", "given", source="web form", notes="newsletter box ticked"
    )
    return {"contact": contact, "other": other, "task": task, "deal": deal, "call": str(call)}


def _all_text(store: Store) -> str:
    """Every value in every table of the store, as one string (FTS shadow tables too)."""
    parts = []
    with store.read() as conn:
        tables = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        for table in tables:
            for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"'):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def test_consent_history_and_state_and_contact_flags(store: Store) -> None:
    contact = create_contact(store, {"name": "Ann"}).value
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    consents.record_consent(store, contact, "email", "given", recorded_at=t0, source="form")
    consents.record_consent(
        store, contact, "email", "withdrawn", recorded_at=t0 + timedelta(days=3), source="call"
    )
    consents.record_consent(store, contact, "transfer_abroad", "given", recorded_at=t0)
    history = consents.consent_history(store, contact)
    assert (history[0].purpose, history[0].status) == ("email", "withdrawn")
    assert len(history) == 3
    state = consents.current_consents(store, contact)
    assert state["email"].status == "withdrawn" and state["email"].source == "call"
    assert state["transfer_abroad"].given
    with store.read() as conn:
        flag = conn.exec_driver_sql(
            "SELECT consent_email FROM contact WHERE id = ?", (contact,)
        ).scalar()
    assert not flag
    # An older record entered late does not override the newer state.
    consents.record_consent(store, contact, "email", "given", recorded_at=t0 + timedelta(days=1))
    assert consents.current_consents(store, contact)["email"].status == "withdrawn"


@pytest.mark.parametrize(
    ("purpose", "status", "when", "code"),
    [
        ("", "given", None, "consent.required"),
        ("email", "maybe", None, "consent.status"),
        ("x" * 65, "given", None, "consent.too_long"),
        ("email", "given", datetime(2026, 1, 1), "consent.when"),
        ("email", "given", datetime.now(UTC) + timedelta(days=2), "consent.future"),
    ],
)
def test_bad_consents_are_refused(store: Store, purpose, status, when, code) -> None:
    contact = create_contact(store, {"name": "Ann"}).value
    with pytest.raises(ValidationError) as caught:
        consents.record_consent(store, contact, purpose, status, recorded_at=when)
    assert caught.value.code == code
    assert consents.consent_history(store, contact) == []


def test_consent_for_a_missing_contact_is_refused(store: Store) -> None:
    with pytest.raises(NotFoundError):
        consents.record_consent(store, "nope", "email", "given")


def test_deleting_a_contact_takes_its_consents(store: Store) -> None:
    contact = create_contact(store, {"name": "Ann"}).value
    consents.record_consent(store, contact, "email", "given")
    delete_contact(store, contact)
    assert consents.consent_history(store, contact) == []
    assert check_integrity(store, full=True).ok


def _consent_rows(store: Store, contact_id: str) -> list[tuple[object, ...]]:
    with store.read() as conn:
        return [
            tuple(row)
            for row in conn.exec_driver_sql(
                "SELECT * FROM consent WHERE contact_id = ? ORDER BY id", (contact_id,)
            )
        ]


def test_undoing_a_contact_delete_brings_its_consents_back(store: Store) -> None:
    contact = create_contact(store, {"name": "Ann"}).value
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [
        consents.record_consent(store, contact, "email", "given", recorded_at=t0).value,
        consents.record_consent(
            store, contact, "email", "withdrawn", recorded_at=t0 + timedelta(days=1)
        ).value,
        consents.record_consent(store, contact, "sms", "given", source="paper form").value,
    ]
    before = _consent_rows(store, contact)
    flags_before = consents.current_consents(store, contact)

    deleted = delete_contact(store, contact)
    assert sorted(r["id"] for r in deleted.value.consents) == sorted(ids)
    assert deleted.changes.deleted["consent"] == set(ids)
    assert _consent_rows(store, contact) == []

    restored = restore_contact(store, deleted.value)
    assert restored.changes.created["consent"] == set(ids)
    assert _consent_rows(store, contact) == before  # same ids, same values
    assert consents.current_consents(store, contact) == flags_before
    with store.read() as conn:
        graves = conn.exec_driver_sql(
            "SELECT count(*) FROM tombstone WHERE entity = 'consent'"
        ).scalar()
        # The undo syncs: a restore change (every field) per consent, after its delete.
        ops = conn.exec_driver_sql(
            "SELECT record_id, op FROM change_log WHERE entity = 'consent' ORDER BY seq"
        ).fetchall()
        flag = conn.exec_driver_sql(
            "SELECT consent_sms FROM contact WHERE id = ?", (contact,)
        ).scalar()
    assert graves == 0 and flag
    for consent_id in ids:
        assert [op for rid, op in ops if rid == consent_id] == ["upsert", "delete", "restore"]
    assert check_integrity(store, full=True).ok


def test_a_failed_delete_keeps_the_consents(store: Store) -> None:
    contact = create_contact(store, {"name": "Ann"}).value
    consents.record_consent(store, contact, "call", "given")
    with pytest.raises(NotFoundError):
        delete_contact(store, "01a20000-0000-7000-8000-000000000000")
    assert len(_consent_rows(store, contact)) == 1
    deleted = delete_contact(store, contact).value
    with pytest.raises(NotFoundError):  # deleted already: the second delete touches nothing
        delete_contact(store, contact)
    restore_contact(store, deleted)
    assert [r.purpose for r in consents.consent_history(store, contact)] == ["call"]


def test_export_holds_everything_about_the_person(store: Store, tmp_path: Path) -> None:
    ids = _person(store)
    target = tmp_path / "fang.json"
    privacy.write_export(store, ids["contact"], target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == privacy.EXPORT_FORMAT
    assert data["contact"]["name"] == "王芳 Fang Wang"
    assert data["contact"]["emails"][0]["address"] == "fang@example.com"
    assert data["custom_fields"] == [
        {"key": "wechat", "label": "WeChat", "type": "text", "value": "fangwang88"}
    ]
    assert data["company"]["name"] == "华信科技"
    assert data["tags"][0]["name"] == "vip"
    assert [c["purpose"] for c in data["consents"]] == ["email"]
    assert len(data["activities"]) == 1 and SECRET in data["activities"][0]["notes"]
    assert {t["title"] for t in data["tasks"]} >= {f"send {SECRET}"}
    assert [d["title"] for d in data["deals"]] == ["Big order"]
    ops = {(h["entity"], h["op"]) for h in data["change_history"]}
    assert ("contact", "upsert") in ops and ("consent", "upsert") in ops
    assert "Bystander" not in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o600


def test_export_of_a_missing_contact_is_an_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        privacy.write_export(store, "nope", tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_erasure_removes_the_person_everywhere_in_the_store(store: Store) -> None:
    ids = _person(store)
    assert search(store, "Fang")  # indexed before
    preview = privacy.erasure_preview(store, ids["contact"])
    assert preview["contact"] == 1 and preview["activity"] == 1 and preview["consent"] == 1
    result = privacy.erase_contact(store, ids["contact"], reason="request by email")
    assert result.value.removed["task"] >= 1
    assert ids["contact"] in result.changes.deleted["contact"]
    text = _all_text(store)
    for value in (SECRET, "fang@example.com", "fangwang88", "王芳", "8613812345678", "newsletter"):
        assert value not in text, value
    assert search(store, "Fang") == [] and search(store, "王芳") == []
    assert search(store, "Bystander")  # others untouched
    with store.read() as conn:
        deal_contact = conn.exec_driver_sql(
            "SELECT contact_id FROM deal WHERE id = ?", (ids["deal"],)
        ).scalar()
        erasure = conn.exec_driver_sql(
            "SELECT entity, record_id, reason, erased_by FROM erasure"
        ).one()
        history = conn.exec_driver_sql(
            "SELECT op, fields FROM change_log WHERE record_id = ?", (ids["contact"],)
        ).all()
    assert deal_contact is None  # the deal stays, unlinked
    assert erasure[:3] == ("contact", ids["contact"], "request by email")
    # Never synced: the unsent changes about the person are gone with it.
    assert all(fields == "{}" for _op, fields in history)
    assert check_integrity(store, full=True).ok
    with pytest.raises(NotFoundError):
        privacy.erase_contact(store, ids["contact"])


def test_erasing_a_missing_contact_changes_nothing(store: Store) -> None:
    create_contact(store, {"name": "Ann"})
    before = _all_text(store)
    with pytest.raises(NotFoundError):
        privacy.erase_contact(store, "no-such-id")
    assert _all_text(store) == before


def test_erasure_keeps_who_and_when_of_sent_changes_without_values(store: Store) -> None:
    ids = _person(store)
    with store.write() as tx:  # as after a push: every change so far acknowledged
        tx.conn.exec_driver_sql(
            "INSERT INTO local_meta(key, value) SELECT 'acked_seq', max(seq) FROM change_log "
            "WHERE true ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        )
    privacy.erase_contact(store, ids["contact"])
    with store.read() as conn:
        history = conn.exec_driver_sql(
            "SELECT entity, op, fields, hlc, device_id FROM change_log WHERE record_id = ?",
            (ids["contact"],),
        ).all()
    assert history and all(
        fields == "{}" and hlc and device for _e, _op, fields, hlc, device in history
    )
    assert SECRET not in _all_text(store)


# -- mentions of the person in other records ------------------------------------


def _mentioned(store: Store) -> dict[str, str]:
    """张伟 and records of others that name him, quote his email or his phone."""
    person = create_contact(
        store,
        {
            "name": "张伟",
            "emails": "zhang.wei@example.com",
            "phones": "+86 138 1234 5678",
            "notes": "张伟 himself",
        },
    ).value
    create_pipeline(store, "Sales", [{"name": "Lead"}, {"name": "Won", "is_won": True}])
    deal = create_deal(
        store, {"title": "Pumps", "notes": "Ask 张伟 about the order", "value": "10"}
    ).value
    other = create_contact(
        store,
        {"name": "Li Na", "notes": "Assistant of Zhang; mail ZHANG.WEI@example.com first"},
    ).value
    call = log_activity(
        store, "meeting", contact_id=other, subject="Lunch", notes="His mobile: 138-1234 5678."
    ).value
    company = create_company(store, {"name": "Acme", "notes": "nothing here"}).value
    own_task = create_task(store, {"title": "Call 张伟 back", "contact_id": person}).value
    return {
        "person": person,
        "deal": deal,
        "other": other,
        "call": str(call),
        "company": company,
        "own_task": own_task,
    }


def _keys(found: Iterable[Mention]) -> set[tuple[str, str, str]]:
    return {(m.entity, m.record_id, m.field) for m in found}


def test_mentions_of_name_email_and_phone_in_other_records(store: Store) -> None:
    ids = _mentioned(store)
    found = find_mentions(store, ids["person"])
    assert not found.capped
    assert _keys(found) == {
        ("deal", ids["deal"], "notes"),
        ("contact", ids["other"], "notes"),
        ("activity", ids["call"], "notes"),
    }
    by_entity = {m.entity: m for m in found}
    assert "Ask 张伟 about the order" in by_entity["deal"].snippet
    assert by_entity["deal"].label == "Pumps" and by_entity["deal"].target == ("deal", ids["deal"])
    # An activity is reviewed on the record it belongs to (its timeline).
    assert by_entity["activity"].target == ("contact", ids["other"])
    assert by_entity["activity"].label == "Lunch"
    # Never the person's own records (the contact, its task): erasing removes those.
    assert ids["person"] not in {m.record_id for m in found}
    assert ids["own_task"] not in {m.record_id for m in found}


def test_mentions_by_name_emails_or_phones_without_a_contact(store: Store) -> None:
    ids = _mentioned(store)
    by_phone = find_mentions(store, phones=["13812345678"])
    assert _keys(by_phone) == {
        ("activity", ids["call"], "notes"),
        ("contact", ids["person"], "phones"),  # no contact given: nothing left out
    }
    assert _keys(find_mentions(store, emails=["Zhang.Wei@Example.com"])) >= {
        ("contact", ids["other"], "notes")
    }
    assert _keys(find_mentions(store, name="张伟")) == {
        ("deal", ids["deal"], "notes"),
        ("contact", ids["person"], "name"),
        ("contact", ids["person"], "notes"),
        ("task", ids["own_task"], "title"),
    }
    assert len(find_mentions(store)) == 0  # nothing to look for
    with pytest.raises(NotFoundError):
        find_mentions(store, "no-such-id")


def test_mentions_match_whole_latin_names_digits_and_addresses_only(store: Store) -> None:
    create_pipeline(store, "Sales", [{"name": "Lead"}])
    texts = {
        "whole": "met Ann Lee at the fair",
        "case": "ANN LEE called",
        "inside": "Joann Leeds is someone else",
        "longer phone": "ref 913812345678 is an order number",
        "phone with country code": "+86 (0)138.1234.5678",
        "other address": "mail joe.ann@example.com",
        "longer address": "mail xann@example.com.cn",
    }
    deals = {
        key: create_deal(store, {"title": key, "notes": text, "value": "1"}).value
        for key, text in texts.items()
    }
    found = find_mentions(
        store, name="Ann Lee", emails=["ann@example.com"], phones=["+8613812345678"]
    )
    assert {m.label for m in found} == {"whole", "case", "phone with country code"}
    assert {m.record_id for m in found} <= set(deals.values())


def test_mentions_in_company_and_custom_fields(store: Store) -> None:
    define_field(store, "company", "buyer", "Buyer", "text")
    ids = _mentioned(store)
    company = create_company(
        store, {"name": "Beta", "email": "zhang.wei@example.com"}, {"buyer": "张伟 (purchasing)"}
    ).value
    found = find_mentions(store, ids["person"])
    assert ("company", company, "email") in _keys(found)
    custom = [m for m in found if m.field == "cf:buyer"]
    assert custom and custom[0].label == "Beta" and custom[0].target == ("company", company)
    assert custom[0].snippet == "张伟 (purchasing)"


def test_mentions_are_capped(store: Store) -> None:
    create_pipeline(store, "Sales", [{"name": "Lead"}])
    for n in range(7):
        create_deal(store, {"title": f"Deal {n}", "notes": "for Ann Lee", "value": "1"})
    found = find_mentions(store, name="Ann Lee", limit=5)
    assert len(found) == 5 and found.capped
    assert not find_mentions(store, name="Ann Lee", limit=7).capped


def test_erasure_lists_mentions_and_audits_only_their_count(store: Store) -> None:
    ids = _mentioned(store)
    result = privacy.erase_contact(store, ids["person"], reason="asked")
    assert _keys(result.value.mentions) == {
        ("deal", ids["deal"], "notes"),
        ("contact", ids["other"], "notes"),
        ("activity", ids["call"], "notes"),
    }
    assert result.value.removed["mentions_found"] == 3
    with store.read() as conn:
        removed, reason = conn.exec_driver_sql("SELECT removed, reason FROM erasure").one()
        notes = conn.exec_driver_sql("SELECT notes FROM deal WHERE id = ?", (ids["deal"],)).scalar()
    assert json.loads(removed)["mentions_found"] == 3 and reason == "asked"
    assert "张伟" not in removed and "example.com" not in removed
    assert notes == "Ask 张伟 about the order"  # left for a person to review
    entry = next(e for e in audit_log(store) if e.action == "erase")
    assert "mentions_found: 3" in (entry.detail or "") and "张伟" not in (entry.detail or "")
