"""What room says on core NATS (not stored), through FastStream publishers declared on one
router, so that room's AsyncAPI document lists them (``parley.contracts.live``):

- ``live.space.{space_id}``: a ``LiveMessage`` for everyone in a Space (stage, requests, mics,
  pins, settings, the end; listener counts and the audience's joins and leaves; aggregated
  reactions);
- ``live.user.{user_id}``: a ``LiveMessage`` for one user (``you.removed``,
  ``blocked.speaker.warning``, ``notification``);
- ``reactions.{space_id}``: each accepted reaction, raw, for room's own aggregator.

The gateway relays the ``live.*`` messages to WebSocket clients verbatim.
"""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.contracts.live import LiveMessage, raw_reactions_subject, space_subject, user_subject
from parley.room.live_messages import RawReaction

SPACE_AUDIENCE = space_subject("{space_id}")
USER_AUDIENCE = user_subject("{user_id}")
RAW_REACTIONS = raw_reactions_subject("{space_id}")


class LiveChannel:
    def __init__(self, router: NatsRouter) -> None:
        self._space = router.publisher(
            SPACE_AUDIENCE,
            schema=LiveMessage,
            title=f"{SPACE_AUDIENCE}:live",
            description="What everyone in a Space sees, each message the whole current state "
            "of its part",
        )
        self._user = router.publisher(
            USER_AUDIENCE,
            schema=LiveMessage,
            title=f"{USER_AUDIENCE}:live",
            description="What only one user sees: removals, blocked-speaker warnings, "
            "notifications",
        )
        self._raw_reactions = router.publisher(
            RAW_REACTIONS,
            schema=RawReaction,
            title=f"{RAW_REACTIONS}:raw",
            description="Each accepted reaction, for room's aggregator (queue group)",
        )

    async def to_space(self, space_id: str, message: LiveMessage) -> None:
        await self._space.publish(message, subject=space_subject(space_id))

    async def to_user(self, user_id: str, message: LiveMessage) -> None:
        await self._user.publish(message, subject=user_subject(user_id))

    async def send(self, subject: str, message: LiveMessage) -> None:
        """``message`` to a ``live.space.<id>`` or ``live.user.<id>`` subject."""
        if subject.startswith(space_subject("")):
            await self._space.publish(message, subject=subject)
        elif subject.startswith(user_subject("")):
            await self._user.publish(message, subject=subject)
        else:
            raise ValueError(f"{subject} is not a live subject")

    async def raw_reaction(self, space_id: str, reaction: RawReaction) -> None:
        await self._raw_reactions.publish(reaction, subject=raw_reactions_subject(space_id))
