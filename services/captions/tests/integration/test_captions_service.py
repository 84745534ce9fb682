"""The captions service in-process on a private nats-server and SQLite: its routes, a sentence
spoken on a speaker's feed becoming a final segment of the transcript, and captions off costing
nothing (no subscription)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import jiwer
import pytest
from nats.aio.client import Client as NATS

from parley.captions.bootstrap import definition
from parley.captions.settings import CaptionsSettings
from parley.chassis.bus import RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.service import start_service
from parley.contracts.api import captions as api
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
