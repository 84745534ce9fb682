"""``follows`` and ``blocks``: the social graph, one row per current edge."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.identity import (
    UserBlocked,
    UserFollowed,
    UserUnblocked,
    UserUnfollowed,
)
from parley.contracts.subjects import context_filter
from parley.identity.projections.tables import blocks, follows

CONTEXT = "identity"


class GraphProjection:
    name = "identity_graph"
    # All identity events (see ProfilesProjection.filter_subjects for why not only graph ones).
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (follows, blocks)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case UserFollowed(follower_id=follower, followee_id=followee):
                await _unfollow(session, follower, followee)
                await session.execute(
                    insert(follows).values(
                        follower_id=follower,
                        followee_id=followee,
                        seq=event.stream_seq,
                        created_at=event.envelope.occurred_at,
                    )
                )
            case UserUnfollowed(follower_id=follower, followee_id=followee):
                await _unfollow(session, follower, followee)
            case UserBlocked(blocker_id=blocker, blocked_id=blocked):
                await _unblock(session, blocker, blocked)
                await session.execute(
                    insert(blocks).values(
                        blocker_id=blocker,
                        blocked_id=blocked,
                        created_at=event.envelope.occurred_at,
                    )
                )
            case UserUnblocked(blocker_id=blocker, blocked_id=blocked):
                await _unblock(session, blocker, blocked)
            case _:
                pass


async def _unfollow(session: AsyncSession, follower: str, followee: str) -> None:
    await session.execute(
        delete(follows).where(follows.c.follower_id == follower, follows.c.followee_id == followee)
    )


async def _unblock(session: AsyncSession, blocker: str, blocked: str) -> None:
    await session.execute(
        delete(blocks).where(blocks.c.blocker_id == blocker, blocks.c.blocked_id == blocked)
    )
