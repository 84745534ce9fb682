"""A Space as room sees it, plus who is speaking right now (which only the media relay
knows): the top-level ``speaking`` list and each stage member's own ``speaking`` flag; a
scheduled Space with what scheduling, its owner until it starts, says of it."""

from __future__ import annotations

import asyncio

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import NotFound, ServiceUnavailable
from parley.contracts.api import media, room
from parley.contracts.api.room import SpaceView, StageMember
from parley.contracts.api.scheduling import ScheduledSpaceView
from parley.gateway.spaces.scheduled import ScheduledSpaces
from parley.gateway.spaces.scheduled_views import with_schedule


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

    def __init__(
        self, bus: BusClient, scheduled: ScheduledSpaces, *, speaking_timeout_s: float
    ) -> None:
        self._bus = bus
        self._scheduled = scheduled
        self._speaking_timeout_s = speaking_timeout_s

    async def as_seen(self, space_id: str, ctx: RequestContext) -> SpaceView:
        try:
            view, speaking = await asyncio.gather(
                self._bus.call(room.GET_SPACE, room.SpaceRef(space_id=space_id), ctx),
                self.active_speakers(space_id, ctx),
            )
        except NotFound:
            # Just scheduled: room's copy is a few milliseconds behind scheduling.
            scheduled = await self._scheduling_view(space_id, ctx)
            if scheduled is None:
                raise
            return await self._scheduled.as_seen(scheduled, ctx)
        if view.state == "scheduled":
            scheduled = await self._scheduling_view(space_id, ctx)
            view = with_schedule(view, scheduled) if scheduled else view
        return with_speaking(view, speaking)

    async def _scheduling_view(
        self, space_id: str, ctx: RequestContext
    ) -> ScheduledSpaceView | None:
        """What scheduling says of the Space; nothing when it does not know it, or does not
        answer (then room's copy is what there is to show)."""
        try:
            return await self._scheduled.known(space_id, ctx)
        except ServiceUnavailable:
            return None

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
