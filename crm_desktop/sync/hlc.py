"""Hybrid logical clock (Kulkarni et al.): wall-clock-ish timestamps that never go back.

A timestamp is one integer: milliseconds since the epoch shifted left 16 bits,
plus a 16-bit counter. Integers compare, sort and index cheaply in SQLite and
PostgreSQL, and the wall-clock part stays readable (``ts >> 16``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
# A remote clock further ahead than this is refused: it would drag every
# later local edit into the future and make it win every merge.
MAX_DRIFT_MS = 24 * 3600 * 1000


def pack(ms: int, counter: int) -> int:
    return (ms << COUNTER_BITS) | counter


def wall_ms(ts: int) -> int:
    """The wall-clock milliseconds part of a timestamp."""
    return ts >> COUNTER_BITS


class ClockDriftError(ValueError):
    """A remote timestamp is implausibly far ahead of the local wall clock."""


class HybridLogicalClock:
    """Issues strictly increasing timestamps; absorbs remote ones on receive."""

    def __init__(self, last: int = 0, now_ms: Callable[[], int] | None = None):
        self._last = last
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()

    @property
    def last(self) -> int:
        return self._last

    def now(self) -> int:
        """A timestamp for a local event, greater than every one seen before."""
        with self._lock:
            physical = pack(self._now_ms(), 0)
            self._last = max(physical, self._last + 1)
            return self._last

    def receive(self, remote: int) -> int:
        """Absorb a timestamp from another replica; later local ones exceed it."""
        now = self._now_ms()
        if wall_ms(remote) - now > MAX_DRIFT_MS:
            raise ClockDriftError(f"remote clock {wall_ms(remote)} ms is ahead of local {now} ms")
        with self._lock:
            self._last = max(self._last + 1, remote + 1, pack(now, 0))
            return self._last
