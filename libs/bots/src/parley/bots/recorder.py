"""What a bot hears: every frame of a received audio track, as 48 kHz mono PCM, with the
``time.perf_counter()`` at which it arrived.

A recorder outlives the tracks it reads: after a media reconnect it ``follow``s the new
track and the recording goes on in the same timeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

import av
import numpy as np
import numpy.typing as npt
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from parley.bots.analysis import click_onsets, is_silent
from parley.bots.sources import SAMPLE_RATE, Pcm

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ReceivedFrame:
    arrived_at: float  # time.perf_counter() when recv() returned it
    samples: Pcm  # mono int16 at 48 kHz

    @property
    def duration_s(self) -> float:
        return self.samples.size / SAMPLE_RATE


class Recorder:
    """Reads a remote audio track until it ends or ``stop()`` is awaited."""

    def __init__(self, track: MediaStreamTrack | None = None) -> None:
        self.frames: list[ReceivedFrame] = []
        self.track: MediaStreamTrack | None = None
        self._reader: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()
        if track is not None:
            self.follow(track)

    # -- recording ------------------------------------------------------------------------

    def follow(self, track: MediaStreamTrack) -> None:
        """Record ``track`` from now on (instead of the one recorded so far, if any)."""
        if self._reader is not None:
            self._reader.cancel()
        self.track = track
        self._reader = asyncio.create_task(self._read(track), name=f"recorder-{track.id}")

    async def stop(self) -> None:
        """Stop reading; what was recorded stays."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    @property
    def running(self) -> bool:
        return self._reader is not None and not self._reader.done()

    async def _read(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if isinstance(frame, av.AudioFrame):
                self.add(time.perf_counter(), mono_48k(frame))

    def add(self, arrived_at: float, samples: Pcm) -> None:
        self.frames.append(ReceivedFrame(arrived_at, samples))
        self._arrived.set()

    async def wait_for_frames(self, count: int = 1, timeout_s: float = 10.0) -> None:
        """Until at least ``count`` frames were recorded; TimeoutError after ``timeout_s``."""
        async with asyncio.timeout(timeout_s):
            while True:
                self._arrived.clear()
                if len(self.frames) >= count:
                    return
                await self._arrived.wait()

    # -- reading it back ------------------------------------------------------------------

    @property
    def duration_s(self) -> float:
        return sum(frame.duration_s for frame in self.frames)

    def pcm(self, start: float | None = None, end: float | None = None) -> Pcm:
        """The samples of the frames that arrived in [start, end) (perf_counter times; None:
        unbounded), concatenated."""
        chosen = [
            frame.samples
            for frame in self.frames
            if (start is None or frame.arrived_at >= start)
            and (end is None or frame.arrived_at < end)
        ]
        return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int16)

    def samples(self, start: float | None = None, end: float | None = None) -> Samples:
        """As :meth:`pcm`, as floats in [-1, 1]."""
        return self.pcm(start, end).astype(np.float32) / 32768.0

    def last(self, seconds: float) -> Samples:
        """The last ``seconds`` of audio received (fewer if less was received)."""
        count = round(seconds * SAMPLE_RATE)
        pcm = self.pcm()[-count:] if count > 0 else np.zeros(0, dtype=np.int16)
        return pcm.astype(np.float32) / 32768.0

    def audible_share(
        self, start: float | None = None, end: float | None = None, frame_s: float = 0.02
    ) -> float:
        """The share of ``frame_s`` pieces between start and end that are not silent (0.0 when
        nothing arrived)."""
        pcm = self.pcm(start, end)
        size = max(1, round(frame_s * SAMPLE_RATE))
        pieces = [pcm[i : i + size] for i in range(0, pcm.size - size + 1, size)]
        if not pieces:
            return 0.0
        return sum(not is_silent(piece) for piece in pieces) / len(pieces)

    def click_times(self, start: float | None = None, end: float | None = None) -> list[float]:
        """When each click onset arrived: its frame's arrival time plus its offset within it."""
        frames = [
            frame
            for frame in self.frames
            if (start is None or frame.arrived_at >= start)
            and (end is None or frame.arrived_at < end)
        ]
        if not frames:
            return []
        pcm = np.concatenate([frame.samples for frame in frames])
        ends = np.cumsum([frame.samples.size for frame in frames])
        times = []
        for onset in click_onsets(pcm, SAMPLE_RATE):
            index = int(np.searchsorted(ends, onset, side="right"))
            first_sample = int(ends[index - 1]) if index else 0
            times.append(frames[index].arrived_at + (onset - first_sample) / SAMPLE_RATE)
        return times


def mono_48k(frame: av.AudioFrame) -> Pcm:
    """A decoded frame as mono int16 at 48 kHz (channels averaged)."""
    if frame.sample_rate != SAMPLE_RATE or frame.format.name not in ("s16", "s16p"):
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        outs = [*resampler.resample(frame), *resampler.resample(None)]
        pcm = [np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1) for out in outs]
        return np.concatenate(pcm) if pcm else np.zeros(0, dtype=np.int16)
    channels = len(frame.layout.channels)
    array = np.asarray(frame.to_ndarray(), dtype=np.int16)
    if channels == 1:
        return array.reshape(-1)
    if frame.format.is_planar:
        per_channel = array.reshape(channels, -1)
    else:
        per_channel = array.reshape(-1, channels).T
    mixed: Pcm = per_channel.mean(axis=0).astype(np.int16)
    return mixed
