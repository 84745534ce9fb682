"""What room knows of identity (``room_identity``): the facts the rules need, the handles and
names views show, who blocked whom, who is suspended."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.room.projections.tables import blocks, follows, users
from parley.room.views import UserCard


@dataclass(frozen=True, slots=True)
class IdentityFacts:
    """What room knows of one user, and of the relation between them and a Space's host."""

    known: bool = False
    suspended: bool = False
    blocked_by_host: bool = False
    followed_by_host: bool = False


async def identity_facts(session: AsyncSession, user_id: str, host_id: str) -> IdentityFacts:
    """In one round trip: every command asks."""
    suspended = select(users.c.suspended).where(users.c.user_id == user_id).scalar_subquery()
    blocked = exists().where(blocks.c.blocker_id == host_id, blocks.c.blocked_id == user_id)
    followed = exists().where(follows.c.follower_id == host_id, follows.c.followee_id == user_id)
    row = (await session.execute(select(suspended, blocked, followed))).one()
    return _facts(row[0] is not None, bool(row[0]), bool(row[1]), bool(row[2]))


@cache
def _facts(known: bool, suspended: bool, blocked: bool, followed: bool) -> IdentityFacts:
    """One object per combination (16 in all): the read cache keeps facts of many users."""
    return IdentityFacts(
        known=known, suspended=suspended, blocked_by_host=blocked, followed_by_host=followed
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


async def handle_of(session: AsyncSession, user_id: str) -> str | None:
    handle = await session.scalar(select(users.c.handle).where(users.c.user_id == user_id))
    return None if handle is None else str(handle)


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
