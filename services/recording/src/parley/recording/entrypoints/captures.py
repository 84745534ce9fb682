"""The capture supervisor (a background job): one recorder task per recording being made.

It reads which recordings are being made from the read model every half second (a recording
that starts is picked up within that; its packets wait in the feed meanwhile) and starts a
recorder for each one that has none. A recorder that fails or lost a race is started again
from the stream on the next round."""

from __future__ import annotations

import asyncio
import contextlib

from parley.chassis.logs import get_logger
from parley.recording.handlers.capture import CaptureRaced, capture
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.queries.recordings import recordings_being_made

log = get_logger(__name__)


class Captures:
    def __init__(self, deps: RecordingDeps, *, poll_s: float = 0.5) -> None:
        self._deps = deps
        self._poll_s = poll_s
        self._recorders: dict[str, asyncio.Task[None]] = {}

    async def run(self) -> None:
        while True:
            try:
                being_made = await recordings_being_made(self._deps.sessions)
                for space_id, recorder in list(self._recorders.items()):
                    if recorder.done() and space_id not in being_made:
                        del self._recorders[space_id]
                for space_id in being_made:
                    running = self._recorders.get(space_id)
                    if running is None or running.done():
                        self._recorders[space_id] = asyncio.create_task(
                            self._record(space_id), name=f"record-{space_id}"
                        )
            except Exception:
                log.exception("recording.supervisor_failed")
            await asyncio.sleep(self._poll_s)

    async def _record(self, space_id: str) -> None:
        try:
            await capture(self._deps, space_id)
        except CaptureRaced as raced:
            log.info("recording.capture_raced", space=space_id, detail=str(raced))
        except Exception:
            log.exception("recording.capture_failed", space=space_id)

    async def stop(self) -> None:
        for recorder in self._recorders.values():
            recorder.cancel()
        for recorder in self._recorders.values():
            with contextlib.suppress(asyncio.CancelledError):
                await recorder
        self._recorders.clear()
