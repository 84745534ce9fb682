"""Word error rate and the transcriber's real-time factor, offline: every corpus sentence said
by every voice goes through what the captions service does with a speaker's feed, the same
objects: the feed's 20 ms frames into ``UtteranceCutter`` (the service's cutting), each
utterance it ends into ``WhisperTranscriber`` (tiny.en, int8, one CPU thread: the service's
defaults), the texts of a sentence's utterances joined and compared with what was said.

CPU is this process's utime + stime from ``/proc/self/stat`` around each decode (the decode
runs here, on the caller's thread: nothing else runs meanwhile), wall from ``perf_counter``.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any

import jiwer
import numpy as np
from captions_speech import Spoken
from harness import progress
from timers_bench import cpu_s

from parley.captions.adapters.transcriber import WhisperTranscriber
from parley.captions.domain.utterances import FRAME_SAMPLES, Cutting, UtteranceCutter
from parley.testing.speech import RATE, silence, words

LEAD_MS = 300  # quiet before the sentence, as a speaker draws breath
TAIL_MS = 1_000  # quiet after: the cutter's 500 ms pause ends the utterance within it


@dataclass(frozen=True)
class Decode:
    """One utterance transcribed."""

    audio_s: float
    cpu_s: float
    wall_s: float


@dataclass(frozen=True)
class Heard:
    voice: str
    said: str
    heard: str
    decodes: tuple[Decode, ...]


def utterances_of(pcm: bytes, cutting: Cutting) -> list[bytes]:
    """``pcm`` as the service gets it (20 ms frames, consecutive pts), cut as it cuts it."""
    cutter = UtteranceCutter(cutting)
    frame = FRAME_SAMPLES * 2
    cut = []
    for n, offset in enumerate(range(0, len(pcm) - frame + 1, frame)):
        cut.extend(cutter.push(n * FRAME_SAMPLES, pcm[offset : offset + frame]))
    cut.extend(cutter.flush())
    return [utterance.pcm for utterance in cut]


def hear(transcriber: WhisperTranscriber, spoken: Spoken, cutting: Cutting) -> Heard:
    me = os.getpid()
    texts, decodes = [], []
    for pcm in utterances_of(silence(LEAD_MS) + spoken.pcm + silence(TAIL_MS), cutting):
        cpu_before, wall_before = cpu_s(me), time.perf_counter()
        texts.append(transcriber.transcribe_now(pcm))
        decodes.append(
            Decode(len(pcm) / 2 / RATE, cpu_s(me) - cpu_before, time.perf_counter() - wall_before)
        )
    return Heard(spoken.voice, spoken.text, " ".join(t for t in texts if t), tuple(decodes))


def word_errors(heard: list[Heard]) -> dict[str, Any]:
    """The word error rate of these sentences together (errors / words said), and its parts."""
    out = jiwer.process_words([words(h.said) for h in heard], [words(h.heard) for h in heard])
    said = out.hits + out.substitutions + out.deletions
    return {
        "sentences": len(heard),
        "words": said,
        "wer": round(out.wer, 4),
        "substitutions": out.substitutions,
        "deletions": out.deletions,
        "insertions": out.insertions,
    }


def real_time_factor(decodes: list[Decode]) -> dict[str, Any]:
    """CPU and wall seconds per second of audio decoded, and the cost of a decode as a fixed
    part and a part per second of audio (least squares): Whisper encodes a 30 s window
    whatever the length, so the fixed part dominates short utterances."""
    audio = sum(d.audio_s for d in decodes)
    per_s, fixed = np.polyfit([d.audio_s for d in decodes], [d.cpu_s for d in decodes], 1)
    return {
        "decodes": len(decodes),
        "audio_s": round(audio, 1),
        "cpu_s": round(sum(d.cpu_s for d in decodes), 2),
        "wall_s": round(sum(d.wall_s for d in decodes), 2),
        "cpu_per_audio_s": round(sum(d.cpu_s for d in decodes) / audio, 4),
        "wall_per_audio_s": round(sum(d.wall_s for d in decodes) / audio, 4),
        "utterance_s_median": round(statistics.median(d.audio_s for d in decodes), 2),
        "decode_cpu_s_median": round(statistics.median(d.cpu_s for d in decodes), 3),
        "decode_wall_s_median": round(statistics.median(d.wall_s for d in decodes), 3),
        "decode_wall_s_p95": round(float(np.percentile([d.wall_s for d in decodes], 95)), 3),
        "decode_cpu_s_fixed": round(float(fixed), 3),
        "decode_cpu_s_per_audio_s": round(float(per_s), 4),
    }


def measure(
    transcriber: WhisperTranscriber, corpus: list[Spoken], voices: tuple[str, ...]
) -> dict[str, Any]:
    cutting = Cutting()
    transcriber.transcribe_now(corpus[0].pcm)  # warm-up, not counted
    heard: list[Heard] = []
    for voice in voices:
        said_by = [spoken for spoken in corpus if spoken.voice == voice]
        heard_now = [hear(transcriber, spoken, cutting) for spoken in said_by]
        heard.extend(heard_now)
        errors = word_errors(heard_now)
        progress(
            f"  {voice:<15} WER {errors['wer']:.1%} over {errors['words']} words "
            f"({errors['substitutions']} sub, {errors['deletions']} del, "
            f"{errors['insertions']} ins)"
        )
    decodes = [d for h in heard for d in h.decodes]
    worst = sorted(heard, key=lambda h: -jiwer.wer(words(h.said), words(h.heard)))
    return {
        "overall": word_errors(heard),
        "per_voice": {v: word_errors([h for h in heard if h.voice == v]) for v in voices},
        "rtf": real_time_factor(decodes),
        "utterances_per_sentence": round(len(decodes) / len(heard), 2),
        "worst": [
            {"voice": h.voice, "said": h.said, "heard": h.heard}
            | {"wer": round(jiwer.wer(words(h.said), words(h.heard)), 3)}
            for h in worst[:12]
        ],
        "sentences": [
            {"voice": h.voice, "said": h.said, "heard": h.heard}
            | {"decodes": [asdict(d) for d in h.decodes]}
            for h in heard
        ],
    }
