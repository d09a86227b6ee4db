"""Data rights: consent records, export of everything about a person, erasure."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm_desktop.errors import NotFoundError, ValidationError
from crm_desktop.services import consent as consents
from crm_desktop.services import privacy
from crm_desktop.services.activities import log_call
from crm_desktop.services.contacts import create_contact, delete_contact, restore_contact
from crm_desktop.services.custom_fields import define_field
from crm_desktop.services.deals import create_deal
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
