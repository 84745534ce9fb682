"""The rate limit shared by gateways (``parley.gateway.rate_limits``), on a fake KV bucket:
the sliding window, writes lost to another gateway, and the in-memory budget while KV is away."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from nats.errors import NoRespondersError
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

from parley.gateway.rate_limits import ATTEMPTS, CONTENDED_WAIT_S, SharedWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Entry:
    value: bytes
    revision: int


class FakeKV:
    """get/create/update with revisions, as NATS KV does them. ``interfere`` hits the same key
    from "another gateway" between a read and the write that follows it."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.entries: dict[str, Entry] = {}
        self.revision = 0
        self.interfere = 0
        self.down = False
        self.calls = 0

    async def get(self, key: str) -> Entry:
        self._call()
        if key not in self.entries:
            raise KeyNotFoundError
        entry = self.entries[key]
        if self.interfere:
            self.interfere -= 1
            theirs = [*json.loads(entry.value), self.clock()]
            self._write(key, json.dumps(theirs).encode())
        return Entry(entry.value, entry.revision)

    async def create(self, key: str, value: bytes) -> int:
        self._call()
        if key in self.entries:
            raise KeyWrongLastSequenceError
        return self._write(key, value)

    async def update(self, key: str, value: bytes, last: int) -> int:
        self._call()
        if self.entries[key].revision != last:
            raise KeyWrongLastSequenceError
        return self._write(key, value)

    def _call(self) -> None:
        self.calls += 1
        if self.down:
            raise NoRespondersError

    def _write(self, key: str, value: bytes) -> int:
        self.revision += 1
        self.entries[key] = Entry(value, self.revision)
        return self.revision


class FakeShared:
    def __init__(self, kv: FakeKV | None) -> None:
        self.kv = kv
        self.lost_count = 0

    async def bucket(self) -> Any:
        return self.kv

    def lost(self) -> None:
        self.lost_count += 1


def limiter(kv: FakeKV | None, clock: Clock, limit: int = 2, window_s: float = 60):
    return SharedWindowLimiter("login", limit, window_s, FakeShared(kv), clock=clock)  # type: ignore[arg-type]


async def test_limit_hits_in_any_window_then_how_long_to_wait():
    clock = Clock()
    kv = FakeKV(clock)
    one, other = limiter(kv, clock), limiter(kv, clock)  # two gateways, one bucket

    assert await one.hit("1.2.3.4") is None
    clock.now += 10
    assert await other.hit("1.2.3.4") is None
    clock.now += 5

    assert await one.hit("1.2.3.4") == pytest.approx(45)  # the first hit leaves in 45 s
    assert await other.hit("5.6.7.8") is None  # another client, another budget
    clock.now += 45.1
    assert await other.hit("1.2.3.4") is None  # the window slid
    assert await one.hit("1.2.3.4") == pytest.approx(9.9)


async def test_a_refused_hit_is_not_logged():
    clock = Clock()
    kv = FakeKV(clock)
    limits = limiter(kv, clock, limit=1)
    await limits.hit("a")

    for _ in range(5):
        clock.now += 10
        await limits.hit("a")

    clock.now += 10.1
    assert await limits.hit("a") is None  # 60 s after the only allowed hit


async def test_a_write_lost_to_another_gateway_is_decided_again_on_the_new_log():
    clock = Clock()
    kv = FakeKV(clock)
    limits = limiter(kv, clock, limit=2)
    assert await limits.hit("a") is None

    kv.interfere = 1  # another gateway logs a hit between this read and its write

    assert await limits.hit("a") is not None  # the other hit took the last place


async def test_a_log_too_busy_to_write_is_refused_for_a_moment():
    clock = Clock()
    kv = FakeKV(clock)
    limits = limiter(kv, clock, limit=1000)
    await limits.hit("a")
    kv.interfere = ATTEMPTS

    assert await limits.hit("a") == CONTENDED_WAIT_S


async def test_without_kv_each_gateway_counts_in_memory():
    clock = Clock()
    kv = FakeKV(clock)
    limits = limiter(kv, clock, limit=2)
    kv.down = True

    answers = [await limits.hit("a") for _ in range(3)]

    assert answers[:2] == [None, None]
    assert answers[2] is not None
    assert limits._shared.lost_count == 3  # each failure asks for the bucket to be reopened


async def test_no_bucket_yet_counts_in_memory_and_zero_means_unlimited():
    clock = Clock()
    assert [await limiter(None, clock, limit=1).hit("a") for _ in range(1)] == [None]
    unlimited, kv = limiter(FakeKV(), clock, limit=0), FakeKV()
    assert [await unlimited.hit("a") for _ in range(100)] == [None] * 100
    assert kv.calls == 0
