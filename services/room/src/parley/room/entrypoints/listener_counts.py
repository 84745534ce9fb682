"""``listeners.count`` on ``live.space.<id>``: at most one per Space per interval.

The participants projection reports each committed count change (it runs in one replica, and
so does this); this background task publishes the
latest count of every Space that changed, at once if its last message is older than the
interval, otherwise when the interval is over (so a burst of joins becomes one message per
interval carrying the newest count, and a count that came back to the value last sent is not
sent again).
"""

from __future__ import annotations

import asyncio

from parley.chassis.logs import get_logger
from parley.contracts.live import LiveMessage
from parley.room.entrypoints.live_channel import LiveChannel

log = get_logger(__name__)

_FORGET_AFTER_S = 60.0


class ListenerCountPublisher:
    def __init__(self, channel: LiveChannel, *, interval_s: float) -> None:
        self._channel = channel
        self._interval = interval_s
        self._tick = min(0.05, interval_s / 4)
        self._pending: dict[str, int] = {}  # Space -> newest count not yet published
        self._sent: dict[str, tuple[float, int]] = {}  # Space -> (when, count) last published

    def changed(self, space_id: str, count: int) -> None:
        """Called after the projection's commit."""
        self._pending[space_id] = count

    async def run(self) -> None:
        while True:
            try:
                await self.flush_due()
            except Exception:
                log.exception("listener_counts.flush_failed")
            await asyncio.sleep(self._tick)

    async def flush_due(self) -> None:
        now = asyncio.get_running_loop().time()
        for space_id, count in list(self._pending.items()):
            sent_at, sent_count = self._sent.get(space_id, (float("-inf"), -1))
            if now - sent_at < self._interval:
                continue
            del self._pending[space_id]
            if count == sent_count:
                continue
            message = LiveMessage(type="listeners.count", space_id=space_id, data={"count": count})
            await self._channel.to_space(space_id, message)
            self._sent[space_id] = (now, count)
        self._forget_quiet_spaces(now)

    def _forget_quiet_spaces(self, now: float) -> None:
        quiet = [
            space_id
            for space_id, (sent_at, _) in self._sent.items()
            if now - sent_at > _FORGET_AFTER_S and space_id not in self._pending
        ]
        for space_id in quiet:
            del self._sent[space_id]
