"""``room_participants``: who is in each Space, one row per stay, plus the current and peak
count per Space, the count's history in 10-second buckets (trending growth), and who hosts
each Space that has not ended (``room_open_spaces``). Room's one read model of membership.

A user's stay opens on ListenerJoined and closes on ParticipantLeft or ParticipantRemoved;
SpaceEnded closes every open stay at the end time (its ``ended_at``, else when it was
recorded). A ListenerJoined while a stay is open, or after the end, changes nothing. The
count is the number of open stays (everyone present, listening or on stage): the Space's
``listener_count`` everywhere.

It reads every room event, so its position follows the stream: joins and leaves answer once it
has applied them (read-your-writes), and the suspension policy waits for it to reach the
stream's last sequence before it looks up a user's Spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.room import (
    CONTEXT,
    ListenerJoined,
    ParticipantLeft,
    ParticipantRemoved,
    SpaceCreated,
    SpaceEnded,
)
from parley.contracts.subjects import context_filter
from parley.room.clock import epoch, utc
from parley.room.projections.after_commit import after_commit
from parley.room.projections.tables import listener_history, open_spaces, participants, presence
from parley.room.projections.upserts import put

HISTORY_BUCKET_S = 10

CountChanged = Callable[[str, int], None]


def history_bucket(moment: datetime) -> datetime:
    moment = utc(moment)
    seconds = moment.second - moment.second % HISTORY_BUCKET_S
    return moment.replace(second=seconds, microsecond=0)


def bucket_before(cutoff: datetime) -> datetime:
    """Latest bucket start whose bucket ended by ``cutoff``: its count held at ``cutoff``
    unless something changed in the last ``HISTORY_BUCKET_S`` seconds before it."""
    return utc(cutoff) - timedelta(seconds=HISTORY_BUCKET_S)


class ParticipantsProjection:
    name = "room_participants"
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (participants, presence, listener_history, open_spaces)

    def __init__(self, on_count_changed: CountChanged | None = None) -> None:
        self._on_count_changed = on_count_changed

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        at = utc(event.envelope.occurred_at)
        match event.event:
            case ListenerJoined(space_id=space_id, user_id=user_id):
                await self._joined(session, space_id, user_id, at, event.stream_seq)
            case ParticipantLeft(space_id=space_id, user_id=user_id, reason=reason):
                await self._left(session, space_id, at, reason, user_id)
            case ParticipantRemoved(space_id=space_id, user_id=user_id):
                await self._left(session, space_id, at, "removed", user_id)
            case SpaceCreated(space_id=space_id, host_id=host_id):
                await put(session, open_spaces, {"space_id": space_id}, {"host_id": host_id})
            case SpaceEnded(space_id=space_id, ended_at=ended_at):
                await session.execute(delete(open_spaces).where(open_spaces.c.space_id == space_id))
                now = await self._left(session, space_id, utc(ended_at or at), "space_ended")
                await _put_presence(session, replace(now, ended=True))
            case _:
                pass

    async def _joined(
        self, session: AsyncSession, space_id: str, user_id: str, at: datetime, seq: int
    ) -> None:
        before = await _presence(session, space_id)
        if before.ended or await _open_stay(session, space_id, user_id):
            return
        await session.execute(
            insert(participants).values(
                space_id=space_id,
                user_id=user_id,
                joined_seq=seq,
                joined_at=at,
                joined_epoch=epoch(at),
            )
        )
        await self._count_changed(session, before, before.count + 1, at)

    async def _left(
        self,
        session: AsyncSession,
        space_id: str,
        at: datetime,
        reason: str,
        user_id: str | None = None,
    ) -> Presence:
        """Close the open stay of ``user_id``, or every open stay in the Space."""
        which = and_(participants.c.space_id == space_id, participants.c.left_at.is_(None))
        if user_id is not None:
            which = and_(which, participants.c.user_id == user_id)
        result = await session.execute(
            update(participants)
            .where(which)
            .values(
                left_at=at,
                left_reason=reason,
                listened_s=epoch(at) - participants.c.joined_epoch,
            )
        )
        closed = int(result.rowcount)  # type: ignore[attr-defined]
        before = await _presence(session, space_id)
        if not closed:
            return before
        return await self._count_changed(session, before, max(before.count - closed, 0), at)

    async def _count_changed(
        self, session: AsyncSession, before: Presence, count: int, at: datetime
    ) -> Presence:
        now = replace(before, count=count, peak=max(before.peak, count))
        await _put_presence(session, now)
        await put(
            session,
            listener_history,
            {"space_id": now.space_id, "bucket_at": history_bucket(at)},
            {"listener_count": count},
        )
        if self._on_count_changed is not None:
            notify, space_id = self._on_count_changed, now.space_id
            after_commit(session, lambda: notify(space_id, count))
        return now


@dataclass(frozen=True)
class Presence:
    space_id: str
    count: int = 0
    peak: int = 0
    ended: bool = False


async def _presence(session: AsyncSession, space_id: str) -> Presence:
    row = (
        await session.execute(
            select(presence.c.listener_count, presence.c.peak_listeners, presence.c.ended).where(
                presence.c.space_id == space_id
            )
        )
    ).first()
    if row is None:
        return Presence(space_id)
    return Presence(space_id, int(row[0]), int(row[1]), bool(row[2]))


async def _put_presence(session: AsyncSession, now: Presence) -> None:
    await put(
        session,
        presence,
        {"space_id": now.space_id},
        {"listener_count": now.count, "peak_listeners": now.peak, "ended": now.ended},
    )


async def _open_stay(session: AsyncSession, space_id: str, user_id: str) -> bool:
    found = await session.scalar(
        select(participants.c.joined_seq)
        .where(
            participants.c.space_id == space_id,
            participants.c.user_id == user_id,
            participants.c.left_at.is_(None),
        )
        .limit(1)
    )
    return found is not None
