"""What the handlers work with; bootstrap builds the real ones, tests may build their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.decider import StateCache
from parley.chassis.event_store import EventStore
from parley.room.projections.participants import OWN_MEMBERSHIPS, Participants
from parley.room.projections.position_watch import PositionWatch

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080"
DEFAULT_HOST_GRACE_S = 600.0


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RoomDeps:
    store: EventStore
    sessions: async_sessionmaker[AsyncSession]
    # Where "who is in the Space now" is read (listener counts, blocked-speaker warnings).
    participants: Participants = OWN_MEMBERSHIPS
    # Joins and leaves answer once ``participants`` shows them (read-your-writes), if set.
    presence: PositionWatch | None = None
    public_url: str = DEFAULT_PUBLIC_URL
    host_grace_s: float = DEFAULT_HOST_GRACE_S
    clock: Callable[[], datetime] = utc_now
    # Recent Space and membership states, so a command reads only the events appended since.
    cache: StateCache = field(default_factory=StateCache)
