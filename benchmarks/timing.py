"""Small timing helpers and the report table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def samples_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    return [seconds(fn) * 1000 for _ in range(repeat)]


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    target: str = ""
    ok: bool | None = None

    def line(self) -> str:
        ratio = f"{self.value / self.baseline:7.2f}x" if self.baseline else "      - "
        base = f"{self.baseline:10.2f}" if self.baseline is not None else "         -"
        verdict = {True: "ok", False: "MISSED", None: ""}[self.ok]
        figure = f"{self.value:10.2f} {self.unit:<10}"
        return f"{self.name:<44} {figure} {base} {ratio}  {self.target:<16} {verdict}"


HEADER = (
    f"{'operation':<44} {'figure':>10} {'unit':<10} {'baseline':>10} {'ratio':>8}  {'target':<16}"
)
