"""A socket's bounded send queue, so a slow client cannot make the gateway's memory grow.

Messages wait here between the NATS callback (which must never block) and the socket. When the
queue is full:
1. the oldest *droppable* message goes (reaction batches, listener counts, speaking indicators,
   partial captions: each is superseded by the next one of its kind);
2. a new droppable message is dropped if nothing older can be;
3. otherwise the client is too far behind to be caught up by message: the socket is closed with
   1013 (try again later). On reconnecting it gets a fresh ``space.state``, and state-bearing
   messages carry whole state, so nothing is lost for good.
A message that ends the channel (``space.ended``, ``you.removed``) is always queued, even when
full, and nothing is queued after it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from parley.gateway.live import close_codes
from parley.gateway.live.messages import LiveEvent


@dataclass(frozen=True)
class Closing:
    code: int
    reason: str


SLOW_CONSUMER = Closing(close_codes.TRY_AGAIN_LATER, "slow-consumer")


class Outbox:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.closing: Closing | None = None
        self.dropped = 0
        self.peak = 0
        self._items: deque[LiveEvent] = deque()
        self._final: LiveEvent | None = None
        self._stopped = False  # close_now: nothing more is sent, not even a snapshot
        self._ready = asyncio.Event()

    def __len__(self) -> int:
        return len(self._items)

    def put(self, event: LiveEvent, *, then_close: Closing | None = None) -> None:
        """Queue ``event``; with ``then_close``, the channel closes once it is sent."""
        if self.closing is not None:
            return
        if then_close is not None:
            self.closing, self._final = then_close, event
        elif len(self._items) >= self.limit and not self._make_room_for(event):
            return
        self._items.append(event)
        self.peak = max(self.peak, len(self._items))
        self._ready.set()

    def put_first(self, state: LiveEvent) -> None:
        """The snapshot a channel starts with, ahead of what was buffered while it was being
        fetched; buffered messages the snapshot already includes (an older ``version``) go."""
        if self._stopped:
            return
        if state.version is not None:
            covered = state.version
            kept = [
                e
                for e in self._items
                if e.version is None or e.version > covered or e is self._final
            ]
            self.dropped += len(self._items) - len(kept)
            self._items = deque(kept)
        self._items.appendleft(state)
        self._ready.set()

    def finish(self, closing: Closing) -> None:
        """Close once what is queued has been sent."""
        if self.closing is None:
            self.closing = closing
            self._ready.set()

    def close_now(self, closing: Closing) -> None:
        """Close without sending what is still queued (or queued later)."""
        self._stopped = True
        self._items.clear()
        self.closing = closing
        self._ready.set()

    async def get(self) -> LiveEvent | None:
        """The next message to send; ``None`` once the channel should close (see ``closing``)."""
        while not self._items:
            if self.closing is not None:
                return None
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    def _make_room_for(self, event: LiveEvent) -> bool:
        for index, queued in enumerate(self._items):
            if queued.droppable:
                del self._items[index]
                self.dropped += 1
                return True
        if event.droppable:
            self.dropped += 1
        else:
            self.close_now(SLOW_CONSUMER)
        return False
