"""Counting plays (ADR 22): a request for a recording's audio that starts at byte 0 is the
start of a playback; the recording service counts it once per listener within its play
window, so the other Range requests of that playback (seeks, the rest of the file, a browser
asking for the start again) are not plays.

The count is sent while the audio is already being served: a play never delays the audio,
and a recording service that is down costs a play, not the replay."""

from __future__ import annotations

import asyncio
import hashlib

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.logs import get_logger
from parley.contracts.api import recording as api
from parley.gateway.tasks import cancel_and_wait

log = get_logger(__name__)


def listener_key(user_id: str | None, address: str, user_agent: str) -> str:
    """Who plays: a signed-in user by id; an anonymous one by a hash of their address and
    browser (nothing that names them is kept)."""
    if user_id:
        return f"usr:{user_id}"
    digest = hashlib.sha256(f"{address}\n{user_agent}".encode()).hexdigest()[:32]
    return f"anon:{digest}"


class Plays:
    def __init__(self, bus: BusClient) -> None:
        self._bus = bus
        self._tasks: set[asyncio.Task[None]] = set()

    def started(self, space_id: str, listener: str, ctx: RequestContext) -> None:
        task = asyncio.create_task(self._count(space_id, listener, ctx))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _count(self, space_id: str, listener: str, ctx: RequestContext) -> None:
        try:
            await self._bus.call(
                api.RECORD_PLAY, api.RecordPlay(space_id=space_id, listener=listener), ctx
            )
        except Exception as error:  # the audio is served anyway
            log.warning("gateway.play_not_counted", space=space_id, error=repr(error))

    async def close(self) -> None:
        await cancel_and_wait(*self._tasks)
