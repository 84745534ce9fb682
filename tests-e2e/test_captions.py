"""Live captions, transcript and search end to end (issue 12): ``parley up`` and a bot speaking
espeak-ng sentences on real WebRTC.

A Space with captions and recording on. A speaker bot says three known sentences with pauses
between them; the relay decodes its Opus, publishes its 16 kHz feed, the captions service
transcribes it. A listener's live channel must get:

- ``captions.final`` (``CaptionLine``), exactly one per sentence (matched by time), in order,
  from the speaker, each sentence's word error rate at most 0.35 (printed);
  ``captions.partial`` (counted: the first thing dropped when captioning is behind), each of a
  segment whose final came after it;
- each final some time after its sentence's last sample went out (printed: p50 and max; the
  issue's aim is 2 s at p95, measured by the bench, so not asserted here);

and after the Space:

- ``getTranscript`` holds the three sentences in order with the speaker and their times on the
  recording's clock: where the replay has them, from the pts of the program packets the
  relay's origin stored on ``RECFEED`` around the moment each sentence was sent;
- ``searchTranscripts`` finds a phrase of the second sentence in this Space, at an offset inside
  that sentence's time on the recording's clock.

Captions off: the relay hears the speaker (``speaking``), nobody takes up captioning the Space,
no ``captions.*`` message comes and the transcript stays empty.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import nats
import nats.js.errors
import numpy as np
import pytest
from live_client import LiveSocket, Message
from media_bots import bot
from nats.js.kv import KV_DEL, KV_PURGE
from parley_up import ParleyUp
from replay_audio import live_program
from second_gateway import stack_nats_url

from parley.bots import Bot, Said, SpeechTrack
from parley.chassis.leases import BUCKET as LEASES
from parley.cli.registry import Service, is_installed
from parley.testing.speech import ESPEAK, RATE, silence, speech, words

jiwer = pytest.importorskip("jiwer")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(300),  # a shared stack may be starting first, on a busy machine
    pytest.mark.skipif(
        not all(is_installed(Service(name)) for name in ("captions", "media_relay", "recording")),
        reason="captions, recording and the media relay must be installed",
    ),
    pytest.mark.skipif(ESPEAK is None, reason="no test speech: `make deps` installs espeak-ng"),
]

# Sentences tiny.en hears well after Opus and a few lost 20 ms frames (a loaded machine's
# relay misses some): a test of the pipeline, not of the model.
SENTENCES = (
    "The children played football in the park until it got dark.",
    "The river flows slowly through the green valley.",
    "Turn left at the next corner and walk to the station.",
)
PHRASE = "the green valley"  # of the second sentence, searched as a phrase
UNCAPTIONED = "Nobody should see this sentence written anywhere."
LEAD_MS = 1000  # silence before the first sentence
PAUSE_MS = 1500  # between sentences: three times the pause that ends an utterance
MAX_WER = 0.35
CLOCK_SLACK_S = 1.5  # a segment's times against its sentence's, on the recording's clock
QUIET_DBFS = -45.0  # the captions service's start of speech: quieter ends are not the words
FINALS_WITHIN_S = 60.0  # generous (a busy machine): the last final after the last sentence went out
NOTHING_FOR_S = 6.0  # captions off: how long nothing must come after the speech went out


def spoken(sentence: str) -> bytes:
    """``sentence`` said by espeak-ng (16 kHz s16le), its quiet ends cut: the audio ends with the
    last word, so that a delay counts from the words, not from espeak's tail."""
    return audible(speech(sentence))


@pytest.fixture(scope="module")
def sentences() -> list[bytes]:
    return [spoken(sentence) for sentence in SENTENCES]


@pytest.fixture(scope="module")
def uncaptioned() -> bytes:
    return spoken(UNCAPTIONED)


def audible(pcm: bytes) -> bytes:
    """``pcm`` without its quiet 10 ms windows at either end."""
    window = RATE // 100
    samples = np.frombuffer(pcm, dtype="<i2")
    blocks = samples[: samples.size // window * window].reshape(-1, window).astype(np.float64)
    level = 20 * np.log10(np.sqrt((blocks**2).mean(axis=1)) / 32768 + 1e-12)
    loud = np.flatnonzero(level > QUIET_DBFS)
    assert loud.size, "the sentence is silent"
    return pcm[loud[0] * window * 2 : (loud[-1] + 1) * window * 2]


def pcm16k(pcm: bytes) -> np.ndarray[Any, np.dtype[np.int16]]:
    return np.frombuffer(pcm, dtype="<i2").astype(np.int16)


@dataclass
class Stage:
    """A live Space: its host, a speaker bot on stage with a speech track, a listener's live
    channel."""

    space_id: str
    host: Bot
    speaker: Bot
    listener: Bot
    voice: SpeechTrack
    socket: LiveSocket
    api: httpx.AsyncClient

    def captions(self, kind: str) -> list[tuple[float, dict[str, Any]]]:
        """Every ``captions.<kind>`` so far: (arrival, CaptionLine data), in order."""
        return [
            (arrived, dict(message.get("data") or {}))
            for message, arrived in zip(self.socket.snapshot(), self.socket.arrived, strict=False)
            if message.get("type") == f"captions.{kind}"
        ]

    async def until(
        self, check: Callable[[list[Message]], bool], timeout_s: float, what: str
    ) -> None:
        """Until ``check(messages)`` holds, without blocking the bots' event loop."""
        try:
            await asyncio.to_thread(self.socket.wait_until, check, timeout_s)
        except AssertionError as late:
            raise AssertionError(f"{what} within {timeout_s:.0f} s: {late}") from None

    async def transcript(self) -> dict[str, Any]:
        response = await self.api.get(f"/api/v1/spaces/{self.space_id}/transcript")
        assert response.status_code == 200, response.text
        return dict(response.json())


StageOf = Callable[..., Awaitable[Stage]]


@pytest.fixture
async def stage_of(stack: ParleyUp) -> AsyncIterator[StageOf]:
    """``await stage_of(captions=...)``: a recorded Space, live, with its speaker and listener;
    everyone hung up and closed at the end."""
    players: list[Bot] = []
    sockets: list[LiveSocket] = []
    api = httpx.AsyncClient(base_url=stack.url, timeout=30)

    async def make(*, captions: bool) -> Stage:
        host, speaker, listener = [await bot(stack.url, role) for role in ("host", "spk", "lsn")]
        players.extend((host, speaker, listener))
        space = await host.create_space("Captions", captions=captions, recording=True)
        await host.start_space()
        voice = SpeechTrack()
        await speaker.join(space.id)
        await speaker.request_to_speak()
        await host.accept_request(speaker.user_id)
        await speaker.connect_media(space.id, voice, patience_s=10)
        assert speaker.media is not None
        assert speaker.media.can_publish
        await speaker.set_mic(True)
        await listener.join(space.id)
        socket = LiveSocket.open(
            stack.url, f"/api/v1/spaces/{space.id}/live", name="listener", token=listener.token
        )
        sockets.append(socket)
        return Stage(space.id, host, speaker, listener, voice, socket, api)

    try:
        yield make
    finally:
        for socket in sockets:
            socket.close()
        for player in players:
            await player.close()
        await api.aclose()


async def until_captions_are(stage: Stage, on: bool, timeout_s: float = 20) -> None:
    """Until the captions service has heard of the Space: its transcript answers, saying
    whether captions are on."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = await stage.api.get(f"/api/v1/spaces/{stage.space_id}/transcript")
        if response.status_code == 200 and response.json()["captions"] == on:
            return
        assert response.status_code in (200, 404), response.text
        assert time.monotonic() < deadline, f"captions never {on}: {response.text}"
        await asyncio.sleep(0.1)


async def captioner_running(stack: ParleyUp, space_id: str) -> bool:
    """A captions replica holds the Space's captioning lease (``captions.caption.<space_id>``
    in the chassis' lease bucket): it follows the Space's speaker feeds from the moment it
    takes it. Read only, as a KV read of the key."""
    nc = await nats.connect(stack_nats_url(stack))
    try:
        subject = f"$KV.{LEASES}.captions.caption.{space_id}"
        try:
            entry = await nc.jetstream().get_msg(f"KV_{LEASES}", subject=subject, direct=True)
        except nats.js.errors.NotFoundError:
            return False
        headers = entry.headers or {}
        return headers.get("KV-Operation") not in (KV_DEL, KV_PURGE) and not any(
            name.startswith("Nats-Marker") for name in headers
        )
    finally:
        await nc.close()


async def until_captioning(stack: ParleyUp, space_id: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not await captioner_running(stack, space_id):
        assert time.monotonic() < deadline, f"nobody took up captioning {space_id}"
        await asyncio.sleep(0.1)


async def say_with_pauses(voice: SpeechTrack, sentences: list[bytes]) -> list[Said]:
    """Each sentence after a pause (a lead before the first, a pause after the last); the
    sentences' Said once all of them went out."""
    voice.say(pcm16k(silence(LEAD_MS)), RATE)
    said = []
    for sentence in sentences:
        said.append(voice.say(pcm16k(sentence), RATE))
        voice.say(pcm16k(silence(PAUSE_MS)), RATE)
    spoken_s = (LEAD_MS + len(sentences) * PAUSE_MS) / 1000 + sum(map(len, sentences)) / RATE / 2
    async with asyncio.timeout(spoken_s + 20):
        for piece in said:
            await piece.wait()
    return said


def wer(sentence: str, heard: str) -> float:
    return float(jiwer.wer(words(sentence), words(heard)))


@dataclass(frozen=True)
class Window:
    """Where a sentence is on the recording's clock (seconds), as sent."""

    start_s: float
    end_s: float

    def overlap(self, line: dict[str, Any]) -> float:
        """How many seconds of a caption's time lie in the sentence's."""
        start_s, end_s = float(line["start_ms"]) / 1000, float(line["end_ms"]) / 1000
        return min(end_s, self.end_s) - max(start_s, self.start_s)

    def holds(self, start_ms: int, end_ms: int, slack_s: float = CLOCK_SLACK_S) -> bool:
        return (
            self.start_s - slack_s <= start_ms / 1000 <= self.start_s + slack_s
            and self.end_s - slack_s <= end_ms / 1000 <= self.end_s + slack_s
        )


async def on_the_recordings_clock(stack: ParleyUp, space_id: str, said: list[Said]) -> list[Window]:
    """Each sentence's time on the recording's clock: where the relay's origin mixed the
    moment it was sent, by the program's packets on RECFEED (what the replay is made of)."""
    program = await live_program(stack_nats_url(stack), space_id)
    wall_minus_perf = time.time() - time.perf_counter()
    windows = []
    for piece in said:
        assert piece.started_at is not None
        assert piece.ended_at is not None
        start = program.offset_at(piece.started_at + wall_minus_perf)
        windows.append(Window(start, program.offset_at(piece.ended_at + wall_minus_perf)))
    return windows


def finals_per_sentence(
    finals: list[tuple[float, dict[str, Any]]], windows: list[Window]
) -> list[list[tuple[float, dict[str, Any]]]]:
    """The finals of each sentence: those whose time overlaps its time the most (a final that
    overlaps no sentence is an error)."""
    groups: list[list[tuple[float, dict[str, Any]]]] = [[] for _ in windows]
    for arrived, line in finals:
        overlaps = [window.overlap(line) for window in windows]
        best = max(range(len(windows)), key=overlaps.__getitem__)
        assert overlaps[best] > 0, f"a final of no sentence: {line}; sentences at {windows}"
        groups[best].append((arrived, line))
    return groups


async def test_a_speakers_sentences_are_captioned_live_transcribed_and_found(
    sentences: list[bytes], stack: ParleyUp, stage_of: StageOf
) -> None:
    stage = await stage_of(captions=True)
    await until_captioning(stack, stage.space_id)  # (the speaker begins with a second of silence)

    said = await say_with_pauses(stage.voice, sentences)
    windows = await on_the_recordings_clock(stack, stage.space_id, said)

    def last_sentence_captioned(_: list[Message]) -> bool:
        last = windows[-1]
        return any(last.overlap(line) > 0 for _, line in stage.captions("final"))

    try:
        await stage.until(last_sentence_captioned, FINALS_WITHIN_S, "the last sentence's final")
    except AssertionError as missing:
        heard = [
            (line["start_ms"], line["end_ms"], line["text"]) for _, line in stage.captions("final")
        ]
        raise AssertionError(f"{missing}\nsentences sent at {windows}\nfinals {heard}") from None
    await stage.host.end_space()
    await stage.until(
        lambda messages: any(m.get("type") == "space.ended" for m in messages), 15, "space.ended"
    )

    # Live: one final per sentence, from the speaker, in order, close to what was said.
    finals = stage.captions("final")
    partials = stage.captions("partial")
    print(f"\n{len(partials)} captions.partial, {len(finals)} captions.final")
    per_sentence = finals_per_sentence(finals, windows)
    assert [len(group) for group in per_sentence] == [1] * len(SENTENCES), (
        "each sentence must be one final (more: an utterance was cut mid-sentence):\n"
        + "\n".join(
            f"sentence {number} sent {window.start_s:.2f}-{window.end_s:.2f} s: "
            + repr([(line["start_ms"], line["end_ms"], line["text"]) for _, line in group])
            for number, (window, group) in enumerate(zip(windows, per_sentence, strict=True), 1)
        )
    )
    assert [line for _, line in finals] == [group[0][1] for group in per_sentence]  # in order
    errors, delays = [], []
    for number, (sentence, piece, [(arrived, line)]) in enumerate(
        zip(SENTENCES, said, per_sentence, strict=True), start=1
    ):
        assert line["speaker_id"] == stage.speaker.user_id, line
        assert line["segment_id"] == f"{line['speaker_id']}@{line['start_ms']}", line
        assert piece.ended_at is not None
        errors.append(wer(sentence, line["text"]))
        delays.append(arrived - piece.ended_at)
        print(
            f"sentence {number}: WER {errors[-1]:.3f}, final {delays[-1]:.2f} s after its last "
            f"word went out: {line['text']!r}"
        )
    assert all(error <= MAX_WER for error in errors), errors
    print(
        f"caption delay (end of sentence sent -> final on the socket): "
        f"p50 {statistics.median(delays):.2f} s, max {max(delays):.2f} s"
    )
    # Partials are what captioning drops first when the CPU is behind (none came at a load of
    # 17 on two cores), so how many come is printed, not asserted; those that come must fit.
    final_at = {line["segment_id"]: arrived for arrived, line in finals}
    for arrived, line in partials:
        assert line["speaker_id"] == stage.speaker.user_id, line
        assert line["segment_id"] in final_at, f"a partial of no final: {line}"
        assert arrived <= final_at[line["segment_id"]], f"a partial after its final: {line}"

    # The transcript: the sentences in order, the speaker, their times on the recording's clock.
    transcript = await stage.transcript()
    segments = transcript["segments"]
    assert len(segments) == len(SENTENCES), segments
    for sentence, window, segment, (_, line) in zip(
        SENTENCES, windows, segments, finals, strict=True
    ):
        assert segment["speaker_id"] == stage.speaker.user_id
        assert wer(sentence, segment["text"]) <= MAX_WER, segment
        assert (segment["start_ms"], segment["end_ms"], segment["text"]) == (
            line["start_ms"],
            line["end_ms"],
            line["text"],
        ), "the transcript's segment is not the final sent live"
        assert window.holds(segment["start_ms"], segment["end_ms"]), (segment, window)
        print(
            f"transcript {segment['start_ms'] / 1000:.2f}-{segment['end_ms'] / 1000:.2f} s, "
            f"sent {window.start_s:.2f}-{window.end_s:.2f} s on the recording's clock"
        )
    assert [s["start_ms"] for s in segments] == sorted(s["start_ms"] for s in segments)
    assert all(a["end_ms"] <= b["start_ms"] for a, b in itertools.pairwise(segments))

    # Search: the second sentence's phrase, in this Space, where the second sentence is.
    found = await stage.api.get("/api/v1/transcripts/search", params={"q": f'"{PHRASE}"'})
    assert found.status_code == 200, found.text
    spaces = {space["space_id"]: space["hits"] for space in found.json()["spaces"]}
    assert stage.space_id in spaces, found.json()
    (hit,) = spaces[stage.space_id]
    assert hit["speaker_id"] == stage.speaker.user_id
    assert windows[1].holds(hit["start_ms"], hit["end_ms"]), (hit, windows[1])
    assert "[" in hit["snippet"], hit
    assert PHRASE in hit["snippet"].lower().replace("[", "").replace("]", ""), hit
    print(
        f'search "{PHRASE}": hit at {hit["start_ms"] / 1000:.2f} s, sentence 2 sent '
        f"{windows[1].start_s:.2f}-{windows[1].end_s:.2f} s: {hit['snippet']!r}"
    )


async def test_captions_off_sends_none_and_transcribes_nothing(
    uncaptioned: bytes, stack: ParleyUp, stage_of: StageOf
) -> None:
    stage = await stage_of(captions=False)
    await until_captions_are(stage, False)

    (said,) = await say_with_pauses(stage.voice, [uncaptioned])
    speaker = stage.speaker.user_id
    assert not await captioner_running(stack, stage.space_id), "captions off, yet captioned"

    def heard(messages: list[Message]) -> bool:  # the relay heard the words: they were there
        return any(
            m.get("type") == "speaking" and speaker in (m.get("data") or {}).get("user_ids", [])
            for m in messages
        )

    await stage.until(heard, 15, f"speaking naming {speaker}")
    assert said.ended_at is not None
    await asyncio.sleep(max(0.0, said.ended_at + NOTHING_FOR_S - time.perf_counter()))
    await stage.host.end_space()
    await stage.until(
        lambda messages: any(m.get("type") == "space.ended" for m in messages), 15, "space.ended"
    )

    captions = [t for t in stage.socket.types() if t.startswith("captions.")]
    assert captions == [], captions
    transcript = await stage.transcript()
    assert transcript["captions"] is False
    assert transcript["segments"] == []
    found = await stage.api.get("/api/v1/transcripts/search", params={"q": '"written anywhere"'})
    assert found.status_code == 200, found.text
    assert stage.space_id not in [space["space_id"] for space in found.json()["spaces"]]
