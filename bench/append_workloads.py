"""What is timed: storing ``UserFollowed`` events through the chassis event store, and raw
JetStream publishes of an equally large body, into the same freshly created stream.

Every workload takes a ``tag`` that is unique per run, so aggregates never collide across runs,
and returns how many events it stored and how long that took (set-up excluded).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from time import perf_counter

from nats.aio.client import Client as NATS
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

from parley.chassis.decider import Decider, StateCache, execute
from parley.chassis.event_store import EventMetadata, EventStore, envelope_for, message_headers
from parley.chassis.messaging import ensure_stream
from parley.contracts import streams
from parley.contracts.events.identity import UserFollowed
from parley.contracts.registry import DomainEvent
from parley.contracts.subjects import aggregate_filter, event_subject

STREAM = streams.IDENTITY.name
CONTEXT = streams.IDENTITY.context
EVENT_NAME = UserFollowed.event_type()


@dataclass(frozen=True)
class Sample:
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds


@dataclass(frozen=True)
class Follow:
    """The one command of the tiny decider used for the full command path."""

    follower_id: str
    followee_id: str


def _decide_follow(command: Follow, following: int) -> Sequence[DomainEvent]:
    return [UserFollowed(follower_id=command.follower_id, followee_id=command.followee_id)]


def _count_follows(following: int, event: DomainEvent) -> int:
    return following + 1


FOLLOWS = Decider[Follow, int](initial_state=0, decide=_decide_follow, evolve=_count_follows)


def aggregate_id(tag: str, writer: int = 0) -> str:
    return f"usr_{tag}_{writer}"


def followed(follower: str, n: int) -> UserFollowed:
    return UserFollowed(follower_id=follower, followee_id=f"usr_followee_{n}")


def chassis_body() -> bytes:
    """A body exactly like the chassis stores, for the raw publishes (same bytes on the wire)."""
    follower = aggregate_id("raw")
    envelope = envelope_for(followed(follower, 0), follower, EventMetadata(correlation_id="cor"))
    return envelope.model_dump_json().encode()


class AppendBench:
    """One connection, one event store, one JetStream context; the stream recreated per run."""

    def __init__(self, nc: NATS) -> None:
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream(timeout=10)
        self.store = EventStore(nc, stream=STREAM, context=CONTEXT, timeout=10)
        self.body = chassis_body()

    async def fresh_stream(self) -> None:
        with contextlib.suppress(NotFoundError):
            await self.js.delete_stream(STREAM)
        await ensure_stream(self.nc, streams.IDENTITY)

    # -- sequential: one aggregate, one append at a time -------------------------------------

    async def chassis_append_sequential(self, tag: str, count: int) -> Sample:
        aggregate = aggregate_id(tag)
        metadata = EventMetadata(correlation_id=f"cor_{tag}")
        version = 0
        start = perf_counter()
        for n in range(count):
            version = await self.store.append(
                aggregate, [followed(aggregate, n)], expected_version=version, metadata=metadata
            )
        return Sample(count, perf_counter() - start)

    async def raw_publish_with_chassis_headers(self, tag: str, count: int) -> Sample:
        """The chassis' headers (dedup id, expected subject sequence) on a pre-encoded body:
        the server-side cost of the checks without the Python envelope work."""
        start = perf_counter()
        await self._publish_with_chassis_headers(aggregate_id(tag), count)
        return Sample(count, perf_counter() - start)

    async def _publish_with_chassis_headers(self, aggregate: str, count: int) -> None:
        subject = event_subject(CONTEXT, aggregate, EVENT_NAME)
        metadata = EventMetadata(correlation_id="cor")
        envelope = envelope_for(followed(aggregate, 0), aggregate, metadata)
        fixed = message_headers(envelope) | {
            "Nats-Expected-Last-Subject-Sequence-Subject": aggregate_filter(CONTEXT, aggregate)
        }
        version = 0
        for n in range(count):
            headers = fixed | {
                "Nats-Msg-Id": f"{aggregate}-{n}",
                "Nats-Expected-Last-Subject-Sequence": str(version),
            }
            ack = await self.js.publish(subject, self.body, stream=STREAM, headers=headers)
            version = ack.seq

    async def raw_publish_sequential(self, tag: str, count: int) -> Sample:
        subject = event_subject(CONTEXT, aggregate_id(tag), EVENT_NAME)
        start = perf_counter()
        for _ in range(count):
            await self.js.publish(subject, self.body)
        return Sample(count, perf_counter() - start)

    # -- concurrent: many aggregates, one writer task each ------------------------------------

    async def chassis_append_concurrent(self, tag: str, writers: int, each: int) -> Sample:
        metadata = EventMetadata(correlation_id=f"cor_{tag}")

        async def writer(w: int) -> None:
            aggregate = aggregate_id(tag, w)
            version = 0
            for n in range(each):
                version = await self.store.append(
                    aggregate, [followed(aggregate, n)], expected_version=version, metadata=metadata
                )

        return await _timed_writers(writer, writers, writers * each)

    async def chassis_execute_concurrent(
        self, tag: str, writers: int, each: int, *, cached: bool = False
    ) -> Sample:
        """The whole command path: load the aggregate, decide, append (per command). With
        ``cached``, a StateCache keeps folded states so each load reads only newer events."""
        metadata = EventMetadata(correlation_id=f"cor_{tag}")
        cache = StateCache() if cached else None

        async def writer(w: int) -> None:
            aggregate = aggregate_id(tag, w)
            for n in range(each):
                command = Follow(aggregate, f"usr_followee_{n}")
                await execute(self.store, FOLLOWS, aggregate, command, metadata, cache=cache)

        return await _timed_writers(writer, writers, writers * each)

    async def raw_publish_with_chassis_headers_concurrent(
        self, tag: str, writers: int, each: int
    ) -> Sample:
        async def writer(w: int) -> None:
            await self._publish_with_chassis_headers(aggregate_id(tag, w), each)

        return await _timed_writers(writer, writers, writers * each)

    async def raw_publish_concurrent(self, tag: str, writers: int, each: int) -> Sample:
        async def writer(w: int) -> None:
            subject = event_subject(CONTEXT, aggregate_id(tag, w), EVENT_NAME)
            for _ in range(each):
                await self.js.publish(subject, self.body)

        return await _timed_writers(writer, writers, writers * each)

    async def raw_publish_async(self, tag: str, writers: int, each: int) -> Sample:
        """Pipelined publishes, acks awaited at the end: the ceiling, with no per-aggregate
        ordering guarantee a decider could rely on."""
        subjects = [
            event_subject(CONTEXT, aggregate_id(tag, w), EVENT_NAME) for w in range(writers)
        ]
        start = perf_counter()
        acks = [
            await self.js.publish_async(subjects[n % writers], self.body)
            for n in range(writers * each)
        ]
        await asyncio.gather(*acks)
        return Sample(len(acks), perf_counter() - start)

    # -- loading: what every command pays before deciding ------------------------------------

    async def load_seconds(self, tag: str, length: int, repeats: int) -> list[float]:
        """Time ``EventStore.load`` of one aggregate holding ``length`` events."""
        aggregate = aggregate_id(tag)
        subject = event_subject(CONTEXT, aggregate, EVENT_NAME)
        metadata = EventMetadata(correlation_id=f"cor_{tag}")
        acks = []
        # Stored exactly as the chassis stores them, but pipelined: on a fresh stream the n-th
        # event of the only aggregate follows sequence n.
        for n in range(length):
            envelope = envelope_for(followed(aggregate, n), aggregate, metadata)
            body = envelope.model_dump_json().encode()
            headers = message_headers(envelope) | {
                "Nats-Expected-Last-Subject-Sequence": str(n),
                "Nats-Expected-Last-Subject-Sequence-Subject": aggregate_filter(CONTEXT, aggregate),
                "Nats-Expected-Stream": STREAM,
            }
            acks.append(await self.js.publish_async(subject, body, headers=headers))
        await asyncio.gather(*acks)
        timings = []
        for _ in range(repeats):
            start = perf_counter()
            events, _ = await self.store.load(aggregate)
            timings.append(perf_counter() - start)
            assert len(events) == length
        return timings


async def _timed_writers(
    writer: Callable[[int], Awaitable[None]], writers: int, events: int
) -> Sample:
    start = perf_counter()
    await asyncio.gather(*(writer(w) for w in range(writers)))
    return Sample(events, perf_counter() - start)
