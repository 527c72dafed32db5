"""The single-flight cache on its own: one build per key, errors shared, memory bounded."""

from __future__ import annotations

import threading
import time

import pytest

from unmentor.network.flight import FlightCache


def test_callers_arriving_during_a_build_wait_for_it() -> None:
    cache = FlightCache(max_bytes=10_000)
    callers = 12
    arrived = threading.Barrier(callers + 1)
    calls: list[int] = []

    def build() -> bytes:
        calls.append(1)
        time.sleep(0.3)  # long enough for every other caller to find the flight
        return b"picture"

    results: list[bytes] = []

    def caller() -> None:
        arrived.wait()
        results.append(cache.get(("v1", "picture"), build))

    threads = [threading.Thread(target=caller) for _ in range(callers)]
    for thread in threads:
        thread.start()
    arrived.wait()
    for thread in threads:
        thread.join()
    assert calls == [1] and results == [b"picture"] * callers and cache.builds == 1


def test_a_failed_build_is_shared_then_forgotten() -> None:
    cache = FlightCache(max_bytes=10_000)

    def broken() -> bytes:
        raise RuntimeError("worker died")

    with pytest.raises(RuntimeError):
        cache.get(("v1", "picture"), broken)
    assert cache.get(("v1", "picture"), lambda: b"drawn") == b"drawn"


def test_least_recently_used_values_go_first_beyond_the_budget() -> None:
    cache = FlightCache(max_bytes=25)
    for name in "abc":
        cache.get(("v1", name), lambda: b"x" * 10)
    assert cache.stored_bytes() == 20, "the first of three 10-byte values made room"
    builds = cache.builds
    cache.get(("v1", "c"), lambda: b"y" * 10)
    assert cache.builds == builds
    cache.get(("v1", "a"), lambda: b"z" * 10)
    assert cache.builds == builds + 1, "a had been evicted"
    cache.get(("v1", "huge"), lambda: b"h" * 100)
    assert cache.stored_bytes() <= 25, "a value larger than the budget is served, not kept"


def test_other_generations_are_dropped_and_late_builds_not_kept() -> None:
    cache = FlightCache(max_bytes=1_000)
    cache.get(("v1", "a"), lambda: b"old")
    cache.retain({"v2"})
    assert cache.stored_bytes() == 0
    assert cache.get(("v1", "a"), lambda: b"late") == b"late"
    assert cache.stored_bytes() == 0, "a build for a dropped generation is not stored"
