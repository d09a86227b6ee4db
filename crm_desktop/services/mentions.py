"""Where other records mention a person, for review around an erasure.

Erasing a person (`crm_desktop.services.privacy.erase_contact`) removes their
own records, but a deal's notes, another contact's notes or a call logged on
someone else may still name them, quote their email address or their phone
number. Those cannot be scrubbed automatically: "张伟" may be a different
person, and editing text blindly loses other data. `find_mentions` lists them
so that a person can review and edit them.

A mention is a (record, field) whose text holds the person's name (exact,
case-insensitive; a Latin name only as whole words), one of their email
addresses, or one of their phone numbers (the digits, whatever separators the
text puts between them, with or without the country code or trunk 0). SQL
picks candidates with ``instr``; Python confirms each one and cuts a snippet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from crm_desktop.errors import NotFoundError
from crm_desktop.store.engine import Store

DEFAULT_LIMIT = 500
SNIPPET_CONTEXT = 40  # characters either side of the match
MIN_NAME = 2
MIN_PHONE_DIGITS = 6
# What people put between a number's digits; SQL strips them, the regex skips them.
PHONE_SEPARATORS = " \u00a0\t\n-.()/"
_LATIN = "A-Za-z0-9\u00c0-\u024f"


@dataclass(frozen=True)
class Mention:
    """One field of one record that mentions the person."""

    entity: str  # contact, company, deal, task, activity, consent
    record_id: str
    label: str  # the record's name, title or subject
    field: str  # the column, or "cf:<key>" for a custom field
    snippet: str  # the text around the first match
    # The record to open to review it: itself, or what an activity, task or
    # consent belongs to (those are shown in that record's timeline).
    target: tuple[str, str] | None

    def as_json(self, *, snippet: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "entity": self.entity,
            "id": self.record_id,
            "label": self.label,
            "field": self.field,
        }
        if snippet:
            data["snippet"] = self.snippet
        data["open"] = list(self.target) if self.target else None
        return data


@dataclass(frozen=True)
class Mentions:
    """The mentions found, at most `limit`; `capped` when there were more."""

    items: list[Mention]
    capped: bool = False

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Mention]:
        return iter(self.items)


@dataclass(frozen=True)
class _Phone:
    national: str  # the national significant number's digits
    country_code: str | None


@dataclass(frozen=True)
class _Source:
    """A table's free-text columns and how to label and open its records."""

    entity: str
    columns: tuple[str, ...]
    label: str  # SQL expression
    exclude: str  # column that must not be the erased person's id
    targets: tuple[str, ...]  # columns naming what to open ("id": the record itself)


_SOURCES = (
    _Source("contact", ("name", "notes", "emails", "phones"), "name", "id", ("id",)),
    _Source("company", ("name", "notes", "email", "phone"), "name", "", ("id",)),
    _Source("deal", ("title", "notes", "lost_reason"), "title", "", ("id",)),
    _Source(
        "task",
        ("title", "notes"),
        "title",
        "contact_id",
        ("contact_id", "deal_id", "company_id"),
    ),
    _Source(
        "activity",
        ("subject", "notes", "phone"),
        "coalesce(subject, kind)",
        "contact_id",
        ("contact_id", "deal_id", "company_id"),
    ),
    _Source("consent", ("notes", "source"), "purpose", "contact_id", ("contact_id",)),
)
_TARGET_ENTITY = {"id": "", "contact_id": "contact", "deal_id": "deal", "company_id": "company"}


class _Needles:
    """What to look for, as SQL candidate conditions and as one Python regex."""

    def __init__(self, name: str | None, emails: Iterable[str], phones: Iterable[str]) -> None:
        clean = " ".join((name or "").split())
        self.name = clean if len(clean) >= MIN_NAME else None
        self.emails = sorted({e.strip().lower() for e in emails if "@" in (e or "")})
        self.phones = sorted(
            {p for p in (_phone(raw) for raw in phones) if p}, key=lambda p: p.national
        )
        parts = [_name_pattern(self.name)] if self.name else []
        parts += [_email_pattern(e) for e in self.emails]
        parts += [_phone_pattern(p) for p in self.phones]
        self.pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def sql(self, column: str) -> tuple[str, list[str]]:
        """An SQL condition true for every value of `column` that may match (and a few more)."""
        conditions: list[str] = []
        params: list[str] = []
        if self.name:
            # lower() folds ASCII only: the name as typed catches "Émile" in "Émile".
            conditions += [f"instr(lower({column}), ?)", f"instr({column}, ?)"]
            params += [self.name.lower(), self.name]
        for email in self.emails:
            conditions.append(f"instr(lower({column}), ?)")
            params.append(email)
        stripped = column
        for char in PHONE_SEPARATORS:
            stripped = f"replace({stripped}, char({ord(char)}), '')"
        for phone in self.phones:
            conditions.append(f"instr({stripped}, ?)")
            params.append(phone.national)
        return f"({column} IS NOT NULL AND ({' OR '.join(conditions)}))", params

    def find(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.pattern else None


def find_mentions(
    store: Store,
    contact_id: str | None = None,
    *,
    name: str | None = None,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    limit: int = DEFAULT_LIMIT,
) -> Mentions:
    """Records other than the person's own that mention them (see the module).

    With `contact_id`, the contact's name (unless `name` is given), emails and
    phones are looked for (with any given besides), and its own records (the contact, its consents,
    activities and tasks: what erasing removes) are left out.
    NotFoundError if `contact_id` names no contact.
    """
    with store.read() as conn:
        return mentions_in(conn, contact_id, name=name, emails=emails, phones=phones, limit=limit)


def mentions_in(
    conn: Connection,
    contact_id: str | None = None,
    *,
    name: str | None = None,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    limit: int = DEFAULT_LIMIT,
) -> Mentions:
    """`find_mentions` on an open connection (an erasure's write transaction)."""
    emails, phones = list(emails), list(phones)
    if contact_id is not None:
        row = conn.exec_driver_sql(
            "SELECT name, emails, phones FROM contact WHERE id = ?", (contact_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("contact", contact_id)
        name = name or row[0]
        emails += [str(e.get("address", "")) for e in _json_list(row[1])]
        phones += [str(p.get("number", "")) for p in _json_list(row[2])]
    needles = _Needles(name, emails, phones)
    if needles.pattern is None:
        return Mentions([])
    found: list[Mention] = []
    limit = max(1, int(limit))
    for source in _SOURCES:
        found += _scan(conn, source, needles, contact_id, limit + 1 - len(found))
        if len(found) > limit:
            return Mentions(found[:limit], capped=True)
    found += _scan_custom(conn, needles, contact_id, limit + 1 - len(found))
    if len(found) > limit:
        return Mentions(found[:limit], capped=True)
    return Mentions(found)


def _scan(
    conn: Connection, source: _Source, needles: _Needles, contact_id: str | None, room: int
) -> list[Mention]:
    where: list[str] = []
    params: list[str] = []
    for column in source.columns:
        condition, values = needles.sql(column)
        where.append(condition)
        params += values
    sql = (
        f"SELECT id, {source.label}, {', '.join(source.targets)}, {', '.join(source.columns)} "
        f"FROM {source.entity} WHERE ({' OR '.join(where)})"
    )
    if contact_id is not None and source.exclude:
        sql += f" AND {source.exclude} IS NOT ?"
        params.append(contact_id)
    found: list[Mention] = []
    width = len(source.targets)
    for row in conn.exec_driver_sql(sql, tuple(params)):
        record_id, label = str(row[0]), str(row[1] or "")
        target = _target(source, record_id, row[2 : 2 + width])
        for column, value in zip(source.columns, row[2 + width :], strict=True):
            match = needles.find(str(value)) if value is not None else None
            if match:
                found.append(
                    Mention(source.entity, record_id, label, column, _snippet(match), target)
                )
        if len(found) >= room:
            break
    return found


def _target(source: _Source, record_id: str, values: Any) -> tuple[str, str] | None:
    for column, value in zip(source.targets, values, strict=True):
        if value:
            return (_TARGET_ENTITY[column] or source.entity, str(value))
    return None


def _scan_custom(
    conn: Connection, needles: _Needles, contact_id: str | None, room: int
) -> list[Mention]:
    """Custom text fields of contacts, companies and deals (other than the person's)."""
    condition, params = needles.sql("v.value")
    rows = conn.exec_driver_sql(
        "SELECT v.entity, v.record_id, f.key, v.value FROM custom_value v "
        f"JOIN custom_field f ON f.id = v.field_id WHERE {condition} AND v.record_id IS NOT ?",
        (*params, contact_id),
    )
    hits: list[tuple[str, str, str, re.Match[str]]] = []
    for entity, record_id, key, raw in rows:
        value = _json(raw)
        match = needles.find(value) if isinstance(value, str) else None
        if match:
            hits.append((str(entity), str(record_id), str(key), match))
        if len(hits) >= room:
            break
    labels = _labels(conn, {(e, r) for e, r, _k, _m in hits})
    return [
        Mention(e, r, labels.get((e, r), ""), f"cf:{k}", _snippet(m), (e, r)) for e, r, k, m in hits
    ]


def _labels(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    columns = {"contact": "name", "company": "name", "deal": "title"}
    labels: dict[tuple[str, str], str] = {}
    for entity, column in columns.items():
        ids = sorted(r for e, r in keys if e == entity)
        if ids:
            for record_id, label in conn.exec_driver_sql(
                f"SELECT id, {column} FROM {entity} WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            ):
                labels[(entity, record_id)] = str(label or "")
    return labels


def _snippet(match: re.Match[str]) -> str:
    text = match.string
    start = max(0, match.start() - SNIPPET_CONTEXT)
    end = min(len(text), match.end() + SNIPPET_CONTEXT)
    snippet = " ".join(text[start:end].split())
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")


def _name_pattern(name: str) -> str:
    """The name, its spaces as any whitespace; Latin ends only at word boundaries.

    Chinese text has no spaces between words, so a CJK name is found inside
    any text ("和张伟开会"); "Li" must not be found in "Little".
    """
    body = r"\s+".join(re.escape(word) for word in name.split())
    latin = re.compile(f"[{_LATIN}]")
    before = f"(?<![{_LATIN}])" if latin.match(name[0]) else ""
    after = f"(?![{_LATIN}])" if latin.match(name[-1]) else ""
    return f"{before}{body}{after}"


def _email_pattern(email: str) -> str:
    return rf"(?<![\w.+-]){re.escape(email)}(?![\w-])"


def _phone_pattern(phone: _Phone) -> str:
    sep = f"[{re.escape(PHONE_SEPARATORS)}]*"
    digits = sep.join(phone.national)
    prefix = ""
    if phone.country_code:
        prefix = rf"(?:(?:\+|00)?{sep}{sep.join(phone.country_code)}{sep})?"
    trunk = rf"(?:\(?0\)?{sep})?"  # "(0)10 …", "010-…": a national prefix before the number
    return rf"(?<!\d){prefix}{trunk}{digits}(?!\d)"


def _phone(raw: str) -> _Phone | None:
    """The national digits (and country code) of `raw`, or None for too few digits."""
    import phonenumbers

    from crm_desktop.services.validation import default_region

    text = (raw or "").strip()
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else default_region())
        national = phonenumbers.national_significant_number(parsed)
        code: str | None = str(parsed.country_code)
    except phonenumbers.NumberParseException:
        national, code = "".join(c for c in text if c.isdigit()), None
    return _Phone(national, code) if len(national) >= MIN_PHONE_DIGITS else None


def _json_list(raw: Any) -> list[dict[str, Any]]:
    value = _json(raw) if isinstance(raw, str) else raw
    return [v for v in value or [] if isinstance(v, dict)] if isinstance(value, list) else []


def _json(raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw
