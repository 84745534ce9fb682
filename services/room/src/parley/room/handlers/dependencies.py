"""What the handlers work with; bootstrap builds the real ones, tests may build their own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.decider import StateCache
from parley.chassis.event_store import EventStore
from parley.chassis.projections import Positions
from parley.room.clock import utc_now
from parley.room.handlers.reaction_gate import ReactionGate
from parley.room.live_messages import RawReaction
from parley.room.queries.discovery import Trending
from parley.room.queries.read_cache import ReadCache
from parley.room.settings import DEFAULT_HOST_GRACE_S

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080"

SendReaction = Callable[[str, RawReaction], Awaitable[None]]


async def _no_live_channel(space_id: str, reaction: RawReaction) -> None:
    raise RuntimeError("reactions need the live channel (bootstrap gives it)")


@dataclass(frozen=True)
class RoomDeps:
    store: EventStore
    sessions: async_sessionmaker[AsyncSession]
    # Joins and leaves answer once room_participants shows them (read-your-writes), if set.
    positions: Positions | None = None
    public_url: str = DEFAULT_PUBLIC_URL
    host_grace_s: float = DEFAULT_HOST_GRACE_S
    clock: Callable[[], datetime] = utc_now
    # Recent Space and membership states, so a command reads only the events appended since.
    cache: StateCache = field(default_factory=StateCache)
    # Read-model answers kept while their read models have not moved (applied here only).
    reads: ReadCache = field(default_factory=lambda: ReadCache(None))
    trending: Trending = field(default_factory=Trending)
    reactions: ReactionGate = field(default_factory=ReactionGate)
    # Where an accepted reaction goes: ``reactions.<space_id>``, for the aggregator.
    send_reaction: SendReaction = _no_live_channel
