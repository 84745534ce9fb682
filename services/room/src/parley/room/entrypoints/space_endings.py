"""Each replica hears a Space end the moment it does (``room.<space_id>.space_ended``, core
NATS, no queue group: every replica), so that a presence its reaction gate remembers never
outlives its Space."""

from __future__ import annotations

from faststream import Path
from faststream.nats import NatsRouter

from parley.contracts.events.room import CONTEXT, SpaceEnded
from parley.contracts.subjects import event_subject
from parley.room.handlers.reaction_gate import ReactionGate

SPACE_ENDED = event_subject(CONTEXT, "{space_id}", SpaceEnded.event_type())


def forget_presences_when_spaces_end(router: NatsRouter, gate: ReactionGate) -> None:
    @router.subscriber(
        SPACE_ENDED,
        title=f"{SPACE_ENDED}:forget_presences",
        description="Reactions stop at once when a Space ends, in every replica",
    )
    async def on_space_ended(space_id: str = Path()) -> None:
        gate.space_ended(space_id)
