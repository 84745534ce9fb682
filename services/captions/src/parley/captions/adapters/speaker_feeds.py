"""The relay's per-speaker feeds of one Space (``media.feed.<space_id>.speaker.<user_id>``,
``parley.contracts.media``), on core NATS: 20 ms of s16le 16 kHz per message.

Straight on the process's nats-py connection, not through FastStream: 50 messages a second per
speaker is the hot path the relay's own feeds bypass FastStream for (its README). A feed is
followed only while its Space is captioned: no subscription, no work, otherwise."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

import nats.errors
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg

from parley.contracts.media import FeedHeaders, speaker_feeds_filter

Frame = Callable[[str, FeedHeaders, bytes], None]  # (user_id, headers, pcm)
Unfollow = Callable[[], Awaitable[None]]


class SpeakerFeeds:
    def __init__(self, nc: NATS) -> None:
        self._nc = nc

    async def follow(self, space_id: str, on_frame: Frame) -> Unfollow:
        """Hand every speaker's frames of ``space_id`` to ``on_frame`` until unfollowed."""

        async def received(msg: Msg) -> None:
            user_id = msg.subject.rsplit(".", 1)[-1]
            on_frame(user_id, FeedHeaders.from_headers(msg.headers), msg.data)

        subscription = await self._nc.subscribe(
            speaker_feeds_filter(space_id), cb=received, pending_msgs_limit=50_000
        )

        async def unfollow() -> None:
            with contextlib.suppress(nats.errors.Error):
                await subscription.unsubscribe()

        return unfollow
