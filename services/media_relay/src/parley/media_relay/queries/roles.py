"""Reads of this worker's projection of room's events (``projections/roles.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.projections import positions
from parley.media_relay.domain.roles import SpaceRoles
from parley.media_relay.projections.roles import load_roles, roles_from_json
from parley.media_relay.projections.tables import space_roles


@dataclass
class RoomRoles:
    """A Space's roles as this worker has projected them."""

    sessions: async_sessionmaker[AsyncSession]
    projection: str  # its name: the key of its position

    async def roles(self, space_id: str) -> SpaceRoles:
        async with self.sessions() as session:
            return await load_roles(session, space_id)

    async def roles_at(self, space_id: str) -> tuple[SpaceRoles, int]:
        """The roles and the projection's position, in one statement: one snapshot (two
        reads could straddle a commit of the projection)."""
        roles = select(space_roles.c.roles).where(space_roles.c.space_id == space_id)
        position = select(positions.c.last_seq).where(positions.c.projection == self.projection)
        async with self.sessions() as session:
            row = (
                await session.execute(select(roles.scalar_subquery(), position.scalar_subquery()))
            ).one()
        text, seq = row
        found = SpaceRoles(space_id=space_id) if text is None else roles_from_json(space_id, text)
        return found, int(seq or 0)
