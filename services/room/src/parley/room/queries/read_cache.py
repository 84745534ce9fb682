"""Answers of read-model queries, kept while the read models they come from have not moved.

A read model that a runner of this process applies changes only when that runner commits, and
the runner announces every commit after it (the chassis' ``Positions``). An answer read when
the read models were at positions P is what the database would answer for as long as they are
still at P, so reusing it is exact, not eventual. When another replica applies one of them (it
holds the lease), nothing is kept: the database is read as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar, cast

from parley.chassis.projections import Positions

T = TypeVar("T")

Stamp = tuple[int, ...]

IDENTITY = ("room_identity",)
PARTICIPANTS = ("room_participants",)
PRESENCE = ("room_participants", "room_catalog")
REMINDERS = ("room_reminders",)


class ReadCache:
    def __init__(self, positions: Positions | None, *, max_entries: int = 100_000) -> None:
        self._positions = positions
        self._max = max_entries
        self._entries: dict[Hashable, tuple[Stamp, object]] = {}
        self._last_stamp: Stamp = ()

    def _stamp(self, projections: Sequence[str]) -> Stamp | None:
        positions = self._positions
        if positions is None or not all(positions.applies(name) for name in projections):
            return None
        stamp = tuple(positions.known(name) for name in projections)
        if stamp == self._last_stamp:  # entries made meanwhile share one stamp object
            return self._last_stamp
        self._last_stamp = stamp
        return stamp

    async def get(
        self, key: Hashable, projections: Sequence[str], read: Callable[[], Awaitable[T]]
    ) -> T:
        """``read()``'s answer, or the one kept for ``key`` if ``projections`` have not moved
        since. A ``read`` that raises keeps nothing."""
        stamp = self._stamp(projections)  # before reading: the answer is at least this new
        if stamp is None:
            return await read()
        entry = self._entries.get(key)
        if entry is not None and entry[0] == stamp:
            return cast(T, entry[1])
        value = await read()
        if len(self._entries) >= self._max:
            self._entries.clear()
        self._entries[key] = (stamp, value)
        return value

    def forget(self, key: Hashable) -> None:
        self._entries.pop(key, None)
