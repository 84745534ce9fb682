"""Each replica hears a Space end the moment it does (``room.<space_id>.space_ended``, core
NATS, no queue group: every replica), so that a presence its reaction gate remembers never
outlives its Space."""

from __future__ import annotations

from typing import Any

from faststream.message import StreamMessage
from faststream.nats import NatsRouter

from parley.contracts.events.room import CONTEXT, SpaceEnded
from parley.contracts.subjects import event_subject
from parley.room.handlers.reaction_gate import ReactionGate

SPACE_ENDED = event_subject(CONTEXT, "{space_id}", SpaceEnded.event_type())


async def _its_space(msg: StreamMessage[Any]) -> str:
    """The Space the subject names: the handler needs nothing of the event but that. (A
    ``Path()`` parameter would be resolved on a worker thread per message by FastStream.)"""
    subject: str = msg.raw_message.subject
    return subject.split(".")[1]


def forget_presences_when_spaces_end(router: NatsRouter, gate: ReactionGate) -> None:
    @router.subscriber(
        SPACE_ENDED,
        decoder=_its_space,
        title=f"{SPACE_ENDED}:forget_presences",
        description="Reactions stop at once when a Space ends, in every replica",
    )
    async def on_space_ended(space_id: str) -> None:
        gate.space_ended(space_id)
