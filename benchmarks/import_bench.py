"""CSV import of 100k rows (issue 6 point 5: ≤ 10 s), against the raw parse of the same file.

The figure is the whole `crm-desktop import` path: read and decode the file,
guess the mapping, check every row (once), look for duplicates against the
store and within the file, write the contacts in batches as one undoable
import. The baseline is `csv.reader` alone over the same bytes, measured in
the same run: a busy machine moves both sides together.
"""

from __future__ import annotations

import csv
import io
import random
import time
from pathlib import Path
from typing import Any

from benchmarks import stores
from benchmarks.core import CN_MOBILE_PREFIXES, ENGLISH_FIRST, ENGLISH_LAST, GIVEN, SURNAMES
from benchmarks.timing import Figure

TARGET_S = 10.0
COMPANIES = [f"{c}科技有限公司" for c in ("华信", "远航", "星辰", "博远", "蓝海", "天成")] + [
    "Acme Ltd",
    "Globex Inc",
]


def write_csv(path: Path, count: int, seed: int = 11) -> None:
    """A Chinese-Excel-like export: GB18030, Chinese headers, mixed names, 10% with a company."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "手机", "邮箱", "公司", "职位", "标签", "备注"])
    for i in range(count):
        if rng.random() < 0.5:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))
        else:
            name = f"{rng.choice(ENGLISH_FIRST)} {rng.choice(ENGLISH_LAST)} {i}"
        writer.writerow(
            [
                name,
                f"{rng.choice(CN_MOBILE_PREFIXES)}{i:08d}",
                f"user{i}@example{i % 97}.com",
                rng.choice(COMPANIES) if rng.random() < 0.1 else "",
                rng.choice(["经理", "Director", ""]),
                rng.choice(["", "vip", "lead,2026"]),
                "" if rng.random() < 0.8 else "来自展会",
            ]
        )
    path.write_bytes(out.getvalue().encode("gb18030"))


def _raw_parse_seconds(path: Path) -> float:
    started = time.perf_counter()
    text = path.read_bytes().decode("gb18030")
    rows = sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    elapsed = time.perf_counter() - started
    assert rows > 0
    return elapsed


def bench_import(count: int = 100_000) -> list[Figure]:
    from crm_desktop.services.csv_import import (
        check_duplicates,
        guess_mapping,
        plan_import,
        read_table,
        write_rows,
    )

    path = stores.DATA / "scratch" / f"import-{count}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_csv(path, count)
    store = stores.fresh_store("import")
    phases: dict[str, float] = {}
    cpus: dict[str, float] = {}
    cpu = time.process_time()
    started = time.perf_counter()
    table = read_table(path)
    phases["read"] = time.perf_counter() - started
    cpus["read"] = time.process_time() - cpu
    mark, cmark = time.perf_counter(), time.process_time()
    ready, report = plan_import(table, guess_mapping(table.headers))
    phases["check rows"] = time.perf_counter() - mark
    cpus["check rows"] = time.process_time() - cmark
    mark, cmark = time.perf_counter(), time.process_time()
    ready = check_duplicates(store, ready, report)
    phases["duplicates"] = time.perf_counter() - mark
    cpus["duplicates"] = time.process_time() - cmark
    mark, cmark = time.perf_counter(), time.process_time()
    write_rows(store, ready, report)
    phases["write"] = time.perf_counter() - mark
    cpus["write"] = time.process_time() - cmark
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    store.close()
    assert report.imported + len(report.skipped) == count, (report.imported, report.skipped[:3])
    raw = _raw_parse_seconds(path)
    print(
        f"  import {count:,} rows: "
        + ", ".join(f"{k} {v:.1f} s (CPU {cpus[k]:.1f})" for k, v in phases.items())
        + f"; {report.imported:,} imported, {len(report.skipped):,} skipped; "
        f"CPU {cpu:.1f} s of {elapsed:.1f} s wall"
    )
    return [
        Figure(
            f"CSV import {count:,} rows (whole path)",
            elapsed,
            "s",
            raw,
            f"≤ {TARGET_S:.0f} s",
            elapsed <= TARGET_S * count / 100_000,
        )
    ]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import sys

    count = int((argv or sys.argv[1:] or ["100000"])[0])
    figures = bench_import(count)
    for figure in figures:
        print(figure.line())
    return {"figures": figures}


if __name__ == "__main__":
    main()
