"""A speaker's feed, 20 ms frame by frame, cut into utterances: stretches of speech that end
with a pause, a gap in the feed, or a length limit, each one given to the transcriber whole.

This is the cheap first pass of "transcribe only speech": a frame is *loud* when its level is
above a threshold (a quiet room's noise is far below it); an utterance starts at its first loud
frame (with a little of what came before, so that a soft first consonant is not cut), ends
after ``end_pause_ms`` without a loud frame, and is dropped when it holds less than
``min_speech_ms`` of loud frames (a click, a cough). The transcriber's own voice-activity model
(Silero, in faster-whisper) then keeps only the speech inside it.

Times are the feed's: its pts (16 kHz samples of the Space's mixing clock, i.e. the recording's
clock), so an utterance's ``start_ms``/``end_ms`` place the words in the recording.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from parley.contracts.media import FRAME_MS, SPEAKER_FEED_SAMPLE_RATE

SAMPLES_PER_MS = SPEAKER_FEED_SAMPLE_RATE // 1000
FRAME_SAMPLES = FRAME_MS * SAMPLES_PER_MS


@dataclass(frozen=True)
class Utterance:
    """Speech of one speaker: s16le mono 16 kHz, and where it lies on the recording's clock."""

    start_ms: int
    end_ms: int
    pcm: bytes

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Cutting:
    """How utterances are cut (see the module's docstring)."""

    loud_dbfs: float = -45.0
    end_pause_ms: int = 500
    max_ms: int = 15_000
    min_speech_ms: int = 200
    lead_ms: int = 200  # kept before the first loud frame
    tail_ms: int = 200  # kept after the last loud frame


def level_dbfs(pcm: bytes) -> float:
    """RMS level of s16le samples, in dB relative to full scale (-inf for digital silence)."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if samples.size == 0:
        return -math.inf
    rms = math.sqrt(float(np.mean(samples * samples)))
    return 20 * math.log10(rms / 32768) if rms > 0 else -math.inf


@dataclass
class _Open:
    start_pts: int
    frames: list[bytes] = field(default_factory=list)
    speech_ms: int = 0
    last_loud_end_pts: int = 0


class UtteranceCutter:
    """One speaker's feed in, utterances out. Frames are pushed in pts order (older or repeated
    frames are ignored). A pts step of more than one frame is a gap: shorter than
    ``end_pause_ms``, silence (the relay had no audio for a few ticks); longer, the feed
    stopped (the speaker was muted or not heard), so whatever was being said is over."""

    def __init__(self, cutting: Cutting | None = None) -> None:
        self.cutting = cutting or Cutting()
        self._lead: deque[tuple[int, bytes]] = deque(
            maxlen=max(1, self.cutting.lead_ms // FRAME_MS)
        )
        self._open: _Open | None = None
        self._next_pts: int | None = None

    @property
    def speaking(self) -> bool:
        """An utterance is open (speech heard and not yet ended)."""
        return self._open is not None

    def push(self, pts: int, pcm: bytes) -> list[Utterance]:
        """The frame at ``pts`` (16 kHz samples); the utterances it ends, if any."""
        done: list[Utterance] = []
        if self._next_pts is not None:
            if pts < self._next_pts:
                return done
            if pts > self._next_pts:
                done.extend(self._across_gap(pts - self._next_pts))
        self._next_pts = pts + len(pcm) // 2
        done.extend(self._take(pts, pcm))
        return done

    def _across_gap(self, samples: int) -> list[Utterance]:
        """Frames missing before the next one: a hole shorter than a pause that ends an
        utterance is the relay having had no audio for a tick or a few (a late packet, a busy
        mixer) and is heard as silence, so a sentence is not cut in two; a longer one is the
        feed having stopped (the speaker muted or no longer heard): what was said is over."""
        if samples // SAMPLES_PER_MS >= self.cutting.end_pause_ms:
            return self.flush()
        done: list[Utterance] = []
        pts = self._next_pts or 0
        while samples > 0:
            size = min(samples, FRAME_SAMPLES)
            done.extend(self._take(pts, bytes(size * 2)))
            pts, samples = pts + size, samples - size
        return done

    def _take(self, pts: int, pcm: bytes) -> list[Utterance]:
        done: list[Utterance] = []
        loud = level_dbfs(pcm) >= self.cutting.loud_dbfs
        current = self._open
        if current is None:
            if not loud:
                self._lead.append((pts, pcm))
                return done
            lead = list(self._lead)
            self._lead.clear()
            current = _Open(start_pts=lead[0][0] if lead else pts)
            current.frames.extend(frame for _, frame in lead)
            self._open = current
        current.frames.append(pcm)
        end_pts = pts + len(pcm) // 2
        if loud:
            current.speech_ms += len(pcm) // 2 // SAMPLES_PER_MS
            current.last_loud_end_pts = end_pts
        pause_ms = (end_pts - current.last_loud_end_pts) // SAMPLES_PER_MS
        length_ms = (end_pts - current.start_pts) // SAMPLES_PER_MS
        if pause_ms >= self.cutting.end_pause_ms or length_ms >= self.cutting.max_ms:
            done.extend(self.flush())
        return done

    @property
    def quiet_ms(self) -> int:
        """How long the speaker has been quiet in what they are saying now (0 while speaking
        or while nothing is being said)."""
        current = self._open
        if current is None or self._next_pts is None:
            return 0
        return max(0, self._next_pts - current.last_loud_end_pts) // SAMPLES_PER_MS

    @property
    def open_start_ms(self) -> int | None:
        """Where what is being said now started (``None`` while nothing is)."""
        return None if self._open is None else self._open.start_pts // SAMPLES_PER_MS

    def ongoing(self) -> Utterance | None:
        """What is being said now, so far (for a partial caption): ``None`` while nothing is,
        or too little speech to be words yet."""
        current = self._open
        if current is None or current.speech_ms < self.cutting.min_speech_ms:
            return None
        pcm = b"".join(current.frames)
        start_ms = current.start_pts // SAMPLES_PER_MS
        end_ms = start_ms + len(pcm) // 2 // SAMPLES_PER_MS
        return Utterance(start_ms=start_ms, end_ms=end_ms, pcm=pcm)

    def flush(self) -> list[Utterance]:
        """Ends what is being said now (the feed stopped or went quiet for good)."""
        current, self._open = self._open, None
        self._lead.clear()
        if current is None or current.speech_ms < self.cutting.min_speech_ms:
            return []
        end_pts = current.last_loud_end_pts + self.cutting.tail_ms * SAMPLES_PER_MS
        pcm = b"".join(current.frames)[: (end_pts - current.start_pts) * 2]
        return [
            Utterance(
                start_ms=current.start_pts // SAMPLES_PER_MS,
                end_ms=current.start_pts // SAMPLES_PER_MS + len(pcm) // 2 // SAMPLES_PER_MS,
                pcm=pcm,
            )
        ]
