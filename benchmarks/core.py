"""The core's benchmarks (issue: headless core), each against a same-run baseline."""

from __future__ import annotations

import json
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlcipher3

from benchmarks import stores
from benchmarks.timing import Figure, p50, p95, samples_ms, seconds

REPO = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
CN_MOBILE_PREFIXES = ("130", "133", "135", "138", "139", "150", "158", "186", "189")
ENGLISH_FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda"]
ENGLISH_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"]


def machine() -> str:
    import os

    python = platform.python_version()
    return f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {python}"


# -- bulk insert ---------------------------------------------------------------------
def _contact_rows(count: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        if rng.random() < 0.4:
            name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN) for _ in range(rng.randint(1, 2))
            )
        else:
            name = f"{rng.choice(ENGLISH_FIRST)} {rng.choice(ENGLISH_LAST)}"
        rows.append(
            {
                "name": name,
                "phones": [f"+86 {rng.choice(CN_MOBILE_PREFIXES)} {i:08d}"],
                "emails": [f"user{i}@example{i % 97}.com"],
                "title": rng.choice(["Manager", "经理", "Director", None]),
                "tags": rng.choice([[], ["vip"], ["lead", "2026"]]),
            }
        )
    return rows


def _raw_connection(path: Path, key: str | None) -> Any:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    if key is not None:
        conn.execute("PRAGMA key = '" + key.replace("'", "''") + "'")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _raw_insert_rate(rows: list[dict[str, Any]]) -> float:
    """Raw executemany of the same contacts into a same-shaped table with no indexes."""
    path = stores.DATA / "scratch" / "raw.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = _raw_connection(path, stores.PASSPHRASE)
    conn.execute(
        "CREATE TABLE contact (id TEXT PRIMARY KEY, name TEXT, name_sort TEXT, phones TEXT, "
        "emails TEXT, title TEXT, tags TEXT, owner TEXT, created_at TEXT, updated_at TEXT)"
    )
    now = "2026-01-01 00:00:00.000000"
    params = [
        (
            f"{i:036d}",
            r["name"],
            r["name"].lower(),
            json.dumps(r["phones"]),
            json.dumps(r["emails"]),
            r["title"],
            json.dumps(r["tags"]),
            "me",
            now,
            now,
        )
        for i, r in enumerate(rows)
    ]
    started = time.perf_counter()
    for start in range(0, len(params), 5000):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO contact VALUES (?,?,?,?,?,?,?,?,?,?)", params[start : start + 5000]
        )
        conn.execute("COMMIT")
    rate = len(params) / (time.perf_counter() - started)
    conn.close()
    return rate


def bench_bulk_insert(count: int) -> list[Figure]:
    from crm_desktop.services.contacts import create_contacts

    rows = _contact_rows(count)
    store = stores.fresh_store("insert")
    started = time.perf_counter()
    result = create_contacts(store, rows).value
    elapsed = time.perf_counter() - started
    store.close()
    assert not result.errors, result.errors[:3]  # every generated row must be valid
    rate = count / elapsed
    return [
        Figure(
            f"bulk insert {count:,} contacts (services)",
            rate,
            "contacts/s",
            _raw_insert_rate(rows),
            "≥ 30,000/s",
            rate >= 30_000,
        )
    ]


# -- on a demo store -----------------------------------------------------------------------
def bench_store(size: int) -> list[Figure]:
    store = stores.demo_store(size)
    label = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
    raw = _raw_connection(store.path, stores.PASSPHRASE)
    queries = _sample_queries(raw)
    figures = _bench_search(store, raw, queries, label)
    figures += _bench_pages(store, raw, size, label)
    figures += _bench_aggregates(store, raw, label)
    figures += _bench_cipher_overhead(store, raw, queries, label)
    raw.close()
    store.close()
    figures += _bench_cold_stats(store.data_dir, label)
    return figures


def _sample_queries(raw: Any, per_kind: int = 20) -> dict[str, list[str]]:
    from crm_desktop.domain.text import has_cjk, pinyin_syllables

    rng = random.Random(11)
    names = [r[0] for r in raw.execute("SELECT name FROM contact ORDER BY random() LIMIT 2000")]
    chinese = [n for n in names if has_cjk(n)][:per_kind]
    latin = [n for n in names if not has_cjk(n)][:per_kind]
    phones = [
        json.loads(r[0])[0]["number"]
        for r in raw.execute(
            "SELECT phones FROM contact WHERE phones != '[]' ORDER BY random() LIMIT ?", (per_kind,)
        )
    ]
    return {
        "latin": [n.split()[-1][: rng.randint(3, 6)] for n in latin],
        "chinese": [n[:2] for n in chinese],
        "pinyin": ["".join(pinyin_syllables(n)) for n in chinese],
        "initials": ["".join(s[0] for s in pinyin_syllables(n)) for n in chinese],
        "phone": [f"{p[3:6]} {p[6:10]}" if p.startswith("+86") else p[-7:] for p in phones],
    }


def _bench_search(store: Any, raw: Any, queries: dict[str, list[str]], label: str) -> list[Figure]:
    from crm_desktop.services.search import search
    from crm_desktop.store.search_text import match_expression

    figures = []
    for kind, items in queries.items():
        for q in items:  # warm the page cache, as a user's second keystroke finds it
            search(store, q)
        times = [t for q in items for t in samples_ms(lambda q=q: search(store, q), 3)]
        base = [
            t
            for q in items
            for t in samples_ms(
                lambda q=q: raw.execute(
                    "SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT 50",
                    (match_expression(q),),
                ).fetchall(),
                3,
            )
        ]
        figures.append(Figure(f"search {kind} p50 ({label})", p50(times), "ms", p50(base)))
        figures.append(
            Figure(
                f"search {kind} p95 ({label})",
                p95(times),
                "ms",
                p95(base),
                "≤ 20 ms",
                p95(times) <= 20,
            )
        )
    return figures


def _bench_pages(store: Any, raw: Any, size: int, label: str) -> list[Figure]:
    """Pages at random offsets: first touch (pages read from disk and decrypted), then
    warm against the raw keyset query over the same rows, both read once before."""
    from crm_desktop.services.queries import ANCHOR_STEP, ContactQuery

    query = ContactQuery(store)
    anchors = seconds(query.anchors)
    rng = random.Random(5)
    offsets = [rng.randrange(0, max(1, size - 100)) for _ in range(50)] + [0, size - 100]
    first = [seconds(lambda o=o: query.page_at(o, 100)) * 1000 for o in offsets]
    keys = [query.anchors()[o // ANCHOR_STEP] for o in offsets]

    def raw_page(key: Any) -> None:
        raw.execute(
            "SELECT id, name, phones FROM contact WHERE (name_sort, id) >= (?, ?) "
            "ORDER BY name_sort, id LIMIT 100",
            key,
        ).fetchall()

    for key in keys:
        raw_page(key)
    warm = [t for o in offsets for t in samples_ms(lambda o=o: query.page_at(o, 100), 2)]
    base = [t for k in keys for t in samples_ms(lambda k=k: raw_page(k), 2)]
    return [
        Figure(f"contact list anchors, once per view ({label})", anchors * 1000, "ms"),
        Figure(f"contact page at any offset, first touch p95 ({label})", p95(first), "ms"),
        Figure(
            f"contact page of 100 at any offset p95 ({label})",
            p95(warm),
            "ms",
            p95(base),
            "≤ 10 ms",
            p95(warm) <= 10,
        ),
    ]


def _bench_aggregates(store: Any, raw: Any, label: str) -> list[Figure]:
    from crm_desktop.services import pipelines, reports

    pipeline = pipelines.list_pipelines(store)[0].id
    today = datetime.now(UTC).date()
    runs = {
        "pipeline value per stage": lambda: reports.pipeline_value(store, pipeline),
        "funnel conversion": lambda: reports.funnel(store, pipeline),
        "won revenue per month": lambda: reports.won_revenue_by_month(store),
        "calls per day per rep (90 days)": lambda: reports.calls_per_day(
            store, today - timedelta(days=90), today
        ),
        "forecast by close month": lambda: reports.forecast(store),
        "activity mix (365 days)": lambda: reports.activity_mix(
            store, today - timedelta(days=365), today
        ),
    }
    activities = raw.execute("SELECT count(*) FROM activity").fetchone()[0]
    base = p50(
        samples_ms(
            lambda: raw.execute("SELECT kind, count(*) FROM activity GROUP BY kind").fetchall(), 3
        )
    )
    figures = []
    for name, run in runs.items():
        run()
        value = p50(samples_ms(run, 3))
        figures.append(
            Figure(
                f"chart: {name} ({label}, {activities // 1000}k act.)",
                value,
                "ms",
                base,
                "≤ 200 ms",
                value <= 200,
            )
        )
    return figures


def _plain_copy(store: Any, raw: Any) -> Path:
    plain = store.data_dir / "plain-copy.db"
    if not plain.exists():
        raw.execute(f"ATTACH DATABASE '{plain}' AS plain KEY ''")
        raw.execute("SELECT sqlcipher_export('plain')")
        raw.execute("DETACH DATABASE plain")
    return plain


def _workload(conn: Any, queries: dict[str, list[str]], keys: list[Any]) -> float:
    """Searches, list pages and chart queries, as the app runs them."""
    from crm_desktop.store.search_text import match_expression

    since = (datetime.now(UTC) - timedelta(days=90)).strftime("%Y-%m-%d")

    def run() -> None:
        for items in queries.values():
            for q in items:
                conn.execute(
                    "SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT 50",
                    (match_expression(q),),
                ).fetchall()
        for key in keys:
            conn.execute(
                "SELECT id, name FROM contact WHERE (name_sort, id) >= (?, ?) "
                "ORDER BY name_sort, id LIMIT 100",
                key,
            ).fetchall()
        # The charts' own access paths: index ranges and covering indexes.
        conn.execute(
            "SELECT substr(occurred_at, 1, 10), owner, count(*) FROM activity "
            "WHERE kind = 'call' AND occurred_at >= ? GROUP BY 1, 2",
            (since,),
        ).fetchall()
        conn.execute(
            "SELECT stage_id, currency, count(stage_id), sum(value_cents) FROM deal "
            "WHERE status = 'open' AND expected_close >= '0001-01-01' GROUP BY 1, 2"
        ).fetchall()

    run()  # warm both caches alike
    return p50(samples_ms(run, 3))


def _bench_cipher_overhead(
    store: Any, raw: Any, queries: dict[str, list[str]], label: str
) -> list[Figure]:
    from crm_desktop.services.queries import ContactQuery

    keys = ContactQuery(store).anchors()[:: max(1, len(ContactQuery(store).anchors()) // 50)]
    plain = sqlcipher3.connect(str(_plain_copy(store, raw)), isolation_level=None)
    for conn in (raw, plain):
        conn.execute("PRAGMA cache_size = -262144")
    encrypted = _workload(raw, queries, keys)
    clear = _workload(plain, queries, keys)
    plain.close()
    return [
        Figure(
            f"same workload SQLCipher vs plain SQLite ({label})",
            encrypted,
            "ms",
            clear,
            "≤ 1.3x",
            encrypted <= 1.3 * clear,
        )
    ]


def _bench_cold_stats(data_dir: Path, label: str) -> list[Figure]:
    env = stores.env_with_passphrase()
    command = [sys.executable, "-m", "crm_desktop", "--data-dir", str(data_dir), "stats"]
    baseline = [
        sys.executable,
        "-c",
        (
            "import sqlcipher3,sys; c=sqlcipher3.connect(sys.argv[1]); "
            f"c.execute(\"PRAGMA key = '{stores.PASSPHRASE}'\"); "
            "print(c.execute('SELECT count(*) FROM contact').fetchone())"
        ),
        str(data_dir / "crm.db"),
    ]

    def best(cmd: list[str]) -> float:
        def once() -> None:
            subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=REPO)

        return min(samples_ms(once, 3)) / 1000

    value = best(command)
    return [
        Figure(
            f"`crm-desktop stats` cold process ({label})",
            value,
            "s",
            best(baseline),
            "≤ 1.0 s",
            value <= 1.0,
        )
    ]
