"""The aggregates behind the dashboard and charts (仪表盘), each one SQL statement.

Everything is grouped in SQL so the cost does not grow with rows moved into
Python; each query is shaped to use an index of `crm_desktop.domain.models`
(the tests check the plans). Money is never summed across currencies: every
money figure is per ISO currency.

Datetimes are stored as UTC text ('YYYY-MM-DD HH:MM:SS.ffffff'), so a day or
month is a prefix of it. Reports that bucket by day or month take
`utc_offset_minutes` (e.g. 480 for China) so that a call at 07:00 Beijing
time counts on its local day; 0 keeps pure UTC buckets.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, text
from sqlalchemy.sql import Executable
from sqlmodel.sql.sqltypes import UTCDateTime

from crm_desktop.domain.enums import ActivityKind
from crm_desktop.errors import ValidationError
from crm_desktop.services import validation as v
from crm_desktop.services.pipelines import list_pipelines
from crm_desktop.store.engine import Store

MAX_OFFSET_MINUTES = 14 * 60
MAX_DAYS = 3660  # ten years of days per chart
MAX_TARGET_CENTS = 10**15  # a monthly target (fits Qt's 64-bit settings values)
MAX_ROWS = 200  # alert lists: the longest idle / most overdue first
# Bounds that every stored time sorts between. Not '0000'/'9999': against a
# DATETIME column (NUMERIC affinity) those would compare as numbers.
EARLIEST, LATEST = "0001-01-01", "9999-12-31"
# The closed vocabulary of kinds, spelled out in SQL so `kind IN (...)` walks
# ix_activity_kind_time once per kind instead of scanning all activities.
_KINDS_SQL = ", ".join(f"'{k.value}'" for k in ActivityKind)


@dataclass(slots=True)
class StageValue:
    """Open deals of one stage in one currency (currency None: the stage is empty)."""

    stage_id: str
    stage_name: str
    position: int
    probability: int
    currency: str | None
    deal_count: int
    value_cents: int
    weighted_cents: int
    closing: bool = False  # a won or lost stage (never holds open deals)


@dataclass(slots=True)
class FunnelStep:
    """Deals that reached a stage (or any later one), and the share that went on."""

    stage_id: str
    stage_name: str
    position: int
    reached: int
    next_reached: int | None  # None for the last step
    conversion: float | None  # next_reached / reached; None when undefined


@dataclass(slots=True)
class MonthRevenue:
    month: str  # 'YYYY-MM'
    currency: str
    deal_count: int
    value_cents: int


@dataclass(slots=True)
class MonthComparison:
    month: int  # 1..12
    currency: str
    value_cents: int
    previous_year_cents: int


@dataclass(slots=True)
class DayCalls:  # fields in the order _CALLS_PER_DAY selects them
    day: str  # 'YYYY-MM-DD'
    owner: str | None
    calls: int


@dataclass(slots=True)
class ForecastMonth:
    month: str  # 'YYYY-MM' of expected close
    currency: str
    deal_count: int
    best_case_cents: int  # every open deal wins
    weighted_cents: int  # value x stage probability


@dataclass(slots=True)
class KindCount:
    kind: str
    count: int


@dataclass(slots=True)
class StaleDeal:
    deal_id: str
    title: str
    stage_id: str
    stage_name: str
    owner: str | None
    value_cents: int
    currency: str
    last_touch: datetime  # latest of last activity and stage entry
    idle_days: int
    stale_days: int


@dataclass(slots=True)
class OverdueDeal:
    deal_id: str
    title: str
    stage_name: str
    owner: str | None
    expected_close: date
    days_overdue: int
    value_cents: int
    currency: str


# -- helpers ---------------------------------------------------------------------
def sql_time(moment: datetime) -> str:
    """A datetime as the store's UTC text, for comparisons in hand-written SQL."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _offset(minutes: int) -> int:
    return (
        v.integer(
            "utc_offset_minutes", minutes, minimum=-MAX_OFFSET_MINUTES, maximum=MAX_OFFSET_MINUTES
        )
        or 0
    )


def _bucket(column: str, length: int, offset: int) -> str:
    """SQL for the local day (length 10) or month (7) of a stored UTC time."""
    if not offset:
        return f"substr({column}, 1, {length})"
    # `offset` is a validated int, so formatting it into the SQL is safe.
    return f"substr(datetime({column}, '{offset:+d} minutes'), 1, {length})"


def _local_midnight(day: date, offset: int) -> datetime:
    """The UTC moment of local midnight starting `day`."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(minutes=offset)


def _local_start(day: date, offset: int) -> str:
    """The stored-UTC text of local midnight starting `day`."""
    return sql_time(_local_midnight(day, offset))


def _limit(limit: int) -> int:
    return v.integer("limit", limit, minimum=1, maximum=10_000) or MAX_ROWS


def _rows(store: Store, sql: Executable, params: dict[str, Any]) -> list[dict[str, Any]]:
    with store.read() as conn:
        return [dict(r) for r in conn.execute(sql, params).mappings()]


# -- pipeline ----------------------------------------------------------------------
# Deals are summed per (stage, currency) in ix_deal_stage's own order (no sort),
# then the few groups are joined to the stages; empty stages still show.
_PIPELINE_VALUE = text("""
WITH groups AS (
  SELECT d.stage_id, d.currency, COUNT(*) AS n, SUM(d.value_cents) AS cents
  FROM deal d
  WHERE d.stage_id IN (SELECT id FROM stage WHERE pipeline_id = :pipeline)
    AND d.status = 'open' AND (:owner IS NULL OR d.owner = :owner)
  GROUP BY d.stage_id, d.currency
)
SELECT s.id AS stage_id, s.name AS stage_name, s.position, s.probability, g.currency,
       COALESCE(g.n, 0) AS deal_count, COALESCE(g.cents, 0) AS value_cents,
       (COALESCE(g.cents * s.probability, 0) + 50) / 100 AS weighted_cents,
       (s.is_won OR s.is_lost) AS closing
FROM stage s LEFT JOIN groups g ON g.stage_id = s.id
WHERE s.pipeline_id = :pipeline
ORDER BY s.position, s.id, g.currency
""")


def pipeline_value(store: Store, pipeline_id: str, *, owner: str | None = None) -> list[StageValue]:
    """Open value and probability-weighted value per stage (the board's column totals).

    Every stage of the pipeline appears, in order, once per currency of its
    deals (an empty stage once, with currency None and zeros). Weighted
    value is rounded to the cent.
    """
    rows = _rows(store, _PIPELINE_VALUE, {"pipeline": pipeline_id, "owner": owner})
    return [StageValue(**{**r, "closing": bool(r["closing"])}) for r in rows]


# Each deal's furthest stage is kept on the deal (`reached_position`, see
# store/derived.py), so the funnel reads one covering index (ix_deal_funnel)
# instead of every stage move.
_FUNNEL = text("""
WITH tops AS (
  SELECT reached_position AS top, COUNT(*) AS n
  FROM deal
  WHERE pipeline_id = :pipeline AND reached_position IS NOT NULL
    AND (:owner IS NULL OR owner = :owner)
    AND (:since IS NULL OR created_at >= :since)
    AND (:until IS NULL OR created_at < :until)
  GROUP BY reached_position
), steps AS (
  SELECT s.id AS stage_id, s.name AS stage_name, s.position,
         SUM(COALESCE(t.n, 0)) OVER (ORDER BY s.position DESC, s.id DESC) AS reached
  FROM stage s LEFT JOIN tops t ON t.top = s.position
  WHERE s.pipeline_id = :pipeline AND NOT s.is_lost
)
SELECT stage_id, stage_name, position, reached,
       LEAD(reached) OVER (ORDER BY position, stage_id) AS next_reached
FROM steps ORDER BY position, stage_id
""")


def funnel(
    store: Store,
    pipeline_id: str,
    *,
    owner: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[FunnelStep]:
    """Funnel conversion (销售漏斗) per stage, from the stage history.

    A deal reached a stage if it was ever in it or in any later stage (a deal
    that skipped a stage still passed it). Lost stages are not steps: a lost
    deal counts up to the furthest stage it reached. The cohort is the deals
    created in [since, until) when given.
    """
    params = {
        "pipeline": pipeline_id,
        "owner": owner,
        "since": sql_time(since) if since else None,
        "until": sql_time(until) if until else None,
    }
    steps = []
    for r in _rows(store, _FUNNEL, params):
        nxt = r["next_reached"]
        conversion = nxt / r["reached"] if nxt is not None and r["reached"] else None
        steps.append(FunnelStep(**r, conversion=conversion))
    return steps


# -- revenue ------------------------------------------------------------------------
def won_revenue_by_month(
    store: Store,
    year: int | None = None,
    *,
    owner: str | None = None,
    utc_offset_minutes: int = 0,
) -> list[MonthRevenue]:
    """Won revenue per month of `closed_at` (赢单), per currency, oldest first.

    Args:
        year: only that (local) year; None: all months with won deals.
    """
    offset = _offset(utc_offset_minutes)
    low, high = _year_bounds(year, 1, offset)
    sql = text(f"""
        SELECT {_bucket("closed_at", 7, offset)} AS month, currency,
               COUNT(*) AS deal_count, SUM(value_cents) AS value_cents
        FROM deal
        WHERE status = 'won' AND closed_at >= :low AND closed_at < :high
          AND (:owner IS NULL OR owner = :owner)
        GROUP BY month, currency ORDER BY month, currency
    """)
    params = {"low": low, "high": high, "owner": owner}
    return [MonthRevenue(**r) for r in _rows(store, sql, params)]


def won_revenue_vs_previous_year(
    store: Store, year: int, *, owner: str | None = None, utc_offset_minutes: int = 0
) -> list[MonthComparison]:
    """Won revenue per month of `year` beside the same month of the year before.

    Only months (and currencies) with revenue in either year are listed.
    """
    offset = _offset(utc_offset_minutes)
    low, high = _year_bounds(year - 1, 2, offset)
    sql = text(f"""
        SELECT CAST(substr(m, 6, 2) AS INTEGER) AS month, currency,
               SUM(CASE WHEN substr(m, 1, 4) = :this THEN value_cents ELSE 0 END) AS value_cents,
               SUM(CASE WHEN substr(m, 1, 4) = :prev THEN value_cents ELSE 0 END)
                 AS previous_year_cents
        FROM (SELECT {_bucket("closed_at", 7, offset)} AS m, currency, value_cents FROM deal
              WHERE status = 'won' AND closed_at >= :low AND closed_at < :high
                AND (:owner IS NULL OR owner = :owner))
        GROUP BY month, currency ORDER BY month, currency
    """)
    params = {
        "low": low,
        "high": high,
        "owner": owner,
        "this": f"{year:04d}",
        "prev": f"{year - 1:04d}",
    }
    return [MonthComparison(**r) for r in _rows(store, sql, params)]


def _year_bounds(year: int | None, years: int, offset: int) -> tuple[str, str]:
    if year is None:
        return EARLIEST, LATEST
    year = v.integer("year", year, minimum=1900, maximum=9998) or 0
    return _local_start(date(year, 1, 1), offset), _local_start(date(year + years, 1, 1), offset)


def forecast(
    store: Store,
    *,
    pipeline_id: str | None = None,
    owner: str | None = None,
    from_month: str | None = None,
) -> list[ForecastMonth]:
    """Sales forecast (销售预测) of open deals by expected-close month, per currency.

    Best case counts every deal at full value; weighted multiplies by the
    stage probability. Deals without an expected close date are left out.

    Args:
        from_month: 'YYYY-MM' to start at (e.g. this month); default: all.
    """
    low = v.parse_date("from_month", f"{from_month}-01") if from_month else None
    # Sum per (day, stage, currency) in the covering index's order first, then
    # weigh the few groups by their stage: no sort and no stage look-up per deal.
    sql = text("""
        WITH groups AS (
          SELECT substr(d.expected_close, 1, 7) AS month, d.currency, d.stage_id,
                 COUNT(*) AS n, SUM(d.value_cents) AS cents
          FROM deal d
          WHERE d.status = 'open' AND d.expected_close >= :low
            AND (:pipeline IS NULL OR d.pipeline_id = :pipeline)
            AND (:owner IS NULL OR d.owner = :owner)
          -- the index's own order (status, expected_close, stage_id, currency): no sort
          GROUP BY d.expected_close, d.stage_id, d.currency
        )
        SELECT g.month, g.currency, SUM(g.n) AS deal_count, SUM(g.cents) AS best_case_cents,
               (SUM(g.cents * s.probability) + 50) / 100 AS weighted_cents
        FROM groups g JOIN stage s ON s.id = g.stage_id
        GROUP BY g.month, g.currency ORDER BY g.month, g.currency
    """)
    params = {"low": low.isoformat() if low else EARLIEST, "pipeline": pipeline_id, "owner": owner}
    return [ForecastMonth(**r) for r in _rows(store, sql, params)]


# -- activities -----------------------------------------------------------------------
# One row per local day with its UTC bounds: each day's calls are then one
# range of ix_activity_kind_time, grouped by owner in a small per-day sort.
# Grouping a year of calls in one GROUP BY sorts ~200k rows and took 1.5x as
# long; a local (shifted) day would also cost a datetime() call per row.
_CALLS_PER_DAY = text("""
WITH RECURSIVE days(day) AS (
  SELECT date(:first) UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < :last
), spans AS (
  SELECT day, strftime('%Y-%m-%d %H:%M:%S.000000', day, :shift) AS low,
         strftime('%Y-%m-%d %H:%M:%S.000000', day, '+1 day', :shift) AS high
  FROM days
)
SELECT spans.day, NULLIF(per_owner.key, '') AS owner, per_owner.value AS calls
FROM spans, json_each((
  SELECT json_group_object(COALESCE(owner, ''), n) FROM (
    SELECT owner, COUNT(*) AS n FROM activity
    WHERE kind = 'call' AND occurred_at >= spans.low AND occurred_at < spans.high
      AND (:owner IS NULL OR owner = :owner)
    GROUP BY owner))) AS per_owner
ORDER BY spans.day, owner
""")


MAX_KNOWN_OWNERS = 50  # owners counted by name in one pass (more: the grouping query)


def _calls_by_known_owners(names: int) -> Executable:
    """Per local day: [all calls, calls of :o0 .. :o{names-1}, calls without owner].

    Counting each known owner with SUM(owner = ?) walks the day's index range
    once with no sort: ~1.6x faster than grouping by owner (`_CALLS_PER_DAY`).
    """
    counts = "".join(f", SUM(owner = :o{i})" for i in range(names))
    return text(f"""
WITH RECURSIVE days(day) AS (
  SELECT date(:first) UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < :last
), spans AS (
  SELECT day, strftime('%Y-%m-%d %H:%M:%S.000000', day, :shift) AS low,
         strftime('%Y-%m-%d %H:%M:%S.000000', day, '+1 day', :shift) AS high
  FROM days
)
SELECT spans.day, (
  SELECT json_array(COUNT(*){counts}, SUM(owner IS NULL OR owner = '')) FROM activity
  WHERE kind = 'call' AND occurred_at >= spans.low AND occurred_at < spans.high
    AND (:owner IS NULL OR owner = :owner)) AS counts
FROM spans ORDER BY spans.day
""")


def calls_per_day(
    store: Store,
    since: date,
    until: date,
    *,
    owner: str | None = None,
    utc_offset_minutes: int = 0,
    known_owners: Sequence[str] | None = None,
) -> list[DayCalls]:
    """Calls per day and per user over the days `since`..`until` (both included).

    Days without calls are not listed (the chart fills them).

    Args:
        known_owners: the users who probably logged calls (default: `owners`);
            only a speed hint: calls of anybody else are still counted.

    Raises:
        ValidationError: `until` before `since`, or a range over MAX_DAYS.
    """
    offset = _offset(utc_offset_minutes)
    _check_range(since, until)
    params: dict[str, Any] = {
        "first": since.isoformat(),
        "last": until.isoformat(),
        "shift": f"{-offset:+d} minutes",
        "owner": owner,
    }
    if owner:
        names = [owner]
    else:
        names = sorted({n for n in (owners(store) if known_owners is None else known_owners) if n})
    if len(names) <= MAX_KNOWN_OWNERS:
        found = _count_known(store, names, params)
        if found is not None:
            return found
    with store.read() as conn:
        # Positional: a year for 50 users is ~18k rows, and building them from
        # mappings cost more than the query.
        return [DayCalls(*r) for r in conn.execute(_CALLS_PER_DAY, params)]


def _count_known(store: Store, names: list[str], params: dict[str, Any]) -> list[DayCalls] | None:
    """Calls per day of `names`, or None when somebody else made calls too."""
    sql = _calls_by_known_owners(len(names))
    with store.read() as conn:
        rows = conn.execute(sql, {**params, **{f"o{i}": n for i, n in enumerate(names)}}).all()
    out: list[DayCalls] = []
    for day, counts in rows:
        total, *per_owner, nobody = json.loads(counts)
        if not total:
            continue
        if sum(n or 0 for n in per_owner) + (nobody or 0) != total:
            return None  # an owner not in `names`: group by owner instead
        if nobody:
            out.append(DayCalls(day, None, nobody))
        out.extend(DayCalls(day, name, n) for name, n in zip(names, per_owner, strict=True) if n)
    return out


def _check_range(since: date, until: date) -> None:
    if until < since:
        raise ValidationError(
            "until", "The end date is before the start date.", code="validation.range"
        )
    if (until - since).days >= MAX_DAYS:
        raise ValidationError(
            "until", f"Choose at most {MAX_DAYS} days.", code="validation.range", maximum=MAX_DAYS
        )


def activity_mix(
    store: Store,
    since: date,
    until: date,
    *,
    owner: str | None = None,
    utc_offset_minutes: int = 0,
    kinds: Sequence[str] | None = None,
) -> list[KindCount]:
    """How many activities of each kind over the days `since`..`until` (both included).

    Args:
        kinds: only these kinds (default: all); the dashboard leaves out calls,
            which `calls_per_day` has counted already.
    """
    offset = _offset(utc_offset_minutes)
    _check_range(since, until)
    wanted = [k.value for k in ActivityKind if kinds is None or k.value in kinds]
    if not wanted:
        return []
    # Validated against the closed vocabulary, so formatting them into SQL is safe.
    kinds_sql = ", ".join(f"'{k}'" for k in wanted)
    sql = text(f"""
        SELECT kind, COUNT(*) AS count FROM activity
        WHERE kind IN ({kinds_sql}) AND occurred_at >= :low AND occurred_at < :high
          AND (:owner IS NULL OR owner = :owner)
        GROUP BY kind ORDER BY count DESC, kind
    """)
    params = {
        "low": _local_start(since, offset),
        "high": _local_start(until + timedelta(days=1), offset),
        "owner": owner,
    }
    return [KindCount(**r) for r in _rows(store, sql, params)]


# -- alerts ------------------------------------------------------------------------------
# The open deals are read straight through the table (NOT INDEXED): every open
# deal's stage entry and last activity are needed, and reading the table in
# order was ~5x faster on 1M activities / 35k deals than ~22k look-ups from an
# index (the deal rows are wide, the look-ups random).
_STALE = text("""
SELECT * FROM (
  SELECT d.id AS deal_id, d.title, d.stage_id, s.name AS stage_name, d.owner, d.value_cents,
         d.currency, s.stale_days,
         MAX(d.stage_entered_at, COALESCE(d.last_activity_at, d.stage_entered_at)) AS last_touch
  FROM stage s
  JOIN deal d NOT INDEXED ON d.stage_id = s.id AND d.status = 'open'
  WHERE s.stale_days IS NOT NULL
    AND (:pipeline IS NULL OR s.pipeline_id = :pipeline)
    AND (:owner IS NULL OR d.owner = :owner))
WHERE julianday(:now) - julianday(last_touch) >= stale_days
ORDER BY last_touch, deal_id LIMIT :limit
""").columns(last_touch=UTCDateTime())


def stale_deals(
    store: Store,
    now: datetime | None = None,
    *,
    pipeline_id: str | None = None,
    owner: str | None = None,
    limit: int = MAX_ROWS,
) -> list[StaleDeal]:
    """Open deals with no activity and no stage move for their stage's `stale_days`.

    Stages without `stale_days` never make deals stale. Longest idle first,
    at most `limit` of them.
    """
    moment = now or datetime.now(UTC)
    params = {
        "now": sql_time(moment),
        "pipeline": pipeline_id,
        "owner": owner,
        "limit": _limit(limit),
    }
    out = []
    for r in _rows(store, _STALE, params):
        idle = (moment - r["last_touch"]).days
        out.append(StaleDeal(**r, idle_days=idle))
    return out


_OVERDUE = text("""
SELECT d.id AS deal_id, d.title, s.name AS stage_name, d.owner, d.expected_close,
       CAST(julianday(:today) - julianday(d.expected_close) AS INTEGER) AS days_overdue,
       d.value_cents, d.currency
FROM deal d JOIN stage s ON s.id = d.stage_id
WHERE d.status = 'open' AND d.expected_close < :today
  AND (:pipeline IS NULL OR d.pipeline_id = :pipeline)
  AND (:owner IS NULL OR d.owner = :owner)
ORDER BY d.expected_close, d.id LIMIT :limit
""").columns(expected_close=Date())


def overdue_deals(
    store: Store,
    today: date | None = None,
    *,
    pipeline_id: str | None = None,
    owner: str | None = None,
    limit: int = MAX_ROWS,
) -> list[OverdueDeal]:
    """Open deals whose expected close date has passed (已逾期), most overdue first.

    Args:
        today: the local date (default: today on this machine).
        limit: at most this many deals.
    """
    day = today or date.today()
    params = {
        "today": day.isoformat(),
        "pipeline": pipeline_id,
        "owner": owner,
        "limit": _limit(limit),
    }
    return [OverdueDeal(**r) for r in _rows(store, _OVERDUE, params)]


# -- owners, forecast plan, the whole dashboard ------------------------------------------
# The distinct owners by a loose index scan of ix_contact_owner_sort (one seek per
# owner, not one row per contact), plus the few owners of deals.
_OWNERS = text("""
WITH RECURSIVE people(owner) AS (
  SELECT MIN(owner) FROM contact WHERE owner IS NOT NULL
  UNION ALL
  SELECT (SELECT MIN(owner) FROM contact WHERE owner > people.owner)
  FROM people WHERE people.owner IS NOT NULL
)
SELECT owner FROM people WHERE owner IS NOT NULL AND owner != ''
UNION SELECT DISTINCT owner FROM deal WHERE owner IS NOT NULL AND owner != ''
ORDER BY owner
""")


def owners(store: Store) -> list[str]:
    """Every user who owns a contact or a deal, sorted (the dashboard's owner choice)."""
    with store.read() as conn:
        return [r[0] for r in conn.execute(_OWNERS)]


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_months(first: date, count: int) -> list[str]:
    """'YYYY-MM' of the month of `first` and the `count - 1` months after it."""
    count = v.integer("months", count, minimum=1, maximum=120) or 1
    year, month = first.year, first.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(slots=True)
class ForecastPlan:
    """One coming month of the forecast in one currency, against its target."""

    month: str  # 'YYYY-MM'
    currency: str
    deal_count: int
    committed_cents: int  # probability-weighted open value
    best_case_cents: int  # all open value
    target_cents: int | None  # None: no target set for the month

    @property
    def committed_share(self) -> float | None:
        """Committed / target (1.0 = on target); None without a (positive) target."""
        return self.committed_cents / self.target_cents if self.target_cents else None

    @property
    def best_case_share(self) -> float | None:
        return self.best_case_cents / self.target_cents if self.target_cents else None


def forecast_plan(
    rows: list[ForecastMonth],
    months: list[str],
    currency: str,
    targets: dict[str, int] | None = None,
) -> list[ForecastPlan]:
    """Each of `months`, with zeros where no open deal is expected to close.

    Args:
        rows: `forecast` results (any currencies; only `currency` is used).
        targets: target cents per 'YYYY-MM'; months missing have no target.
    """
    targets = targets or {}
    found = {r.month: r for r in rows if r.currency == currency}
    plan = []
    for month in months:
        r = found.get(month)
        plan.append(
            ForecastPlan(
                month,
                currency,
                r.deal_count if r else 0,
                r.weighted_cents if r else 0,
                r.best_case_cents if r else 0,
                targets.get(month),
            )
        )
    return plan


@dataclass(frozen=True, slots=True)
class DashboardFilters:
    """What the dashboard shows: a period of days, one owner or all, one pipeline."""

    since: date
    until: date  # included
    owner: str | None = None
    pipeline_id: str | None = None  # None: the first pipeline
    utc_offset_minutes: int = 0
    forecast_months: int = 6


@dataclass
class DashboardData:
    """Every aggregate of the dashboard, read in one go on the worker."""

    filters: DashboardFilters
    pipeline_id: str | None
    pipelines: list[tuple[str, str]]  # (id, name) in display order
    owners: list[str]
    currencies: list[str]  # most money first
    pipeline: list[StageValue]
    funnel: list[FunnelStep]
    year: int
    revenue: list[MonthComparison]
    calls: list[DayCalls]
    mix: list[KindCount]
    months: list[str]  # the forecast's months, from the current one
    forecast: list[ForecastMonth]
    stale: list[StaleDeal]
    overdue: list[OverdueDeal]
    timings_ms: dict[str, float]


def dashboard(
    store: Store, filters: DashboardFilters, now: datetime | None = None
) -> DashboardData:
    """All the dashboard's aggregates for `filters` (run off the GUI thread).

    The period applies to calls, the activity mix and the funnel's cohort (deals
    created in it); won revenue is for the year the period ends in, beside the
    year before; pipeline value, forecast and alerts are as of `now`.

    The calls per day and the activity mix (the big reads: every activity of
    the period) run on two helper threads, each with its own connection, while
    the other reports run here; SQLite works without Python's lock, so they
    overlap. The mix takes the calls' total from the calls per day instead of
    counting calls twice.

    Raises:
        ValidationError: a bad period (see `calls_per_day`) or offset.
    """
    _check_range(filters.since, filters.until)
    moment = now or datetime.now(UTC)
    offset = _offset(filters.utc_offset_minutes)
    today = (moment.astimezone(UTC) + timedelta(minutes=offset)).date()
    owner = filters.owner or None
    period = {"owner": owner, "utc_offset_minutes": offset}
    timings: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = fn(*args, **kwargs)
        timings[name] = (time.perf_counter() - started) * 1000
        return result

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dashboard") as helper:
        people = timed("owners", owners, store)
        calls_job = helper.submit(
            timed,
            "calls",
            calls_per_day,
            store,
            filters.since,
            filters.until,
            known_owners=people,
            **period,
        )
        pipelines = [(p.id, p.name) for p in timed("pipelines", list_pipelines, store)]
        known = {pid for pid, _ in pipelines}
        pipeline_id = filters.pipeline_id if filters.pipeline_id in known else None
        if pipeline_id is None and pipelines:
            pipeline_id = pipelines[0][0]
        months = next_months(today, filters.forecast_months)
        others = [k.value for k in ActivityKind if k != ActivityKind.CALL]
        mix_job = helper.submit(
            timed, "mix", activity_mix, store, filters.since, filters.until, kinds=others, **period
        )
        data = DashboardData(
            filters=filters,
            pipeline_id=pipeline_id,
            pipelines=pipelines,
            owners=people,
            currencies=[],
            pipeline=(
                timed("pipeline", pipeline_value, store, pipeline_id, owner=owner)
                if pipeline_id
                else []
            ),
            funnel=(
                timed(
                    "funnel",
                    funnel,
                    store,
                    pipeline_id,
                    owner=owner,
                    since=_local_midnight(filters.since, offset),
                    until=_local_midnight(filters.until + timedelta(days=1), offset),
                )
                if pipeline_id
                else []
            ),
            year=filters.until.year,
            revenue=timed(
                "revenue", won_revenue_vs_previous_year, store, filters.until.year, **period
            ),
            calls=[],
            mix=[],
            months=months,
            forecast=[
                r
                for r in timed(
                    "forecast",
                    forecast,
                    store,
                    pipeline_id=pipeline_id,
                    owner=owner,
                    from_month=months[0],
                )
                if r.month <= months[-1]
            ],
            stale=timed("stale", stale_deals, store, moment, pipeline_id=pipeline_id, owner=owner),
            overdue=timed(
                "overdue", overdue_deals, store, today, pipeline_id=pipeline_id, owner=owner
            ),
            timings_ms=timings,
        )
        data.calls = calls_job.result()
        data.mix = mix_job.result()
    calls = sum(c.calls for c in data.calls)
    if calls:
        data.mix.append(KindCount(ActivityKind.CALL.value, calls))
        data.mix.sort(key=lambda k: (-k.count, k.kind))
    data.currencies = _currencies(data)
    return data


def _currencies(data: DashboardData) -> list[str]:
    """The currencies with money on the dashboard, the most (open + won + forecast) first."""
    totals: dict[str, int] = {}
    for row in data.pipeline:
        if row.currency:
            totals[row.currency] = totals.get(row.currency, 0) + row.value_cents
    for r in data.revenue:
        totals[r.currency] = totals.get(r.currency, 0) + r.value_cents + r.previous_year_cents
    for f in data.forecast:
        totals[f.currency] = totals.get(f.currency, 0) + f.best_case_cents
    return sorted(totals, key=lambda c: (-totals[c], c))


def parse_target(text: str) -> int | None:
    """A monthly target typed by the user ('120,000', '99.5') in cents; '' clears it.

    Raises:
        ValidationError: not a positive amount.
    """
    text = (text or "").strip()
    if not text:
        return None
    cents = v.money_cents("target", text)
    if cents > MAX_TARGET_CENTS:
        raise ValidationError(
            "target",
            f"target must be at most {MAX_TARGET_CENTS // 100:,}.",
            code="validation.range",
            maximum=MAX_TARGET_CENTS // 100,
        )
    return cents
