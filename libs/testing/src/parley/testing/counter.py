"""A tiny counter domain (decider, events, projection) exercising the chassis generically in
tests and benchmarks; imported only by them, so its events never reach production."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Column, Integer, MetaData, String, Table, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from parley.chassis.db import add_chassis_tables
from parley.chassis.decider import Decider
from parley.chassis.errors import Conflict
from parley.chassis.event_store import StoredEvent
from parley.contracts.registry import DomainEvent

CONTEXT = "chassistest"


class CounterIncremented(DomainEvent, context=CONTEXT, version=1):
    counter_id: str
    by: int = 1


class CounterClosed(DomainEvent, context=CONTEXT, version=1):
    counter_id: str


@dataclass(frozen=True)
class CounterState:
    value: int = 0
    closed: bool = False


@dataclass(frozen=True)
class Increment:
    counter_id: str
    by: int = 1


def decide(command: Increment, state: CounterState) -> Sequence[DomainEvent]:
    if state.closed:
        raise Conflict("counter is closed", type="counter-closed")
    return [CounterIncremented(counter_id=command.counter_id, by=command.by)]


def evolve(state: CounterState, event: DomainEvent) -> CounterState:
    if isinstance(event, CounterIncremented):
        return CounterState(state.value + event.by, state.closed)
    if isinstance(event, CounterClosed):
        return CounterState(state.value, True)
    return state


counter_decider: Decider[Increment, CounterState] = Decider(CounterState(), decide, evolve)

metadata = MetaData()
add_chassis_tables(metadata)
counters = Table(
    "counters",
    metadata,
    Column("counter_id", String(100), primary_key=True),
    Column("value", Integer, nullable=False),
    Column("events", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
)

applied_log = Table(
    "counter_applied_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seq", Integer, nullable=False),
)


async def create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


@dataclass
class CounterProjection:
    """Sums increments per counter; ``fail_on`` lets a test make chosen events fail."""

    context: str
    name: str = "counters"
    tables: Sequence[Table] = (counters, applied_log)
    fail_on: dict[int, int] = field(default_factory=dict)  # by-value -> failures left (-1 = always)

    @property
    def filter_subjects(self) -> Sequence[str]:
        return [f"{self.context}.>"]

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        payload = event.event
        if not isinstance(payload, CounterIncremented):
            return
        left = self.fail_on.get(payload.by, 0)
        if left != 0:
            self.fail_on[payload.by] = left - 1 if left > 0 else -1
            raise RuntimeError(f"projection failure on by={payload.by}")
        await session.execute(applied_log.insert().values(seq=event.stream_seq))
        row = await session.scalar(
            select(counters.c.value).where(counters.c.counter_id == payload.counter_id)
        )
        if row is None:
            await session.execute(
                counters.insert().values(
                    counter_id=payload.counter_id,
                    value=payload.by,
                    events=1,
                    last_seq=event.stream_seq,
                )
            )
        else:
            await session.execute(
                update(counters)
                .where(counters.c.counter_id == payload.counter_id)
                .values(
                    value=counters.c.value + payload.by,
                    events=counters.c.events + 1,
                    last_seq=event.stream_seq,
                )
            )


async def counter_rows(engine: AsyncEngine) -> list[tuple[str, int, int, int]]:
    async with engine.connect() as connection:
        result = await connection.execute(select(counters).order_by(counters.c.counter_id))
        return [(row[0], row[1], row[2], row[3]) for row in result.all()]


async def applied_sequences(engine: AsyncEngine) -> list[int]:
    """Stream sequences in the order their rows committed (rolled-back attempts leave none)."""
    async with engine.connect() as connection:
        result = await connection.execute(select(applied_log.c.seq).order_by(applied_log.c.id))
        return [row[0] for row in result.all()]
