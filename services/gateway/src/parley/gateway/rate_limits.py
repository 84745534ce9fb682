"""Per-client-IP rate limits on the anonymous endpoints that cost the most (register, login),
shared by every gateway of a deployment.

A sliding window log per (limit, client IP): the times of the last ``limit`` allowed hits, in a
NATS KV bucket (``PARLEY_RATE_LIMIT_BUCKET``, default ``rate_limits``; memory storage, entries
expire ``window_s`` after their last change), so a client gets at most ``limit`` hits in any
``window_s`` seconds however many gateways share the load. A hit reads the log (one KV get) and
writes it back with the revision it read (one KV update, or a create for a new key); a hit on
another gateway in between makes that write fail, and the hit is decided again on the new log
(at most :data:`ATTEMPTS` times; a log that busy is refused for a second). Within one gateway,
hits on one key take turns (a lock per key), so a burst from one client contends only with
other gateways, never with itself. A refused hit is not logged: its ``Retry-After`` is when
the oldest logged hit leaves the window.

Cost on the hot path: two KV round trips per register or login (well under a millisecond on one
machine, next to identity's password hashing, tens of ms), none elsewhere. Times come from each
gateway's wall clock: gateways must agree to within a small part of the window (NTP does).

When KV does not answer (NATS down, JetStream unavailable), each gateway falls back to its own
in-memory log (:class:`SlidingWindowLimiter`): the documented per-replica budget, up to N times
the rate with N gateways, until KV answers again (the bucket is reopened a few seconds later;
memory storage does not survive a NATS restart, so the counts then start again from zero).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from nats.aio.client import Client as NATS
from nats.errors import Error as NatsError
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import BadRequestError, KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from parley.chassis.logs import get_logger

log = get_logger(__name__)

ATTEMPTS = 5  # writes lost to other gateways' hits on the same key before refusing
CONTENDED_WAIT_S = 1.0
MAX_REMEMBERED_TURNS = 10_000
KV_TIMEOUT_S = 0.5  # beyond it, this request counts in memory
OPEN_RETRY_S = 5.0
_WARN_EVERY_S = 60.0


class RateLimiter(Protocol):
    limit: int
    window_s: float

    async def hit(self, key: str) -> float | None:
        """Count one hit; ``None`` if allowed, else seconds until one would be."""
        ...


class SlidingWindowLimiter:
    """At most ``limit`` hits per key in any ``window_s`` seconds (``limit <= 0``: unlimited),
    counted in this process's memory."""

    def __init__(
        self, limit: int, window_s: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._next_sweep = clock() + window_s

    def hit(self, key: str) -> float | None:
        """Count one hit; ``None`` if allowed, else seconds until the next hit would be."""
        if self.limit <= 0:
            return None
        now = self._clock()
        self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.window_s - now
        hits.append(now)
        return None

    def _sweep(self, now: float) -> None:
        # Forget idle clients once per window, so memory follows recent traffic only.
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window_s
        horizon = now - self.window_s
        idle = [key for key, hits in self._hits.items() if not hits or hits[-1] <= horizon]
        for key in idle:
            del self._hits[key]


class SharedHits:
    """The KV bucket every gateway's limiters share, opened once NATS is connected (and again
    a few seconds later, on use, while that fails)."""

    def __init__(
        self, bucket: str, *, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.name = bucket
        self.window_s = window_s
        self._clock = clock
        self._nc: NATS | None = None
        self._kv: KeyValue | None = None
        self._retry_at = float("-inf")

    async def open(self, nc: NATS) -> None:
        self._nc = nc
        await self.bucket()

    async def bucket(self) -> KeyValue | None:
        """The bucket; ``None`` while it cannot be had (then hits count in memory)."""
        if self._kv is not None or self._nc is None or self._clock() < self._retry_at:
            return self._kv
        self._retry_at = self._clock() + OPEN_RETRY_S
        config = KeyValueConfig(
            bucket=self.name,
            description="Recent register/login hits per client IP (the gateways' rate limits)",
            history=1,
            ttl=self.window_s,
            storage=StorageType.MEMORY,
        )
        try:
            # There already, perhaps made with another window: used as it is.
            with contextlib.suppress(BadRequestError):
                await self._nc.jetstream(timeout=KV_TIMEOUT_S * 4).create_key_value(config)
            # Every KV call of the limiters is bounded by this context's timeout.
            self._kv = await self._nc.jetstream(timeout=KV_TIMEOUT_S).key_value(self.name)
        except (NatsError, TimeoutError) as error:
            log.warning("rate_limits.bucket_unavailable", bucket=self.name, error=repr(error))
            return None
        log.info("rate_limits.shared", bucket=self.name, window_s=self.window_s)
        return self._kv

    def lost(self) -> None:
        """The bucket stopped answering (NATS restarted: memory storage is gone): open it
        again, a few seconds from now."""
        self._kv = None
        self._retry_at = self._clock() + OPEN_RETRY_S


class SharedWindowLimiter:
    """At most ``limit`` hits per key in any ``window_s`` seconds, across every gateway (see
    the module's docstring); in memory while KV is out of reach."""

    def __init__(
        self,
        name: str,
        limit: int,
        window_s: float,
        shared: SharedHits,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.limit = limit
        self.window_s = window_s
        self._shared = shared
        self._clock = clock
        self._fallback = SlidingWindowLimiter(limit, window_s)
        self._warned_at = float("-inf")
        self._turns: dict[str, asyncio.Lock] = {}  # one writer per key in this gateway

    async def hit(self, key: str) -> float | None:
        if self.limit <= 0:
            return None
        kv = await self._shared.bucket()
        if kv is None:
            return self._fallback.hit(key)
        kv_key = f"{self.name}.{key.encode().hex() or '-'}"
        turn = self._turns.setdefault(kv_key, asyncio.Lock())
        try:
            async with turn:
                return await self._hit_shared(kv, kv_key)
        except (NatsError, TimeoutError) as error:
            self._warn(error)
            self._shared.lost()
            return self._fallback.hit(key)
        finally:
            if len(self._turns) > MAX_REMEMBERED_TURNS:  # forget the idle ones
                self._turns = {k: lock for k, lock in self._turns.items() if lock.locked()}

    async def _hit_shared(self, kv: KeyValue, kv_key: str) -> float | None:
        for _ in range(ATTEMPTS):
            now = self._clock()
            try:
                entry = await kv.get(kv_key)
            except KeyNotFoundError:
                entry = None
            logged = _decode(entry.value if entry else None)
            hits = [at for at in logged if at > now - self.window_s]
            if len(hits) >= self.limit:  # (at most a window: a clock ahead of ours logged it)
                return min(hits[-self.limit] + self.window_s - now, self.window_s)
            value = _encode([*hits, now][-self.limit :])
            try:
                if entry is None:
                    await kv.create(kv_key, value)
                else:
                    await kv.update(kv_key, value, last=entry.revision)
            except KeyWrongLastSequenceError:
                continue  # another gateway logged a hit meanwhile: decide on the new log
            return None
        return CONTENDED_WAIT_S

    def _warn(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            log.warning("rate_limits.counting_in_memory", limiter=self.name, error=repr(error))


def _encode(hits: list[float]) -> bytes:
    return json.dumps([round(at, 3) for at in hits]).encode()


def _decode(value: bytes | None) -> list[float]:
    if not value:
        return []
    try:
        hits = json.loads(value)
    except ValueError:
        return []
    if not isinstance(hits, list):
        return []
    return sorted(float(at) for at in hits if isinstance(at, int | float))
