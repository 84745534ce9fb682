"""This worker's projection of room's roles events: each Space's phase, stage, open mics and
removals.

A read model and nothing else. Each worker keeps its own (durable ``proj_media_roles_<id>``):
negotiations read it (``queries/roles.py``), and the worker takes a snapshot of a Space from it
before folding the roles events that follow (``entrypoints/room_roles.py``).

Only the events that change roles reach it (:data:`ROLE_SUBJECTS`): joins and leaves, the bulk
of room's events in a busy Space, cost the relay nothing. Whether a listener joined is asked of
room when they negotiate (ADR 18).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events import room
from parley.contracts.subjects import event_type_filter
from parley.media_relay.domain.roles import ROLE_EVENTS, SpaceRoles, evolve
from parley.media_relay.projections.tables import space_roles

ROLE_SUBJECTS = tuple(
    sorted(event_type_filter(room.CONTEXT, event.event_type()) for event in ROLE_EVENTS)
)


def roles_to_json(roles: SpaceRoles) -> str:
    return json.dumps(
        {
            "phase": roles.phase,
            "host_id": roles.host_id,
            "cohosts": sorted(roles.cohosts),
            "speakers": sorted(roles.speakers),
            "open_mics": sorted(roles.open_mics),
            "removed": sorted(roles.removed),
            "recording": roles.recording,
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
        recording=data.get("recording", False),  # rows written before ADR 21 have none
    )


async def load_roles(session: AsyncSession, space_id: str) -> SpaceRoles:
    query = select(space_roles.c.roles).where(space_roles.c.space_id == space_id)
    row = await session.scalar(query)
    return SpaceRoles(space_id=space_id) if row is None else roles_from_json(space_id, row)


def projection_name(worker_id: str) -> str:
    return f"media_roles_{worker_id}".replace("-", "_")


class RoomRolesProjection:
    filter_subjects: Sequence[str] = ROLE_SUBJECTS
    tables: Sequence[Table] = (space_roles,)

    def __init__(self, worker_id: str) -> None:
        self.name = projection_name(worker_id)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        space_id = getattr(event.event, "space_id", None)
        if not isinstance(space_id, str):
            return
        before = await load_roles(session, space_id)
        after = evolve(before, event.event)
        if after == before:
            return
        await session.execute(delete(space_roles).where(space_roles.c.space_id == space_id))
        await session.execute(
            insert(space_roles).values(space_id=space_id, roles=roles_to_json(after))
        )
