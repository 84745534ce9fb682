"""The live publisher: a consumer of the ROOM stream (``room_live``, run by the projection
runner, writing nothing but its position) that, after each Space event, says the full current
state of the part that changed on ``live.space.<id>``, and to single users ``you.removed`` and
``blocked.speaker.warning``.

The messages are worked out while the event is applied and handed, once its position
committed, to a background task that sends them through the live channel (FastStream
publishers): an event that fails and is applied again says nothing twice. A redelivered event
sends the same state again, which is harmless. Events older than ``max_age_s`` (catching up
after downtime, a first start on a long stream) are history: nobody is watching them happen,
and clients get a snapshot when they connect.

A join asks neither the database nor the stream: the Space is the one this publisher loaded at
its last event before the join (events come in stream order, so nothing of the Space's that
came before the join is missing from it), and who blocked the people on its stage is read once
and kept until identity's read model moves (the replica's read cache, while this replica
applies ``room_identity``); each arriving listener is looked up in it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import timedelta

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.decider import load_state
from parley.chassis.event_store import StoredEvent
from parley.chassis.logs import get_logger
from parley.contracts.events.room import CONTEXT, ListenerJoined, ParticipantLeft
from parley.contracts.subjects import context_filter
from parley.room.domain.state import Space
from parley.room.entrypoints.live_channel import LiveChannel
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import space_decider
from parley.room.live_messages import (
    Outgoing,
    blocked_speaker_warning,
    space_messages,
    stage_newcomer,
)
from parley.room.projections.after_commit import after_commit
from parley.room.projections.tables import blocks
from parley.room.queries.identity import blocked_by, blockers_of, user_cards
from parley.room.queries.participants import present_user_ids
from parley.room.queries.read_cache import IDENTITY
from parley.room.views import UserCard, people_shown

log = get_logger(__name__)

MAX_CURRENT = 100_000  # Spaces remembered as current (forgotten all at once past it)


class LivePublisher:
    name = "room_live"
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = ()

    def __init__(self, deps: RoomDeps, channel: LiveChannel, *, max_age_s: float = 60.0) -> None:
        self._deps = deps
        self._channel = channel
        self._max_age = timedelta(seconds=max_age_s)
        self._outbox: asyncio.Queue[list[Outgoing]] = asyncio.Queue()
        # The Spaces whose state cache holds every event of theirs this publisher has passed.
        self._current: set[str] = set()

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        if self._deps.clock() - event.envelope.occurred_at > self._max_age:
            if event.envelope.aggregate_id in self._current:  # a Space event not loaded
                self._current.discard(event.envelope.aggregate_id)
            return
        messages = await self._messages(session, event)
        if messages:
            outbox = self._outbox
            after_commit(session, lambda: outbox.put_nowait(messages))

    async def run(self) -> None:
        """Send what committed events said, in order, until cancelled."""
        while True:
            messages = await self._outbox.get()
            for subject, message in messages:
                try:
                    await self._channel.send(subject, message)
                except Exception:  # a lost live message is healed by the next one
                    log.exception("room.live_send_failed", subject=subject, type=message.type)

    async def _messages(self, session: AsyncSession, stored: StoredEvent) -> list[Outgoing]:
        event = stored.event
        space_id = getattr(event, "space_id", None)
        if not isinstance(space_id, str) or isinstance(event, ParticipantLeft):
            return []
        if isinstance(event, ListenerJoined):
            space = await self._space_before(space_id)
            if space is None:
                return []
            return await self._warn_arriving_listener(session, space, event.user_id)
        space, version = await self._load(space_id)
        if space is None:
            return []
        users = await user_cards(session, people_shown(space))
        messages = space_messages(event, space, version, users)
        newcomer = stage_newcomer(event)
        if newcomer is not None and space.on_stage(newcomer):
            messages += await self._warn_those_who_blocked(session, space, newcomer, users)
        return messages

    async def _load(self, space_id: str) -> tuple[Space | None, int]:
        loaded = await load_state(self._deps.store, space_decider, space_id, self._deps.cache)
        if len(self._current) >= MAX_CURRENT:
            self._current.clear()
        self._current.add(space_id)
        return loaded

    async def _space_before(self, space_id: str) -> Space | None:
        """The Space with (at least) every event of its before the one being applied: the
        cached state if this publisher loaded it at the Space's last event it passed (the
        cache never goes back to an older state), else loaded."""
        cached = self._deps.cache.get(space_decider, space_id)
        if cached is not None and space_id in self._current:
            return cached[0]
        space, _ = await self._load(space_id)
        return space

    async def _warn_arriving_listener(
        self, session: AsyncSession, space: Space, listener_id: str
    ) -> list[Outgoing]:
        """To a listener arriving while someone they blocked is on stage."""
        if space.ended:
            return []
        on_stage = [user for user in people_shown(space) if space.on_stage(user)]
        blocked = await self._blocked_on_stage(session, listener_id, on_stage)
        if not blocked:
            return []
        users = await user_cards(session, blocked)
        return [
            blocked_speaker_warning(space.space_id, listener_id, speaker_id, users)
            for speaker_id in blocked
        ]

    async def _blocked_on_stage(
        self, session: AsyncSession, listener_id: str, on_stage: list[str]
    ) -> list[str]:
        """Who of ``on_stage`` the listener blocked."""
        positions = self._deps.positions
        if positions is None or not positions.applies(IDENTITY[0]):  # nothing would be kept
            return await blocked_by(session, listener_id, on_stage)
        stage = tuple(sorted(set(on_stage)))
        blockers = await self._deps.reads.get(
            ("blockers_of_stage", stage), IDENTITY, lambda: _blockers_of_each(session, stage)
        )
        return [
            speaker
            for speaker in stage
            if speaker != listener_id and listener_id in blockers.get(speaker, ())
        ]

    async def _warn_those_who_blocked(
        self, session: AsyncSession, space: Space, speaker_id: str, users: Mapping[str, UserCard]
    ) -> list[Outgoing]:
        """To everyone in the Space who blocked someone arriving on stage."""
        present = await present_user_ids(session, space.space_id)
        return [
            blocked_speaker_warning(space.space_id, viewer_id, speaker_id, users)
            for viewer_id in await blockers_of(session, speaker_id, present)
        ]


async def _blockers_of_each(
    session: AsyncSession, blocked_ids: Sequence[str]
) -> dict[str, frozenset[str]]:
    """Everyone who blocked each of ``blocked_ids``."""
    if not blocked_ids:
        return {}
    rows = await session.execute(
        select(blocks.c.blocked_id, blocks.c.blocker_id).where(blocks.c.blocked_id.in_(blocked_ids))
    )
    found: dict[str, set[str]] = {}
    for blocked_id, blocker_id in rows.all():
        found.setdefault(blocked_id, set()).add(blocker_id)
    return {blocked_id: frozenset(blockers) for blocked_id, blockers in found.items()}
