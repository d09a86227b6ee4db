"""Consent records (GDPR art. 7, PIPL art. 14): who agreed to what, when, and how.

Each given or withdrawn consent is a record of its own (append-only, synced),
so the history is the proof; the newest record per purpose is the state. The
contact's quick flags (``consent_email``, ``consent_call``, ``consent_sms``)
follow the records of those purposes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crm_desktop.domain.models import Consent, Contact
from crm_desktop.errors import ValidationError
from crm_desktop.services.owners import current_user
from crm_desktop.services.results import OpResult
from crm_desktop.store.engine import Store

GIVEN = "given"
WITHDRAWN = "withdrawn"
STATUSES = (GIVEN, WITHDRAWN)
# Common purposes (free text is accepted too); the first three drive the contact's flags.
PURPOSES = (
    "email",
    "call",
    "sms",
    "processing",
    "profiling",
    "sharing",
    "transfer_abroad",
)
FLAG_OF_PURPOSE = {"email": "consent_email", "call": "consent_call", "sms": "consent_sms"}
MAX_TEXT = 500
_SLACK = timedelta(minutes=5)  # clocks differ a little


@dataclass(frozen=True)
class ConsentRecord:
    id: str
    contact_id: str
    purpose: str
    status: str
    recorded_at: datetime
    source: str | None
    notes: str | None
    recorded_by: str | None

    @property
    def given(self) -> bool:
        return self.status == GIVEN

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "purpose": self.purpose,
            "status": self.status,
            "recorded_at": self.recorded_at.isoformat(),
            "source": self.source,
            "notes": self.notes,
            "recorded_by": self.recorded_by,
        }


def record_consent(
    store: Store,
    contact_id: str,
    purpose: str,
    status: str,
    *,
    recorded_at: datetime | None = None,
    source: str | None = None,
    notes: str | None = None,
) -> OpResult[str]:
    """Record that the person gave or withdrew consent for `purpose`; the new record's id."""
    purpose = _text("purpose", purpose, required=True, limit=64) or ""
    if status not in STATUSES:
        raise ValidationError(
            "status", f"Consent status must be one of {', '.join(STATUSES)}.", "consent.status"
        )
    when = recorded_at or datetime.now(UTC)
    if when.tzinfo is None:
        raise ValidationError("recorded_at", "The time needs a time zone.", "consent.when")
    if when > datetime.now(UTC) + _SLACK:
        raise ValidationError(
            "recorded_at", "Consent cannot be recorded in the future.", "consent.future"
        )
    with store.write() as tx:
        contact = tx.get_row(Contact, contact_id)  # NotFoundError before writing
        consent_id = tx.insert(
            Consent,
            {
                "contact_id": contact_id,
                "purpose": purpose,
                "status": status,
                "recorded_at": when.astimezone(UTC),
                "source": _text("source", source, limit=200),
                "notes": _text("notes", notes, limit=MAX_TEXT),
                "recorded_by": current_user(tx.replica),
                "owner": contact.get("owner"),
            },
        )
        flag = FLAG_OF_PURPOSE.get(purpose)
        if flag is not None:  # the newest record wins, even when this one is older
            latest = _latest_status(tx.conn, contact_id, purpose)
            tx.update(Contact, contact_id, {flag: latest == GIVEN})
    return OpResult(consent_id, tx.changes)


def consent_history(store: Store, contact_id: str) -> list[ConsentRecord]:
    """Every consent record of the person, newest first."""
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, contact_id, purpose, status, recorded_at, source, notes, recorded_by "
            "FROM consent WHERE contact_id = ? ORDER BY recorded_at DESC, id DESC",
            (contact_id,),
        ).fetchall()
    return [_record(row) for row in rows]


def current_consents(store: Store, contact_id: str) -> dict[str, ConsentRecord]:
    """The newest record per purpose: the consent state now."""
    state: dict[str, ConsentRecord] = {}
    for record in consent_history(store, contact_id):
        state.setdefault(record.purpose, record)
    return state


def _latest_status(conn: Any, contact_id: str, purpose: str) -> str | None:
    value = conn.exec_driver_sql(
        "SELECT status FROM consent WHERE contact_id = ? AND purpose = ? "
        "ORDER BY recorded_at DESC, id DESC LIMIT 1",
        (contact_id, purpose),
    ).scalar()
    return str(value) if value is not None else None


def _record(row: Any) -> ConsentRecord:
    return ConsentRecord(
        id=row[0],
        contact_id=row[1],
        purpose=row[2],
        status=row[3],
        recorded_at=_when(row[4]),
        source=row[5],
        notes=row[6],
        recorded_by=row[7],
    )


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(name: str, value: str | None, *, required: bool = False, limit: int) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(name, f"The consent's {name} is required.", "consent.required")
        return None
    if len(text) > limit:
        raise ValidationError(
            name, f"The consent's {name} is longer than {limit} characters.", "consent.too_long"
        )
    return text
