"""The host's numbers for one Space (``get_space_analytics``), only for the host.

- ``unique_listeners``: distinct users other than the host who were ever present;
- ``peak_concurrent``: the highest listener count (the audience: present and not on stage,
  as clients saw it);
- ``average_listening_s``: total time present of those users (stays still open count up to
  the end of the Space, or now while it is live) divided by ``unique_listeners``: a user
  who left and came back counts once, with both stays;
- ``speakers``: distinct users other than the host who were ever on stage (speaker or
  co-host), whether or not they spoke;
- ``reactions``: accepted reactions, as counted by the aggregator;
- ``replay_plays``: counted plays of its recording (recording's ``RecordingPlayed``: once per
  listener within the play window, ADR 22);
- ``clips``: clips made of it (clipping's ``ClipReady``), live or from the replay, including
  those since expired or deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.errors import Forbidden, NotFound
from parley.contracts.api.room import SpaceAnalytics
from parley.room.clock import epoch
from parley.room.projections.tables import (
    catalog,
    participants,
    presence,
    reaction_totals,
    replay_plays,
    space_clips,
    space_speakers,
)


async def space_analytics(
    session: AsyncSession, space_id: str, actor: str, *, now: datetime
) -> SpaceAnalytics:
    space = (
        await session.execute(
            select(catalog.c.host_id, catalog.c.ended_at).where(catalog.c.space_id == space_id)
        )
    ).first()
    if space is None:
        raise NotFound(f"no Space {space_id}", type="space-not-found")
    if space.host_id != actor:
        raise Forbidden("only the host sees a Space's analytics", type="not-host")
    until = epoch(space.ended_at) if space.ended_at is not None else epoch(now)
    listened = case(
        (participants.c.left_at.is_(None), until - participants.c.joined_epoch),
        else_=participants.c.listened_s,
    )
    listeners = (
        await session.execute(
            select(func.count(func.distinct(participants.c.user_id)), func.sum(listened)).where(
                participants.c.space_id == space_id, participants.c.user_id != actor
            )
        )
    ).one()
    unique, total_s = int(listeners[0] or 0), float(listeners[1] or 0.0)
    peak = await session.scalar(
        select(presence.c.peak_listeners).where(presence.c.space_id == space_id)
    )
    speakers = await session.scalar(
        select(func.count()).where(space_speakers.c.space_id == space_id)
    )
    reactions = await session.scalar(
        select(reaction_totals.c.total).where(reaction_totals.c.space_id == space_id)
    )
    plays = await session.scalar(
        select(replay_plays.c.plays).where(replay_plays.c.space_id == space_id)
    )
    clips = await session.scalar(select(func.count()).where(space_clips.c.space_id == space_id))
    return SpaceAnalytics(
        space_id=space_id,
        unique_listeners=unique,
        peak_concurrent=int(peak or 0),
        average_listening_s=round(total_s / unique, 3) if unique else 0.0,
        speakers=int(speakers or 0),
        reactions=int(reactions or 0),
        replay_plays=int(plays or 0),
        clips=int(clips or 0),
    )
