"""The captioning supervisor (a background job): a captioner for each live Space with captions
on, in one replica at a time; none for any other Space, so captions off costs nothing.

It reads which Spaces to caption from the read model every half second (captions turned on are
picked up within that, turned off or the Space ended: its captioner stops within that). Each
Space's captioner runs under a lease (``captions.caption.<space_id>``,
``parley.chassis.leases``): the feeds are core NATS, so two replicas following one Space would
transcribe everything twice.

A captioner follows the Space's speaker feeds and cuts each speaker's into utterances
(``domain.utterances``). The process's one transcriber (:class:`TranscriptionQueue`, across
every Space captioned here) does, in this order:

1. **finals**: each finished utterance, oldest first, into a final segment and a
   ``captions.final``; never skipped (only when a backlog of ``MAX_WAITING`` shows the CPU is
   far behind is a Space's newest dropped, counted);
2. **partials**, only when no final waits: while someone speaks (not in a pause), their words
   so far each time ``partial_every_ms`` more was said, one speaker after the other. A
   speaker's newer words replace a partial the transcriber has not got to, and a final
   replaces its partials: these are the partials dropped when more people talk than the CPU
   captions in real time (counted: :class:`CaptioningStats`, and the OpenTelemetry counters
   ``parley.captions.*``).

A speaker whose feed stops (muted, no longer heard) has what they were saying finished after
the pause that ends an utterance."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter, deque
from dataclasses import dataclass

from opentelemetry import metrics

from parley.captions.domain.utterances import Utterance, UtteranceCutter
from parley.captions.handlers.caption_utterance import caption_partial, caption_utterance
from parley.captions.handlers.dependencies import CaptionsDeps, Unfollow
from parley.captions.queries.captions import spaces_to_caption
from parley.chassis.leases import LeaseKeeper, Leases
from parley.chassis.logs import get_logger
from parley.contracts.live import caption_segment_id
from parley.contracts.media import FRAME_MS, FeedHeaders

log = get_logger(__name__)

# Finished utterances waiting for the transcriber, per Space: past this the CPU is far behind
# (finals come in faster than it transcribes them) and the newest is dropped.
MAX_WAITING = 64
# A speaker quiet this long in an utterance has paused: no partial of it until they go on.
QUIET_FOR_PARTIAL_MS = 200

_meter = metrics.get_meter("parley.captions")
_COUNTERS = {
    name: _meter.create_counter(f"parley.captions.{name}", description=description)
    for name, description in {
        "partials_sent": "Partial captions said on live channels",
        "partials_dropped": "Partial captions not made: newer words or the final came first "
        "(the transcriber was behind)",
        "finals_sent": "Final captions said on live channels",
        "finals_dropped": "Finished utterances not captioned: the backlog was full",
    }.items()
}


@dataclass
class CaptioningStats:
    """What this process's captioners did (also the ``parley.captions.*`` counters)."""

    partials_sent: int = 0
    partials_dropped: int = 0
    finals_sent: int = 0
    finals_dropped: int = 0

    def count(self, name: str, space_id: str) -> None:
        setattr(self, name, getattr(self, name) + 1)
        _COUNTERS[name].add(1, {"space_id": space_id})


class TranscriptionQueue:
    """The work of the process's one transcriber, across every Space it captions: every
    finished utterance, oldest first, before any partial (a final never waits behind another
    Space's partials); partials one speaker after the other, a speaker's newer words replacing
    a partial not yet made."""

    def __init__(self, stats: CaptioningStats) -> None:
        self._stats = stats
        self._finals: deque[tuple[str, str, Utterance]] = deque()
        self._finals_waiting: Counter[str] = Counter()  # per Space
        self._partials: dict[tuple[str, str], Utterance] = {}  # (Space, speaker), oldest first
        self._work = asyncio.Event()

    def final(self, space_id: str, user_id: str, utterance: Utterance) -> None:
        waiting = self._partials.get((space_id, user_id))
        if waiting is not None and waiting.start_ms == utterance.start_ms:
            del self._partials[(space_id, user_id)]  # the final replaces it
            self._stats.count("partials_dropped", space_id)
        if self._finals_waiting[space_id] >= MAX_WAITING:
            self._stats.count("finals_dropped", space_id)
            log.warning("captions.behind", space=space_id, speaker=user_id)
            return
        self._finals.append((space_id, user_id, utterance))
        self._finals_waiting[space_id] += 1
        self._work.set()

    def partial(self, space_id: str, user_id: str, utterance: Utterance) -> None:
        if self._partials.pop((space_id, user_id), None) is not None:
            self._stats.count("partials_dropped", space_id)
        self._partials[(space_id, user_id)] = utterance  # at the end: speakers take turns
        self._work.set()

    def forget(self, space_id: str) -> None:
        """A Space no longer captioned here: its waiting work goes."""
        self._finals = deque(item for item in self._finals if item[0] != space_id)
        self._finals_waiting.pop(space_id, None)
        for key in [key for key in self._partials if key[0] == space_id]:
            del self._partials[key]

    async def next(self) -> tuple[bool, str, str, Utterance]:
        """The next utterance to transcribe: (final?, Space, speaker, utterance)."""
        while True:
            await self._work.wait()
            if self._finals:
                space_id, user_id, utterance = self._finals.popleft()
                self._finals_waiting[space_id] -= 1
                return True, space_id, user_id, utterance
            if self._partials:
                (space_id, user_id), utterance = next(iter(self._partials.items()))
                del self._partials[(space_id, user_id)]
                return False, space_id, user_id, utterance
            self._work.clear()


class SpaceCaptioner:
    """One Space's speakers, cut into utterances and handed to the process's transcription
    queue; what the transcriber made of them said on the Space's live channel."""

    def __init__(
        self,
        deps: CaptionsDeps,
        space_id: str,
        *,
        queue: TranscriptionQueue,
        partial_every_ms: int,
        stats: CaptioningStats,
    ) -> None:
        self._deps = deps
        self.space_id = space_id
        self._queue = queue
        self._partial_every_frames = max(1, partial_every_ms // FRAME_MS)
        self._stats = stats
        self._cutters: dict[str, UtteranceCutter] = {}
        self._last_frame_at: dict[str, float] = {}
        self._frames_since_partial: dict[str, int] = {}
        self._shown: set[str] = set()  # segments with a partial on screen
        self._unfollow: Unfollow | None = None
        self._idle: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._idle = asyncio.create_task(
            self._end_stopped_feeds(), name=f"captions-idle-{self.space_id}"
        )
        self._unfollow = await self._deps.feeds.follow(self.space_id, self._frame)

    @property
    def running(self) -> bool:
        return self._idle is not None and not self._idle.done()

    async def stop(self) -> None:
        if self._unfollow is not None:
            await self._unfollow()
        self._queue.forget(self.space_id)
        if self._idle is not None:
            self._idle.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._idle

    def _frame(self, user_id: str, headers: FeedHeaders, pcm: bytes) -> None:
        cutter = self._cutters.get(user_id)
        if cutter is None:
            cutter = self._cutters[user_id] = UtteranceCutter(self._deps.cutting)
        self._last_frame_at[user_id] = time.monotonic()
        for utterance in cutter.push(headers.pts, pcm):
            self._queue.final(self.space_id, user_id, utterance)
        if not cutter.speaking:
            self._frames_since_partial[user_id] = 0
            return
        frames = self._frames_since_partial.get(user_id, 0) + 1
        if frames < self._partial_every_frames or cutter.quiet_ms >= QUIET_FOR_PARTIAL_MS:
            # not yet; or they paused, perhaps for good: their final may come in a moment and
            # a partial decoded now would keep the transcriber from it (taken when they go on)
            self._frames_since_partial[user_id] = frames
            return
        self._frames_since_partial[user_id] = 0
        if (ongoing := cutter.ongoing()) is not None:
            self._queue.partial(self.space_id, user_id, ongoing)

    def _still_spoken(self, user_id: str, start_ms: int) -> bool:
        cutter = self._cutters.get(user_id)
        return cutter is not None and cutter.open_start_ms == start_ms

    async def _end_stopped_feeds(self) -> None:
        pause_s = self._deps.cutting.end_pause_ms / 1000
        while True:
            await asyncio.sleep(pause_s / 4)
            now = time.monotonic()
            for user_id, cutter in self._cutters.items():
                if cutter.speaking and now - self._last_frame_at[user_id] >= pause_s:
                    for utterance in cutter.flush():
                        self._queue.final(self.space_id, user_id, utterance)

    async def final(self, user_id: str, utterance: Utterance) -> None:
        segment_id = caption_segment_id(user_id, utterance.start_ms)
        shown = segment_id in self._shown
        self._shown.discard(segment_id)
        line = await caption_utterance(
            self._deps, self.space_id, user_id, utterance, partials_shown=shown
        )
        if line is not None:
            self._stats.count("finals_sent", self.space_id)

    async def partial(self, user_id: str, utterance: Utterance) -> None:
        line = await caption_partial(
            self._deps,
            self.space_id,
            user_id,
            utterance,
            still_spoken=lambda: self._still_spoken(user_id, utterance.start_ms),
        )
        if line is not None:
            self._shown.add(line.segment_id)
            self._stats.count("partials_sent", self.space_id)


class Captioning:
    def __init__(
        self,
        deps: CaptionsDeps,
        leases: Leases,
        *,
        partial_every_ms: int = 1_000,
        poll_s: float = 0.5,
    ) -> None:
        self._deps = deps
        self._leases = leases
        self._partial_every_ms = partial_every_ms
        self._poll_s = poll_s
        self._keepers: dict[str, LeaseKeeper] = {}
        self._captioners: dict[str, SpaceCaptioner] = {}
        self.stats = CaptioningStats()
        self._queue = TranscriptionQueue(self.stats)

    def captioning_here(self, space_id: str) -> bool:
        """This replica captions the Space now."""
        captioner = self._captioners.get(space_id)
        return captioner is not None and captioner.running

    async def run(self) -> None:
        transcriber = asyncio.create_task(self._transcribe(), name="captions-transcriber")
        try:
            await self._supervise()
        finally:
            transcriber.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await transcriber

    async def _transcribe(self) -> None:
        while True:
            final, space_id, user_id, utterance = await self._queue.next()
            captioner = self._captioners.get(space_id)
            if captioner is None:
                continue
            try:
                if final:
                    await captioner.final(user_id, utterance)
                else:
                    await captioner.partial(user_id, utterance)
            except Exception:
                log.exception("captions.caption_failed", space=space_id, speaker=user_id)

    async def _supervise(self) -> None:
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
        captioner = SpaceCaptioner(
            self._deps,
            space_id,
            queue=self._queue,
            partial_every_ms=self._partial_every_ms,
            stats=self.stats,
        )
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
