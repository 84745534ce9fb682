"""One owner per stream: only the owner creates or updates it; every other service waits for it
and never changes it. A context nobody declared events for fails at start, not at run time."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.messaging import StreamSetupError, prepare_streams
from parley.contracts.registry import UnknownContext
from parley.contracts.streams import StreamSpec, context_stream
from parley.testing.counter import CONTEXT

SPEC = context_stream("COUNTERS", CONTEXT, owner="counting")


async def stream_info(nc: NATS, name: str) -> dict[str, Any]:
    reply = await nc.request(f"$JS.API.STREAM.INFO.{name}", b"", timeout=5)
    info: dict[str, Any] = json.loads(reply.data)
    return info


async def stream_exists(nc: NATS, name: str) -> bool:
    return "error" not in await stream_info(nc, name)


async def test_the_owner_creates_its_stream_as_specified(nc: NATS) -> None:
    await prepare_streams(nc, "counting", [SPEC])

    config = (await stream_info(nc, "COUNTERS"))["config"]
    assert config["subjects"] == [f"{CONTEXT}.>"]
    assert config["storage"] == "file"
    assert config["allow_atomic"] is True


async def test_a_reader_waits_for_the_owner_and_never_creates_the_stream(nc: NATS) -> None:
    reader = asyncio.create_task(prepare_streams(nc, "reading", [SPEC]))
    await asyncio.sleep(1.2)  # a few polls

    assert not reader.done()  # blocked, waiting for the owner
    assert not await stream_exists(nc, "COUNTERS")  # and it created nothing

    await prepare_streams(nc, "counting", [SPEC])
    await asyncio.wait_for(reader, timeout=3)  # the owner's stream lets it go on


async def test_a_reader_never_changes_the_owners_stream(nc: NATS) -> None:
    await prepare_streams(nc, "counting", [SPEC])
    readers_idea = replace(SPEC, max_age_s=60, extra={"max_msgs": 10})

    await prepare_streams(nc, "reading", [readers_idea])

    config = (await stream_info(nc, "COUNTERS"))["config"]
    assert config["max_age"] == 0
    assert config["max_msgs"] == -1


async def test_the_owner_applies_its_changed_spec_on_its_next_start(nc: NATS) -> None:
    await prepare_streams(nc, "counting", [SPEC])

    await prepare_streams(nc, "counting", [replace(SPEC, max_age_s=3600)])

    assert (await stream_info(nc, "COUNTERS"))["config"]["max_age"] == 3600 * 10**9


async def test_one_service_owns_some_streams_and_reads_others(nc: NATS) -> None:
    theirs = context_stream("THEIRS", "identity", owner="identity")
    await prepare_streams(nc, "identity", [theirs])

    await asyncio.wait_for(prepare_streams(nc, "counting", [SPEC, theirs]), timeout=3)

    assert await stream_exists(nc, "COUNTERS")


@pytest.mark.parametrize("service", ["owner", "reader"])
async def test_a_stream_of_an_unknown_context_is_a_start_up_error(nc: NATS, service: str) -> None:
    nobodys = StreamSpec("NOBODYS", "nobodys", owner="owner", subjects=("nobodys.>",))

    with pytest.raises(UnknownContext, match="nobodys"):
        await asyncio.wait_for(prepare_streams(nc, service, [nobodys]), timeout=2)

    assert not await stream_exists(nc, "NOBODYS")


async def test_a_spec_the_server_refuses_is_a_start_up_error(nc: NATS) -> None:
    await prepare_streams(nc, "counting", [SPEC])
    overlapping = context_stream("OVERLAPPING", CONTEXT, owner="counting")

    with pytest.raises(StreamSetupError, match="OVERLAPPING"):
        await prepare_streams(nc, "counting", [overlapping])
