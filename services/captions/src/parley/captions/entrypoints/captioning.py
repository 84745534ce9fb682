"""The captioning supervisor (a background job): a captioner for each live Space with captions
on, in one replica at a time; none for any other Space, so captions off costs nothing.

It reads which Spaces to caption from the read model every half second (captions turned on are
picked up within that, turned off or the Space ended: its captioner stops within that). Each
Space's captioner runs under a lease (``captions.caption.<space_id>``,
``parley.chassis.leases``): the feeds are core NATS, so two replicas following one Space would
transcribe everything twice. A captioner follows the Space's speaker feeds, cuts each
speaker's into utterances (``domain.utterances``) and transcribes them in order, one at a
time, each into a final segment. A speaker whose feed stops (muted, no longer heard) has what
they were saying finished after the pause that ends an utterance."""

from __future__ import annotations

import asyncio
import contextlib
import time

from parley.captions.domain.utterances import Utterance, UtteranceCutter
from parley.captions.handlers.caption_utterance import caption_utterance
from parley.captions.handlers.dependencies import CaptionsDeps, Unfollow
from parley.captions.queries.captions import spaces_to_caption
from parley.chassis.leases import LeaseKeeper, Leases
from parley.chassis.logs import get_logger
from parley.contracts.media import FeedHeaders

log = get_logger(__name__)

# Utterances waiting for the transcriber, per Space: past this the CPU is behind (more speech
# than it captions in real time) and the newest is dropped, said in the log (part 2: a metric).
MAX_WAITING = 64


class SpaceCaptioner:
    def __init__(self, deps: CaptionsDeps, space_id: str) -> None:
        self._deps = deps
        self.space_id = space_id
        self._cutters: dict[str, UtteranceCutter] = {}
        self._last_frame_at: dict[str, float] = {}
        self._waiting: asyncio.Queue[tuple[str, Utterance]] = asyncio.Queue(MAX_WAITING)
        self._unfollow: Unfollow | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.dropped = 0

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._transcribe(), name=f"captions-{self.space_id}"),
            asyncio.create_task(self._end_stopped_feeds(), name=f"captions-idle-{self.space_id}"),
        ]
        self._unfollow = await self._deps.feeds.follow(self.space_id, self._frame)

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not any(task.done() for task in self._tasks)

    async def stop(self) -> None:
        if self._unfollow is not None:
            await self._unfollow()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _frame(self, user_id: str, headers: FeedHeaders, pcm: bytes) -> None:
        cutter = self._cutters.get(user_id)
        if cutter is None:
            cutter = self._cutters[user_id] = UtteranceCutter(self._deps.cutting)
        self._last_frame_at[user_id] = time.monotonic()
        for utterance in cutter.push(headers.pts, pcm):
            self._hand_over(user_id, utterance)

    def _hand_over(self, user_id: str, utterance: Utterance) -> None:
        try:
            self._waiting.put_nowait((user_id, utterance))
        except asyncio.QueueFull:
            self.dropped += 1
            log.warning(
                "captions.behind", space=self.space_id, speaker=user_id, dropped=self.dropped
            )

    async def _end_stopped_feeds(self) -> None:
        pause_s = self._deps.cutting.end_pause_ms / 1000
        while True:
            await asyncio.sleep(pause_s / 4)
            now = time.monotonic()
            for user_id, cutter in self._cutters.items():
                if cutter.speaking and now - self._last_frame_at[user_id] >= pause_s:
                    for utterance in cutter.flush():
                        self._hand_over(user_id, utterance)

    async def _transcribe(self) -> None:
        while True:
            user_id, utterance = await self._waiting.get()
            try:
                await caption_utterance(self._deps, self.space_id, user_id, utterance)
            except Exception:
                log.exception("captions.caption_failed", space=self.space_id, speaker=user_id)


class Captioning:
    def __init__(self, deps: CaptionsDeps, leases: Leases, *, poll_s: float = 0.5) -> None:
        self._deps = deps
        self._leases = leases
        self._poll_s = poll_s
        self._keepers: dict[str, LeaseKeeper] = {}
        self._captioners: dict[str, SpaceCaptioner] = {}

    def captioning_here(self, space_id: str) -> bool:
        """This replica captions the Space now."""
        captioner = self._captioners.get(space_id)
        return captioner is not None and captioner.running

    async def run(self) -> None:
        while True:
            try:
                wanted = set(await spaces_to_caption(self._deps.sessions))
                for space_id in [space for space in self._keepers if space not in wanted]:
                    await self._keepers.pop(space_id).end()
                for space_id in wanted - self._keepers.keys():
                    keeper = self._leases.keeper(
                        f"caption.{space_id}",
                        start=lambda space_id=space_id: self._start(space_id),  # type: ignore[misc]
                        stop=lambda space_id=space_id: self._stop(space_id),  # type: ignore[misc]
                        alive=lambda space_id=space_id: self.captioning_here(space_id),  # type: ignore[misc]
                    )
                    self._keepers[space_id] = keeper
                    await keeper.begin()
            except Exception:
                log.exception("captions.supervisor_failed")
            await asyncio.sleep(self._poll_s)

    async def _start(self, space_id: str) -> None:
        captioner = SpaceCaptioner(self._deps, space_id)
        self._captioners[space_id] = captioner
        await captioner.start()

    async def _stop(self, space_id: str) -> None:
        captioner = self._captioners.pop(space_id, None)
        if captioner is not None:
            await captioner.stop()

    async def stop(self) -> None:
        for keeper in self._keepers.values():
            await keeper.end()
        self._keepers.clear()
