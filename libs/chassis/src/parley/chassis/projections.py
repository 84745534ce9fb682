"""Projection runner: a durable pull consumer feeding one read model.

Guarantees
- Row changes and the last processed stream sequence commit in one transaction (one per
  fetched batch; a batch containing a failing event is re-applied one event at a time), and
  an event at or below that sequence is skipped: redelivery after a crash is harmless.
- Events are applied strictly in stream order. The database position is the cursor: on start
  the durable consumer is recreated to begin right after it, and a gap in the delivery
  sequence (a delivery lost in transit) restarts it from there. A failing event is NAKed with
  backoff, and the consumer then restarts from the committed position, so nothing after it is
  applied until it succeeds or is exhausted.
- One runner per projection is active at a time: a service runs each of its runners under a
  lease (``parley.chassis.leases``), so that of its replicas one applies and the others stand
  by, and one of them takes over when the holder stops or dies. Should two ever overlap (a
  holder stalled past its lease), the position only moves from the value the runner last
  committed (a conditional update): the batch of a runner whose position moved under it rolls
  back, and it starts again from the committed one, so an event is still applied once and the
  position never goes back.
- Per batch: one transaction (the rows and the position's conditional update; the position is
  read only when the runner starts or another runner moved it) and one acknowledgement (the
  consumer acknowledges all up to the batch's last event).
- Redelivery is bounded: after ``max_attempts`` failures the event goes to the
  ``dead_letters`` table and to ``parley.deadletter.<projection>`` on NATS, is logged as an
  error and acknowledged, and the projection moves on (visible, not silently dropped).
- ``rebuild()`` clears the read model and replays the stream from sequence 1.

Read-your-writes (:class:`Positions`, one per service process): a command's caller waits for
the stream sequence its append returned; the runner's commit of that sequence (or its dead
letter) wakes it at once, no polling. The runner of another replica announces each commit on
``parley.position.<service>.<projection>`` (core NATS), which wakes the waiters of every
replica; the shared database is read only when no such notice came for a while.
``wait_for_position`` is the same for tests and tools.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import nats.errors
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.db import chassis_tables
from parley.chassis.dead_letters import DeadLetters
from parley.chassis.event_store import StoredEvent, decode_message
from parley.chassis.logs import get_logger
from parley.chassis.tracing import extract_context
from parley.contracts.streams import StreamSpec

log = get_logger(__name__)
_tracer = trace.get_tracer("parley.chassis.projections")


class Projection(Protocol):
    """A read model. ``apply`` writes rows through ``session``; it must not commit."""

    name: str
    filter_subjects: Sequence[str]
    tables: Sequence[Table]

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None: ...


@dataclass(frozen=True)
class RunnerOptions:
    batch_size: int = 100
    fetch_timeout_s: float = 0.5
    max_attempts: int = 5
    backoff_s: Sequence[float] = (0.05, 0.2, 1.0, 3.0, 10.0)
    ack_wait_s: float = 30.0


positions = chassis_tables()["projection_positions"]


async def read_position(session: AsyncSession, projection: str, *, for_update: bool = False) -> int:
    """The projection's committed position; ``for_update`` locks its row until the transaction
    ends (PostgreSQL; SQLite serialises writers anyway), so that two runners overlapping for a
    moment cannot both apply the events after it."""
    query = select(positions.c.last_seq).where(positions.c.projection == projection)
    row = await session.scalar(query.with_for_update() if for_update else query)
    return int(row or 0)


_ADVANCE = (
    update(positions)
    .where(
        positions.c.projection == bindparam("of_projection"),
        positions.c.last_seq == bindparam("expected_seq"),
    )
    .values(last_seq=bindparam("advanced_seq"))
)


class PositionMoved(Exception):
    """Another runner committed the projection's position since this one last read it."""


async def advance_position(session: AsyncSession, projection: str, expected: int, seq: int) -> None:
    """Move the position from ``expected`` to ``seq`` in ``session``'s transaction, or raise
    :class:`PositionMoved` when it is not at ``expected`` any more (the transaction must then
    roll back: what it applied was applied, or is being applied, by another runner)."""
    params = {"of_projection": projection, "expected_seq": expected, "advanced_seq": seq}
    result = await session.execute(_ADVANCE, params)
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return
    if expected == 0 and await read_position(session, projection) == 0:
        # No row yet: the first commit inserts it (a racing insert fails on the key).
        await write_position(session, projection, seq)
        return
    raise PositionMoved(f"{projection}: the position is no longer {expected}")


async def write_position(session: AsyncSession, projection: str, seq: int) -> None:
    result = await session.execute(
        update(positions).where(positions.c.projection == projection).values(last_seq=seq)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        await session.execute(insert(positions).values(projection=projection, last_seq=seq))


class ProjectionRunner:
    def __init__(
        self,
        nc: NATS,
        *,
        stream: str,
        projection: Projection,
        sessions: async_sessionmaker[AsyncSession],
        options: RunnerOptions | None = None,
        positions: Positions | None = None,
    ) -> None:
        self._nc = nc
        self._js = nc.jetstream()
        self.stream = stream
        self.projection = projection
        self._sessions = sessions
        self.options = options or RunnerOptions()
        self._task: asyncio.Task[None] | None = None
        self._failures: dict[int, int] = {}  # stream seq -> failed attempts so far
        self._dead_letters = DeadLetters(sessions, nc)
        self._positions = positions
        self._committed: int | None = None  # the position as this runner last read or wrote it

    @property
    def durable(self) -> str:
        return f"proj_{self.projection.name}"

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        self._failures.clear()
        position = await self._ensure_consumer()
        if self._positions is not None:
            self._positions.applied_here(self.projection.name, position)
        self._task = asyncio.create_task(self._run(), name=self.durable)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        if self._positions is not None:
            self._positions.no_longer_here(self.projection.name)
        # Cancel until it takes: on Python 3.11, asyncio.wait_for (inside nats-py's next_msg)
        # swallows a cancellation that races with an arriving message, and the loop goes on.
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=0.5)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def rebuild(self) -> None:
        """Clear the read model and replay every event from stream sequence 1."""
        await self.stop()
        async with self._sessions.begin() as session:
            for table in self.projection.tables:
                await session.execute(delete(table))
            await session.execute(
                delete(positions).where(positions.c.projection == self.projection.name)
            )
        if self._positions is not None:
            self._positions.forget(self.projection.name)
        await self.start()

    async def position(self) -> int:
        async with self._sessions() as session:
            return await read_position(session, self.projection.name)

    async def caught_up(self) -> bool:
        info = await self._js.consumer_info(self.stream, self.durable)
        return bool(info.num_pending == 0 and info.num_ack_pending == 0)

    async def wait_until_caught_up(self, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not await self.caught_up():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{self.durable} did not catch up within {timeout}s")
            await asyncio.sleep(0.02)

    # -- consuming ---------------------------------------------------------------------------

    async def _ensure_consumer(self) -> int:
        """(Re)create the durable consumer to start right after the committed position, which
        it returns.

        The database, not the consumer's ack floor, is the cursor: after a crash, the events
        after the last committed one come again *in stream order*, never behind newer ones.
        """
        async with self._sessions() as session:
            position = await read_position(session, self.projection.name)
        self._committed = position
        with contextlib.suppress(NotFoundError):
            await self._js.delete_consumer(self.stream, self.durable)
        start = (
            {"deliver_policy": DeliverPolicy.ALL}
            if position == 0
            else {"deliver_policy": DeliverPolicy.BY_START_SEQUENCE, "opt_start_seq": position + 1}
        )
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.ALL,  # a batch is acknowledged by its last event
            ack_wait=self.options.ack_wait_s,
            max_deliver=-1,  # bounded by the runner for the failing event only (see module doc)
            max_ack_pending=self.options.batch_size * 2,
            filter_subjects=list(self.projection.filter_subjects),
            **start,
        )
        await self._js.add_consumer(self.stream, config)
        return position

    async def _run(self) -> None:
        while True:
            subscription = await self._js.pull_subscribe_bind(self.durable, self.stream)
            try:
                await self._consume(subscription)
            finally:
                # Also on stop(): a pull subscription left behind makes nc.drain() wait for
                # its undelivered status messages until the drain timeout (30 s).
                await subscription.unsubscribe()
            # An event failed or a delivery went missing: go on from the committed position.
            await self._ensure_consumer()

    async def _consume(self, subscription: JetStreamContext.PullSubscription) -> None:
        """Apply deliveries in order until one fails or goes missing (a gap in the consumer
        sequence, which counts every delivery, redeliveries included)."""
        expected_delivery: int | None = None
        while True:
            try:
                messages = await subscription.fetch(
                    self.options.batch_size, timeout=self.options.fetch_timeout_s
                )
            except TimeoutError:  # nats-py raises a plain one too, once the deadline passed
                continue
            except (nats.errors.ConnectionClosedError, nats.errors.ConnectionReconnectingError):
                await asyncio.sleep(0.5)
                continue
            contiguous: list[Msg] = []
            gap = False
            for msg in messages:
                delivery = msg.metadata.sequence.consumer
                if expected_delivery is not None and delivery != expected_delivery:
                    log.warning(
                        "projection.delivery_gap",
                        projection=self.projection.name,
                        expected=expected_delivery,
                        got=delivery,
                    )
                    gap = True
                    break
                expected_delivery = delivery + 1
                contiguous.append(msg)
            if not await self._handle_batch(contiguous) or gap:
                return

    async def _handle_batch(self, messages: list[Msg]) -> bool:
        """Apply a fetched batch in one transaction (one commit, one position write); if any
        event of it fails, apply them one at a time to isolate the failing one."""
        if len(messages) > 1:
            try:
                await self._apply_messages(messages)
            except PositionMoved as moved:
                return self._moved(moved)
            except Exception:
                log.info("projection.batch_failed_retrying_singly", projection=self.projection.name)
            else:
                await messages[-1].ack()  # and every one before it (AckPolicy.ALL)
                for msg in messages:
                    self._failures.pop(msg.metadata.sequence.stream, None)
                return True
        for msg in messages:
            if not await self._handle(msg):
                return False
        return True

    async def _handle(self, msg: Msg) -> bool:
        """Apply one delivery; False means: restart from the committed position."""
        seq = msg.metadata.sequence.stream
        try:
            await self._apply_messages([msg])
        except PositionMoved as moved:
            return self._moved(moved)
        except Exception as error:
            return await self._failed(msg, seq, error)
        await msg.ack()
        self._failures.pop(seq, None)
        return True

    async def _apply_messages(self, messages: list[Msg]) -> None:
        """Apply events in stream order in one transaction with the new position; events at
        or below the committed position (applied before a crash or redelivery) are skipped."""
        async with self._sessions.begin() as session:
            position = self._committed
            if position is None:
                position = await read_position(session, self.projection.name, for_update=True)
            applied = position
            for msg in messages:
                seq = msg.metadata.sequence.stream
                if seq <= applied:
                    continue
                with _tracer.start_as_current_span(
                    f"project {self.projection.name}",
                    context=extract_context(msg.headers),
                    kind=SpanKind.CONSUMER,
                ):
                    await self.projection.apply(session, decode_message(msg.data, msg.subject, seq))
                applied = seq
            if applied > position:
                await advance_position(session, self.projection.name, position, applied)
        self._committed = applied
        if applied > position and self._positions is not None:
            await self._positions.committed(self.projection.name, applied)

    def _moved(self, moved: PositionMoved) -> bool:
        """Another runner moved the position: go on from the committed one."""
        log.warning("projection.position_moved", projection=self.projection.name, error=str(moved))
        self._committed = None
        return False

    async def _failed(self, msg: Msg, seq: int, error: Exception) -> bool:
        attempts = self._failures.get(seq, 0) + 1
        self._failures[seq] = attempts
        if attempts < self.options.max_attempts:
            backoff = self.options.backoff_s[min(attempts - 1, len(self.options.backoff_s) - 1)]
            log.warning(
                "projection.retry",
                projection=self.projection.name,
                seq=seq,
                attempt=attempts,
                delay_s=backoff,
                error=repr(error),
            )
            # Nothing after this event may be applied before it: back off, then restart the
            # consumer from the committed position so the events come again in stream order.
            await msg.nak(delay=backoff)
            await asyncio.sleep(backoff)
            return False
        await self._dead_letter(msg, seq, error)
        await msg.ack()
        self._failures.pop(seq, None)
        return True

    async def _dead_letter(self, msg: Msg, seq: int, error: Exception) -> None:
        async with self._sessions.begin() as session:
            letter = await self._dead_letters.add(session, self.projection.name, msg, error)
            if await read_position(session, self.projection.name, for_update=True) < seq:
                await write_position(session, self.projection.name, seq)
        self._committed = None  # read again at the next batch
        await self._dead_letters.announce(letter)
        if self._positions is not None:  # waiters for it are answered: it will never apply
            await self._positions.committed(self.projection.name, seq)


class Positions:
    """Read-your-writes: a command's caller waits until a projection has applied the stream
    sequence its append returned.

    A projection run by a runner of this process is known exactly: the runner announces its
    position when it starts and each commit after (:meth:`committed`), which wakes the waiters
    at once; its waiters never read the database.

    A projection another replica runs (it holds the lease) is known from that replica's
    notices: once :meth:`listen` is called, every commit of this service's runners is announced
    on ``parley.position.<service>.<projection>`` (core NATS, the sequence as text) and wakes
    the waiters of every replica. Core NATS may drop a notice (a reconnect), so when nothing
    was heard about the projection for ``recheck_s``, a waiter reads the shared database: one
    read at a time per projection, shared by all its waiters, at most one per ``recheck_s``."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, recheck_s: float = 0.1
    ) -> None:
        self._sessions = sessions
        self._recheck_s = recheck_s
        self._known: dict[str, int] = {}
        self._here: set[str] = set()  # projections a runner of this process applies
        # One event per projection, set (and replaced) on every advance: whoever waits on it is
        # woken by the next commit, whatever sequence it waits for.
        self._advance: dict[str, asyncio.Event] = {}
        self._heard: dict[str, float] = {}  # loop time of the last news from another replica
        self._reads: dict[str, asyncio.Task[None]] = {}
        self._nc: NATS | None = None
        self._prefix = ""
        self._subscription: Subscription | None = None

    @staticmethod
    def notice_subject(service: str, projection: str = "*") -> str:
        return f"parley.position.{service}.{projection}"

    async def listen(self, nc: NATS, service: str) -> None:
        """Announce this process' commits to the other replicas of ``service``, and hear
        theirs."""
        self._nc = nc
        self._prefix = self.notice_subject(service, "")
        self._subscription = await nc.subscribe(self.notice_subject(service), cb=self._on_notice)

    async def stop_listening(self) -> None:
        subscription, self._subscription = self._subscription, None
        self._nc = None
        if subscription is not None:
            with contextlib.suppress(nats.errors.Error):
                await subscription.unsubscribe()

    async def close(self) -> None:
        """Cancel the position reads still running (a waiter's request was cancelled, its
        shared read was not), and wait for them, while the database is still there: one left
        for later waits on the database's closed connection for ever."""
        reads = list(self._reads.values())
        for read in reads:
            read.cancel()
        if reads:
            await asyncio.wait(reads, timeout=5.0)

    async def _on_notice(self, msg: Msg) -> None:
        projection = msg.subject[len(self._prefix) :]
        if projection in self._here:  # applied here: this process knows better
            return
        try:
            seq = int(msg.data)
        except ValueError:
            return
        self._heard[projection] = asyncio.get_running_loop().time()
        self.advanced(projection, seq)

    def known(self, projection: str) -> int:
        return self._known.get(projection, 0)

    def applies(self, projection: str) -> bool:
        """A runner of this process applies ``projection`` now (this replica holds its lease):
        for work that goes with a read model, such as firing the timers it holds."""
        return projection in self._here

    def applied_here(self, projection: str, position: int) -> None:
        """A runner of this process starts applying ``projection`` after ``position``."""
        self._here.add(projection)
        self.advanced(projection, position)

    def no_longer_here(self, projection: str) -> None:
        """The runner stopped: waiters go back to the other replicas' notices."""
        self._here.discard(projection)
        self._heard.pop(projection, None)
        self._wake(projection)

    def forget(self, projection: str) -> None:
        """The read model was cleared (rebuild): what it had applied no longer counts."""
        self._known.pop(projection, None)
        self._heard.pop(projection, None)

    def advanced(self, projection: str, seq: int) -> None:
        """``projection`` has applied ``seq`` (a runner here, a notice, the database)."""
        if seq <= self.known(projection):
            return
        self._known[projection] = seq
        self._wake(projection)

    async def committed(self, projection: str, seq: int) -> None:
        """Called by a runner of this process after it committed ``seq`` for ``projection``:
        wakes the waiters here and tells the other replicas."""
        self.advanced(projection, seq)
        if self._nc is not None:
            with contextlib.suppress(nats.errors.Error):
                await self._nc.publish(self._prefix + projection, str(seq).encode())

    def _wake(self, projection: str) -> None:
        advance = self._advance.pop(projection, None)
        if advance is not None:
            advance.set()

    async def wait(self, projection: str, seq: int, timeout: float = 2.0) -> bool:
        """True once ``projection`` applied ``seq``; False after ``timeout`` (the command that
        already succeeded is not failed for it)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.known(projection) >= seq:
                return True
            here = projection in self._here
            if not here:
                await self._recheck(projection)
                if self.known(projection) >= seq:
                    return True
            left = deadline - loop.time()
            if left <= 0:
                return False
            pause = left if here else min(left, self._next_read_in(projection))
            advance = self._advance.setdefault(projection, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(advance.wait(), timeout=pause)

    def _next_read_in(self, projection: str) -> float:
        heard = self._heard.get(projection)
        if heard is None:
            return self._recheck_s
        return max(0.005, heard + self._recheck_s - asyncio.get_running_loop().time())

    async def _recheck(self, projection: str) -> None:
        """Read the shared position unless another replica's news is fresh; waiters share one
        read at a time."""
        heard = self._heard.get(projection)
        if heard is not None and asyncio.get_running_loop().time() - heard < self._recheck_s:
            return
        read = self._reads.get(projection)
        if read is None:
            read = asyncio.ensure_future(self._read(projection))
            self._reads[projection] = read
            read.add_done_callback(lambda _: self._reads.pop(projection, None))
        await asyncio.shield(read)

    async def _read(self, projection: str) -> None:
        async with self._sessions() as session:
            stored = await read_position(session, projection)
        self._heard[projection] = asyncio.get_running_loop().time()
        self.advanced(projection, stored)


async def wait_for_position(
    sessions: async_sessionmaker[AsyncSession], projection: str, seq: int, timeout: float = 2.0
) -> bool:
    """:meth:`Positions.wait` for a caller outside a service (tests, tools)."""
    return await Positions(sessions, recheck_s=0.01).wait(projection, seq, timeout)


class NotCaughtUp(RuntimeError):
    """A read model is behind its stream: the event that needs it is retried later."""


@dataclass(frozen=True)
class CatchUp:
    """Waiting until one of this service's read models has applied everything its stream holds
    right now: for a reaction (a policy) that looks something up in a read model, which lags
    its stream. Only for a read model whose filter lets every event of its stream through (or
    its position never gets there). Woken by the runner's commit (:class:`Positions`), not by
    polling."""

    nc: NATS
    positions: Positions
    timeout_s: float = 5.0

    async def wait(self, projection: str, stream: StreamSpec) -> None:
        info = await self.nc.jetstream().stream_info(stream.name)
        last = int(info.state.last_seq)
        if not await self.positions.wait(projection, last, self.timeout_s):
            raise NotCaughtUp(f"{projection} has not reached {stream.name} {last} yet")
