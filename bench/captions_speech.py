"""Test speech with the time each word ends: espeak-ng's library (libespeak-ng, through ctypes)
says a sentence and reports where every word starts, in the same synthesis that makes the
audio.

Why not ``parley.testing.speech`` alone: it runs the ``espeak-ng`` program, which says nothing
about word timings, and voices with a variant (``en+f3``) add a little random breath noise, so
a second synthesis for the timings would not be the same audio. The audio made here is what
that helper makes (the same library, rate and flags as the program, resampled the same way to
the speaker feeds' 16 kHz): :func:`check_same_as_test_speech` compares them for a voice without
noise.

A word's end is the end of its last loud 10 ms (at the cutter's -45 dBFS) before the next word
starts: espeak reports starts only, and a pause before the next word belongs to neither.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from parley.captions.domain.utterances import Cutting
from parley.testing.speech import RATE, speech, words

# speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_END = 5
_EVENT_MSG_TERMINATED = 6
_PARAMETER_RATE = 1
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000  # what the espeak-ng program asks for: a pause at the end of the text

WINDOW_MS = 10
LOUD_DBFS = Cutting().loud_dbfs


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters
        ("length", ctypes.c_int),  # of the word, in characters
        ("audio_position", ctypes.c_int),  # ms
        ("sample", ctypes.c_int),  # at the synthesis rate
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),  # a union of an int, a pointer and 8 chars
    ]


_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class Spoken:
    """A sentence said by a voice: the audio (s16le mono 16 kHz) and, for each of its words
    (``words(text)``), the ms at which it ends in that audio."""

    text: str
    voice: str
    pcm: bytes
    words: tuple[str, ...]
    word_ends_ms: tuple[int, ...]

    @property
    def duration_ms(self) -> int:
        return len(self.pcm) // 2 * 1000 // RATE


@dataclass(frozen=True)
class _WordEvent:
    char_start: int  # 0-based
    char_end: int
    sample: int


class Espeak:
    """libespeak-ng in synchronous mode: one synthesis at a time, in this process."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        self._lib = ctypes.CDLL(name)
        self.rate = self._lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if self.rate <= 0:
            raise RuntimeError(f"espeak_Initialize failed ({self.rate})")
        self._chunks: list[np.ndarray] = []
        self._events: list[_WordEvent] = []
        self._ends: list[int] = []
        self._callback = _Callback(self._heard)  # kept: the library holds the pointer
        self._lib.espeak_SetSynthCallback(self._callback)
        self._one_at_a_time = threading.Lock()

    def _heard(self, wav: Any, count: int, events: Any) -> int:
        """libespeak-ng's callback: a chunk of audio and the events in it."""
        if wav and count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        n = 0
        while events[n].type != _EVENT_LIST_TERMINATED:
            event = events[n]
            if event.type == _EVENT_WORD and event.length > 0:  # an empty one ends some texts
                start = event.text_position - 1
                self._events.append(_WordEvent(start, start + event.length, event.sample))
            elif event.type in (_EVENT_END, _EVENT_MSG_TERMINATED):
                self._ends.append(event.sample)
            n += 1
        return 0

    def say(self, text: str, voice: str, wpm: int) -> Spoken:
        with self._one_at_a_time:
            self._chunks, self._events, self._ends = [], [], []
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"espeak-ng has no voice {voice!r}")
            self._lib.espeak_SetParameter(_PARAMETER_RATE, wpm, 0)
            encoded = text.encode() + b"\0"
            flags = _CHARS_UTF8 | _ENDPAUSE
            self._lib.espeak_Synth(encoded, len(encoded), 0, _POS_CHARACTER, 0, flags, None, None)
            self._lib.espeak_Synchronize()
            samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
            events, ends = list(self._events), list(self._ends)
        pcm = to_feed_rate(samples, self.rate)
        ends_ms = word_ends_ms(text, samples, self.rate, events, ends)
        return Spoken(text, voice, pcm, tuple(words(text).split()), ends_ms)


def to_feed_rate(samples: np.ndarray, rate: int) -> bytes:
    """As ``parley.testing.speech`` resamples espeak's 22.05 kHz: in the frequency domain."""
    count = len(samples) * RATE // rate
    spectrum = np.fft.rfft(samples.astype(np.float64))[: count // 2 + 1]
    resampled = np.fft.irfft(spectrum, count) * count / len(samples)
    return bytes(np.clip(resampled, -32768, 32767).astype("<i2").tobytes())


def _last_loud_ms(samples: np.ndarray, rate: int, start: int, stop: int) -> int | None:
    """The end (ms) of the last loud 10 ms window in samples[start:stop]."""
    window = rate * WINDOW_MS // 1000
    floor = 32768 * 10 ** (LOUD_DBFS / 20)
    for begin in range(stop - window, start - 1, -window):
        chunk = samples[max(begin, start) : begin + window].astype(np.float64)
        if chunk.size and float(np.sqrt(np.mean(chunk * chunk))) >= floor:
            return (begin + window) * 1000 // rate
    return None


def word_ends_ms(
    text: str, samples: np.ndarray, rate: int, events: list[_WordEvent], ends: list[int]
) -> tuple[int, ...]:
    """For each word of ``words(text)``: the ms its sound ends (see the module's docstring)."""
    boundaries = sorted({e.sample for e in events} | set(ends) | {len(samples)})
    found = []
    # words() keeps runs of [a-z0-9'] of the lower-cased text: the same tokens, with places.
    # A word espeak reports no start for is said with the one before it ("from the" before
    # "north"): it ends where that one's sound ends, before the next reported word.
    for token in re.finditer(r"[a-z0-9']+", text.lower()):
        said_with = [e for e in events if e.char_start <= token.start()]
        if not said_with:
            raise ValueError(f"espeak said no word before {token.group()!r} in {text!r}")
        event = max(said_with, key=lambda e: e.char_start)
        stop = next((b for b in boundaries if b > event.sample), len(samples))
        end = _last_loud_ms(samples, rate, event.sample, stop)
        found.append(end if end is not None else event.sample * 1000 // rate)
    return tuple(found)


def check_same_as_test_speech(
    espeak: Espeak, text: str, voice: str = "en-us", wpm: int = 130
) -> None:
    """This synthesis is the tests' test speech (a voice without random breath noise)."""
    if espeak.say(text, voice, wpm).pcm != speech(text, voice, wpm):
        raise AssertionError(f"libespeak-ng's {voice} differs from parley.testing.speech")
