"""Who may react, per replica and in memory: a token bucket per user (``burst`` reactions at
once, then ``rate`` per second), and the users found present in a live Space, remembered for a
moment so that a storm of reactions from one room is not a storm of queries.

In memory, per replica: with N replicas answering ``react`` a user may get up to N times the
rate. Reactions are ephemeral and cheap, so that bound is good enough and costs no round trip.
Endings and departures are watched live (``entrypoints/presence_endings.py``), so a remembered
presence never outlives its Space, nor the participant's leaving or removal.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.errors import Conflict, Forbidden, RateLimited
from parley.room.queries.participants import present_in_live_space
from parley.room.queries.read_cache import PRESENCE, ReadCache

_PRUNE_EVERY = 10_000
_MAX_REMEMBERED = 100_000


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


class ReactionGate:
    """Checks, in order: the user's rate (429 ``reaction-rate-limited``, before any database
    read, so a flood costs nothing), then presence in a live Space (404 ``space-not-found``,
    409 ``space-not-live``, 403 ``not-in-space``)."""

    def __init__(
        self,
        buckets: TokenBuckets | None = None,
        *,
        presence_ttl_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        reads: ReadCache | None = None,
    ) -> None:
        self._buckets = buckets or TokenBuckets(rate_per_s=5.0, burst=10)
        # A presence found stays found, past its time-to-live, while the read models it was
        # read from have not moved.
        self._reads = reads or ReadCache(None)
        self._presence_ttl_s = presence_ttl_s
        self._clock = clock
        self._present_until: dict[tuple[str, str], float] = {}
        self._departed_until: dict[tuple[str, str], float] = {}
        self._ended: set[str] = set()

    async def admit(
        self,
        sessions: async_sessionmaker[AsyncSession],
        space_id: str,
        user_id: str,
        joined: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """``joined``: the membership's own answer, asked only when the read model says the
        user is not in the Space: the read model may lag a join already answered (its
        projection changing hands between replicas), and a reaction right after a join must
        be accepted."""
        wait_s = self._buckets.take(user_id)
        if wait_s > 0:
            raise RateLimited(
                f"too many reactions: try again in {wait_s:.1f} s", type="reaction-rate-limited"
            )
        await self._check_present(sessions, space_id, user_id, joined)

    def space_ended(self, space_id: str) -> None:
        if len(self._ended) >= _MAX_REMEMBERED:
            self._ended.clear()
        self._ended.add(space_id)
        for key in [key for key in self._present_until if key[0] == space_id]:
            del self._present_until[key]

    def departed(self, space_id: str, user_id: str) -> None:
        """They left or were removed: forget their presence. The read model shows it a moment
        later (maybe applied by another replica), so a presence found until one time-to-live
        from now may be stale: it is not remembered."""
        key = (space_id, user_id)
        self._present_until.pop(key, None)
        self._reads.forget(_presence_key(space_id, user_id))
        if len(self._departed_until) >= _MAX_REMEMBERED:
            self._departed_until.clear()
        self._departed_until[key] = self._clock() + self._presence_ttl_s

    async def _check_present(
        self,
        sessions: async_sessionmaker[AsyncSession],
        space_id: str,
        user_id: str,
        joined: Callable[[], Awaitable[bool]] | None,
    ) -> None:
        if space_id in self._ended:
            raise Conflict("reactions are for live Spaces", type="space-not-live")
        key = (space_id, user_id)
        now = self._clock()
        if self._present_until.get(key, 0.0) > now:
            return

        async def read() -> bool:
            async with sessions() as session:
                try:
                    await present_in_live_space(session, space_id, user_id)
                except Forbidden as absent:
                    if absent.type != "not-in-space" or joined is None or not await joined():
                        raise
            return True

        if self._departed_until.get(key, 0.0) > now:
            await read()  # what the read model says now, never remembered
            return
        await self._reads.get(_presence_key(space_id, user_id), PRESENCE, read)
        if len(self._present_until) >= _MAX_REMEMBERED:
            self._present_until.clear()
        self._present_until[key] = now + self._presence_ttl_s


def _presence_key(space_id: str, user_id: str) -> tuple[str, str, str]:
    return ("present", space_id, user_id)
