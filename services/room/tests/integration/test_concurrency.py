"""Many people at once: joins go to their own membership aggregates, so none conflicts; stage
commands racing on one Space are retried, never leaked as conflicts. A join answers once the
participants read model shows it, so the joiner's next request can count on it. A join the
service was too busy to start in time is refused before it applied anything (503
``overloaded``); the client sends it again, as the web client does."""

from __future__ import annotations

import asyncio
from typing import Any

from parley.chassis.errors import ServiceUnavailable

JOINERS = 200


async def join_as_a_client_would(room: Any, ref: dict[str, str], user: str) -> tuple[Any, int]:
    """The join's answer, and how many times it was refused as overloaded first."""
    for refused in range(10):
        try:
            return await room.command("join_space", ref, user), refused
        except ServiceUnavailable as refusal:
            if refusal.type != "overloaded":
                raise
            await asyncio.sleep(0.2)
    raise AssertionError(f"{user} was refused ten times")


async def test_two_hundred_concurrent_joins_all_succeed(room: Any) -> None:
    (host,) = await room.register("host")
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    users = [f"usr_fan{n}" for n in range(JOINERS)]

    answers = await asyncio.gather(
        *(join_as_a_client_would(room, ref, user) for user in users), return_exceptions=True
    )

    failures = [answer for answer in answers if isinstance(answer, BaseException)]
    assert failures == []
    assert {answer[0]["role"] for answer in answers} == {"listener"}  # type: ignore[index]

    # Each join answered once who-is-where showed it: the count is complete at once.
    assert (await room.query("get_space", ref))["listener_count"] == JOINERS


async def test_racing_stage_commands_all_land(room: Any) -> None:
    host, *others = await room.register("host", *(f"u{n}" for n in range(10)))
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    await asyncio.gather(*(room.command("join_space", ref, user) for user in others))
    await asyncio.gather(*(room.command("request_to_speak", ref, user) for user in others))
    view = await room.query("get_space", ref, host)
    assert sorted(item["user_id"] for item in view["speaker_requests"]) == sorted(others)
    await asyncio.gather(
        *(room.command("accept_speaker_request", {**ref, "user_id": u}, host) for u in others)
    )
    view = await room.query("get_space", ref, host)
    assert sorted(speaker["user_id"] for speaker in view["speakers"]) == sorted(others)
