"""One NATS subscription per live subject per gateway process, shared by all its sockets.

A popular Space has thousands of sockets on each gateway; subscribing each of them would make
NATS deliver every message thousands of times to the same process. Instead the first socket
that wants ``live.space.<id>`` opens the subscription, later ones join it, and the last one to
leave closes it (reference counting). Each message is read once and handed to every listener,
which only queues it (see :mod:`parley.gateway.live.outbox`), so the NATS callback never waits
on a client.

This is the gateway's only live state, and it is derived: any number of gateway processes can
serve the same Space, each with its own subscription.

These subscriptions are plain nats-py ones on the broker's own connection (still one NATS
connection per process), not FastStream subscribers, because they are dynamic and on the hot
path: they open and close with sockets at run time, on subjects known only then (one per Space
and per signed-in user), and each message is relayed verbatim to thousands of sockets. A
FastStream subscriber would decode every message, run its middlewares (a tracing span per live
message) and its dependency injection, only for the hub to pass on the bytes it was given.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from faststream.nats import NatsBroker
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from parley.chassis.logs import get_logger
from parley.gateway.live.messages import LiveEvent, read_event

log = get_logger(__name__)

Listener = Callable[[LiveEvent], None]


@dataclass(eq=False)
class _Topic:
    subject: str
    listeners: list[Listener] = field(default_factory=list)
    opening: asyncio.Task[Subscription] | None = None


class LiveHub:
    def __init__(self, broker: NatsBroker) -> None:
        self._broker = broker
        self._topics: dict[str, _Topic] = {}

    @contextlib.asynccontextmanager
    async def listening(self, subject: str, listener: Listener) -> AsyncIterator[None]:
        """Deliver every message on ``subject`` to ``listener`` while inside; on entry the
        subscription is known to the server, so nothing published afterwards is missed."""
        topic = self._topics.get(subject)
        if topic is None or _failed(topic):
            topic = self._topics[subject] = _Topic(subject)
            topic.opening = asyncio.create_task(self._open(topic), name=f"live-sub {subject}")
        topic.listeners.append(listener)
        try:
            assert topic.opening is not None
            # Shielded: one socket giving up must not cancel the subscription others wait for.
            await asyncio.shield(topic.opening)
            yield
        finally:
            await self._leave(topic, listener)

    def subjects(self) -> dict[str, int]:
        """Open subjects and how many listeners each has (introspection for probes and tests)."""
        return {subject: len(topic.listeners) for subject, topic in self._topics.items()}

    async def close(self) -> None:
        topics, self._topics = list(self._topics.values()), {}
        for topic in topics:
            topic.listeners.clear()
            await self._unsubscribe(topic)

    async def _open(self, topic: _Topic) -> Subscription:
        async def deliver(msg: Msg) -> None:
            self._deliver(topic, msg)

        nc = self._broker.connection
        subscription = await nc.subscribe(topic.subject, cb=deliver)
        await nc.flush()  # the server has it before the caller asks for a snapshot
        return subscription

    def _deliver(self, topic: _Topic, msg: Msg) -> None:
        event = read_event(msg.data)
        if event is None:
            log.warning("live.unreadable_message", subject=msg.subject)
            return
        for listener in list(topic.listeners):
            try:
                listener(event)
            except Exception:  # one broken socket must not starve the others
                log.exception("live.listener_failed", subject=msg.subject)

    async def _leave(self, topic: _Topic, listener: Listener) -> None:
        with contextlib.suppress(ValueError):
            topic.listeners.remove(listener)
        if topic.listeners or self._topics.get(topic.subject) is not topic:
            return
        del self._topics[topic.subject]  # a socket arriving from now on opens a fresh one
        await self._unsubscribe(topic)

    async def _unsubscribe(self, topic: _Topic) -> None:
        if topic.opening is None:
            return
        try:
            subscription = await asyncio.shield(topic.opening)
            if not self._broker.connection.is_closed:
                await subscription.unsubscribe()
        except Exception as error:  # failed to open, or the connection is gone: nothing to undo
            log.debug("live.unsubscribe_skipped", subject=topic.subject, error=str(error))


def _failed(topic: _Topic) -> bool:
    """Its subscription could not be opened (NATS away): the next socket tries again."""
    opening = topic.opening
    if opening is None or not opening.done():
        return False
    return opening.cancelled() or opening.exception() is not None
