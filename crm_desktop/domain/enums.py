"""Closed vocabularies stored as plain strings (readable in the database and the API)."""

from __future__ import annotations

from enum import StrEnum


class ActivityKind(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    VISIT = "visit"
    NOTE = "note"


class CallDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallOutcome(StrEnum):
    CONNECTED = "connected"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class CustomFieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"


class CustomFieldEntity(StrEnum):
    CONTACT = "contact"
    COMPANY = "company"
    DEAL = "deal"
