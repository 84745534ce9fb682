"""``room_identity``: the accounts, follows and blocks the room rules need (who may request to
speak, who may join, who is suspended), kept from the IDENTITY stream."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.identity import (
    CONTEXT,
    ProfileUpdated,
    UserBlocked,
    UserFollowed,
    UserRegistered,
    UserReinstated,
    UserSuspended,
    UserUnblocked,
    UserUnfollowed,
)
from parley.contracts.subjects import context_filter
from parley.room.projections.tables import blocks, follows, users


class RoomIdentityProjection:
    name = "room_identity"
    # Every identity event, so the position follows the stream (the suspension policy waits
    # for it to pass the suspension it reacts to).
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (users, follows, blocks)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case UserRegistered(user_id=user_id, handle=handle, display_name=display_name):
                await session.execute(delete(users).where(users.c.user_id == user_id))
                await session.execute(
                    insert(users).values(
                        user_id=user_id, handle=handle, display_name=display_name, suspended=False
                    )
                )
            case ProfileUpdated(user_id=user_id, display_name=display_name) if display_name:
                await session.execute(
                    update(users)
                    .where(users.c.user_id == user_id)
                    .values(display_name=display_name)
                )
            case UserSuspended(user_id=user_id):
                await _set_suspended(session, user_id, True)
            case UserReinstated(user_id=user_id):
                await _set_suspended(session, user_id, False)
            case UserFollowed(follower_id=follower, followee_id=followee):
                await _unfollow(session, follower, followee)
                await session.execute(
                    insert(follows).values(follower_id=follower, followee_id=followee)
                )
            case UserUnfollowed(follower_id=follower, followee_id=followee):
                await _unfollow(session, follower, followee)
            case UserBlocked(blocker_id=blocker, blocked_id=blocked):
                await _unblock(session, blocker, blocked)
                await session.execute(insert(blocks).values(blocker_id=blocker, blocked_id=blocked))
            case UserUnblocked(blocker_id=blocker, blocked_id=blocked):
                await _unblock(session, blocker, blocked)
            case _:
                pass


async def _set_suspended(session: AsyncSession, user_id: str, suspended: bool) -> None:
    await session.execute(
        update(users).where(users.c.user_id == user_id).values(suspended=suspended)
    )


async def _unfollow(session: AsyncSession, follower: str, followee: str) -> None:
    await session.execute(
        delete(follows).where(follows.c.follower_id == follower, follows.c.followee_id == followee)
    )


async def _unblock(session: AsyncSession, blocker: str, blocked: str) -> None:
    await session.execute(
        delete(blocks).where(blocks.c.blocker_id == blocker, blocks.c.blocked_id == blocked)
    )
