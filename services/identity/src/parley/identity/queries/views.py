"""Reads over the identity read models (``users``, ``follows``, ``blocks``), shaped as the
contract's views."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from enum import Enum

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.contracts.api.identity import UserPage, UserSummary, UserView
from parley.identity.domain.errors import InvalidInput
from parley.identity.projections.tables import blocks, follows, users


class Direction(Enum):
    FOLLOWERS = "followers"
    FOLLOWING = "following"


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"f:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The sequence a page continues after; any malformed cursor is the caller's mistake."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix != "f" or not number.isdigit():
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("invalid-cursor", "the cursor is not one this service gave") from None


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


async def user_view(session: AsyncSession, user_id: str, viewer_id: str | None) -> UserView | None:
    """The user's profile, with the relationship fields seen from ``viewer_id``."""
    row = (await session.execute(select(users).where(users.c.id == user_id))).mappings().first()
    if row is None:
        return None
    view = UserView(
        id=row["id"],
        handle=row["handle"],
        display_name=row["display_name"],
        bio=row["bio"],
        followers_count=row["followers_count"],
        following_count=row["following_count"],
        suspended=row["suspended"],
        created_at=_utc(row["created_at"]),
    )
    if viewer_id is None or viewer_id == user_id:
        return view
    return view.model_copy(
        update={
            "followed_by_me": await _follows(session, viewer_id, user_id),
            "follows_me": await _follows(session, user_id, viewer_id),
            "blocked_by_me": await _blocks(session, viewer_id, user_id),
        }
    )


async def _follows(session: AsyncSession, follower: str, followee: str) -> bool:
    query = select(
        exists().where(follows.c.follower_id == follower, follows.c.followee_id == followee)
    )
    return bool(await session.scalar(query))


async def _blocks(session: AsyncSession, blocker: str, blocked: str) -> bool:
    query = select(exists().where(blocks.c.blocker_id == blocker, blocks.c.blocked_id == blocked))
    return bool(await session.scalar(query))


async def user_page(
    session: AsyncSession,
    user_id: str,
    direction: Direction,
    *,
    limit: int,
    cursor: str | None = None,
) -> UserPage:
    """Followers or followed accounts of ``user_id``, most recent follow first. Suspended
    accounts are listed too, marked as such."""
    if direction is Direction.FOLLOWERS:
        anchor, other = follows.c.followee_id, follows.c.follower_id
    else:
        anchor, other = follows.c.follower_id, follows.c.followee_id
    query = (
        select(users.c.id, users.c.handle, users.c.display_name, users.c.suspended, follows.c.seq)
        .join(users, users.c.id == other)
        .where(anchor == user_id)
        .order_by(follows.c.seq.desc())
        .limit(limit + 1)
    )
    if cursor is not None:
        query = query.where(follows.c.seq < decode_cursor(cursor))
    rows = (await session.execute(query)).all()
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1].seq) if len(rows) > limit else None
    items = [
        UserSummary(
            id=row.id, handle=row.handle, display_name=row.display_name, suspended=row.suspended
        )
        for row in page
    ]
    return UserPage(items=items, next_cursor=next_cursor)


async def suspended_user_ids(session: AsyncSession) -> list[str]:
    rows = await session.scalars(select(users.c.id).where(users.c.suspended).order_by(users.c.id))
    return list(rows)
