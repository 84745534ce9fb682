"""One Space on one worker.

On its **origin** worker a Space has a mixing clock: every 20 ms it takes one frame from each
stage member who may be heard *now* (roles are read on every tick, so a mute, demotion or
removal silences someone from the next tick on, whatever their client keeps sending), mixes
them, encodes the program **once** and writes the same packet to every listener. A stage member
who may be heard, or whose voice the program's encoder may still carry, gets the mix of the
others instead, encoded for them alone, on every tick, frame or no frame
(:class:`~parley.media_relay.domain.mixing.Mixer` decides who): nobody on stage ever hears
themselves. A muted member shares the program's encoding once their voice is out of it.
The program also goes out on NATS for edge workers, recording and HLS; each heard speaker's
voice goes out as a 16 kHz feed for captions.

On an **edge** worker there is no mixer: the program arrives over NATS and is written to the
edge's listeners as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Collection

import av
from av.audio.resampler import AudioResampler

from parley.chassis.logs import get_logger
from parley.contracts.media import SPEAKER_FEED_SAMPLE_RATE
from parley.media_relay.adapters.feeds import FeedPublisher
from parley.media_relay.adapters.opus import VoiceEncoder
from parley.media_relay.domain.mixing import FRAME_SAMPLES, SAMPLE_RATE, Mixer, Pcm, level_dbov
from parley.media_relay.domain.roles import SpaceRoles
from parley.media_relay.domain.speaking import SpeakingDetector
from parley.media_relay.engine.session import MediaSession

log = get_logger(__name__)

TICK_S = FRAME_SAMPLES / SAMPLE_RATE
FEED_FRAME_BYTES = SPEAKER_FEED_SAMPLE_RATE * FRAME_SAMPLES // SAMPLE_RATE * 2  # 20 ms, s16
MAX_LAG_S = 0.2  # behind by more than this (a stall): skip ahead instead of bursting

SpeakingCallback = Callable[[str, tuple[str, ...], dict[str, float]], Awaitable[None]]


class SpaceMedia:
    def __init__(
        self,
        space_id: str,
        roles: SpaceRoles,
        *,
        feeds: FeedPublisher,
        bitrate: int,
        on_speaking: SpeakingCallback,
    ) -> None:
        self.space_id = space_id
        self.roles = roles
        self.sessions: dict[str, MediaSession] = {}
        self._feeds = feeds
        self._bitrate = bitrate
        self._on_speaking = on_speaking
        self._mixer = Mixer()
        self._program_encoder = VoiceEncoder(bitrate)
        self._own_encoders: dict[str, VoiceEncoder] = {}
        self._feed_resamplers: dict[str, AudioResampler] = {}
        self._speaking = SpeakingDetector()
        self._clock: asyncio.Task[None] | None = None
        self._pts = 0

    # -- sessions ---------------------------------------------------------------------------

    @property
    def is_origin(self) -> bool:
        return self._clock is not None

    def add(self, session: MediaSession) -> None:
        self.sessions[session.user_id] = session

    def remove(self, user_id: str) -> MediaSession | None:
        self._own_encoders.pop(user_id, None)
        self._feed_resamplers.pop(user_id, None)
        return self.sessions.pop(user_id, None)

    def listener_count(self) -> int:
        return sum(1 for session in self.sessions.values() if not session.uplink)

    # -- origin: the mixing clock -----------------------------------------------------------

    def start_mixing(self) -> None:
        if self._clock is None:
            self._clock = asyncio.create_task(self._run_clock(), name=f"mix-{self.space_id}")

    async def stop(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._clock
            self._clock = None

    async def _run_clock(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("media.tick_failed", space=self.space_id)
            due += TICK_S
            delay = due - loop.time()
            if delay < -MAX_LAG_S:
                log.warning("media.mixer_behind", space=self.space_id, behind_s=round(-delay, 3))
                due = loop.time()
                delay = 0
            await asyncio.sleep(max(0.0, delay))

    async def tick(self) -> None:
        captured_at_ns = time.time_ns()
        pts = self._pts
        self._pts += FRAME_SAMPLES
        heard = self._take_heard_frames()
        await self._announce_speaking(heard)
        mixed = self._mixer.tick(
            heard, connected=self.sessions.keys(), may_be_heard=self._may_be_heard()
        )
        program = self._program_encoder.encode(mixed.program, pts)
        await self.relay_program(program, pts, skip=mixed.own.keys())
        for user, pcm in mixed.own.items():
            session = self.sessions.get(user)
            if session is None:
                continue  # hung up while this tick was being sent
            encoder = self._own_encoder(user)
            warm_up = mixed.warm_up.get(user)
            if warm_up is not None:
                encoder.encode(warm_up, pts - FRAME_SAMPLES)
            await session.out.send(encoder.encode(pcm, pts), pts)
        await self._feeds.program(program, pts, captured_at_ns)
        if self.roles.records_program:  # a recorded Space, live (ADR 21)
            await self._feeds.recorded(program)
        for user, pcm in heard.items():
            await self._feeds.speaker(user, self._to_feed_rate(user, pcm), pts)

    def _may_be_heard(self) -> frozenset[str]:
        """Stage members with an uplink whose mic is open now, with or without a frame."""
        return frozenset(
            user
            for user, session in self.sessions.items()
            if session.uplink and self.roles.can_be_heard(user)
        )

    def _own_encoder(self, user: str) -> VoiceEncoder:
        encoder = self._own_encoders.get(user)
        if encoder is None:
            encoder = self._own_encoders[user] = VoiceEncoder(self._bitrate)
        return encoder

    def _take_heard_frames(self) -> dict[str, Pcm]:
        """One frame from each stage member; only those who may be heard now are kept."""
        heard: dict[str, Pcm] = {}
        for user, session in self.sessions.items():
            if not session.uplink:
                continue
            frame = session.buffer.take()
            if frame is not None and self.roles.can_be_heard(user):
                heard[user] = frame
        return heard

    async def _announce_speaking(self, heard: dict[str, Pcm]) -> None:
        now_ms = time.monotonic() * 1000
        levels = {user: level_dbov(frame) for user, frame in heard.items()}
        changed = self._speaking.update(now_ms, levels)
        for user in self._speaking.active:
            if not self.roles.can_be_heard(user):
                forgotten = self._speaking.forget(user)
                # not ``or``: forgetting the last speaker gives (), which must be announced too
                changed = forgotten if forgotten is not None else changed
        if changed is not None:
            await self._on_speaking(self.space_id, self._speaking.active, self._speaking.levels())

    def _to_feed_rate(self, user: str, pcm: Pcm) -> bytes:
        resampler = self._feed_resamplers.get(user)
        if resampler is None:
            resampler = self._feed_resamplers[user] = AudioResampler(
                format="s16", layout="mono", rate=SPEAKER_FEED_SAMPLE_RATE
            )
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        resampled = resampler.resample(frame)
        pcm16k = b"".join(out.to_ndarray().astype("<i2").tobytes() for out in resampled)
        # The resampler holds back its filter delay at first: pad, so that every message is
        # 20 ms as the feed's contract says and the samples stay aligned with the pts.
        return pcm16k.rjust(FEED_FRAME_BYTES, b"\0")

    @property
    def active_speakers(self) -> tuple[str, ...]:
        return self._speaking.active

    # -- the program to listeners (on an edge, as it arrives over NATS) ----------------------

    async def relay_program(self, payload: bytes, pts: int, *, skip: Collection[str] = ()) -> None:
        """The same encoded payload to every session, except those in ``skip`` (stage members
        who get a mix of their own)."""
        for user, session in list(self.sessions.items()):
            if user not in skip:
                await session.out.send(payload, pts)
