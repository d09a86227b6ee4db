"""Demo data: a realistic CRM of any size, the same content for the same seed.

Used by ``crm-desktop demo``, benchmarks and GUI work on big stores. About 40%
of the people have Chinese names, the rest English; companies of both kinds
(contacts/8 of them); valid phone numbers; deals across the default pipeline
(won and lost ones with reasons, each with its stage history); months of calls
and other activities (~10 per contact); tasks, some overdue.

Scale: contacts are made CHUNK at a time together with everything hanging off
them, so memory stays flat up to millions of contacts. Only bulk paths are used
(DESIGN §8: ``add_all`` is ~10x slower than ``executemany``): contacts go
through `create_contacts` (validated like an import), the rest through
`WriteTx.insert_many`, so every row is still change-logged for sync.

Determinism: every choice comes from one ``random.Random(seed)`` and every
time is an offset from ``now``. Record ids (UUIDv7) and bookkeeping times
(``created_at`` of contacts, ``updated_at``) are not content and differ.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, update

from crm_desktop.domain.models import Activity, Company, Contact, Deal, DealStageHistory, Task
from crm_desktop.errors import ValidationError
from crm_desktop.ids import new_id
from crm_desktop.services.companies import clean_company
from crm_desktop.services.contacts import create_contacts
from crm_desktop.services.demo_words import (
    BRAND_CHARS,
    CITIES,
    CN_INDUSTRIES,
    CN_LOST,
    CN_MAIL,
    CN_MOBILE,
    CN_NOTES,
    CN_PRODUCTS,
    CN_TASKS,
    CN_TITLES,
    EN_BRANDS,
    EN_INDUSTRIES,
    EN_LOST,
    EN_MAIL,
    EN_NOTES,
    EN_PRODUCTS,
    EN_SUFFIXES,
    EN_TASKS,
    EN_TITLES,
    FIRST_NAMES,
    GIVEN,
    LAST_NAMES,
    OWNERS,
    SOURCES,
    SURNAME_WEIGHTS,
    SURNAMES,
    TAGS,
    US_CITIES,
)
from crm_desktop.services.pipelines import ensure_default_pipeline, stage_rows
from crm_desktop.services.tags import ensure_tags
from crm_desktop.store.changes import Row, WriteTx, table_of
from crm_desktop.store.engine import Store

CHUNK = 5_000  # contacts per round; their deals, activities and tasks follow in one transaction
MAX_CONTACTS = 10_000_000
CHINESE_SHARE = 0.4
HISTORY_DAYS = 180  # "months of activities"
Progress = Callable[[int, int], None]
"""Called with (contacts done, contacts in total) after each chunk."""

ACTIVITY_KINDS = (("call", 60), ("email", 15), ("meeting", 10), ("note", 10), ("visit", 5))
CALL_OUTCOMES = (
    ("connected", 60),
    ("no_answer", 20),
    ("busy", 7),
    ("voicemail", 10),
    ("wrong_number", 3),
)


@dataclass
class DemoSummary:
    """What `generate_demo` wrote. `rejected` counts generated contacts that validation
    refused (none expected: a non-zero value is a generator bug, not lost data)."""

    companies: int = 0
    contacts: int = 0
    deals: int = 0
    activities: int = 0
    tasks: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class _Company:
    id: str
    name: str
    short: str  # for deal titles: "华信科技", "Acme Systems"
    domain: str
    chinese: bool


@dataclass
class _Person:
    chinese: bool
    name: str
    phone: str
    owner: str
    company: _Company | None
    row: dict[str, Any] = field(repr=False, default_factory=dict)


@dataclass(frozen=True)
class _StageInfo:
    id: str
    pipeline_id: str
    is_won: bool
    is_lost: bool


def generate_demo(
    store: Store,
    contacts: int,
    *,
    seed: int = 1,
    progress: Progress | None = None,
    now: datetime | None = None,
    language: str = "en",
    activities_per_contact: float = 10.0,
) -> DemoSummary:
    """Add a seeded demo dataset of `contacts` people (and ~contacts/8 companies).

    Args:
        seed: the same seed (and `now`) gives the same content.
        progress: called with (contacts done, total) after each chunk.
        now: the moment the history leads up to; defaults to the current time.
        language: language of the default pipeline's stage names, if it is created now.
        activities_per_contact: mean number of activities per person (benchmarks
            use 1 to get ~1M activities on 1M contacts without a 10M-row build).
    Raises:
        ValidationError: `contacts` out of range.
    """
    if not 0 <= contacts <= MAX_CONTACTS:
        raise ValidationError(
            "contacts",
            f"contacts must be between 0 and {MAX_CONTACTS:,}.",
            code="validation.range",
            minimum=0,
            maximum=MAX_CONTACTS,
        )
    gen = _Generator(random.Random(seed), _aware(now), activities_per_contact)
    summary = DemoSummary()
    stages = _pipeline_stages(store, language) if contacts else []
    companies = _create_companies(store, gen, contacts // 8 if contacts >= 8 else min(contacts, 1))
    summary.companies = len(companies)
    if progress:
        progress(0, contacts)
    done = 0
    while done < contacts:
        size = min(CHUNK, contacts - done)
        people = [gen.person(companies) for _ in range(size)]
        pairs = _create_people(store, people, summary)
        with store.write() as tx:
            _write_related(tx, gen, pairs, stages, summary)
        done += size
        if progress:
            progress(done, contacts)
    return summary


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def _pipeline_stages(store: Store, language: str) -> list[_StageInfo]:
    """The default pipeline's stages in order (created by the pipelines service if missing)."""
    pipeline_id = ensure_default_pipeline(store, language).value
    with store.read() as conn:
        rows = stage_rows(conn, pipeline_id)
    return [_StageInfo(r["id"], r["pipeline_id"], r["is_won"], r["is_lost"]) for r in rows]


def _create_companies(store: Store, gen: _Generator, count: int) -> list[_Company]:
    made: list[_Company] = []
    while len(made) < count:
        size = min(CHUNK, count - len(made))
        batch = [gen.company() for _ in range(size)]
        rows = [clean_company(values, creating=True) for _, values in batch]
        with store.write() as tx:
            ensure_tags(tx, {t for r in rows for t in r.get("tags") or ()})
            ids = tx.insert_many(Company, rows)
        made.extend(_Company(cid, *info) for cid, (info, _) in zip(ids, batch, strict=True))
    return made


def _create_people(
    store: Store, people: list[_Person], summary: DemoSummary
) -> list[tuple[_Person, str]]:
    """Write the contacts; returns (person, contact id) for those validation accepted."""
    result = create_contacts(store, [p.row for p in people], batch_size=CHUNK).value
    rejected = {number - 1 for number, _ in result.errors}
    accepted = [p for index, p in enumerate(people) if index not in rejected]
    summary.contacts += len(result.ids)
    summary.rejected += len(rejected)
    return list(zip(accepted, result.ids, strict=True))


def _write_related(
    tx: WriteTx,
    gen: _Generator,
    pairs: list[tuple[_Person, str]],
    stages: Sequence[_StageInfo],
    summary: DemoSummary,
) -> None:
    deals: list[Row] = []
    history: list[Row] = []
    activities: list[Row] = []
    tasks: list[Row] = []
    for person, contact_id in pairs:
        person_deals = gen.deals(person, contact_id, stages)
        for deal, moves in person_deals:
            deals.append(deal)
            history.extend(moves)
        activities.extend(gen.activities(person, contact_id, [d for d, _ in person_deals]))
        tasks.extend(gen.tasks(person, contact_id, [d for d, _ in person_deals]))
    tx.insert_many(Deal, deals)
    tx.insert_many(DealStageHistory, history)
    tx.insert_many(Activity, activities)
    tx.insert_many(Task, tasks)
    _touch_last_activity(tx, activities)
    summary.deals += len(deals)
    summary.activities += len(activities)
    summary.tasks += len(tasks)


def _touch_last_activity(tx: WriteTx, activities: list[Row]) -> None:
    """Fill the derived `last_activity_at` of contacts and deals (stale marks), as
    `touch_last_activity` does per call, but with one executemany per table."""
    for model, key in ((Contact, "contact_id"), (Deal, "deal_id")):
        latest: dict[str, datetime] = {}
        for row in activities:
            owner_id = row.get(key)
            if owner_id and (owner_id not in latest or latest[owner_id] < row["occurred_at"]):
                latest[owner_id] = row["occurred_at"]
        if latest:
            table = table_of(model)
            stmt = (
                update(table)
                .where(table.c.id == bindparam("rid"))
                .values(last_activity_at=bindparam("at"))
            )
            tx.conn.execute(stmt, [{"rid": rid, "at": at} for rid, at in latest.items()])


class _Generator:
    """All random choices, drawn in a fixed order from one seeded generator."""

    def __init__(self, rng: random.Random, now: datetime, activities_mean: float = 10.0):
        self.rng = rng
        self.now = now
        self.activities_mean = activities_mean
        self._midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.company_names: set[str] = set()
        self._surname_cum = _cumulative(SURNAME_WEIGHTS)
        self._kind_cum = _cumulative([w for _, w in ACTIVITY_KINDS])
        self._outcome_cum = _cumulative([w for _, w in CALL_OUTCOMES])

    # -- companies ----------------------------------------------------------
    def company(self) -> tuple[tuple[str, str, str, bool], dict[str, Any]]:
        """((name, short name, domain, chinese), values for clean_company)."""
        chinese = self.rng.random() < CHINESE_SHARE
        name, short, domain, industry, city, phone = (
            self._cn_company() if chinese else self._en_company()
        )
        values = {
            "name": name,
            "industry": industry,
            "website": f"https://www.{domain}",
            "phone": phone,
            "city": city,
            "country": "CN" if chinese else "US",
            "grade": self.rng.choice("AABBBCC"),
            "owner": self.rng.choice(OWNERS),
            "tags": self.rng.sample(TAGS, self.rng.choice((0, 0, 1, 1, 2))),
        }
        return (name, short, domain, chinese), values

    def _cn_company(self) -> tuple[str, str, str, str, str, str]:
        city, _pinyin, area, digits = self.rng.choice(CITIES)
        for _ in range(50):
            (c1, p1), (c2, p2) = self.rng.sample(BRAND_CHARS, 2)
            word, industry, domain_word = self.rng.choice(CN_INDUSTRIES)
            name = f"{city}{c1}{c2}{word}有限公司"
            if self._unique(name):
                break
        else:  # the name space is nearly used up: number the branch office
            name = f"{name[:-4]}第{len(self.company_names)}分公司"
            self._unique(name)
        phone = f"+86{area}{self.rng.choice('56')}{self._digits(digits - 1)}"
        return name, f"{c1}{c2}{word}", f"{p1}{p2}{domain_word}.com.cn", industry, city, phone

    def _en_company(self) -> tuple[str, str, str, str, str, str]:
        city, _state, areas = self.rng.choice(US_CITIES)
        for _ in range(50):
            short, industry = self._en_company_name()
            name = f"{short} {self.rng.choice(EN_SUFFIXES)}"
            if self._unique(name):
                break
        else:
            name = f"{name} {len(self.company_names)}"
            self._unique(name)
        domain = "".join(c for c in short.lower() if c.isalnum()) + ".com"
        return name, short, domain, industry, city, self._us_number(areas)

    def _en_company_name(self) -> tuple[str, str]:
        pattern = self.rng.randrange(4)
        word, industry = self.rng.choice(EN_INDUSTRIES)
        if pattern == 0:
            return f"{self.rng.choice(EN_BRANDS)} {word}", industry
        if pattern == 1:
            first, second = self.rng.sample(EN_BRANDS, 2)
            return f"{first} {second}", industry
        if pattern == 2:
            first, second = self.rng.sample(LAST_NAMES, 2)
            return f"{first} & {second}", industry
        return f"{self.rng.choice(LAST_NAMES)} {word}", industry

    def _unique(self, name: str) -> bool:
        if name in self.company_names:
            return False
        self.company_names.add(name)
        return True

    # -- people -------------------------------------------------------------
    def person(self, companies: Sequence[_Company]) -> _Person:
        rng = self.rng
        chinese = rng.random() < CHINESE_SHARE
        company = self._employer(companies, chinese)
        if chinese:
            name, handle = self._cn_name()
            phone = f"+86{rng.choice(CN_MOBILE)}{self._digits(8)}"
        else:
            name, handle = self._en_name()
            phone = self._us_number(rng.choice(US_CITIES)[2])
        person = _Person(chinese, name, phone, rng.choice(OWNERS), company)
        person.row = self._contact_row(person, handle)
        return person

    def _employer(self, companies: Sequence[_Company], chinese: bool) -> _Company | None:
        if not companies or self.rng.random() < 0.1:
            return None  # some contacts are private persons
        # People mostly work for companies of their own language; try a few draws.
        for _ in range(4):
            company = companies[self.rng.randrange(len(companies))]
            if company.chinese == chinese:
                return company
        return company

    def _cn_name(self) -> tuple[str, str]:
        rng = self.rng
        surname, s_py = SURNAMES[_pick(rng, self._surname_cum)]
        given = rng.sample(GIVEN, 2 if rng.random() < 0.6 else 1)
        name = surname + "".join(c for c, _ in given)
        return name, s_py + "".join(p for _, p in given)

    def _en_name(self) -> tuple[str, str]:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        return f"{first} {last}", f"{first}.{last}".lower()

    def _contact_row(self, p: _Person, handle: str) -> dict[str, Any]:
        rng = self.rng
        phones = [{"label": "mobile", "number": p.phone}]
        if rng.random() < 0.2:
            phones.append(
                {
                    "label": "work",
                    "number": (
                        f"+86{rng.choice(CN_MOBILE)}{self._digits(8)}"
                        if p.chinese
                        else self._us_number(rng.choice(US_CITIES)[2])
                    ),
                }
            )
        number = rng.randrange(100) if rng.random() < 0.3 else ""
        domain = (
            p.company.domain
            if p.company and rng.random() < 0.7
            else rng.choice(CN_MAIL if p.chinese else EN_MAIL)
        )
        row: dict[str, Any] = {
            "name": p.name,
            "company_id": p.company.id if p.company else None,
            "title": rng.choice(CN_TITLES if p.chinese else EN_TITLES),
            "phones": phones,
            "emails": [{"label": "work", "address": f"{handle}{number}@{domain}"}],
            "source": rng.choice(SOURCES),
            "grade": rng.choice(("A", "B", "B", "C", "C", None)),
            "tags": rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3))),
            "owner": p.owner,
            "consent_email": rng.random() < 0.6,
            "consent_call": rng.random() < 0.8,
            "consent_sms": rng.random() < 0.3,
        }
        if rng.random() < 0.3:
            row["birthday"] = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        return row

    # -- deals ----------------------------------------------------------------
    def deals(
        self, p: _Person, contact_id: str, stages: Sequence[_StageInfo]
    ) -> list[tuple[Row, list[Row]]]:
        """A person's deals (~0.35 each), each with its stage history."""
        rng = self.rng
        count = 0 if rng.random() >= 0.3 else (2 if rng.random() < 0.15 else 1)
        open_stages = [s for s in stages if not (s.is_won or s.is_lost)]
        if not open_stages:
            return []
        return [self._deal(p, contact_id, stages, open_stages) for _ in range(count)]

    def _deal(
        self,
        p: _Person,
        contact_id: str,
        stages: Sequence[_StageInfo],
        open_stages: list[_StageInfo],
    ) -> tuple[Row, list[Row]]:
        rng = self.rng
        created = self._past(HISTORY_DAYS, p.chinese)
        status, path = self._stage_path(stages, open_stages)
        deal_id = new_id()
        moves: list[Row] = []
        when = created
        for previous, stage in zip([None, *path], path, strict=False):
            moves.append(
                {
                    "deal_id": deal_id,
                    "from_stage_id": previous.id if previous else None,
                    "to_stage_id": stage.id,
                    "moved_at": when,
                    "moved_by": p.owner,
                }
            )
            when = min(when + timedelta(days=rng.uniform(1, 20)), self.now)
        entered = moves[-1]["moved_at"]
        closed = entered if status != "open" else None
        company = p.company
        product = rng.choice(CN_PRODUCTS if p.chinese else EN_PRODUCTS)
        lost_reason = rng.choice(CN_LOST if p.chinese else EN_LOST) if status == "lost" else None
        deal: Row = {
            "id": deal_id,
            "title": f"{company.short if company else p.name} — {product}",
            "pipeline_id": path[-1].pipeline_id,
            "stage_id": path[-1].id,
            "company_id": company.id if company else None,
            "contact_id": contact_id,
            "value_cents": rng.randrange(5_000, 500_000) * 100,
            "currency": "CNY" if p.chinese else "USD",
            "expected_close": (closed or created + timedelta(days=rng.randint(20, 150))).date(),
            "status": status,
            "owner": p.owner,
            "stage_entered_at": entered,
            "closed_at": closed,
            "lost_reason": lost_reason,
            "tags": [],
            "created_at": created,
        }
        return deal, moves

    def _stage_path(
        self, stages: Sequence[_StageInfo], open_stages: list[_StageInfo]
    ) -> tuple[str, list[_StageInfo]]:
        """(status, the stages the deal went through): ~20% won, ~15% lost, the rest open."""
        roll = self.rng.random()
        # Open deals thin out towards the later stages, as in a funnel.
        reached = open_stages[: 1 + min(int(self.rng.expovariate(0.8)), len(open_stages) - 1)]
        won = [s for s in stages if s.is_won][:1]
        lost = [s for s in stages if s.is_lost][:1]
        # A pipeline without a won (lost) stage gets no won (lost) deals: status follows stage.
        if roll < 0.2 and won:
            return "won", [*open_stages, *won]
        if 0.2 <= roll < 0.35 and lost:
            return "lost", [*reached, *lost]
        return "open", reached

    # -- activities and tasks ----------------------------------------------------
    def activities(self, p: _Person, contact_id: str, deals: list[Row]) -> list[Row]:
        """About `activities_mean` activities over the last months, calls most of them."""
        rows = []
        low, high = int(self.activities_mean * 0.5), int(self.activities_mean * 1.5 + 0.5)
        for _ in range(self.rng.randint(low, high)):
            rows.append(self._activity(p, contact_id, deals))
        return rows

    def _activity(self, p: _Person, contact_id: str, deals: list[Row]) -> Row:
        rng = self.rng
        kind = ACTIVITY_KINDS[_pick(rng, self._kind_cum)][0]
        row: Row = {
            "kind": kind,
            "occurred_at": self._past(HISTORY_DAYS, p.chinese),
            "contact_id": contact_id,
            "company_id": p.company.id if p.company else None,
            "deal_id": rng.choice(deals)["id"] if deals and rng.random() < 0.5 else None,
            "owner": p.owner,
            "subject": None,
            "notes": None,
            "duration_s": None,
            "direction": None,
            "outcome": None,
            "phone": None,
        }
        if rng.random() < 0.5:
            row["notes"] = rng.choice(CN_NOTES if p.chinese else EN_NOTES)
        if kind == "call":
            outcome = CALL_OUTCOMES[_pick(rng, self._outcome_cum)][0]
            row.update(
                direction=rng.choice(("outbound", "outbound", "inbound")),
                outcome=outcome,
                phone=p.phone,
                duration_s=rng.randint(30, 1800) if outcome == "connected" else 0,
            )
        else:
            row["subject"] = self._subject(kind, p)
            if kind in ("meeting", "visit"):
                row["duration_s"] = rng.choice((1800, 3600, 5400))
        row["created_at"] = row["occurred_at"]
        return row

    def _subject(self, kind: str, p: _Person) -> str:
        if p.chinese:
            return {
                "email": "发送资料",
                "meeting": "需求沟通会",
                "visit": "上门拜访",
                "note": "备注",
            }[kind]
        return {
            "email": "Sent brochure",
            "meeting": "Requirements call",
            "visit": "On-site visit",
            "note": "Note",
        }[kind]

    def tasks(self, p: _Person, contact_id: str, deals: list[Row]) -> list[Row]:
        """~0.6 tasks per person; open ones due in the past are overdue."""
        rng = self.rng
        roll = rng.random()
        count = 0 if roll < 0.5 else 1 if roll < 0.9 else 2
        rows = []
        for _ in range(count):
            due = (self.now + timedelta(days=rng.uniform(-20, 30))).replace(second=0)
            done = rng.random() < (0.6 if due < self.now else 0.1)
            template = rng.choice(CN_TASKS if p.chinese else EN_TASKS)
            rows.append(
                {
                    "title": template.format(name=p.name),
                    "due_at": due,
                    "remind_at": due - timedelta(hours=1) if rng.random() < 0.3 else None,
                    "done": done,
                    "done_at": min(due, self.now) if done else None,
                    "contact_id": contact_id,
                    "company_id": p.company.id if p.company else None,
                    "deal_id": rng.choice(deals)["id"] if deals and rng.random() < 0.5 else None,
                    "owner": p.owner,
                    "created_at": due - timedelta(days=rng.randint(1, 30)),
                }
            )
        return rows

    # -- small draws ---------------------------------------------------------------
    def _past(self, days: int, chinese: bool) -> datetime:
        """A business-hours moment in the last `days` days (Beijing or US Eastern hours).

        Built from one float per draw: ~10 of these per contact make it a hot path.
        """
        day = 1 + int(self.rng.random() * days)
        start = 3_600 if chinese else 13 * 3_600  # 09:00 in Beijing or New York, in UTC
        seconds = start + int(self.rng.random() * 9 * 3_600)
        return min(self._midnight - timedelta(days=day, seconds=-seconds), self.now)

    def _digits(self, count: int) -> str:
        return f"{int(self.rng.random() * 10**count):0{count}d}"

    def _us_number(self, areas: Sequence[int]) -> str:
        # Exchanges are [2-9]XX; N11 and 555 are not assignable.
        exchange = self.rng.randint(200, 999)
        while exchange % 100 == 11 or exchange == 555:
            exchange = self.rng.randint(200, 999)
        return f"+1{self.rng.choice(areas)}{exchange}{self._digits(4)}"


def _cumulative(weights: Sequence[int]) -> list[int]:
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[int]) -> int:
    """Index drawn by weight; `rng.choices` per call costs more than this bisect."""
    return bisect_right(cumulative, int(rng.random() * cumulative[-1]))
