"""Host presence: connected on every host socket, gone with the last one, repeated meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

from parley.chassis.bus import RequestContext
from parley.chassis.errors import Conflict
from parley.contracts.api import room as room_api
from parley.gateway.live.presence import HostPresence


class FakeRoom:
    """A bus on which room answers ``host_presence`` (the only route presence calls)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool, str | None]] = []
        self.failing = False

    async def call(self, route: Any, payload: Any, ctx: RequestContext) -> Any:
        assert route is room_api.HOST_PRESENCE
        return await self.host_presence(payload.space_id, payload.connected, ctx)

    async def host_presence(self, space_id: str, connected: bool, ctx: RequestContext) -> Any:
        self.calls.append((space_id, connected, ctx.actor))
        if self.failing:
            raise RuntimeError("room away")


HOST = RequestContext(actor="usr_host")


def test_the_last_socket_reports_the_host_gone():
    async def scenario() -> list[tuple[str, bool, str | None]]:
        room = FakeRoom()
        presence = HostPresence(room, refresh_s=0)  # type: ignore[arg-type]
        async with presence.hosting("sp_1", HOST):
            async with presence.hosting("sp_1", HOST):
                assert presence.hosted() == {"sp_1": 2}
            assert room.calls[-1][1] is True
        assert presence.hosted() == {}
        return room.calls

    assert asyncio.run(scenario()) == [
        ("sp_1", True, "usr_host"),
        ("sp_1", True, "usr_host"),
        ("sp_1", False, "usr_host"),
    ]


def test_presence_is_repeated_while_hosting_and_failures_do_not_end_the_socket():
    async def scenario() -> list[bool]:
        room = FakeRoom()
        room.failing = True
        presence = HostPresence(room, refresh_s=0.01)  # type: ignore[arg-type]
        async with presence.hosting("sp_1", HOST):
            await asyncio.sleep(0.1)
        settled = len(room.calls)
        await asyncio.sleep(0.05)
        assert len(room.calls) == settled
        await presence.close()
        return [connected for _, connected, _ in room.calls]

    calls = asyncio.run(scenario())
    assert len(calls) >= 4
    assert calls[-1] is False
    assert all(calls[:-1])


def test_a_space_already_over_is_not_an_error():
    async def scenario() -> int:
        room = FakeRoom()
        presence = HostPresence(room, refresh_s=0)  # type: ignore[arg-type]

        async def over(space_id: str, connected: bool, ctx: RequestContext) -> None:
            room.calls.append((space_id, connected, ctx.actor))
            if not connected:
                raise Conflict("the Space has ended", type="space-ended")

        room.host_presence = over  # type: ignore[method-assign]
        async with presence.hosting("sp_1", HOST):
            pass
        return len(room.calls)

    assert asyncio.run(scenario()) == 2
