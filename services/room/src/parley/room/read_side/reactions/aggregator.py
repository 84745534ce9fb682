"""The reaction aggregator: raw reactions in (``reactions.*``, queue group, so each reaction
reaches one replica), one ``reactions`` LiveMessage per Space per window out, on
``live.space.<id>``: ``{counts: {emoji: n}, total, window_ms}``, only for Spaces that had
reactions in that window. A storm is at most 1000/window_ms messages per second per Space (per
replica). Each window's totals are added to ``room_reaction_totals`` (host analytics) in one
transaction.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.logs import get_logger
from parley.contracts.live import REACTION_EMOJI, LiveMessage, space_subject
from parley.room.read_side.tables import reaction_totals
from parley.room.read_side.upserts import add_to_counter

log = get_logger(__name__)

RAW_REACTIONS = "reactions.*"
QUEUE = "room-reactions"


class ReactionAggregator:
    def __init__(
        self, nc: NATS, sessions: async_sessionmaker[AsyncSession], *, window_ms: int
    ) -> None:
        self._nc = nc
        self._sessions = sessions
        self.window_ms = window_ms
        self._window: dict[str, Counter[str]] = {}

    async def run(self) -> None:
        subscription = await self._nc.subscribe(RAW_REACTIONS, queue=QUEUE, cb=self._received)
        loop = asyncio.get_running_loop()
        next_flush = loop.time()
        try:
            while True:
                next_flush += self.window_ms / 1000
                await asyncio.sleep(max(0.0, next_flush - loop.time()))
                try:
                    await self.flush()
                except Exception:
                    log.exception("reactions.flush_failed")
        finally:
            await subscription.unsubscribe()

    async def _received(self, msg: Msg) -> None:
        space_id = msg.subject.split(".", 1)[1]
        try:
            emoji = json.loads(msg.data)["emoji"]
        except (ValueError, KeyError, TypeError):
            return
        if emoji in REACTION_EMOJI:
            self._window.setdefault(space_id, Counter())[emoji] += 1

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
            await self._nc.publish(space_subject(space_id), message.model_dump_json().encode())
        if window:
            async with self._sessions.begin() as session:
                for space_id, counts in window.items():
                    await add_to_counter(
                        session, reaction_totals, {"space_id": space_id}, "total", counts.total()
                    )
