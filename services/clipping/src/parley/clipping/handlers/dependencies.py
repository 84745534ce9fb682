"""What the handlers, policies and timers work with; bootstrap builds the real ones."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.decider import Decider, StateCache
from parley.chassis.event_store import EventStore
from parley.chassis.projections import CatchUp, Positions
from parley.clipping.domain import clip
from parley.clipping.domain.window import FeedPacket

clip_decider: Decider[clip.Command, clip.Clip] = Decider(
    initial_state=clip.Clip(), decide=clip.decide, evolve=clip.evolve
)


class Feed(Protocol):
    async def since(self, space_id: str, start_ns: int) -> list[FeedPacket]: ...


class Objects(Protocol):
    async def put_clip(self, name: str, data: bytes, *, headers: dict[str, str]) -> int: ...

    async def delete_clip(self, name: str) -> None: ...

    async def recording(self, name: str) -> bytes | None: ...


class Timers(Protocol):
    """Durable timers on the broker (``parley.chassis.timers.Timers``)."""

    async def arm(self, timer_id: str, at: datetime, payload: bytes = b"") -> None: ...

    async def disarm(self, timer_id: str) -> None: ...


@dataclass(frozen=True)
class ClippingDeps:
    store: EventStore
    sessions: async_sessionmaker[AsyncSession]
    positions: Positions
    feed: Feed
    objects: Objects
    timers: Timers
    public_url: str
    expiry_s: float
    catch_up: CatchUp  # a read model has applied its whole stream as of now
    clock_ns: Callable[[], int] = time.time_ns
    cache: StateCache = field(default_factory=StateCache)
