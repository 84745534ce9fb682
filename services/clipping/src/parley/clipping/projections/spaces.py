"""``clipping_spaces`` and ``clipping_members``: room's facts a clip is decided on (ROOM).

Whether a Space is recorded, whether clipping is on (the host may turn it off: no new clips
from then on), whether it is live, and who is in it (a membership aggregate per user: joined,
left, removed). Only the events it needs are delivered (one filter per event type)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.clipping.projections.tables import members, spaces
from parley.clipping.projections.upserts import put
from parley.contracts.events import room
from parley.contracts.subjects import event_type_filter

EVENTS = (
    room.SpaceCreated,
    room.SpaceStarted,
    room.SpaceEnded,
    room.SpaceCanceled,
    room.ClippingDisabled,
    room.ClippingEnabled,
    room.ListenerJoined,
    room.ParticipantLeft,
    room.ParticipantRemoved,
)


class SpacesProjection:
    name = "clipping_spaces"
    filter_subjects: Sequence[str] = tuple(
        event_type_filter(room.CONTEXT, event.__name__) for event in EVENTS
    )
    tables: Sequence[Table] = (spaces, members)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case room.SpaceCreated(space_id=space_id, host_id=host_id, settings=settings):
                values = {
                    "host_id": host_id,
                    "recording": settings.recording,
                    "clipping": settings.clipping,
                    "state": "created",
                }
                await put(session, spaces, {"space_id": space_id}, values)
            case room.SpaceStarted(space_id=space_id):
                await _set(session, space_id, state="live")
            case room.SpaceEnded(space_id=space_id) | room.SpaceCanceled(space_id=space_id):
                await _set(session, space_id, state="ended")
            case room.ClippingDisabled(space_id=space_id):
                await _set(session, space_id, clipping=False)
            case room.ClippingEnabled(space_id=space_id):
                await _set(session, space_id, clipping=True)
            case room.ListenerJoined(space_id=space_id, user_id=user_id):
                key = {"space_id": space_id, "user_id": user_id}
                await put(session, members, key, {"present": True, "removed": False})
            case room.ParticipantLeft(space_id=space_id, user_id=user_id):
                await session.execute(
                    update(members)
                    .where(members.c.space_id == space_id, members.c.user_id == user_id)
                    .values(present=False)
                )
            case room.ParticipantRemoved(space_id=space_id, user_id=user_id):
                key = {"space_id": space_id, "user_id": user_id}
                await put(session, members, key, {"present": False, "removed": True})


async def _set(session: AsyncSession, space_id: str, **values: object) -> None:
    await session.execute(update(spaces).where(spaces.c.space_id == space_id).values(**values))
