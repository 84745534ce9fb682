"""``room_participants``: who is in each Space, one row per stay, who is on its stage now,
the audience's current and peak size per Space, its size's history in 10-second buckets
(trending growth), and who hosts each Space that has not ended (``room_open_spaces``). Room's
one read model of membership.

A user's stay opens on ListenerJoined and closes on ParticipantLeft or ParticipantRemoved;
SpaceEnded closes every open stay at the end time (its ``ended_at``, else when it was
recorded). A ListenerJoined while a stay is open, or after the end, changes nothing. The stage
is folded here too (``room_participants_stage``): the host from SpaceCreated, SpeakerPromoted
and CohostAdded onto it, MovedToAudience and ParticipantRemoved off it.

The count is the **audience**: the open stays of users not on stage. A listener coming or
going moves it, and so does someone present going on stage (-1) or stepping off it (+1); the
host, co-hosts and speakers are never in it. It is the Space's ``listener_count`` everywhere:
views, discovery and trending, the peak in analytics, the ``max_listeners`` cap, the audience
list (``queries/listeners.py``) and the live ``listeners.count`` and ``audience.changed``.

It reads every room event, so its position follows the stream: joins and leaves answer once it
has applied them (read-your-writes), and the suspension policy waits for it to reach the
stream's last sequence before it looks up a user's Spaces. After each commit it reports every
Space whose audience changed: the new count and who came and went (only for events younger
than ``live_max_age_s``: a rebuild or a catch-up announces no one).

What it costs: a join or a leave is one statement (the stay opened or closed, checked, and
whether the user is on stage, in the same statement); the counts of the Spaces a batch of
events changed are written once per batch, as its transaction commits (``room_presence`` and
``room_listener_history``: one upsert each).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, case, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.room import (
    CONTEXT,
    CohostAdded,
    ListenerJoined,
    MovedToAudience,
    ParticipantLeft,
    ParticipantRemoved,
    SpaceCanceled,
    SpaceCreated,
    SpaceEnded,
    SpaceStarted,
    SpeakerPromoted,
)
from parley.contracts.subjects import context_filter
from parley.room.audience import AudienceChanges
from parley.room.clock import epoch, utc, utc_now
from parley.room.projections.after_commit import after_commit
from parley.room.projections.before_commit import until_commit
from parley.room.projections.tables import (
    listener_history,
    open_spaces,
    participants,
    participants_stage,
    presence,
)
from parley.room.projections.upserts import insert_for, put

HISTORY_BUCKET_S = 10

# After a commit: a Space whose audience changed, its count now, who came and went.
AudienceChanged = Callable[[str, int, AudienceChanges], None]


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
    """Every Space whose count a transaction changed, then (once written) their new counts; and
    who came into each audience and who left it, for the live side."""

    changes: dict[str, CountChanges] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    audiences: dict[str, AudienceChanges] = field(default_factory=dict)

    def add(self, space_id: str, change: int, at: datetime) -> None:
        self.changes.setdefault(space_id, CountChanges()).add(change, at)

    def audience(self, space_id: str) -> AudienceChanges:
        return self.audiences.setdefault(space_id, AudienceChanges())

    def announce(self, notify: AudienceChanged) -> None:
        """Every Space whose count was written, with who came and went (once committed)."""
        for space_id, count in self.written.items():
            changes = self.audiences.get(space_id)  # an ended one is empty, yet says something
            notify(space_id, count, AudienceChanges() if changes is None else changes)


class ParticipantsProjection:
    name = "room_participants"
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (
        participants,
        participants_stage,
        presence,
        listener_history,
        open_spaces,
    )

    def __init__(
        self,
        on_audience_changed: AudienceChanged | None = None,
        *,
        live_max_age_s: float = 60.0,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._on_audience_changed = on_audience_changed
        self._live_max_age = timedelta(seconds=live_max_age_s)
        self._clock = clock

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        at = utc(event.envelope.occurred_at)
        live = self._on_audience_changed is not None and self._clock() - at <= self._live_max_age
        match event.event:
            case ListenerJoined(space_id=space_id, user_id=user_id):
                if await _open_stay(session, space_id, user_id, at, event.stream_seq) is False:
                    self._moved(session, space_id, user_id, +1, at, live)
            case ParticipantLeft(space_id=space_id, user_id=user_id, reason=reason):
                await self._left(session, space_id, user_id, at, reason, live)
            case ParticipantRemoved(space_id=space_id, user_id=user_id):
                await self._left(session, space_id, user_id, at, "removed", live)
                await _leave_the_stage(session, space_id, user_id)
            case SpaceCreated(space_id=space_id, host_id=host_id):
                await put(session, open_spaces, {"space_id": space_id}, {"host_id": host_id})
                await self._on_stage(session, space_id, host_id, at, live)
            case (
                SpaceStarted(space_id=space_id, host_id=user_id)
                | SpeakerPromoted(space_id=space_id, user_id=user_id)
                | CohostAdded(space_id=space_id, user_id=user_id)
            ):
                await self._on_stage(session, space_id, user_id, at, live)
            case MovedToAudience(space_id=space_id, user_id=user_id):
                if await _leave_the_stage(session, space_id, user_id) and await _present(
                    session, space_id, user_id
                ):
                    self._moved(session, space_id, user_id, +1, at, live)
            case SpaceCanceled(space_id=space_id):  # a scheduled Space's copy: nobody in it
                await session.execute(delete(open_spaces).where(open_spaces.c.space_id == space_id))
                await _clear_the_stage(session, space_id)
            case SpaceEnded(space_id=space_id, ended_at=ended_at):
                await session.execute(delete(open_spaces).where(open_spaces.c.space_id == space_id))
                await self._ended(session, space_id, utc(ended_at or at))
                # Now, not at the commit: a join later in this batch must find the Space ended.
                await _mark_ended(session, space_id)
                await _clear_the_stage(session, space_id)
            case _:
                pass

    async def _on_stage(
        self, session: AsyncSession, space_id: str, user_id: str, at: datetime, live: bool
    ) -> None:
        """Seat ``user_id``; if they were present and not seated yet, the audience lost them."""
        if await _take_a_seat(session, space_id, user_id) and await _present(
            session, space_id, user_id
        ):
            self._moved(session, space_id, user_id, -1, at, live)

    async def _left(
        self,
        session: AsyncSession,
        space_id: str,
        user_id: str,
        at: datetime,
        reason: str,
        live: bool,
    ) -> None:
        """Close ``user_id``'s open stay; the audience lost them unless they were on stage."""
        if await _close_a_stay(session, space_id, user_id, at, reason) is False:
            self._moved(session, space_id, user_id, -1, at, live)

    async def _ended(self, session: AsyncSession, space_id: str, at: datetime) -> None:
        """Close every open stay: the audience is gone at once, and nobody is announced."""
        audience = await _audience_size(session, space_id)
        await _close_every_stay(session, space_id, at)
        counts = self._counts(session)
        counts.add(space_id, -audience, at)
        counts.audience(space_id).end()

    def _moved(
        self,
        session: AsyncSession,
        space_id: str,
        user_id: str,
        change: int,
        at: datetime,
        live: bool,
    ) -> None:
        counts = self._counts(session)
        counts.add(space_id, change, at)
        if live:
            audience = counts.audience(space_id)
            if change > 0:
                audience.came(user_id)
            else:
                audience.went(user_id)

    def _counts(self, session: AsyncSession) -> BatchCounts:
        """This transaction's count changes, written as it commits and announced after."""
        key = f"parley.room.{self.name}.counts"
        first = key not in session.sync_session.info
        counts = until_commit(session, key, BatchCounts, _write_counts)
        if first and self._on_audience_changed is not None:
            notify = self._on_audience_changed
            after_commit(session, lambda: counts.announce(notify))
        return counts


STAY = ("space_id", "user_id", "joined_seq", "joined_at", "joined_epoch")

_open = participants.c.left_at.is_(None)


def _seated(space_id: Any, user_id: Any) -> Any:
    return exists().where(
        participants_stage.c.space_id == space_id, participants_stage.c.user_id == user_id
    )


def _opening_a_stay() -> Any:
    """INSERT a stay unless the user has one open or the Space ended, RETURNING whether the
    user is on stage: built once, each join only binds its values (building and caching the
    statement cost a join as much as running it)."""
    stay = [participants.c[name] for name in STAY]
    values = select(*(bindparam(column.name, type_=column.type) for column in stay))
    already_in = exists().where(
        participants.c.space_id == bindparam("space_id"),
        participants.c.user_id == bindparam("user_id"),
        _open,
    )
    ended = exists().where(presence.c.space_id == bindparam("space_id"), presence.c.ended)
    on_stage = _seated(bindparam("space_id"), bindparam("user_id"))
    return (
        participants.insert()
        .from_select(stay, values.where(~already_in, ~ended))
        .returning(on_stage.label("on_stage"))
    )


_OPEN_A_STAY = _opening_a_stay()


async def _open_stay(
    session: AsyncSession, space_id: str, user_id: str, at: datetime, seq: int
) -> bool | None:
    """Open a stay unless the user has one open or the Space ended, in one statement: None if
    none opened, else whether the user is on stage."""
    stay = dict(zip(STAY, (space_id, user_id, seq, at, epoch(at)), strict=True))
    on_stage = (await session.execute(_OPEN_A_STAY, stay)).scalar()
    return None if on_stage is None else bool(on_stage)


def _closing(at: datetime, reason: str) -> dict[str, Any]:
    return {
        "left_at": at,
        "left_reason": reason,
        "listened_s": epoch(at) - participants.c.joined_epoch,
    }


async def _close_a_stay(
    session: AsyncSession, space_id: str, user_id: str, at: datetime, reason: str
) -> bool | None:
    """Close the user's open stay (there is at most one), in one statement: None if none was
    open, else whether the user is on stage."""
    result = await session.execute(
        update(participants)
        .where(participants.c.space_id == space_id, participants.c.user_id == user_id, _open)
        .values(_closing(at, reason))
        .returning(_seated(space_id, user_id).label("on_stage"))
    )
    on_stage = result.scalar()
    return None if on_stage is None else bool(on_stage)


async def _close_every_stay(session: AsyncSession, space_id: str, at: datetime) -> None:
    await session.execute(
        update(participants)
        .where(participants.c.space_id == space_id, _open)
        .values(_closing(at, "space_ended"))
    )


async def _audience_size(session: AsyncSession, space_id: str) -> int:
    """Open stays of users not on stage, counted (only at the end of a Space)."""
    on_stage = _seated(participants.c.space_id, participants.c.user_id)
    query = select(func.count()).where(participants.c.space_id == space_id, _open, ~on_stage)
    return int(await session.scalar(query) or 0)


async def _present(session: AsyncSession, space_id: str, user_id: str) -> bool:
    query = select(
        exists().where(
            participants.c.space_id == space_id, participants.c.user_id == user_id, _open
        )
    )
    return bool(await session.scalar(query))


async def _take_a_seat(session: AsyncSession, space_id: str, user_id: str) -> bool:
    """Seat the user on the Space's stage: whether they were not seated yet."""
    statement = insert_for(session, participants_stage).on_conflict_do_nothing()
    result = await session.execute(statement, {"space_id": space_id, "user_id": user_id})
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def _leave_the_stage(session: AsyncSession, space_id: str, user_id: str) -> bool:
    """Whether the user was seated."""
    result = await session.execute(
        delete(participants_stage).where(
            participants_stage.c.space_id == space_id, participants_stage.c.user_id == user_id
        )
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def _clear_the_stage(session: AsyncSession, space_id: str) -> None:
    await session.execute(
        delete(participants_stage).where(participants_stage.c.space_id == space_id)
    )


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
