"""``users``: one row per account with its profile, suspension and follower counts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Table, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.identity import (
    ProfileUpdated,
    UserFollowed,
    UserRegistered,
    UserReinstated,
    UserSuspended,
    UserUnfollowed,
)
from parley.contracts.subjects import context_filter
from parley.identity.domain.rules import handle_key
from parley.identity.projections.tables import users

CONTEXT = "identity"


class ProfilesProjection:
    name = "identity_profiles"
    # Every identity event, even those it ignores, so that its position keeps up with the
    # stream and read-your-writes waits (wait_for_position) never stall on a skipped subject.
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (users,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case UserRegistered() as registered:
                await session.execute(
                    insert(users).values(
                        id=registered.user_id,
                        handle=registered.handle,
                        handle_lower=handle_key(registered.handle),
                        display_name=registered.display_name,
                        bio="",
                        suspended=False,
                        created_at=event.envelope.occurred_at,
                        followers_count=0,
                        following_count=0,
                    )
                )
            case ProfileUpdated(user_id=user_id, display_name=display_name, bio=bio):
                changes = {"display_name": display_name, "bio": bio}
                values = {key: value for key, value in changes.items() if value is not None}
                if values:
                    await session.execute(update(users).where(users.c.id == user_id).values(values))
            case UserFollowed(follower_id=follower, followee_id=followee):
                await self._count(session, follower, followee, +1)
            case UserUnfollowed(follower_id=follower, followee_id=followee):
                await self._count(session, follower, followee, -1)
            case UserSuspended(user_id=user_id):
                await self._set_suspended(session, user_id, True)
            case UserReinstated(user_id=user_id):
                await self._set_suspended(session, user_id, False)
            case _:
                pass

    @staticmethod
    async def _count(session: AsyncSession, follower: str, followee: str, delta: int) -> None:
        # The decider emits follow events only for real changes, so counting them is exact.
        await _add(session, users.c.id == follower, "following_count", delta)
        await _add(session, users.c.id == followee, "followers_count", delta)

    @staticmethod
    async def _set_suspended(session: AsyncSession, user_id: str, suspended: bool) -> None:
        await session.execute(
            update(users).where(users.c.id == user_id).values(suspended=suspended)
        )


async def _add(session: AsyncSession, where: ColumnElement[bool], column: str, delta: int) -> None:
    await session.execute(update(users).where(where).values({column: users.c[column] + delta}))
