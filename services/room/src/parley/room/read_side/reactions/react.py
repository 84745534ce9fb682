"""``react``: check the emoji, the user's rate and presence in a live Space, then publish the
raw reaction on ``reactions.<space_id>`` for the aggregator. Nothing is stored per reaction.

Checks in order: 401 no actor; 422 ``unknown-emoji``; 429 ``reaction-rate-limited`` (before
any database read, so a flood costs nothing); 404 ``space-not-found``; 409 ``space-not-live``;
403 ``not-in-space`` (present means an open stay in ``room_participants`` or a seat on stage).
A positive presence check is remembered for a second (settings): a storm of reactions from one
room does not become a storm of queries. Endings are watched live (``room.*.space_ended``), so
a remembered presence never outlives its Space.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.bus import RequestContext
from parley.chassis.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
)
from parley.contracts.api.room import React, ReactionAccepted
from parley.contracts.live import REACTION_EMOJI, raw_reactions_subject
from parley.contracts.subjects import event_type_filter, parse_subject
from parley.room.read_side.reactions.rate_limit import TokenBuckets
from parley.room.read_side.tables import catalog, catalog_stage, participants

_VARIATION_SELECTOR = "\ufe0f"
# Clients often drop or add the emoji variation selector (❤ / ❤️): accept both spellings.
_EMOJI = {emoji.replace(_VARIATION_SELECTOR, ""): emoji for emoji in REACTION_EMOJI}

_MAX_REMEMBERED = 100_000


def canonical_emoji(emoji: str) -> str:
    found = _EMOJI.get(emoji.replace(_VARIATION_SELECTOR, ""))
    if found is None:
        raise InvalidInput(
            f"{emoji!r} is not one of the reactions ({' '.join(REACTION_EMOJI)})",
            type="unknown-emoji",
        )
    return found


class ReactionHandler:
    def __init__(
        self,
        nc: NATS,
        sessions: async_sessionmaker[AsyncSession],
        buckets: TokenBuckets,
        *,
        presence_ttl_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._nc = nc
        self._presence_ttl_s = presence_ttl_s
        self._sessions = sessions
        self._buckets = buckets
        self._clock = clock
        self._present_until: dict[tuple[str, str], float] = {}
        self._ended: set[str] = set()

    async def watch_endings(self) -> None:
        """Forget remembered presences of a Space the moment it ends (runs until cancelled)."""

        async def ended(msg: Msg) -> None:
            _, space_id, _ = parse_subject(msg.subject)
            self.space_ended(space_id)

        subscription = await self._nc.subscribe(event_type_filter("room", "SpaceEnded"), cb=ended)
        try:
            await asyncio.Event().wait()
        finally:
            await subscription.unsubscribe()

    def space_ended(self, space_id: str) -> None:
        if len(self._ended) >= _MAX_REMEMBERED:
            self._ended.clear()
        self._ended.add(space_id)
        for key in [key for key in self._present_until if key[0] == space_id]:
            del self._present_until[key]

    async def __call__(self, request: React, ctx: RequestContext) -> ReactionAccepted:
        if ctx.actor is None:
            raise Unauthorized("log in to react")
        emoji = canonical_emoji(request.emoji)
        wait_s = self._buckets.take(ctx.actor)
        if wait_s > 0:
            raise RateLimited(
                f"too many reactions: try again in {wait_s:.1f} s", type="reaction-rate-limited"
            )
        await self._check_present(request.space_id, ctx.actor)
        body = {"emoji": emoji, "user_id": ctx.actor}
        await self._nc.publish(raw_reactions_subject(request.space_id), json.dumps(body).encode())
        return ReactionAccepted(emoji=emoji)

    async def _check_present(self, space_id: str, user_id: str) -> None:
        if space_id in self._ended:
            raise Conflict("reactions are for live Spaces", type="space-not-live")
        key = (space_id, user_id)
        now = self._clock()
        if self._present_until.get(key, 0.0) > now:
            return
        async with self._sessions() as session:
            await present_in_live_space(session, space_id, user_id)
        if len(self._present_until) >= _MAX_REMEMBERED:
            self._present_until.clear()
        self._present_until[key] = now + self._presence_ttl_s


async def present_in_live_space(session: AsyncSession, space_id: str, user_id: str) -> None:
    listening = exists().where(
        participants.c.space_id == space_id,
        participants.c.user_id == user_id,
        participants.c.left_at.is_(None),
    )
    on_stage = exists().where(
        catalog_stage.c.space_id == space_id, catalog_stage.c.user_id == user_id
    )
    row = (
        await session.execute(
            select(catalog.c.state, listening.label("listening"), on_stage.label("on_stage")).where(
                catalog.c.space_id == space_id
            )
        )
    ).first()
    if row is None:
        raise NotFound(f"no Space {space_id}", type="space-not-found")
    if row.state != "live":
        raise Conflict("reactions are for live Spaces", type="space-not-live")
    if not (row.listening or row.on_stage):
        raise Forbidden("join the Space to react", type="not-in-space")
