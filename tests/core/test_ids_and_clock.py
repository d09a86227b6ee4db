import uuid

import pytest

from crm_desktop.ids import is_valid_id, new_id
from crm_desktop.sync.hlc import ClockDriftError, HybridLogicalClock, pack, wall_ms


def test_ids_are_uuid7_unique_and_sorted():
    ids = [new_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert is_valid_id(ids[0])
    assert not is_valid_id("not-an-id")


def test_clock_is_monotonic_even_when_wall_clock_goes_back():
    now = [1_000_000]
    clock = HybridLogicalClock(now_ms=lambda: now[0])
    first = clock.now()
    now[0] -= 5_000  # the user sets the clock back
    second = clock.now()
    assert second > first
    assert wall_ms(second) == 1_000_000


def test_receive_moves_past_remote_timestamps():
    clock = HybridLogicalClock(now_ms=lambda: 1_000)
    remote = pack(1_500, 7)
    received = clock.receive(remote)
    assert received > remote
    assert clock.now() > received


def test_receive_refuses_absurd_future():
    clock = HybridLogicalClock(now_ms=lambda: 1_000)
    with pytest.raises(ClockDriftError):
        clock.receive(pack(1_000 + 10 * 24 * 3600 * 1000, 0))


def test_clock_resumes_from_persisted_value():
    clock = HybridLogicalClock(last=pack(5_000, 3), now_ms=lambda: 1_000)
    assert clock.now() == pack(5_000, 4)
