"""The captions service in-process on a private nats-server and SQLite: its routes, a sentence
spoken on a speaker's feed becoming a final segment of the transcript, and captions off costing
nothing (no subscription)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import jiwer
import pytest
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from parley.captions.bootstrap import definition
from parley.captions.settings import CaptionsSettings
from parley.chassis.bus import RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.service import start_service
from parley.contracts.api import captions as api
from parley.contracts.live import space_subject
from parley.testing.routes import route_subjects
from parley.testing.speech import silence, words

from .conftest import Room, speak, speech, until_followed

SENTENCE = "The weather today is sunny with a light breeze from the north."
ANYONE = RequestContext()


async def transcript(bus: object, space_id: str) -> api.Transcript:
    return await bus.call(api.GET_TRANSCRIPT, api.TranscriptRef(space_id=space_id), ANYONE)  # type: ignore[attr-defined,no-any-return]


async def test_a_spoken_sentence_becomes_a_final_segment(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    spoken = speech(SENTENCE)
    settings = CaptionsSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    service = await start_service(definition, settings)
    try:
        assert route_subjects(service.parts) == api.ROUTES.subjects()
        bus = service.infra.bus
        with pytest.raises(DomainError) as refused:
            await transcript(bus, "sp_nowhere")
        assert (refused.value.status, refused.value.type) == (404, "space-not-found")

        await Room(stand_in).go_live("sp_talk", captions=True)
        await until_followed(stand_in, "sp_talk", True)
        started = time.monotonic()
        # 10 s into the Space: half a second of silence, the sentence, a second of silence
        await speak(
            stand_in, "sp_talk", "usr_alice", silence(500) + spoken + silence(1000), at_ms=10_000
        )

        deadline = time.monotonic() + 60
        while not (found := await transcript(bus, "sp_talk")).segments:
            assert time.monotonic() < deadline, "no caption segment"
            await asyncio.sleep(0.1)
        took = time.monotonic() - started
        (segment,) = found.segments
        error = jiwer.wer(words(SENTENCE), words(segment.text))
        print(
            f"\nheard {segment.text!r} at {segment.start_ms}-{segment.end_ms} ms; "
            f"WER {error:.3f}; {len(spoken) / 32_000:.2f} s of speech captioned in {took:.2f} s"
        )
        assert error <= 0.3
        assert segment.speaker_id == "usr_alice"
        assert found.captions
        speech_ms = len(spoken) // 32
        # on the Space's clock: the speech is at 10.5 s (espeak's own lead-in and tail are quiet)
        assert 10_250 <= segment.start_ms <= 10_800
        assert 10_500 + speech_ms - 600 <= segment.end_ms <= 10_500 + speech_ms + 300
    finally:
        await service.stop()


async def test_captions_off_no_subscription_no_segment(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    spoken = speech("Nobody should caption this sentence.")
    settings = CaptionsSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    service = await start_service(definition, settings)
    try:
        bus = service.infra.bus
        room = Room(stand_in)
        await room.go_live("sp_quiet", captions=False)
        deadline = time.monotonic() + 15
        while True:  # until room's news is in
            try:
                if not (await transcript(bus, "sp_quiet")).captions:
                    break
            except DomainError:
                pass
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.5)  # three of the supervisor's looks
        await until_followed(stand_in, "sp_quiet", False, timeout=0)
        await speak(stand_in, "sp_quiet", "usr_bob", spoken + silence(1000), at_ms=0)

        await room.toggle_captions("sp_quiet", enabled=True)  # the host turns them on
        await until_followed(stand_in, "sp_quiet", True)
        await room.toggle_captions("sp_quiet", enabled=False)  # and off again
        await until_followed(stand_in, "sp_quiet", False)
        await speak(stand_in, "sp_quiet", "usr_bob", spoken + silence(1000), at_ms=5_000)
        await asyncio.sleep(2)
        assert (await transcript(bus, "sp_quiet")).segments == []

        await room.toggle_captions("sp_quiet", enabled=True)
        await until_followed(stand_in, "sp_quiet", True)
        await room.end("sp_quiet")  # an ended Space is not captioned
        await until_followed(stand_in, "sp_quiet", False)
    finally:
        await service.stop()


LONG_SENTENCE = (
    "Our community garden opens every Saturday morning, and everyone is welcome to bring "
    "seeds, tools and a friend."
)


async def test_partial_captions_on_the_live_channel_then_the_final(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    spoken = speech(LONG_SENTENCE)
    settings = CaptionsSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    service = await start_service(definition, settings)
    heard: list[tuple[float, dict[str, object]]] = []

    async def on_live(msg: Msg) -> None:
        heard.append((time.monotonic(), json.loads(msg.data)))

    live = await stand_in.subscribe(space_subject("sp_live"), cb=on_live)
    try:
        await Room(stand_in).go_live("sp_live", captions=True)
        await until_followed(stand_in, "sp_live", True)
        await speak(stand_in, "sp_live", "usr_cleo", silence(300), at_ms=0, real_time=True)
        await speak(stand_in, "sp_live", "usr_cleo", spoken, at_ms=300, real_time=True)
        stopped_speaking = time.monotonic()
        await speak(stand_in, "sp_live", "usr_cleo", silence(1500), at_ms=300 + len(spoken) // 32)

        deadline = time.monotonic() + 30
        while not any(message["type"] == "captions.final" for _, message in heard):
            assert time.monotonic() < deadline, f"no final caption: {heard}"
            await asyncio.sleep(0.05)
    finally:
        await live.unsubscribe()
        await service.stop()

    kinds = [message["type"] for _, message in heard]
    partials = [message for _, message in heard if message["type"] == "captions.partial"]
    (final_at, final), *_ = [(at, m) for at, m in heard if m["type"] == "captions.final"]
    print(
        f"\n{len(partials)} partials over {len(spoken) / 32_000:.1f} s of speech, e.g. "
        f"{[p['data']['text'] for p in partials][:3]}; final {final['data']['text']!r} "
        f"{final_at - stopped_speaking:.2f} s after the speech ended"
    )
    assert len(partials) >= 2, "a partial at least every other second of speech"
    assert kinds.index("captions.final") == len(kinds) - 1, "no partial after its final"
    segment_id = final["data"]["segment_id"]
    assert {p["data"]["segment_id"] for p in partials} == {segment_id}
    assert segment_id == f"usr_cleo@{final['data']['start_ms']}"
    assert {(p["space_id"], p["data"]["speaker_id"]) for p in partials} == {("sp_live", "usr_cleo")}
    assert jiwer.wer(words(LONG_SENTENCE), words(final["data"]["text"])) <= 0.3
    # the first partial's words are the sentence's first words, long before it ends
    assert words(partials[0]["data"]["text"]).split()[:1] == words(LONG_SENTENCE).split()[:1]


@pytest.fixture(scope="module")
def captions_metrics() -> InMemoryMetricReader:
    """The process's OpenTelemetry metrics, read in memory (a provider can be set once per
    process: the first test module to want one sets it)."""
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
    return reader


def counted(reader: InMemoryMetricReader, name: str) -> int:
    data = reader.get_metrics_data()
    return sum(
        int(point.value)
        for resource in (data.resource_metrics if data else [])
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == name
        for point in metric.data.data_points  # type: ignore[union-attr]
    )


async def test_more_speech_than_the_cpu_captions_drops_partials_never_finals(
    stand_in: NATS, private_nats: str, tmp_path: Path, captions_metrics: InMemoryMetricReader
) -> None:
    said = {
        "usr_ann": "The library is closed on public holidays.",
        "usr_ben": "Please remember to water the tomatoes tonight.",
        "usr_cy": "We will meet again next Tuesday at noon.",
    }
    spoken = {user: speech(sentence) for user, sentence in said.items()}
    # a partial every 200 ms for three speakers at once: more decoding than one core does
    settings = CaptionsSettings(
        nats_url=private_nats,
        data_dir=tmp_path,
        log_json=False,
        captions_partial_every_ms=200,
    )
    service = await start_service(definition, settings)
    heard: list[dict[str, Any]] = []

    async def on_live(msg: Msg) -> None:
        heard.append(json.loads(msg.data))

    live = await stand_in.subscribe(space_subject("sp_busy"), cb=on_live)
    dropped_before = counted(captions_metrics, "parley.captions.partials_dropped")
    try:
        await Room(stand_in).go_live("sp_busy", captions=True)
        await until_followed(stand_in, "sp_busy", True)
        await asyncio.gather(
            *(
                speak(stand_in, "sp_busy", user, pcm + silence(1000), at_ms=0, real_time=True)
                for user, pcm in spoken.items()
            )
        )
        deadline = time.monotonic() + 60
        while len([m for m in heard if m["type"] == "captions.final"]) < len(said):
            assert time.monotonic() < deadline, f"finals missing: {heard}"
            await asyncio.sleep(0.1)
    finally:
        await live.unsubscribe()
        await service.stop()

    dropped = counted(captions_metrics, "parley.captions.partials_dropped") - dropped_before
    finals = {
        m["data"]["speaker_id"]: m["data"]["text"] for m in heard if m["type"] == "captions.final"
    }
    errors = {user: jiwer.wer(words(said[user]), words(text)) for user, text in finals.items()}
    print(f"\npartials dropped: {dropped}; finals: {finals}; WER {errors}")
    assert finals.keys() == said.keys()
    assert all(error <= 0.3 for error in errors.values())
    assert dropped > 0
    assert counted(captions_metrics, "parley.captions.finals_dropped") == 0
    for user in said:  # a speaker's partials all come before their final
        theirs = [m["type"] for m in heard if m["data"]["speaker_id"] == user]
        assert theirs.index("captions.final") == len(theirs) - 1
