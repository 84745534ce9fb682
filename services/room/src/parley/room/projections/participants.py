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

What it costs: a join or a leave is one statement (the stay opened or closed, checked in the
same statement); the counts of the Spaces a batch of events changed are written once per batch,
as its transaction commits (``room_presence`` and ``room_listener_history``: one upsert each).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, case, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.room import (
    CONTEXT,
    ListenerJoined,
    ParticipantLeft,
    ParticipantRemoved,
    SpaceCanceled,
    SpaceCreated,
    SpaceEnded,
)
from parley.contracts.subjects import context_filter
from parley.room.clock import epoch, utc
from parley.room.projections.after_commit import after_commit
from parley.room.projections.before_commit import until_commit
from parley.room.projections.tables import listener_history, open_spaces, participants, presence
from parley.room.projections.upserts import insert_for, put

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


@dataclass
class CountChanges:
    """How one Space's count moved during a transaction, relative to the count stored before
    it: enough to write the new count, the peak and each touched history bucket at once."""

    moved: int = 0
    highest: int = 0  # the highest ``moved`` reached: the peak is the count before plus this
    # history bucket -> ``moved`` after the bucket's last change, in stream order
    buckets: dict[datetime, int] = field(default_factory=dict)

    def add(self, change: int, at: datetime) -> None:
        self.moved += change
        self.highest = max(self.highest, self.moved)
        self.buckets[history_bucket(at)] = self.moved


@dataclass
class BatchCounts:
    """Every Space whose count a transaction changed, then (once written) their new counts."""

    changes: dict[str, CountChanges] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)

    def add(self, space_id: str, change: int, at: datetime) -> None:
        self.changes.setdefault(space_id, CountChanges()).add(change, at)


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
                if await _open_stay(session, space_id, user_id, at, event.stream_seq):
                    self._counts(session).add(space_id, 1, at)
            case ParticipantLeft(space_id=space_id, user_id=user_id, reason=reason):
                await self._left(session, space_id, at, reason, user_id)
            case ParticipantRemoved(space_id=space_id, user_id=user_id):
                await self._left(session, space_id, at, "removed", user_id)
            case SpaceCreated(space_id=space_id, host_id=host_id):
                await put(session, open_spaces, {"space_id": space_id}, {"host_id": host_id})
            case SpaceCanceled(space_id=space_id):  # a scheduled Space's copy: nobody in it
                await session.execute(delete(open_spaces).where(open_spaces.c.space_id == space_id))
            case SpaceEnded(space_id=space_id, ended_at=ended_at):
                await session.execute(delete(open_spaces).where(open_spaces.c.space_id == space_id))
                await self._left(session, space_id, utc(ended_at or at), "space_ended")
                # Now, not at the commit: a join later in this batch must find the Space ended.
                await _mark_ended(session, space_id)
            case _:
                pass

    async def _left(
        self,
        session: AsyncSession,
        space_id: str,
        at: datetime,
        reason: str,
        user_id: str | None = None,
    ) -> None:
        """Close the open stay of ``user_id``, or every open stay in the Space."""
        closed = await _close_stays(session, space_id, at, reason, user_id)
        if closed:
            self._counts(session).add(space_id, -closed, at)

    def _counts(self, session: AsyncSession) -> BatchCounts:
        """This transaction's count changes, written as it commits and announced after."""
        key = f"parley.room.{self.name}.counts"
        first = key not in session.sync_session.info
        counts = until_commit(session, key, BatchCounts, _write_counts)
        if first and self._on_count_changed is not None:
            notify = self._on_count_changed
            after_commit(session, lambda: _announce(counts, notify))
        return counts


def _announce(counts: BatchCounts, notify: CountChanged) -> None:
    for space_id, count in counts.written.items():
        notify(space_id, count)


STAY = ("space_id", "user_id", "joined_seq", "joined_at", "joined_epoch")


def _opening_a_stay() -> Any:
    """INSERT a stay unless the user has one open or the Space ended: built once, each join
    only binds its values (building and caching the statement cost a join as much as running
    it)."""
    stay = [participants.c[name] for name in STAY]
    values = select(*(bindparam(column.name, type_=column.type) for column in stay))
    already_in = exists().where(
        participants.c.space_id == bindparam("space_id"),
        participants.c.user_id == bindparam("user_id"),
        participants.c.left_at.is_(None),
    )
    ended = exists().where(presence.c.space_id == bindparam("space_id"), presence.c.ended)
    return participants.insert().from_select(stay, values.where(~already_in, ~ended))


_OPEN_A_STAY = _opening_a_stay()


async def _open_stay(
    session: AsyncSession, space_id: str, user_id: str, at: datetime, seq: int
) -> bool:
    """Open a stay unless the user has one open or the Space ended: one statement."""
    stay = dict(zip(STAY, (space_id, user_id, seq, at, epoch(at)), strict=True))
    result = await session.execute(_OPEN_A_STAY, stay)
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def _close_stays(
    session: AsyncSession, space_id: str, at: datetime, reason: str, user_id: str | None
) -> int:
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
    return int(result.rowcount)  # type: ignore[attr-defined]


async def _mark_ended(session: AsyncSession, space_id: str) -> None:
    statement = (
        insert_for(session, presence)
        .values(space_id=space_id, listener_count=0, peak_listeners=0, ended=True)
        .on_conflict_do_update(index_elements=["space_id"], set_={"ended": True})
    )
    await session.execute(statement)


def _write_counts(session: Session, counts: BatchCounts) -> None:
    """Each changed Space's count, peak and history buckets: one upsert for the count (which
    says the new count), one for the buckets. Counts move by addition, so the count stored
    before the batch is never read."""
    for space_id, changes in counts.changes.items():
        count = int(session.execute(_count_moved(session, space_id, changes)).scalar_one())
        before = count - changes.moved
        history = insert_for(session, listener_history)
        history = history.on_conflict_do_update(
            index_elements=["space_id", "bucket_at"],
            set_={"listener_count": history.excluded.listener_count},
        )
        rows = [
            {"space_id": space_id, "bucket_at": bucket, "listener_count": before + moved}
            for bucket, moved in changes.buckets.items()
        ]
        session.execute(history, rows)
        counts.written[space_id] = count


def _count_moved(session: Session, space_id: str, changes: CountChanges) -> Any:
    """``count += moved``, ``peak = max(peak, count before + highest)``, returning the count."""
    reached = presence.c.listener_count + changes.highest
    statement = insert_for(session, presence).values(
        space_id=space_id,
        listener_count=changes.moved,
        peak_listeners=changes.highest,
        ended=False,
    )
    return statement.on_conflict_do_update(
        index_elements=["space_id"],
        set_={
            "listener_count": presence.c.listener_count + changes.moved,
            "peak_listeners": case(
                (reached > presence.c.peak_listeners, reached), else_=presence.c.peak_listeners
            ),
        },
    ).returning(presence.c.listener_count)
