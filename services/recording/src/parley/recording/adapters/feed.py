"""The durable program feed of a recorded Space (``RECFEED``, ADR 21), read from a stream
sequence on.

An ordered consumer: ephemeral, in stream order, recreated by the client from the last
sequence it handed over if a message goes missing. It acknowledges nothing: what the recorder
has stored is the last ``RecordingSegmentStored`` in the RECORDING stream, and a restarted
recorder starts a new consumer right after it.
"""

from __future__ import annotations

import contextlib

import nats.errors
from nats.aio.client import Client as NATS
from nats.js import api
from nats.js.client import JetStreamContext

from parley.contracts import media
from parley.recording.domain.timeline import FeedPacket


class FeedReader:
    def __init__(self, subscription: JetStreamContext.PushSubscription) -> None:
        self._subscription = subscription

    async def next_batch(self, most: int, timeout: float) -> list[FeedPacket]:
        """Up to ``most`` packets: waits ``timeout`` for the first, then takes what is there."""
        packets: list[FeedPacket] = []
        wait = timeout
        while len(packets) < most:
            try:
                msg = await self._subscription.next_msg(timeout=wait)
            except nats.errors.TimeoutError:
                break
            packets.append(FeedPacket.stored(msg.metadata.sequence.stream, msg.headers, msg.data))
            if self._subscription.pending_msgs == 0:
                break
            wait = 0.05
        return packets

    async def close(self) -> None:
        with contextlib.suppress(nats.errors.Error):
            await self._subscription.unsubscribe()


class RecordingFeed:
    def __init__(self, nc: NATS) -> None:
        self._js = nc.jetstream()

    async def open(self, space_id: str, *, after_seq: int) -> FeedReader:
        """The Space's packets with a stream sequence above ``after_seq``."""
        if after_seq:
            config = api.ConsumerConfig(
                deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after_seq + 1
            )
        else:
            config = api.ConsumerConfig(deliver_policy=api.DeliverPolicy.ALL)
        subscription = await self._js.subscribe(
            media.recording_feed_subject(space_id),
            stream="RECFEED",
            ordered_consumer=True,
            config=config,
            pending_msgs_limit=10_000,
        )
        return FeedReader(subscription)
