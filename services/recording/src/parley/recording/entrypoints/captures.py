"""The capture supervisor (a background job): one recorder per recording being made, in one
replica at a time.

It reads which recordings are being made from the read model every half second (a recording
that starts is picked up within that; its packets wait in the feed meanwhile). Each Space's
recorder runs under a lease (``recording.capture.<space_id>``, ``parley.chassis.leases``): of
the replicas, the one holding it records, the others stand by, and one of them takes over
when the holder stops or dies, resuming after the last stored segment (the recording's own
events are the cursor). A recorder that fails gives its lease up and starts again, here or in
another replica; where two ever overlap, the segment's expected-version append lets one store
it (:class:`~parley.recording.handlers.capture.CaptureRaced` for the other).

A recorder is stopped by cancelling it until it takes, for a bounded time: on Python 3.11,
``asyncio.wait_for`` (inside nats-py's ``next_msg``) swallows a cancellation that races with an
arriving message, and a recorder reading a backlog of packets swallows most single ones and
reads on. Cancelled only once, it would keep its keeper (a lease lost or given up) waiting for
it forever, so that replica would never take the Space's recording again, and the service's stop
would wait with it.
"""

from __future__ import annotations

import asyncio

from parley.chassis.leases import LeaseKeeper, Leases
from parley.chassis.logs import get_logger
from parley.recording.handlers.capture import CaptureRaced, capture
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.queries.recordings import recordings_being_made

log = get_logger(__name__)

STOP_WITHIN_S = 10.0  # a recorder still running this long after it is cancelled is left behind
_CANCEL_AGAIN_S = 0.5


class Captures:
    def __init__(
        self,
        deps: RecordingDeps,
        leases: Leases,
        *,
        poll_s: float = 0.5,
        stop_within_s: float = STOP_WITHIN_S,
    ) -> None:
        self._deps = deps
        self._leases = leases
        self._poll_s = poll_s
        self._stop_within_s = stop_within_s
        self._keepers: dict[str, LeaseKeeper] = {}
        self._recorders: dict[str, asyncio.Task[None]] = {}

    def recording_here(self, space_id: str) -> bool:
        """This replica runs the Space's recorder now."""
        recorder = self._recorders.get(space_id)
        return recorder is not None and not recorder.done()

    async def run(self) -> None:
        while True:
            try:
                being_made = set(await recordings_being_made(self._deps.sessions))
                for space_id in [space for space in self._keepers if space not in being_made]:
                    await self._keepers.pop(space_id).end()
                    await self._stop(space_id)  # if its keeper was stopping it when ended
                for space_id in being_made - self._keepers.keys():
                    keeper = self._leases.keeper(
                        f"capture.{space_id}",
                        start=lambda space_id=space_id: self._start(space_id),  # type: ignore[misc]
                        stop=lambda space_id=space_id: self._stop(space_id),  # type: ignore[misc]
                        alive=lambda space_id=space_id: self.recording_here(space_id),  # type: ignore[misc]
                    )
                    self._keepers[space_id] = keeper
                    await keeper.begin()
            except Exception:
                log.exception("recording.supervisor_failed")
            _honour_a_swallowed_cancellation()
            await asyncio.sleep(self._poll_s)

    async def _start(self, space_id: str) -> None:
        self._recorders[space_id] = asyncio.create_task(
            self._record(space_id), name=f"record-{space_id}"
        )

    async def _stop(self, space_id: str) -> None:
        # Listed until it has stopped: a keeper cancelled while stopping it (the service
        # stopping) leaves it to stop(), which stops every recorder still listed.
        recorder = self._recorders.get(space_id)
        if recorder is None:
            return
        if not await _cancel(recorder, within_s=self._stop_within_s):
            log.error("recording.recorder_not_stopping", space=space_id, s=self._stop_within_s)
        if self._recorders.get(space_id) is recorder:
            del self._recorders[space_id]

    async def _record(self, space_id: str) -> None:
        try:
            await capture(self._deps, space_id)
        except CaptureRaced as raced:
            log.info("recording.capture_raced", space=space_id, detail=str(raced))
        except Exception:
            log.exception("recording.capture_failed", space=space_id)

    async def stop(self) -> None:
        keepers, self._keepers = list(self._keepers.values()), {}
        await asyncio.gather(*(keeper.end() for keeper in keepers))
        await asyncio.gather(*(self._stop(space_id) for space_id in list(self._recorders)))


async def _cancel(task: asyncio.Task[None], *, within_s: float) -> bool:
    """Cancel ``task`` until it takes (once is not enough, see the module's docstring), for at
    most ``within_s``; whether it is done. The caller's own cancellation is not swallowed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not task.done() and (left := deadline - loop.time()) > 0:
        task.cancel()
        await asyncio.wait({task}, timeout=min(_CANCEL_AGAIN_S, left))
    return task.done()


def _honour_a_swallowed_cancellation() -> None:
    """Raise CancelledError if this task was cancelled and something swallowed it (Python
    3.11's ``asyncio.wait_for`` in a nats-py request racing its reply): the service's stop
    cancels a background job once and waits for it, so the job must not go on."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
