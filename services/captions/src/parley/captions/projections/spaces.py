"""``captions_spaces``: room's facts that say which Spaces to caption (ROOM): captions on at
creation (``SpaceCreated.settings.captions``) or toggled since (``CaptionsToggled``), and whether
the Space is live. Only the events it needs are delivered (one filter per event type)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.captions.projections.tables import spaces
from parley.captions.projections.upserts import put
from parley.chassis.event_store import StoredEvent
from parley.contracts.events import room
from parley.contracts.subjects import event_type_filter

EVENTS = (
    room.SpaceCreated,
    room.SpaceStarted,
    room.CaptionsToggled,
    room.SpaceEnded,
    room.SpaceCanceled,
)


class SpacesProjection:
    name = "captions_spaces"
    filter_subjects: Sequence[str] = tuple(
        event_type_filter(room.CONTEXT, event.__name__) for event in EVENTS
    )
    tables: Sequence[Table] = (spaces,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case room.SpaceCreated(space_id=space_id, settings=settings):
                values = {"captions": settings.captions, "state": "created"}
                await put(session, spaces, {"space_id": space_id}, values)
            case room.SpaceStarted(space_id=space_id):
                await _set(session, space_id, state="live")
            case room.CaptionsToggled(space_id=space_id, enabled=enabled):
                await _set(session, space_id, captions=enabled)
            case room.SpaceEnded(space_id=space_id) | room.SpaceCanceled(space_id=space_id):
                await _set(session, space_id, state="ended")


async def _set(session: AsyncSession, space_id: str, **values: object) -> None:
    await session.execute(update(spaces).where(spaces.c.space_id == space_id).values(**values))
