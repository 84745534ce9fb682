"""What a bot says: audio tracks for aiortc, paced in real time.

A track (:class:`SourceTrack`) hands aiortc one 20 ms frame of 48 kHz mono s16 audio per
``recv()``, on time; where the samples come from is its *source* (:class:`Tone`,
:class:`WavAudio`, :class:`Clicks`, :class:`Utterances`, :class:`Silence`), which can be
swapped while it plays (``set_source``), and the track can be muted (it then sends silence).
"""

from __future__ import annotations

import asyncio
import fractions
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import av
import numpy as np
import numpy.typing as npt
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

SAMPLE_RATE = 48_000
FRAME_SAMPLES = 960  # 20 ms
FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
FULL_SCALE = 32767
# Further behind than this (a stalled event loop, or nobody reading for a while, as during a
# reconnect), the track restarts its clock rather than bursting out every frame it owes.
MAX_LAG_S = 0.1

Pcm = npt.NDArray[np.int16]


class AudioSource(Protocol):
    """Where samples come from: ``read(count)`` returns exactly ``count`` mono int16 samples at
    48 kHz, continuing where the previous read stopped."""

    def read(self, count: int) -> Pcm: ...


class Silence:
    def read(self, count: int) -> Pcm:
        return np.zeros(count, dtype=np.int16)


class Tone:
    """A sine wave; ``amplitude`` is a fraction of full scale. The phase runs on across reads."""

    def __init__(self, frequency_hz: float, amplitude: float = 0.3) -> None:
        self.frequency_hz = frequency_hz
        self.amplitude = amplitude
        self._position = 0

    def read(self, count: int) -> Pcm:
        indices = np.arange(self._position, self._position + count)
        self._position += count
        wave = np.sin(2.0 * np.pi * self.frequency_hz * indices / SAMPLE_RATE)
        return (wave * self.amplitude * FULL_SCALE).astype(np.int16)


class WavAudio:
    """A WAV file (any rate, channels and sample format), resampled to 48 kHz mono, played
    once (then silence) or looped."""

    def __init__(self, path: Path | str, loop: bool = True) -> None:
        self.path = Path(path)
        self.loop = loop
        self.pcm = decode_to_mono_48k(self.path)
        self._position = 0

    def read(self, count: int) -> Pcm:
        out = np.zeros(count, dtype=np.int16)
        filled = 0
        while filled < count and self.pcm.size:
            if self._position >= self.pcm.size:
                if not self.loop:
                    break
                self._position = 0
            chunk = self.pcm[self._position : self._position + count - filled]
            out[filled : filled + chunk.size] = chunk
            filled += chunk.size
            self._position += chunk.size
        return out


class Clicks:
    """A short burst (``burst_s`` of a ``frequency_hz`` tone) every ``interval_s``, silence
    between. ``onsets`` are the offsets of the clicks that began in the last read."""

    def __init__(
        self,
        interval_s: float = 0.5,
        burst_s: float = 0.002,
        frequency_hz: float = 3000.0,
        amplitude: float = 1.0,
    ) -> None:
        self.interval = max(1, round(interval_s * SAMPLE_RATE))
        burst = np.arange(max(1, round(burst_s * SAMPLE_RATE)))
        wave = np.sin(2.0 * np.pi * frequency_hz * burst / SAMPLE_RATE) * amplitude
        self.burst = (wave * FULL_SCALE).astype(np.int16)
        self.onsets: list[int] = []
        self._position = 0

    def read(self, count: int) -> Pcm:
        out = np.zeros(count, dtype=np.int16)
        start, end = self._position, self._position + count
        first = -(-(start - self.burst.size + 1) // self.interval) * self.interval
        self.onsets = []
        for onset in range(max(first, 0), end, self.interval):
            lo, hi = max(onset, start), min(onset + self.burst.size, end)
            out[lo - start : hi - start] = self.burst[lo - onset : hi - onset]
            if onset >= start:
                self.onsets.append(onset - start)
        self._position = end
        return out


@dataclass(eq=False)
class Said:
    """When one piece of :class:`Utterances` went out: the ``time.perf_counter()`` at which its
    first sample (``started_at``) and the end of its last (``ended_at``) were handed to the
    sender; None until then (and for ever for a piece read while the track was muted, which
    nobody heard: wait for one under a timeout)."""

    samples: int
    started_at: float | None = None
    ended_at: float | None = None
    _ended: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def start(self, at: float) -> None:
        self.started_at = at

    def end(self, at: float) -> None:
        self.ended_at = at
        self._ended.set()

    async def wait(self) -> None:
        """Until the piece's last sample has been handed to the sender."""
        await self._ended.wait()


class Utterances:
    """PCM said when told to: pieces queued with :meth:`queue` are played one after another as
    they come, silence when none is waiting (a bot that talks, pauses and talks again).
    ``began`` and ``ended`` are, for the last read, the pieces whose first sample it held (with
    that sample's offset) and whose last it held (with the offset just past it)."""

    def __init__(self) -> None:
        self._waiting: deque[tuple[Pcm, Said]] = deque()
        self._position = 0  # into the first waiting piece
        self.began: list[tuple[Said, int]] = []
        self.ended: list[tuple[Said, int]] = []

    def queue(self, pcm: Pcm) -> Said:
        """Say ``pcm`` (48 kHz mono int16) after what is already waiting."""
        said = Said(samples=pcm.size)
        self._waiting.append((pcm, said))
        return said

    def read(self, count: int) -> Pcm:
        out = np.zeros(count, dtype=np.int16)
        self.began, self.ended = [], []
        filled = 0
        while filled < count and self._waiting:
            pcm, said = self._waiting[0]
            if self._position == 0:
                self.began.append((said, filled))
            chunk = pcm[self._position : self._position + count - filled]
            out[filled : filled + chunk.size] = chunk
            filled += chunk.size
            self._position += chunk.size
            if self._position >= pcm.size:
                self.ended.append((said, filled))
                self._waiting.popleft()
                self._position = 0
        return out


class SourceTrack(MediaStreamTrack):
    """An audio track playing ``source`` in real time: one 20 ms frame per ``recv()``."""

    kind = "audio"

    def __init__(self, source: AudioSource | None = None) -> None:
        super().__init__()
        self.source: AudioSource = source if source is not None else Silence()
        self.muted = False
        self.frames_sent = 0
        self._start: float | None = None
        self._pts = 0

    def set_source(self, source: AudioSource) -> None:
        """Play ``source`` from the next frame on."""
        self.source = source

    def mute(self) -> None:
        self.muted = True

    def unmute(self) -> None:
        self.muted = False

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        await self._wait_for_slot()
        samples = self.source.read(FRAME_SAMPLES)
        if self.muted:
            samples = np.zeros(FRAME_SAMPLES, dtype=np.int16)
        frame = pcm_frame(samples, self._pts)
        self.frames_sent += 1
        self._handing_over(time.perf_counter())
        return frame

    def _handing_over(self, now: float) -> None:
        """Called as the frame just read is returned to the sender, at ``now``."""

    async def _wait_for_slot(self) -> None:
        now = time.perf_counter()
        if self._start is None:
            self._start = now
            return
        self._pts += FRAME_SAMPLES
        delay = self._start + self._pts / SAMPLE_RATE - now
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -MAX_LAG_S:
            self._start = now - self._pts / SAMPLE_RATE


class ToneTrack(SourceTrack):
    def __init__(self, frequency_hz: float = 440.0, amplitude: float = 0.3) -> None:
        super().__init__(Tone(frequency_hz, amplitude))
        self.frequency_hz = frequency_hz


class WavTrack(SourceTrack):
    def __init__(self, path: Path | str, loop: bool = True) -> None:
        super().__init__(WavAudio(path, loop))


class SilenceTrack(SourceTrack):
    def __init__(self) -> None:
        super().__init__(Silence())


class ClickTrack(SourceTrack):
    """Clicks every ``interval_s``; ``click_times`` holds, for each click sent, the
    ``time.perf_counter()`` at which the frame carrying it was handed to the sender (plus the
    click's offset within the frame, zero when ``interval_s`` is a multiple of 20 ms)."""

    def __init__(
        self, interval_s: float = 0.5, burst_s: float = 0.002, frequency_hz: float = 3000.0
    ) -> None:
        self.clicks = Clicks(interval_s, burst_s, frequency_hz)
        super().__init__(self.clicks)
        self.click_times: list[float] = []

    def _handing_over(self, now: float) -> None:
        if self.source is self.clicks and not self.muted:
            self.click_times.extend(now + offset / SAMPLE_RATE for offset in self.clicks.onsets)


class SpeechTrack(SourceTrack):
    """Says PCM when told to (:meth:`say`, any rate), silence otherwise: speech for the
    captions. Each piece's :class:`Said` notes when it went out, for measuring how long after
    the last word something arrived."""

    def __init__(self) -> None:
        self.utterances = Utterances()
        super().__init__(self.utterances)

    def say(self, pcm: Pcm, rate: int = SAMPLE_RATE) -> Said:
        """Say mono int16 ``pcm`` sampled at ``rate`` (resampled to 48 kHz) once what is
        already waiting has been said."""
        return self.utterances.queue(pcm if rate == SAMPLE_RATE else resampled_to_48k(pcm, rate))

    def _handing_over(self, now: float) -> None:
        if self.source is not self.utterances or self.muted:
            return
        for said, offset in self.utterances.began:
            said.start(now + offset / SAMPLE_RATE)
        for said, offset in self.utterances.ended:
            said.end(now + offset / SAMPLE_RATE)


def pcm_frame(samples: Pcm, pts: int) -> av.AudioFrame:
    """A 48 kHz mono s16 frame of ``samples``."""
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = SAMPLE_RATE
    frame.pts = pts
    frame.time_base = TIME_BASE
    return frame


def decode_to_mono_48k(path: Path) -> Pcm:
    """Every sample of an audio file, resampled to 48 kHz mono int16."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    chunks: list[Pcm] = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            chunks.extend(_flat(out) for out in resampler.resample(frame))
    chunks.extend(_flat(out) for out in resampler.resample(None))
    if not chunks:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate(chunks)


def resampled_to_48k(pcm: Pcm, rate: int) -> Pcm:
    """Mono int16 ``pcm`` at ``rate`` resampled to 48 kHz, every sample (the resampler's tail
    flushed): 16 kHz test speech becomes exactly three times as many samples."""
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    frame.pts = 0
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    chunks = [_flat(out) for out in (*resampler.resample(frame), *resampler.resample(None))]
    if not chunks:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate(chunks)


def _flat(frame: av.AudioFrame) -> Pcm:
    return np.asarray(frame.to_ndarray(), dtype=np.int16).reshape(-1)
