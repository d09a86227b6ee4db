"""Likely duplicate contacts: on create, on import, and a scan over the whole store.

Two contacts are likely the same person when they share an email address, a
phone number (compared in E.164, so "138 1234 5678" and "+86 13812345678"
match), or have a similar name at the same company. Names are compared by
their pinyin as well as their characters, word order ignored ("张伟", "Zhang
Wei" and "Wei Zhang" all key to "weizhang"); company names without their legal
suffix ("华为技术有限公司" and "华为技术", "Acme Ltd" and "ACME Inc.").

The scan never compares every pair: contacts are grouped by email, phone,
company and name keys, and only members of one group are compared.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from crm_desktop.domain.text import char_pinyin, fold, is_cjk
from crm_desktop.store.engine import Store

NAME_SIMILARITY = 88  # rapidfuzz ratio (0..100) of two name keys that count as "similar"
COMPANY_SIMILARITY = 90
MAX_BLOCK = 200  # an email/phone shared by more contacts is a switchboard, not a person
MAX_NAME_BLOCK = 2_000  # people compared by name within one company (pairwise, in C)

REASON_EMAIL = "email"
REASON_PHONE = "phone"
REASON_NAME = "name+company"
_SCORES = {REASON_EMAIL: 1.0, REASON_PHONE: 0.9, REASON_NAME: 0.8}

Progress = Callable[[int, int], None]

# Legal-form suffixes, longest first; compared on the folded, punctuation-free name.
_SUFFIXES = sorted(
    [
        "股份有限公司",
        "有限责任公司",
        "集团有限公司",
        "有限公司",
        "集团公司",
        "集团",
        "公司",
        "companylimited",
        "colimited",
        "coltd",
        "limited",
        "ltd",
        "incorporated",
        "inc",
        "corporation",
        "corp",
        "gmbh",
        "llc",
        "plc",
        "ag",
        "sarl",
        "sa",
        "bv",
        "kk",
        "company",
        "co",
    ],
    key=len,
    reverse=True,
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z0-9]+")


# -- keys --------------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Name as sorted lower-case syllables/words: "张伟", "Zhang Wei", "wei zhang" -> "weizhang"."""
    return "".join(sorted(name_words(name)))


@lru_cache(maxsize=65536)
def flat_key(name: str) -> str:
    """Name's syllables/words in their order, run together: "张伟", "Zhangwei" -> "zhangwei"."""
    return "".join(name_words(name))


@lru_cache(maxsize=262144)
def _name_keys(name: str) -> tuple[str, str]:
    words = name_words(name)
    return "".join(sorted(words)), "".join(words)


def name_words(name: str) -> list[str]:
    """Lower-case words of a name, each ideograph as its pinyin syllable."""
    if name.isascii():  # the loop below gives the same, ~5x slower
        return _ASCII_WORD.findall(name.lower())
    words: list[str] = []
    latin: list[str] = []
    for char in name:
        if is_cjk(char):
            if latin:
                words.append("".join(latin))
                latin = []
            words.append(char_pinyin(char) or char)
        elif char.isalnum():
            latin.append(char)
        elif latin:
            words.append("".join(latin))
            latin = []
    if latin:
        words.append("".join(latin))
    return [(w.lower() if w.isascii() else fold(w)) for w in words if w]


@lru_cache(maxsize=16384)
def company_key(name: str | None) -> str:
    """Company name folded, punctuation and legal suffixes dropped ("ACME Co., Ltd." -> "acme")."""
    if not name:
        return ""
    key = _NOT_WORD.sub("", fold(name))
    stripped = True
    while stripped:
        stripped = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                stripped = True
                break
    return key


def phone_key(raw: str) -> str:
    """A phone number in E.164; digits only when it cannot be parsed."""
    from crm_desktop.errors import ValidationError
    from crm_desktop.services import validation as v

    text = (raw or "").strip()
    if text.startswith("+") and text[1:].isdigit():
        return text
    try:
        return v.phone_number("phone", text)
    except ValidationError:
        digits = "".join(c for c in text if c.isdigit())
        return digits if len(digits) >= 6 else ""


def email_key(raw: str) -> str:
    return (raw or "").strip().casefold()


_STORED = {
    "number": re.compile(r'"number": ?"([^"\\]*)"'),
    "address": re.compile(r'"address": ?"([^"\\]*)"'),
}


def _items(value: Any, key: str) -> list[str]:
    """Strings of a phones/emails value: a list of dicts or strings, or JSON text of one."""
    if not value:
        return []
    if isinstance(value, str) and value.startswith("[") and "\\" not in value:
        # Stored JSON, read 100k at a time by the scan: a regex is ~5x json.loads.
        return [m for m in _STORED[key].findall(value) if m.strip()]
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.startswith("[") else value.split(",")
        except ValueError:
            value = value.split(",")
    out = []
    for item in value:
        # `type(...) is dict` first: the ABC check costs ~10x more, per item of 100k rows.
        text = item.get(key, "") if type(item) is dict or isinstance(item, Mapping) else str(item)
        if text and text.strip():
            out.append(text.strip())
    return out


@dataclass(slots=True)
class Person:
    """A contact (or an incoming row) reduced to what duplicates are judged by."""

    ref: str  # contact id, or "row 12" for a row of an import
    name: str
    company: str | None
    emails: frozenset[str]
    phones: frozenset[str]
    nkey: str
    ckey: str
    flat: str = ""

    @classmethod
    def of(
        cls,
        ref: str,
        name: str,
        company: str | None,
        emails: Any,
        phones: Any,
        *,
        normalised: bool = False,
    ) -> Person:
        """`normalised`: phones are E.164 already (stored or cleaned values)."""
        phone_list = _items(phones, "number")
        keys = phone_list if normalised else [phone_key(p) for p in phone_list]
        nkey, flat = _name_keys(name or "")
        return cls(
            ref,
            name or "",
            company,
            frozenset([e.casefold() for e in _items(emails, "address")]),
            frozenset([k for k in keys if k]),
            nkey,
            company_key(company),
            flat,
        )

    @classmethod
    def of_checked(
        cls,
        ref: str,
        name: str,
        company: str | None,
        emails: list[dict[str, str]] | None,
        phones: list[dict[str, str]] | None,
    ) -> Person:
        """`of` for validated contact values: {"address"} and {"number"} entries,
        stripped, numbers in E.164 (an import's rows: ~3x quicker per row)."""
        nkey, flat = _name_keys(name)
        return cls(
            ref,
            name,
            company,
            frozenset([e["address"].casefold() for e in emails or ()]),
            frozenset([p["number"] for p in phones or ()]),
            nkey,
            company_key(company),
            flat,
        )


def _similar(a: str, b: str, threshold: int) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b, score_cutoff=threshold) > 0


def reasons_between(a: Person, b: Person) -> list[str]:
    """Why `a` and `b` look like the same person (empty: they do not)."""
    reasons = []
    if a.emails & b.emails:
        reasons.append(REASON_EMAIL)
    if a.phones & b.phones:
        reasons.append(REASON_PHONE)
    if (
        a.ckey
        and b.ckey
        and _similar(a.ckey, b.ckey, COMPANY_SIMILARITY)
        and (_similar(a.nkey, b.nkey, NAME_SIMILARITY) or _similar(a.flat, b.flat, NAME_SIMILARITY))
    ):
        reasons.append(REASON_NAME)
    return reasons


def score(reasons: Iterable[str]) -> float:
    values = sorted((_SCORES[r] for r in reasons), reverse=True)
    if not values:
        return 0.0
    return min(1.0, values[0] + 0.05 * (len(values) - 1))


# -- matching ----------------------------------------------------------------------------
@dataclass
class DuplicateMatch:
    """An existing contact (or earlier import row) a new one probably duplicates."""

    ref: str
    name: str
    company: str | None
    reasons: list[str]
    score: float

    @property
    def is_row(self) -> bool:
        return self.ref.startswith("row ")


@dataclass
class _CompanyBlock:
    """The people of one company key, with their name keys side by side for rapidfuzz."""

    refs: list[str] = field(default_factory=list)
    nkeys: list[str] = field(default_factory=list)
    flats: list[str] = field(default_factory=list)
    exact: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


class DuplicateIndex:
    """People by email, phone and company key, for checking many new contacts quickly."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}
        self.by_email: dict[str, list[str]] = defaultdict(list)
        self.by_phone: dict[str, list[str]] = defaultdict(list)
        self.by_company: dict[str, _CompanyBlock] = defaultdict(_CompanyBlock)

    def add(self, person: Person) -> None:
        self.people[person.ref] = person
        for email in person.emails:
            self.by_email[email].append(person.ref)
        for phone in person.phones:
            self.by_phone[phone].append(person.ref)
        if person.ckey:
            block = self.by_company[person.ckey]
            block.refs.append(person.ref)
            block.nkeys.append(person.nkey)
            block.flats.append(person.flat)
            block.exact[person.nkey].append(person.ref)
            if person.flat != person.nkey:
                block.exact[person.flat].append(person.ref)

    def matches(self, person: Person, limit: int = 10) -> list[DuplicateMatch]:
        candidates: set[str] = set()
        for email in person.emails:
            candidates.update(self.by_email.get(email, ())[:MAX_BLOCK])
        for phone in person.phones:
            candidates.update(self.by_phone.get(phone, ())[:MAX_BLOCK])
        if person.ckey and person.nkey:
            candidates.update(self._same_company(person))
        candidates.discard(person.ref)
        found = []
        for ref in candidates:
            other = self.people[ref]
            reasons = reasons_between(person, other)
            if reasons:
                found.append(
                    DuplicateMatch(ref, other.name, other.company, reasons, score(reasons))
                )
        found.sort(key=lambda m: (-m.score, m.name, m.ref))
        return found[:limit]

    def _same_company(self, person: Person) -> list[str]:
        block = self.by_company.get(person.ckey)
        if block is None or not block.refs:
            return []
        if len(block.refs) > MAX_NAME_BLOCK:  # a big employer: exact names only
            return [*block.exact.get(person.nkey, ()), *block.exact.get(person.flat, ())]
        from rapidfuzz import fuzz, process

        found: list[str] = []
        for key, names in ((person.nkey, block.nkeys), (person.flat, block.flats)):
            hits = process.extract(
                key, names, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=20
            )
            found.extend(block.refs[index] for _, _, index in hits)
        return found


def load_index(store: Store) -> DuplicateIndex:
    """Every contact of the store in a `DuplicateIndex` (one read; ~1 s per 100k contacts)."""
    index = DuplicateIndex()
    for person in _stored_people(store):
        index.add(person)
    return index


def _stored_people(store: Store) -> list[Person]:
    with store.read() as conn:
        companies: dict[str, str] = dict(conn.exec_driver_sql("SELECT id, name FROM company").all())
        rows = conn.exec_driver_sql(
            "SELECT id, name, company_id, emails, phones FROM contact"
        ).all()
    people = []
    for record_id, name, company_id, emails, phones in rows:
        company = companies.get(company_id) if company_id else None
        people.append(Person.of(record_id, name, company, emails, phones, normalised=True))
    return people


def likely_duplicates(
    store: Store,
    values: Mapping[str, Any],
    *,
    company_name: str | None = None,
    exclude_id: str | None = None,
    limit: int = 10,
) -> list[DuplicateMatch]:
    """Existing contacts that `values` (as `create_contact` takes them) probably duplicate.

    Reads only the contacts that share an email or phone with `values`, or whose
    company is the same after dropping legal suffixes; never the whole table.
    """
    company = company_name
    with store.read() as conn:
        if company is None and values.get("company_id"):
            company = conn.exec_driver_sql(
                "SELECT name FROM company WHERE id = ?", (values["company_id"],)
            ).scalar()
        person = Person.of(
            "new", values.get("name") or "", company, values.get("emails"), values.get("phones")
        )
        rows = _candidate_rows(conn, person)
        ids = {r[2] for r in rows if r[2]}
        companies: dict[str, str] = {}
        if ids:
            marks = ",".join("?" * len(ids))
            companies = dict(
                conn.exec_driver_sql(
                    f"SELECT id, name FROM company WHERE id IN ({marks})", tuple(ids)
                ).all()
            )
    index = DuplicateIndex()
    for record_id, name, company_id, emails, phones in rows:
        if record_id != exclude_id:
            index.add(
                Person.of(
                    record_id,
                    name,
                    companies.get(company_id),
                    emails,
                    phones,
                    normalised=True,
                )
            )
    return index.matches(person, limit)


def _candidate_rows(conn: Any, person: Person) -> list[Any]:
    clauses: list[str] = []
    params: list[Any] = []
    for email in person.emails:
        clauses.append("instr(lower(emails), ?) > 0")
        params.append(json.dumps(email)[1:-1])
    for phone in person.phones:
        clauses.append("instr(phones, ?) > 0")
        params.append(phone)
    if person.ckey and person.nkey:
        # Companies whose name holds the key's start (a fast filter in SQL), then the
        # suffix-free comparison in Python: never every company's name through Python.
        probe = person.ckey[:4]
        company_ids = [
            cid
            for cid, name in conn.exec_driver_sql(
                "SELECT id, name FROM company WHERE instr(lower(name), ?) > 0", (probe,)
            ).all()
            if _similar(company_key(name), person.ckey, COMPANY_SIMILARITY)
        ][:500]
        if company_ids:
            clauses.append(f"company_id IN ({','.join('?' * len(company_ids))})")
            params.extend(company_ids)
    if not clauses:
        return []
    sql = (
        "SELECT id, name, company_id, emails, phones FROM contact WHERE "
        + " OR ".join(clauses)
        + " LIMIT 5000"
    )
    return list(conn.exec_driver_sql(sql, tuple(params)).all())


# -- scan --------------------------------------------------------------------------------
@dataclass
class DuplicatePair:
    """Two stored contacts that look like one person."""

    a: str
    b: str
    a_name: str
    b_name: str
    reasons: list[str]
    score: float


@dataclass
class ScanResult:
    pairs: list[DuplicatePair] = field(default_factory=list)
    contacts: int = 0
    skipped_blocks: list[tuple[str, str, int]] = field(default_factory=list)  # kind, key, size


def find_duplicates(
    store: Store, *, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
) -> ScanResult:
    """Every pair of likely duplicate contacts, best first.

    Blocking: contacts are grouped by email, phone and company key; only pairs
    within a group are compared (names, in C, only within one company). A group
    larger than `MAX_BLOCK`, e.g. a switchboard number on 500 contacts, is
    reported, not compared.
    """
    people = _stored_people(store)
    result = ScanResult(contacts=len(people))
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, person in enumerate(people):
        for email in person.emails:
            blocks[("email", email)].append(i)
        for phone in person.phones:
            blocks[("phone", phone)].append(i)
        if person.ckey and person.nkey:
            blocks[("company", person.ckey)].append(i)
    candidates: set[tuple[int, int]] = set()
    total = len(blocks)
    for done, ((kind, key), members) in enumerate(blocks.items(), start=1):
        if progress and done % 5000 == 0:
            progress(done, total)
        if cancelled and done % 5000 == 0 and cancelled():
            break
        if len(members) < 2:
            continue
        if kind == "company":
            candidates.update(_similar_names(people, members, result))
            continue
        if len(members) > MAX_BLOCK:
            result.skipped_blocks.append((kind, key, len(members)))
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                candidates.add((members[x], members[y]))
    for i, j in candidates:
        reasons = reasons_between(people[i], people[j])
        if reasons:
            a, b = sorted((people[i], people[j]), key=lambda p: p.ref)
            result.pairs.append(
                DuplicatePair(a.ref, b.ref, a.name, b.name, reasons, score(reasons))
            )
    result.pairs.sort(key=lambda p: (-p.score, p.a_name, p.a, p.b))
    if progress:
        progress(total, total)
    return result


def _similar_names(
    people: list[Person], members: list[int], result: ScanResult
) -> list[tuple[int, int]]:
    """Pairs of one company's people whose name keys are similar (rapidfuzz cdist, in C)."""
    if len(members) > MAX_NAME_BLOCK:
        result.skipped_blocks.append(("company", people[members[0]].ckey, len(members)))
        return []
    from rapidfuzz import fuzz, process

    pairs = []
    for attr in ("nkey", "flat"):
        names = [getattr(people[i], attr) for i in members]
        matrix = process.cdist(names, names, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY)
        for x, y in zip(*matrix.nonzero(), strict=True):
            if x < y:
                pairs.append((members[int(x)], members[int(y)]))
    return pairs


# -- companies ---------------------------------------------------------------------------
REASON_COMPANY_NAME = "company_name"


@dataclass
class CompanyScanResult:
    """Likely duplicate companies: `DuplicatePair`s of company ids."""

    pairs: list[DuplicatePair] = field(default_factory=list)
    companies: int = 0
    skipped_blocks: list[tuple[str, str, int]] = field(default_factory=list)  # kind, key, size


def find_company_duplicates(store: Store) -> CompanyScanResult:
    """Every pair of companies with the same name once case, punctuation and legal
    suffixes are dropped ("华为技术有限公司" and "华为技术", "Acme Ltd" and "ACME Inc."),
    in name order. One read; grouped by that key, so no two groups are compared."""
    with store.read() as conn:
        rows = conn.exec_driver_sql("SELECT id, name FROM company ORDER BY name_sort, id").all()
    result = CompanyScanResult(companies=len(rows))
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record_id, name in rows:
        key = company_key(name)
        if key:
            groups[key].append((record_id, name))
    for key, members in groups.items():
        if len(members) > MAX_BLOCK:
            result.skipped_blocks.append(("company", key, len(members)))
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                (a, a_name), (b, b_name) = members[x], members[y]
                result.pairs.append(DuplicatePair(a, b, a_name, b_name, [REASON_COMPANY_NAME], 1.0))
    return result
