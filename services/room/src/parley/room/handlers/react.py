"""react: a participant of a live Space sends an emoji; the raw reaction goes out on
``reactions.<space_id>`` for the aggregator. Nothing is stored per reaction.

Checks in order: 401 ``unauthenticated``; 422 ``unknown-emoji``; then the reaction gate's
(429 ``reaction-rate-limited``, 404 ``space-not-found``, 409 ``space-not-live``, 403
``not-in-space``; present means an open stay in ``room_participants`` or a seat on stage).
"""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.chassis.errors import InvalidInput
from parley.contracts.api.room import React, ReactionAccepted
from parley.contracts.live import REACTION_EMOJI
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import is_joined
from parley.room.live_messages import RawReaction

_VARIATION_SELECTOR = "\ufe0f"
# Clients often drop or add the emoji variation selector (❤ / ❤️): accept both spellings.
_EMOJI = {emoji.replace(_VARIATION_SELECTOR, ""): emoji for emoji in REACTION_EMOJI}


def canonical_emoji(emoji: str) -> str:
    found = _EMOJI.get(emoji.replace(_VARIATION_SELECTOR, ""))
    if found is None:
        raise InvalidInput(
            f"{emoji!r} is not one of the reactions ({' '.join(REACTION_EMOJI)})",
            type="unknown-emoji",
        )
    return found


async def react(deps: RoomDeps, payload: React, ctx: RequestContext) -> ReactionAccepted:
    actor_id = require_actor(ctx, "react")
    emoji = canonical_emoji(payload.emoji)
    await deps.reactions.admit(
        deps.sessions,
        payload.space_id,
        actor_id,
        joined=lambda: is_joined(deps, payload.space_id, actor_id),
    )
    await deps.send_reaction(payload.space_id, RawReaction(emoji=emoji, user_id=actor_id))
    return ReactionAccepted(emoji=emoji)
