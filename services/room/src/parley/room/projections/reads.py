"""Reads over the write side's tables: the identity facts rules need, handles for views,
due timers, a user's open Spaces."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.room.projections.tables import (
    blocks,
    follows,
    memberships_live,
    open_spaces,
    timers,
    users,
)
from parley.room.views import UserCard


@dataclass(frozen=True)
class IdentityFacts:
    """What room knows of one user, and of the relation between them and a Space's host."""

    known: bool = False
    suspended: bool = False
    blocked_by_host: bool = False
    followed_by_host: bool = False


def utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back naive; everything stored is UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


async def identity_facts(session: AsyncSession, user_id: str, host_id: str) -> IdentityFacts:
    """In one round trip: every command asks."""
    suspended = select(users.c.suspended).where(users.c.user_id == user_id).scalar_subquery()
    blocked = exists().where(blocks.c.blocker_id == host_id, blocks.c.blocked_id == user_id)
    followed = exists().where(follows.c.follower_id == host_id, follows.c.followee_id == user_id)
    row = (await session.execute(select(suspended, blocked, followed))).one()
    return IdentityFacts(
        known=row[0] is not None,
        suspended=bool(row[0]),
        blocked_by_host=bool(row[1]),
        followed_by_host=bool(row[2]),
    )


async def user_cards(session: AsyncSession, user_ids: Iterable[str]) -> dict[str, UserCard]:
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    query = select(users.c.user_id, users.c.handle, users.c.display_name).where(
        users.c.user_id.in_(wanted)
    )
    return {
        row.user_id: UserCard(handle=row.handle, display_name=row.display_name)
        for row in await session.execute(query)
    }


async def blockers_of(session: AsyncSession, blocked_id: str, among: Iterable[str]) -> list[str]:
    """Who of ``among`` blocked ``blocked_id``."""
    candidates = sorted(set(among) - {blocked_id})
    if not candidates:
        return []
    query = select(blocks.c.blocker_id).where(
        blocks.c.blocked_id == blocked_id, blocks.c.blocker_id.in_(candidates)
    )
    return list(await session.scalars(query))


async def blocked_by(session: AsyncSession, blocker_id: str, among: Iterable[str]) -> list[str]:
    """Who of ``among`` ``blocker_id`` blocked."""
    candidates = sorted(set(among) - {blocker_id})
    if not candidates:
        return []
    query = select(blocks.c.blocked_id).where(
        blocks.c.blocker_id == blocker_id, blocks.c.blocked_id.in_(candidates)
    )
    return list(await session.scalars(query))


async def is_suspended(session: AsyncSession, user_id: str) -> bool:
    return bool(await session.scalar(select(users.c.suspended).where(users.c.user_id == user_id)))


async def due_timers(session: AsyncSession, now: datetime) -> list[tuple[str, datetime]]:
    query = select(timers.c.space_id, timers.c.deadline).where(timers.c.deadline <= now)
    return [(row.space_id, utc(row.deadline)) for row in await session.execute(query)]


async def forget_timer(session: AsyncSession, space_id: str, deadline: datetime) -> None:
    await session.execute(
        delete(timers).where(timers.c.space_id == space_id, timers.c.deadline == deadline)
    )


@dataclass(frozen=True)
class OpenSpaces:
    hosted: list[str]
    joined: list[str]


async def open_spaces_of(session: AsyncSession, user_id: str) -> OpenSpaces:
    hosted = await session.scalars(
        select(open_spaces.c.space_id).where(open_spaces.c.host_id == user_id)
    )
    joined = await session.scalars(
        select(memberships_live.c.space_id).where(memberships_live.c.user_id == user_id)
    )
    hosted_ids = sorted(hosted)
    return OpenSpaces(hosted=hosted_ids, joined=sorted(set(joined) - set(hosted_ids)))
