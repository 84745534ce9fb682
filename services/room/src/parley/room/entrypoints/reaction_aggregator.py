"""The reaction aggregator: raw reactions in (a FastStream subscriber on ``reactions.*`` in the
queue group ``room-reactions``, so each reaction reaches one replica), one ``reactions``
LiveMessage per Space per window out, on ``live.space.<id>``: ``{counts: {emoji: n}, total,
window_ms}``, only for Spaces that had reactions in that window. A storm is at most
1000/window_ms messages per second per Space (per replica). Each window's totals are added to
``room_reaction_totals`` (host analytics) in one transaction.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

from faststream.message import StreamMessage
from faststream.nats import NatsRouter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.logs import get_logger
from parley.contracts.live import REACTION_EMOJI, LiveMessage
from parley.room.entrypoints.live_channel import RAW_REACTIONS, LiveChannel
from parley.room.live_messages import RawReaction
from parley.room.projections.tables import reaction_totals
from parley.room.projections.upserts import add_to_counter

log = get_logger(__name__)

QUEUE = "room-reactions"


class ReactionInSpace(RawReaction):
    """A raw reaction as it arrives, with the Space its subject names."""

    space_id: str


async def _with_its_space(msg: StreamMessage[Any]) -> Any:
    """The body and the subject's Space in one validated payload: a storm passes here thousands
    of times a second, so neither a path parameter nor a synchronous decoder (each resolved on
    a worker thread per message by FastStream) is spent on it, and the handler's signature
    check sees a ready model instead of validating a dict again."""
    body = json.loads(msg.body)
    if not isinstance(body, dict):
        return body  # refused by the signature check, logged by FastStream
    body["space_id"] = msg.raw_message.subject.rsplit(".", 1)[-1]
    return ReactionInSpace.model_validate(body)


class ReactionAggregator:
    def __init__(
        self,
        channel: LiveChannel,
        sessions: async_sessionmaker[AsyncSession],
        *,
        window_ms: int,
    ) -> None:
        self._channel = channel
        self._sessions = sessions
        self.window_ms = window_ms
        self._window: dict[str, Counter[str]] = {}

    def subscribe(self, router: NatsRouter) -> None:
        @router.subscriber(
            RAW_REACTIONS,
            queue=QUEUE,
            decoder=_with_its_space,
            title=f"{RAW_REACTIONS}:aggregate",
            description="Counts each accepted reaction (a RawReaction) into its Space's window",
        )
        async def on_reaction(reaction: ReactionInSpace) -> None:
            self.received(reaction.space_id, reaction.emoji)

    def received(self, space_id: str, emoji: str) -> None:
        if emoji in REACTION_EMOJI:
            self._window.setdefault(space_id, Counter())[emoji] += 1

    async def run(self) -> None:
        """Flush every window until cancelled."""
        loop = asyncio.get_running_loop()
        next_flush = loop.time()
        while True:
            next_flush += self.window_ms / 1000
            await asyncio.sleep(max(0.0, next_flush - loop.time()))
            try:
                await self.flush()
            except Exception:
                log.exception("reactions.flush_failed")

    async def flush(self) -> None:
        window, self._window = self._window, {}
        for space_id, counts in window.items():
            message = LiveMessage(
                type="reactions",
                space_id=space_id,
                data={
                    "counts": dict(counts),
                    "total": counts.total(),
                    "window_ms": self.window_ms,
                },
            )
            await self._channel.to_space(space_id, message)
        if window:
            async with self._sessions.begin() as session:
                for space_id, counts in window.items():
                    await add_to_counter(
                        session, reaction_totals, {"space_id": space_id}, "total", counts.total()
                    )
