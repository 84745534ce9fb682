"""What the handlers, policies and the capture work with; bootstrap builds the real ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.decider import Decider, StateCache
from parley.chassis.event_store import EventStore
from parley.chassis.projections import Positions
from parley.recording.domain import recording
from parley.recording.domain.timeline import FeedPacket

recording_decider: Decider[recording.Command, recording.Recording] = Decider(
    initial_state=recording.Recording(), decide=recording.decide, evolve=recording.evolve
)


class FeedReader(Protocol):
    async def next_batch(self, most: int, timeout: float) -> list[FeedPacket]: ...

    async def close(self) -> None: ...


class Feed(Protocol):
    async def open(self, space_id: str, *, after_seq: int) -> FeedReader: ...


class Objects(Protocol):
    async def put(
        self, name: str, data: bytes, *, headers: dict[str, str] | None = None
    ) -> int: ...

    async def get(self, name: str) -> bytes: ...

    async def delete(self, name: str) -> None: ...


class Timers(Protocol):
    """Durable timers on the broker (``parley.chassis.timers.Timers``, ADR 19): arming again
    replaces the earlier arming; disarming an unknown one is fine."""

    async def arm(self, timer_id: str, at: datetime, payload: bytes = b"") -> None: ...

    async def disarm(self, timer_id: str) -> None: ...


class Fired(Protocol):
    """A timer that came due (``parley.chassis.timers.FiredTimer``)."""

    @property
    def timer_id(self) -> str: ...


def expiry_timer_id(space_id: str) -> str:
    return f"{space_id}.expiry"


@dataclass(frozen=True)
class RecordingDeps:
    store: EventStore
    sessions: async_sessionmaker[AsyncSession]
    positions: Positions
    feed: Feed
    objects: Objects
    segment_packets: int = 250
    end_quiet_s: float = 1.0
    timers: Timers | None = None  # None: nothing expires (a recorder-only test)
    retention: timedelta = timedelta(days=30)
    cache: StateCache = field(default_factory=StateCache)
