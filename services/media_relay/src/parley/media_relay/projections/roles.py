"""This worker's projection of room's events: each Space's roles and who has joined it.

A read model and nothing else. Each worker keeps its own (durable ``proj_media_roles_<id>``):
negotiations read it (``queries/roles.py``), and the worker takes a snapshot of a Space from it
before folding the roles events that follow (``entrypoints/room_roles.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events import room
from parley.contracts.events.room import ListenerJoined, ParticipantLeft
from parley.contracts.subjects import context_filter
from parley.media_relay.domain.roles import SpaceRoles, evolve
from parley.media_relay.projections.tables import members, space_roles


def roles_to_json(roles: SpaceRoles) -> str:
    return json.dumps(
        {
            "phase": roles.phase,
            "host_id": roles.host_id,
            "cohosts": sorted(roles.cohosts),
            "speakers": sorted(roles.speakers),
            "open_mics": sorted(roles.open_mics),
            "removed": sorted(roles.removed),
        }
    )


def roles_from_json(space_id: str, text: str) -> SpaceRoles:
    data = json.loads(text)
    return SpaceRoles(
        space_id=space_id,
        phase=data["phase"],
        host_id=data["host_id"],
        cohosts=frozenset(data["cohosts"]),
        speakers=frozenset(data["speakers"]),
        open_mics=frozenset(data["open_mics"]),
        removed=frozenset(data["removed"]),
    )


async def load_roles(session: AsyncSession, space_id: str) -> SpaceRoles:
    query = select(space_roles.c.roles).where(space_roles.c.space_id == space_id)
    row = await session.scalar(query)
    return SpaceRoles(space_id=space_id) if row is None else roles_from_json(space_id, row)


def projection_name(worker_id: str) -> str:
    return f"media_roles_{worker_id}".replace("-", "_")


class RoomRolesProjection:
    filter_subjects: Sequence[str] = (context_filter(room.CONTEXT),)
    tables: Sequence[Table] = (space_roles, members)

    def __init__(self, worker_id: str) -> None:
        self.name = projection_name(worker_id)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case ListenerJoined(space_id=space_id, user_id=user_id):
                await self._leave(session, space_id, user_id)
                await session.execute(insert(members).values(space_id=space_id, user_id=user_id))
            case ParticipantLeft(space_id=space_id, user_id=user_id):
                await self._leave(session, space_id, user_id)
            case _:
                of_space = getattr(event.event, "space_id", None)
                if isinstance(of_space, str):
                    await self._evolve(session, of_space, event)

    async def _evolve(self, session: AsyncSession, space_id: str, event: StoredEvent) -> None:
        before = await load_roles(session, space_id)
        after = evolve(before, event.event)
        if after == before:
            return
        await session.execute(delete(space_roles).where(space_roles.c.space_id == space_id))
        await session.execute(
            insert(space_roles).values(space_id=space_id, roles=roles_to_json(after))
        )

    @staticmethod
    async def _leave(session: AsyncSession, space_id: str, user_id: str) -> None:
        await session.execute(
            delete(members).where(members.c.space_id == space_id, members.c.user_id == user_id)
        )
