"""Reacts to ``UserSuspended`` on the IDENTITY stream (``room_suspension_policy``, its own
durable consumer and position): the suspended user's Spaces end, and they leave the others."""

from __future__ import annotations

from collections.abc import Sequence

from nats.aio.client import Client as NATS
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.projections import wait_for_position
from parley.contracts.events.identity import CONTEXT as IDENTITY
from parley.contracts.events.identity import UserSuspended
from parley.contracts.subjects import event_type_filter
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.when_user_suspended_end_spaces_and_remove_them import (
    when_user_suspended_end_spaces_and_remove_them,
)
from parley.room.projections.identity import RoomIdentityProjection
from parley.room.projections.memberships import LiveMemberships
from parley.room.projections.reads import is_suspended, open_spaces_of


class NotCaughtUp(RuntimeError):
    """A read model this policy relies on is behind; the runner retries the event later."""


class SuspensionPolicy:
    name = "room_suspension_policy"
    filter_subjects: Sequence[str] = (event_type_filter(IDENTITY, UserSuspended.event_type()),)
    tables: Sequence[Table] = ()

    def __init__(self, deps: RoomDeps, nc: NATS, *, room_stream: str, wait_s: float = 5.0) -> None:
        self._deps = deps
        self._js = nc.jetstream()
        self._room_stream = room_stream
        self._wait_s = wait_s

    async def apply(self, session: AsyncSession, stored: StoredEvent) -> None:
        event = stored.event
        if not isinstance(event, UserSuspended):
            return
        await self._wait_for(RoomIdentityProjection.name, stored.stream_seq)
        # Replayed after a reinstatement (a rebuild, a late redelivery): nothing to do now.
        if not await is_suspended(session, event.user_id):
            return
        # Every join appended before now is in the lookup of who is where.
        room_info = await self._js.stream_info(self._room_stream)
        await self._wait_for(LiveMemberships.name, int(room_info.state.last_seq))
        spaces = await open_spaces_of(session, event.user_id)
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            actor=None,
            causation_id=stored.envelope.event_id,
        )
        await when_user_suspended_end_spaces_and_remove_them(
            self._deps, event.user_id, spaces, metadata
        )

    async def _wait_for(self, projection: str, seq: int) -> None:
        if not await wait_for_position(self._deps.sessions, projection, seq, self._wait_s):
            raise NotCaughtUp(f"{projection} has not reached {seq} yet")
