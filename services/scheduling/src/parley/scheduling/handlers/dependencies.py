"""What the handlers, policies and timer reactions work with; bootstrap builds the real ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.decider import Decider, StateCache
from parley.chassis.event_store import EventStore
from parley.chassis.projections import Positions
from parley.scheduling.clock import utc_now
from parley.scheduling.domain import reminders, schedule
from parley.scheduling.domain.rules import Limits

schedule_decider: Decider[schedule.Command, schedule.HostSchedule] = Decider(
    initial_state=schedule.HostSchedule(), decide=schedule.decide, evolve=schedule.evolve
)
reminder_decider: Decider[reminders.Command, reminders.State] = Decider(
    initial_state=False, decide=reminders.decide, evolve=reminders.evolve
)


class Timers(Protocol):
    """Durable timers on the broker (``parley.chassis.timers.Timers``): arming a timer again
    replaces its earlier arming; disarming an unknown one is fine."""

    async def arm(self, timer_id: str, at: datetime, payload: bytes = b"") -> None: ...

    async def disarm(self, timer_id: str) -> None: ...


class Fired(Protocol):
    """A timer that came due (``parley.chassis.timers.FiredTimer``)."""

    @property
    def timer_id(self) -> str: ...

    @property
    def due_at(self) -> datetime: ...

    @property
    def payload(self) -> bytes: ...


@dataclass(frozen=True)
class SchedulingDeps:
    store: EventStore
    sessions: async_sessionmaker[AsyncSession]
    positions: Positions
    timers: Timers
    limits: Limits = field(default_factory=Limits)
    host_reminders_s: tuple[int, ...] = (86400, 3600)
    auto_cancel_s: float = 86400
    public_url: str = "http://127.0.0.1:8080"
    clock: Callable[[], datetime] = utc_now
    cache: StateCache = field(default_factory=StateCache)
