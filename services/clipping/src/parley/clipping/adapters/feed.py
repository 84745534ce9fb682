"""The last seconds of a recorded Space's program, read from the relay's durable feed
(``RECFEED``, ADR 21): an ordered consumer from a time on, read up to the newest message."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import nats.errors
from nats.aio.client import Client as NATS
from nats.js import api

from parley.clipping.domain.window import FeedPacket
from parley.contracts import media, streams

# The feed's store time trails the packets' capture time by the relay's latency: read from a
# little further back than the window, then choose by captured-at (domain/window.py).
MARGIN_S = 5.0


class ProgramFeed:
    def __init__(self, nc: NATS) -> None:
        self._js = nc.jetstream()

    async def since(
        self, space_id: str, start_ns: int, *, timeout: float = 1.0
    ) -> list[FeedPacket]:
        """The Space's packets stored from ``start_ns`` (less a margin) to the newest one."""
        start = datetime.fromtimestamp(start_ns / 1e9 - MARGIN_S, UTC)
        subscription = await self._js.subscribe(
            media.recording_feed_subject(space_id),
            stream=streams.RECORDING_FEED.name,
            ordered_consumer=True,
            config=api.ConsumerConfig(
                deliver_policy=api.DeliverPolicy.BY_START_TIME, opt_start_time=start
            ),
            pending_msgs_limit=100_000,
        )
        packets: list[FeedPacket] = []
        try:
            while True:
                try:
                    msg = await subscription.next_msg(timeout=timeout)
                except nats.errors.TimeoutError:
                    break
                packets.append(
                    FeedPacket.stored(msg.metadata.sequence.stream, msg.headers, msg.data)
                )
                if msg.metadata.num_pending == 0:
                    break  # the newest message of the Space's feed
        finally:
            with contextlib.suppress(nats.errors.Error):
                await subscription.unsubscribe()
        return packets
