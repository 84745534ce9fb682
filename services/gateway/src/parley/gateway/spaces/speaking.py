"""A Space as room sees it, plus who is speaking right now (which only the media relay
knows): the top-level ``speaking`` list and each stage member's own ``speaking`` flag."""

from __future__ import annotations

import asyncio

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceView, StageMember
from parley.gateway.media_client import MediaClient
from parley.gateway.room_client import RoomClient


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


async def space_as_seen(
    room: RoomClient, media: MediaClient, space_id: str, ctx: RequestContext
) -> SpaceView:
    view, speaking = await asyncio.gather(
        room.get_space(space_id, ctx), media.active_speakers(space_id, ctx)
    )
    return with_speaking(view, speaking)
