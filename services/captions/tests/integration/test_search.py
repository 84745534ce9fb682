"""Search across every Space's transcript, in-process on a private nats-server, on SQLite (FTS5)
and PostgreSQL (full text) where it is up: segments appended as the captions service appends
them, a recording deleted as recording deletes it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NATS

from parley.captions.bootstrap import definition
from parley.captions.settings import CaptionsSettings
from parley.chassis.bus import RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.service import start_service
from parley.contracts import streams
from parley.contracts.api import captions as api
from parley.contracts.events.captions import CaptionSegmentFinalized, transcript_id
from parley.contracts.events.recording import RecordingDeleted
from parley.testing.events import Appender

ANYONE = RequestContext()

SEGMENTS = [  # (space, speaker, start_ms, text)
    ("sp_garden", "usr_ann", 4_000, "Good morning everyone and welcome to the garden hour."),
    ("sp_garden", "usr_ann", 61_250, "Today we plant tomatoes next to the basil."),
    ("sp_garden", "usr_bob", 95_500, "Solar panels came up once but we moved on quickly."),
    (
        "sp_energy",
        "usr_cy",
        12_340,
        "Solar panels, solar panels everywhere: solar power is the topic.",
    ),
    ("sp_energy", "usr_dee", 30_000, "Wind turbines are quieter than you think."),
    ("sp_gone", "usr_eve", 7_000, "A secret tomatoes plan nobody should find after deletion."),
]


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "never came true"
        await asyncio.sleep(0.05)


async def test_search_finds_ranks_forgets_and_refuses_safely(
    stand_in: NATS, private_nats: str, database_url: str, tmp_path: Path
) -> None:
    settings = CaptionsSettings(
        nats_url=private_nats, database_url=database_url, data_dir=tmp_path, log_json=False
    )
    service = await start_service(definition, settings)
    try:
        bus: Any = service.infra.bus

        async def search(q: str, **more: Any) -> api.TranscriptHits:
            found: api.TranscriptHits = await bus.call(
                api.SEARCH_TRANSCRIPTS, api.TranscriptSearch(q=q, **more), ANYONE
            )
            return found

        captions = Appender(stand_in, streams.CAPTIONS)
        for space_id, speaker, start_ms, words in SEGMENTS:
            segment = CaptionSegmentFinalized(
                space_id=space_id,
                speaker_id=speaker,
                start_ms=start_ms,
                end_ms=start_ms + 3_000,
                text=words,
            )
            await captions.append(transcript_id(space_id, speaker), segment)

        async def gone_is_found() -> bool:
            return [s.space_id for s in (await search("secret")).spaces] == ["sp_gone"]

        await until(gone_is_found)

        # a phrase: the right Space, speaker and offset, the words marked in the snippet
        found = await search('"plant tomatoes"')
        assert [s.space_id for s in found.spaces] == ["sp_garden"]
        (hit,) = found.spaces[0].hits
        assert (hit.speaker_id, hit.start_ms, hit.end_ms) == ("usr_ann", 61_250, 64_250)
        assert "[plant" in hit.snippet.lower()
        assert "tomatoes]" in hit.snippet.lower()
        # the words of a phrase in another order are not the phrase; bare words are all needed
        assert (await search('"tomatoes plant"')).spaces == []
        assert [s.space_id for s in (await search("basil tomatoes")).spaces] == ["sp_garden"]
        assert (await search("basil turbines")).spaces == []

        # ranked: the Space that talks about it most comes first
        ranked = await search("solar")
        assert [s.space_id for s in ranked.spaces] == ["sp_energy", "sp_garden"]
        assert ranked.spaces[0].hits[0].start_ms == 12_340
        assert ranked.spaces[1].hits[0].start_ms == 95_500
        # a page at a time
        first = await search("solar", limit=1)
        assert [s.space_id for s in first.spaces] == ["sp_energy"]
        assert first.next_cursor is not None
        second = await search("solar", limit=1, cursor=first.next_cursor)
        assert ([s.space_id for s in second.spaces], second.next_cursor) == (["sp_garden"], None)

        # a deleted recording's Space is never found again, nor is what arrives after
        await Appender(stand_in, streams.RECORDING).append(
            "sp_gone", RecordingDeleted(space_id="sp_gone", reason="host_deleted")
        )

        async def forgotten() -> bool:
            return not (await search("secret")).spaces

        await until(forgotten)
        late = CaptionSegmentFinalized(
            space_id="sp_gone",
            speaker_id="usr_eve",
            start_ms=20_000,
            end_ms=21_000,
            text="Another secret, arriving late.",
        )
        await captions.append(transcript_id("sp_gone", "usr_eve"), late)
        marker = CaptionSegmentFinalized(
            space_id="sp_energy",
            speaker_id="usr_dee",
            start_ms=40_000,
            end_ms=41_000,
            text="Marker sentence zebra.",
        )
        await captions.append(transcript_id("sp_energy", "usr_dee"), marker)

        async def marker_found() -> bool:
            return bool((await search("zebra")).spaces)

        await until(marker_found)  # the projection is past the late segment
        assert (await search("secret")).spaces == []
        assert [s.space_id for s in (await search("tomatoes")).spaces] == ["sp_garden"]
        with pytest.raises(DomainError) as unknown:  # room never told us of it: no segments
            await bus.call(api.GET_TRANSCRIPT, api.TranscriptRef(space_id="sp_gone"), ANYONE)
        assert unknown.value.status == 404

        # hostile queries: syntax is only text, never a 500
        for hostile in [
            "NEAR(",
            "NEAR(solar panels, 2)",
            "solar*",
            "a:b",
            "solar OR wind",
            "-solar",
            "'; DROP TABLE caption_segments; --",
            "x" * 200,
            "ünïcödé ☀",
        ]:
            assert isinstance(await search(hostile), api.TranscriptHits), hostile
        assert [s.space_id for s in (await search("(solar* :")).spaces] == [
            "sp_energy",
            "sp_garden",
        ]
        for no_words in ['"', "*", "(((", "   "]:
            with pytest.raises(DomainError) as refused:
                await search(no_words)
            assert (refused.value.status, refused.value.type) == (422, "query-has-no-words")
        with pytest.raises(DomainError) as refused:
            await search("solar", cursor="abc")
        assert (refused.value.status, refused.value.type) == (422, "invalid-cursor")
        too_long = api.TranscriptSearch.model_construct(q="x" * 1000, limit=20, cursor=None)
        with pytest.raises(DomainError) as refused:  # sent as is: the service refuses it
            await bus.call(api.SEARCH_TRANSCRIPTS, too_long, ANYONE)
        assert refused.value.status == 422
    finally:
        await service.stop()
