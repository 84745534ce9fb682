"""Live captions through the real service: speakers talking at real-time pace on the relay's
speaker feeds, captions read where the gateway reads them, and how late each word shows.

Per round: N speakers, each a script of corpus sentences (several voices, a pause between
sentences), fed from one clock, 20 ms a frame with the relay's headers (``FeedHeaders``: seq,
pts on the Space's clock, 16 kHz, ``pcm_s16le``, capture time); every ``captions.partial`` and
``captions.final`` on ``live.space.<space_id>`` is noted with the time it arrived, on core NATS
(the subject the gateway's live hub subscribes to and relays verbatim; the gateway's own hop is
not in these figures).

A word is *spoken* when the frame holding its end went out (:mod:`captions_speech` knows where
each word ends); a caption *contains* it when the caption's words, aligned with the words said
in its time window (jiwer's alignment, as for the word error rate), match it. Its delay is
from spoken to the first partial, the final, and the first of either (what a viewer sees)
containing it. Words a caption never matches (misheard) have no delay and are counted apart.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jiwer
import numpy as np
from captions_speech import Spoken
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg

from parley.contracts import live, media
from parley.contracts.events.room import SpaceCreated, SpaceEnded, SpaceSettings, SpaceStarted
from parley.testing.events import Appender
from parley.testing.feeds import feeds_followed
from parley.testing.speech import RATE, silence, words

FRAME_SAMPLES = RATE * media.FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * 2
TICK_S = media.FRAME_MS / 1000
PAUSE_MS = 800  # between a speaker's sentences: longer than the 500 ms that ends an utterance
TAIL_MS = 1_500  # quiet at the end of a script, so that its last utterance ends
COUNTERS_SUBJECT = "bench.captions.counters"  # captions_service.py answers it


# -- what the speakers say -------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """One sentence in a speaker's script: where it lies on the feed's clock (ms)."""

    spoken: Spoken
    start_ms: int

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.spoken.duration_ms

    def word_ends_ms(self) -> list[int]:
        return [self.start_ms + end for end in self.spoken.word_ends_ms]


@dataclass
class Script:
    """A speaker's talk: sentences one after the other with a pause between, as one feed."""

    space_id: str
    user_id: str
    said: list[Said]
    pcm: bytes

    @classmethod
    def of(
        cls, space_id: str, user_id: str, sentences: Sequence[Spoken], lead_ms: int, talk_s: float
    ) -> Script:
        parts, said, at_ms = [silence(lead_ms)], [], lead_ms
        for spoken in sentences:
            if at_ms >= talk_s * 1000:
                break
            said.append(Said(spoken, at_ms))
            pcm = spoken.pcm[: len(spoken.pcm) // FRAME_BYTES * FRAME_BYTES]
            parts += [pcm, silence(PAUSE_MS)]
            at_ms += len(pcm) // 2 * 1000 // RATE + PAUSE_MS
        parts.append(silence(TAIL_MS))
        return cls(space_id, user_id, said, b"".join(parts))

    @property
    def frames(self) -> int:
        return len(self.pcm) // FRAME_BYTES

    @property
    def speech_s(self) -> float:
        return sum(s.spoken.duration_ms for s in self.said) / 1000


def scripts_for(
    speakers: int, corpus: list[Spoken], talk_s: float, *, one_space: bool, tag: str, seed: int
) -> list[Script]:
    """``speakers`` scripts of shuffled corpus sentences, their starts spread over 2.5 s (people
    do not start talking together); one Space each, or all in one Space."""
    shuffled = list(corpus)
    random.Random(seed).shuffle(shuffled)
    step = max(1, len(shuffled) // max(1, speakers))
    scripts = []
    for n in range(speakers):
        space_id = f"sp_{tag}" if one_space else f"sp_{tag}x{n:02d}"
        ordered = shuffled[n * step :] + shuffled[: n * step]
        lead_ms = 300 + (n * 2_500 // max(1, speakers)) // media.FRAME_MS * media.FRAME_MS
        scripts.append(Script.of(space_id, f"usr_spk{n:02d}", ordered, lead_ms, talk_s))
    return scripts


# -- the relay's and room's parts ------------------------------------------------------------


class Room(Appender):
    """Room's events, appended as room appends them."""

    async def go_live(self, space_id: str) -> None:
        settings = SpaceSettings(captions=True)
        created = SpaceCreated(space_id=space_id, host_id="usr_host", title="T", settings=settings)
        await self.append(space_id, created)
        await self.append(space_id, SpaceStarted(space_id=space_id, host_id="usr_host"))

    async def end(self, space_id: str) -> None:
        await self.append(
            space_id, SpaceEnded(space_id=space_id, by="usr_host", reason="host_ended")
        )


async def until_followed(nc: NATS, space_ids: set[str], want: bool, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    for space_id in sorted(space_ids):
        while await feeds_followed(nc, space_id) != want:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{space_id}'s feeds followed is not {want}")
            await asyncio.sleep(0.1)


@dataclass
class Feeder:
    """Every script's frame n at ``start + n * 20 ms``, one clock for all, as the relay sends
    a heard speaker's feed; the time each frame went out."""

    nc: NATS
    scripts: list[Script]
    sent_at: list[list[float]] = field(default_factory=list)
    late_ticks: int = 0
    max_late_ms: float = 0.0

    async def run(self) -> None:
        self.sent_at = [[] for _ in self.scripts]
        subjects = [media.speaker_feed_subject(s.space_id, s.user_id) for s in self.scripts]
        loop = asyncio.get_running_loop()
        started = loop.time()
        for tick in range(max(s.frames for s in self.scripts)):
            due = started + tick * TICK_S
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            late = loop.time() - due
            self.max_late_ms = max(self.max_late_ms, late * 1000)
            self.late_ticks += late > TICK_S
            captured_at_ns = time.time_ns()
            for n, script in enumerate(self.scripts):
                if tick >= script.frames:
                    continue
                headers = media.FeedHeaders(
                    seq=tick + 1,
                    pts=tick * FRAME_SAMPLES,
                    sample_rate=RATE,
                    codec="pcm_s16le",
                    captured_at_ns=captured_at_ns,
                )
                frame = script.pcm[tick * FRAME_BYTES : (tick + 1) * FRAME_BYTES]
                await self.nc.publish(subjects[n], frame, headers=headers.to_headers())
                self.sent_at[n].append(time.perf_counter())
        await self.nc.flush()

    def spoken_at(self, script_index: int, end_ms: int) -> float:
        """When the frame holding ``end_ms`` of the script went out."""
        frames = self.sent_at[script_index]
        return frames[min(len(frames) - 1, max(0, (end_ms - 1) // media.FRAME_MS))]


@dataclass(frozen=True)
class Caption:
    arrived: float
    kind: str  # "partial" or "final"
    line: live.CaptionLine


class Captions:
    """Every caption said on the rounds' live channels, with the time it arrived."""

    def __init__(self) -> None:
        self.heard: list[Caption] = []
        self.other = 0

    async def listen(self, nc: NATS, space_ids: set[str]) -> list[Any]:
        async def note(msg: Msg) -> None:
            arrived = time.perf_counter()
            message = live.LiveMessage.model_validate_json(msg.data)
            if message.type.startswith("captions."):
                kind = message.type.removeprefix("captions.")
                line = live.CaptionLine.model_validate(message.data)
                self.heard.append(Caption(arrived, kind, line))
            else:
                self.other += 1

        return [await nc.subscribe(live.space_subject(s), cb=note) for s in sorted(space_ids)]


async def counters(nc: NATS) -> dict[str, int]:
    """The service's ``parley.captions.*`` counter totals (captions_service.py)."""
    reply = await nc.request(COUNTERS_SUBJECT, b"", timeout=5)
    return {name: values["total"] for name, values in json.loads(reply.data).items()}


# -- what the figures are --------------------------------------------------------------------


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    return {
        "n": len(values),
        "p50": round(float(np.percentile(values, 50)), 3),
        "p95": round(float(np.percentile(values, 95)), 3),
        "max": round(max(values), 3),
    }


@dataclass
class WordShown:
    """One word said, and when it first showed in each kind of caption (None: never)."""

    spoken: float
    script: int
    partial: float | None = None
    final: float | None = None


def words_shown(scripts: list[Script], feeder: Feeder, heard: list[Caption]) -> list[WordShown]:
    shown: dict[tuple[int, int, int], WordShown] = {}
    for n, script in enumerate(scripts):
        for i, said in enumerate(script.said):
            for j, end_ms in enumerate(said.word_ends_ms()):
                shown[(n, i, j)] = WordShown(feeder.spoken_at(n, end_ms), n)
    by_speaker = {s.user_id: n for n, s in enumerate(scripts)}  # one script per speaker
    for caption in sorted(heard, key=lambda c: c.arrived):
        speaker = by_speaker.get(caption.line.speaker_id)
        if speaker is None:
            continue
        for i, j in matched_words(scripts[speaker], caption.line):
            word = shown[(speaker, i, j)]
            if caption.kind == "partial" and word.partial is None:
                word.partial = caption.arrived
            if caption.kind == "final" and word.final is None:
                word.final = caption.arrived
    return list(shown.values())


def matched_words(script: Script, line: live.CaptionLine) -> list[tuple[int, int]]:
    """(sentence, word) of each word said that the caption's words match, among the sentences
    in the caption's time window (a partial's words so far: those that ended by its end)."""
    window = [
        (i, j)
        for i, said in enumerate(script.said)
        if said.start_ms < line.end_ms + 200 and said.end_ms > line.start_ms - 200
        for j, end_ms in enumerate(said.word_ends_ms())
        if end_ms <= line.end_ms + 200
    ]
    hypothesis = words(line.text)
    if not window or not hypothesis:
        return []
    reference = " ".join(script.said[i].spoken.words[j] for i, j in window)
    alignment = jiwer.process_words(reference, hypothesis).alignments[0]
    return [
        window[k]
        for chunk in alignment
        if chunk.type == "equal"
        for k in range(chunk.ref_start_idx, chunk.ref_end_idx)
    ]


def finals_delay(
    scripts: list[Script], feeder: Feeder, heard: list[Caption]
) -> list[tuple[float, float]]:
    """(spoken, delay) of each final: from the end of the last word said in its window."""
    by_speaker = {s.user_id: n for n, s in enumerate(scripts)}
    out = []
    for caption in heard:
        n = by_speaker.get(caption.line.speaker_id)
        if caption.kind != "final" or n is None:
            continue
        ends = [
            end_ms
            for said in scripts[n].said
            if said.start_ms < caption.line.end_ms and said.end_ms > caption.line.start_ms
            for end_ms in said.word_ends_ms()
            if end_ms <= caption.line.end_ms
        ]
        if ends:
            spoken = feeder.spoken_at(n, max(ends))
            out.append((spoken, caption.arrived - spoken))
    return sorted(out)


def keeps_up(
    delays: list[tuple[float, float]], covered: int, sentences: int, slope_limit: float
) -> dict[str, Any]:
    """Finals keep up when (nearly) every sentence got its final and their delay does not grow
    over the round: the least-squares slope of delay against time spoken stays under the
    limit. ``covered``: sentences with a final over them (one heard as nothing has none)."""
    if len(delays) < 3:
        return {"keeps_up": False, "slope_s_per_s": None, "finals": len(delays)}
    spoken = [s - delays[0][0] for s, _ in delays]
    slope = float(np.polyfit(spoken, [d for _, d in delays], 1)[0])
    third = max(1, len(delays) // 3)
    first, last = [d for _, d in delays[:third]], [d for _, d in delays[-third:]]
    return {
        "keeps_up": covered >= 0.95 * sentences and slope < slope_limit,
        "slope_s_per_s": round(slope, 4),
        "finals": len(delays),
        "sentences": sentences,
        "sentences_with_a_final": covered,
        "first_third_p50_s": round(statistics.median(first), 3),
        "last_third_p50_s": round(statistics.median(last), 3),
    }
