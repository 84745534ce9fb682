"""Who is in a Space now, from ``room_participants`` (open stays: ``left_at IS NULL``): the
one source of listener counts, of who is warned about a blocked speaker, of who may react, and
of a suspended user's Spaces. Joins and leaves answer once it shows them (read-your-writes)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.errors import Conflict, Forbidden, NotFound
from parley.room.projections.tables import (
    catalog,
    catalog_stage,
    open_spaces,
    participants,
    presence,
)

_present = participants.c.left_at.is_(None)


async def listener_count(session: AsyncSession, space_id: str) -> int:
    """The audience: everyone present who is not on stage (the host, co-hosts and speakers are
    not counted), which the read model counts as stays open and close and people go on and off
    stage (one row, not a count of rows)."""
    query = select(presence.c.listener_count).where(presence.c.space_id == space_id)
    return int(await session.scalar(query) or 0)


async def present_user_ids(session: AsyncSession, space_id: str) -> list[str]:
    query = (
        select(participants.c.user_id)
        .where(participants.c.space_id == space_id, _present)
        .distinct()
    )
    return list(await session.scalars(query))


@dataclass(frozen=True)
class OpenSpaces:
    """A user's Spaces that have not ended: those they host, and the others they are in."""

    hosted: list[str]
    joined: list[str]


async def open_spaces_of(session: AsyncSession, user_id: str) -> OpenSpaces:
    hosted = await session.scalars(
        select(open_spaces.c.space_id).where(open_spaces.c.host_id == user_id)
    )
    joined = await session.scalars(
        select(participants.c.space_id).where(participants.c.user_id == user_id, _present)
    )
    hosted_ids = sorted(hosted)
    return OpenSpaces(hosted=hosted_ids, joined=sorted(set(joined) - set(hosted_ids)))


async def present_in_live_space(session: AsyncSession, space_id: str, user_id: str) -> None:
    """Nothing if ``user_id`` is in the live Space (an open stay, or a seat on stage); else
    404 ``space-not-found``, 409 ``space-not-live`` or 403 ``not-in-space``."""
    listening = exists().where(
        participants.c.space_id == space_id, participants.c.user_id == user_id, _present
    )
    on_stage = exists().where(
        catalog_stage.c.space_id == space_id, catalog_stage.c.user_id == user_id
    )
    row = (
        await session.execute(
            select(catalog.c.state, listening.label("listening"), on_stage.label("on_stage")).where(
                catalog.c.space_id == space_id
            )
        )
    ).first()
    if row is None:
        raise NotFound(f"no Space {space_id}", type="space-not-found")
    if row.state != "live":
        raise Conflict("reactions are for live Spaces", type="space-not-live")
    if not (row.listening or row.on_stage):
        raise Forbidden("join the Space to react", type="not-in-space")
