"""The read models on each database (SQLite, PostgreSQL): the migration creates exactly the
declared schema, and the projections plus views answer what the queries need."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from parley.chassis.db import create_engine, run_migrations, session_factory
from parley.chassis.event_store import EventMetadata, StoredEvent, envelope_for
from parley.contracts.events.identity import (
    ProfileUpdated,
    UserBlocked,
    UserFollowed,
    UserRegistered,
    UserReinstated,
    UserSuspended,
    UserUnblocked,
    UserUnfollowed,
)
from parley.contracts.registry import DomainEvent
from parley.contracts.subjects import event_subject
from parley.identity.bootstrap import MIGRATIONS
from parley.identity.domain.errors import InvalidInput
from parley.identity.domain.rules import user_id_for
from parley.identity.projections.graph import GraphProjection
from parley.identity.projections.profiles import ProfilesProjection
from parley.identity.projections.tables import metadata
from parley.identity.queries.views import (
    Direction,
    suspended_user_ids,
    user_page,
    user_view,
)

A, B, C, D = (user_id_for(handle) for handle in ("ann", "ben", "cy", "dee"))
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await run_migrations(engine, MIGRATIONS)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


class Stream:
    """Feeds hand-made events through both projections as the runner would."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.seq = 0
        self.projections = (ProfilesProjection(), GraphProjection())

    async def append(self, aggregate_id: str, *events: DomainEvent) -> None:
        for event in events:
            self.seq += 1
            envelope = envelope_for(event, aggregate_id, EventMetadata(correlation_id="cor_t"))
            envelope = envelope.model_copy(update={"occurred_at": T0 + timedelta(minutes=self.seq)})
            stored = StoredEvent(
                envelope,
                event,
                self.seq,
                event_subject("identity", aggregate_id, event.event_type()),
            )
            for projection in self.projections:
                async with self.sessions.begin() as session:
                    await projection.apply(session, stored)


def registered(handle: str) -> UserRegistered:
    return UserRegistered(
        user_id=user_id_for(handle), handle=handle.upper(), display_name=handle, credential_ref="c"
    )


async def test_the_migration_creates_exactly_the_declared_schema(engine: AsyncEngine) -> None:
    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection)
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_profiles_counts_relationships_and_pages(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    stream = Stream(sessions)
    for handle in ("ann", "ben", "cy", "dee"):
        await stream.append(user_id_for(handle), registered(handle))
    await stream.append(A, ProfileUpdated(user_id=A, bio="hello"))
    await stream.append(A, ProfileUpdated(user_id=A, display_name="Ann"))
    for follower in (B, C, D):
        await stream.append(follower, UserFollowed(follower_id=follower, followee_id=A))
    await stream.append(A, UserFollowed(follower_id=A, followee_id=B))
    await stream.append(C, UserUnfollowed(follower_id=C, followee_id=A))
    await stream.append(A, UserBlocked(blocker_id=A, blocked_id=D))
    await stream.append(D, UserUnfollowed(follower_id=D, followee_id=A, because_of_block=True))
    await stream.append(C, UserFollowed(follower_id=C, followee_id=A))  # back, now the latest
    await stream.append(B, UserSuspended(user_id=B, moderator_id="usr_mod"))

    async with sessions() as session:
        ann = await user_view(session, A, viewer_id=B)
        assert ann is not None
        assert (ann.handle, ann.display_name, ann.bio) == ("ANN", "Ann", "hello")
        assert (ann.followers_count, ann.following_count) == (2, 1)
        assert ann.created_at == T0 + timedelta(minutes=1)
        assert (ann.followed_by_me, ann.follows_me, ann.blocked_by_me) == (True, True, False)

        dee_seen_by_ann = await user_view(session, D, viewer_id=A)
        assert dee_seen_by_ann is not None
        assert dee_seen_by_ann.blocked_by_me
        ann_seen_by_dee = await user_view(session, A, viewer_id=D)
        assert ann_seen_by_dee is not None
        assert not ann_seen_by_dee.blocked_by_me  # only the blocker's own blocks show
        assert await user_view(session, user_id_for("nobody"), None) is None

        followers = await user_page(session, A, Direction.FOLLOWERS, limit=1)
        assert [item.id for item in followers.items] == [C]
        assert followers.next_cursor is not None
        rest = await user_page(
            session, A, Direction.FOLLOWERS, limit=5, cursor=followers.next_cursor
        )
        assert [(item.id, item.suspended) for item in rest.items] == [(B, True)]
        assert rest.next_cursor is None
        following = await user_page(session, A, Direction.FOLLOWING, limit=5)
        assert [item.id for item in following.items] == [B]
        with pytest.raises(InvalidInput):
            await user_page(session, A, Direction.FOLLOWERS, limit=5, cursor="Zm9v")

        assert await suspended_user_ids(session) == [B]

    await stream.append(A, UserUnblocked(blocker_id=A, blocked_id=D))
    await stream.append(B, UserReinstated(user_id=B, moderator_id="usr_mod"))
    async with sessions() as session:
        dee_seen_by_ann = await user_view(session, D, viewer_id=A)
        assert dee_seen_by_ann is not None
        assert not dee_seen_by_ann.blocked_by_me
        assert await suspended_user_ids(session) == []
