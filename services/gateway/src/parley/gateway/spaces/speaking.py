"""A Space as room sees it, plus who is speaking right now (which only the media relay
knows): the top-level ``speaking`` list and each stage member's own ``speaking`` flag."""

from __future__ import annotations

import asyncio

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import ServiceUnavailable
from parley.contracts.api import media, room
from parley.contracts.api.room import SpaceView, StageMember


def with_speaking(view: SpaceView, speaking: list[str]) -> SpaceView:
    now = set(speaking)

    def mark(member: StageMember) -> StageMember:
        return member.model_copy(update={"speaking": member.user_id in now})

    return view.model_copy(
        update={
            "speaking": speaking,
            "host": mark(view.host),
            "cohosts": [mark(member) for member in view.cohosts],
            "speakers": [mark(member) for member in view.speakers],
        }
    )


class SpaceViews:
    """getSpace's answer, for the endpoint and for the live channel's first message."""

    def __init__(self, bus: BusClient, *, speaking_timeout_s: float) -> None:
        self._bus = bus
        self._speaking_timeout_s = speaking_timeout_s

    async def as_seen(self, space_id: str, ctx: RequestContext) -> SpaceView:
        view, speaking = await asyncio.gather(
            self._bus.call(room.GET_SPACE, room.SpaceRef(space_id=space_id), ctx),
            self.active_speakers(space_id, ctx),
        )
        return with_speaking(view, speaking)

    async def active_speakers(self, space_id: str, ctx: RequestContext) -> list[str]:
        """Who is speaking; nobody when the relay is absent or slow (it is decoration)."""
        try:
            answer = await self._bus.call(
                media.ACTIVE_SPEAKERS,
                media.SpaceRef(space_id=space_id),
                ctx,
                timeout=self._speaking_timeout_s,
            )
        except ServiceUnavailable:  # nobody answered, or not within the timeout
            return []
        return answer.user_ids
