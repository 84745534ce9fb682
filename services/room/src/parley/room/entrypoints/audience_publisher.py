"""``listeners.count`` and ``audience.changed`` on ``live.space.<id>``: at most one of each per
Space per interval, however many join.

The participants projection reports each committed change of an audience (it runs in one
replica, and so does this): the count now and who came and went. This background task gathers
them per Space (net: ``AudienceChanges``) and sends what a Space gathered at once if its last
message is older than the interval, otherwise when the interval is over. So a join storm of
thousands is one ``audience.changed`` a second per Space, describing the first joiners (their
handles and names, read once per message) and counting the rest; a count that came back to the
value last sent is not sent again, nor an empty change. The end of a Space drops what it
gathered (``space.ended`` says it all).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.logs import get_logger
from parley.contracts.live import LiveMessage
from parley.room.audience import JOINED_SHOWN, AudienceChanges, audience_changed, first
from parley.room.entrypoints.live_channel import LiveChannel
from parley.room.queries.identity import user_cards
from parley.room.views import UserCard

log = get_logger(__name__)

_FORGET_AFTER_S = 60.0


@dataclass
class _Gathered:
    """What a Space's audience did since its last message."""

    count: int
    changes: AudienceChanges = field(default_factory=AudienceChanges)


class AudiencePublisher:
    def __init__(
        self,
        channel: LiveChannel,
        sessions: async_sessionmaker[AsyncSession],
        *,
        interval_s: float,
        joined_shown: int = JOINED_SHOWN,
    ) -> None:
        self._channel = channel
        self._sessions = sessions
        self._interval = interval_s
        self._joined_shown = joined_shown
        self._tick = min(0.05, interval_s / 4)
        self._pending: dict[str, _Gathered] = {}  # Space -> gathered, not yet published
        self._sent: dict[str, tuple[float, int]] = {}  # Space -> (when, count) last published

    def changed(self, space_id: str, count: int, changes: AudienceChanges) -> None:
        """Called after the projection's commit."""
        gathered = self._pending.setdefault(space_id, _Gathered(count))
        gathered.count = count
        gathered.changes.add(changes)

    async def run(self) -> None:
        while True:
            try:
                await self.flush_due()
            except Exception:
                log.exception("audience.flush_failed")
            await asyncio.sleep(self._tick)

    async def flush_due(self) -> None:
        now = asyncio.get_running_loop().time()
        due = [
            space_id
            for space_id in self._pending
            if now - self._sent.get(space_id, (float("-inf"), -1))[0] >= self._interval
        ]
        for space_id in due:
            await self._publish(space_id, self._pending.pop(space_id), now)
        self._forget_quiet_spaces(now)

    async def _publish(self, space_id: str, gathered: _Gathered, now: float) -> None:
        count, changes = gathered.count, gathered.changes
        sent_count = self._sent.get(space_id, (0.0, -1))[1]
        if changes:
            cards = await self._cards(first(changes.joined, self._joined_shown))
            message = audience_changed(
                space_id, changes, count, cards, joined_shown=self._joined_shown
            )
            await self._channel.to_space(space_id, message)
        if count != sent_count:
            message = LiveMessage(type="listeners.count", space_id=space_id, data={"count": count})
            await self._channel.to_space(space_id, message)
        if changes or count != sent_count:
            self._sent[space_id] = (now, count)

    async def _cards(self, user_ids: Sequence[str]) -> dict[str, UserCard]:
        if not user_ids:
            return {}
        async with self._sessions() as session:
            return await user_cards(session, user_ids)

    def _forget_quiet_spaces(self, now: float) -> None:
        quiet = [
            space_id
            for space_id, (sent_at, _) in self._sent.items()
            if now - sent_at > _FORGET_AFTER_S and space_id not in self._pending
        ]
        for space_id in quiet:
            del self._sent[space_id]
