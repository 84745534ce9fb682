"""A token bucket per user: ``burst`` reactions at once, then ``rate`` per second.

In memory, per replica: with N replicas answering ``react`` a user may get up to N times the
rate. Reactions are ephemeral and cheap, so that bound is good enough and costs no round trip.
"""

from __future__ import annotations

import time
from collections.abc import Callable

_PRUNE_EVERY = 10_000


class TokenBuckets:
    def __init__(
        self, *, rate_per_s: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = rate_per_s
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._takes = 0

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until one is back."""
        now = self._clock()
        tokens, at = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate)
        self._takes += 1
        if self._takes % _PRUNE_EVERY == 0:
            self._prune(now)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self._rate
        self._buckets[key] = (tokens - 1.0, now)
        return 0.0

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled: they behave exactly like new ones."""
        full = [
            key
            for key, (tokens, at) in self._buckets.items()
            if tokens + (now - at) * self._rate >= self._burst
        ]
        for key in full:
            del self._buckets[key]
