"""Transcripts through the gateway and the real captions service (in-process, on a private
nats-server and SQLite): a Space's transcript, and search across every transcript with each
hit's offset; bad queries are 422 problems."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NATS

from parley.captions.bootstrap import definition
from parley.captions.settings import CaptionsSettings
from parley.chassis.messaging import connect, ensure_stream
from parley.chassis.service import start_service
from parley.contracts import streams
from parley.contracts.events.captions import CaptionSegmentFinalized, transcript_id
from parley.contracts.events.room import SpaceCreated, SpaceSettings, SpaceStarted
from parley.testing.events import Appender

SPACE = "sp_garden"


@pytest.fixture
def nats_url(private_nats: str) -> str:
    return private_nats


@pytest.fixture
async def stand_in(nats_url: str) -> AsyncIterator[NATS]:
    """Room and recording (the owners of ROOM and RECORDING), played by the test."""
    nc = await connect(nats_url, name="room-and-recording-stand-in")
    await ensure_stream(nc, streams.ROOM)
    await ensure_stream(nc, streams.RECORDING)
    yield nc
    await nc.close()


@pytest.fixture
async def captions_service(nats_url: str, tmp_path: Path, stand_in: NATS) -> AsyncIterator[Any]:
    settings = CaptionsSettings(nats_url=nats_url, data_dir=tmp_path / "captions", log_json=False)  # type: ignore[call-arg]
    service = await start_service(definition, settings)
    yield service
    await service.stop()


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "never came true"
        await asyncio.sleep(0.05)


async def test_a_transcript_and_a_search_through_the_gateway(
    api: Any, stand_in: NATS, captions_service: Any, assert_problem: Any
) -> None:
    room = Appender(stand_in, streams.ROOM)
    settings = SpaceSettings(captions=True)
    await room.append(
        SPACE, SpaceCreated(space_id=SPACE, host_id="usr_ann", title="Garden", settings=settings)
    )
    await room.append(SPACE, SpaceStarted(space_id=SPACE, host_id="usr_ann"))
    captions = Appender(stand_in, streams.CAPTIONS)
    for start_ms, words in ((4_000, "Welcome to the garden hour."), (61_250, "We plant tomatoes.")):
        segment = CaptionSegmentFinalized(
            space_id=SPACE,
            speaker_id="usr_ann",
            start_ms=start_ms,
            end_ms=start_ms + 2_000,
            text=words,
        )
        await captions.append(transcript_id(SPACE, "usr_ann"), segment)

    async def transcribed() -> bool:
        answer = await api.get(f"/api/v1/spaces/{SPACE}/transcript")
        return answer.status_code == 200 and len(answer.json()["segments"]) == 2

    await until(transcribed)
    transcript = (await api.get(f"/api/v1/spaces/{SPACE}/transcript")).json()
    assert [s["start_ms"] for s in transcript["segments"]] == [4_000, 61_250]
    assert transcript["segments"][1]["text"] == "We plant tomatoes."

    found = await api.get("/api/v1/transcripts/search", params={"q": "tomatoes"})
    assert found.status_code == 200, found.text
    (space,) = found.json()["spaces"]
    assert space["space_id"] == SPACE
    assert space["hits"][0]["start_ms"] == 61_250  # where to open the replay
    assert "[tomatoes]" in space["hits"][0]["snippet"].lower()

    assert_problem(await api.get("/api/v1/transcripts/search"), 422, "invalid-input")
    assert_problem(
        await api.get("/api/v1/transcripts/search", params={"q": '"'}), 422, "query-has-no-words"
    )
    assert_problem(
        await api.get("/api/v1/transcripts/search", params={"q": "x" * 201}), 422, "invalid-input"
    )
    assert_problem(await api.get("/api/v1/spaces/sp_nowhere/transcript"), 404, "space-not-found")
