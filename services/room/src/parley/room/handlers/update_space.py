"""update_space: title, description and topics (host; only the title once live), captions
(host or co-host), clipping (host)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceView
from parley.contracts.api.room import UpdateSpace as UpdateSpacePayload
from parley.room.domain.commands import UpdateSpace
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def update_space(
    deps: RoomDeps, payload: UpdateSpacePayload, ctx: RequestContext
) -> SpaceView:
    topics = None if payload.topics is None else tuple(payload.topics)
    return await act(
        deps,
        payload.space_id,
        ctx,
        lambda actor: UpdateSpace(
            actor,
            title=payload.title,
            description=payload.description,
            topics=topics,
            captions=payload.captions,
            clipping=payload.clipping,
        ),
    )
