"""Each replica hears the moment a presence ends: a Space ending
(``room.<space_id>.space_ended``), a participant leaving (``ParticipantLeft``, on their
membership) or being removed, blocked or not (``ParticipantRemoved``, on the Space). Core NATS
with no queue group, so every replica hears each one: a presence its reaction gate remembers
never outlives the Space or the stay it was found in."""

from __future__ import annotations

from typing import Any

from faststream.message import StreamMessage
from faststream.nats import NatsRouter

from parley.contracts.envelope import EventEnvelope
from parley.contracts.events.room import (
    CONTEXT,
    ParticipantLeft,
    ParticipantRemoved,
    SpaceEnded,
)
from parley.contracts.registry import DomainEvent, decode_event
from parley.contracts.subjects import event_subject
from parley.room.handlers.reaction_gate import ReactionGate

SPACE_ENDED = event_subject(CONTEXT, "{space_id}", SpaceEnded.event_type())
PARTICIPANT_LEFT = event_subject(CONTEXT, "{membership_id}", ParticipantLeft.event_type())
PARTICIPANT_REMOVED = event_subject(CONTEXT, "{space_id}", ParticipantRemoved.event_type())


async def _its_space(msg: StreamMessage[Any]) -> str:
    """The Space the subject names: the handler needs nothing of the event but that. (A
    ``Path()`` parameter would be resolved on a worker thread per message by FastStream.)"""
    subject: str = msg.raw_message.subject
    return subject.split(".")[1]


async def _its_event(msg: StreamMessage[Any]) -> DomainEvent:
    """The stored event itself (a coroutine: a plain-function decoder would run on a worker
    thread per message)."""
    return decode_event(CONTEXT, EventEnvelope.model_validate_json(msg.body))


def forget_presences_when_they_end(router: NatsRouter, gate: ReactionGate) -> None:
    # Each event is stored with a JetStream publish, a request whose reply subject awaits the
    # stream's ack: these subscribers get that reply subject too, and must never answer on it
    # (FastStream would send the handler's None, which the publisher may read as its ack).
    @router.subscriber(
        SPACE_ENDED,
        decoder=_its_space,
        no_reply=True,
        title=f"{SPACE_ENDED}:forget_presences",
        description="Reactions stop at once when a Space ends, in every replica",
    )
    async def on_space_ended(space_id: str) -> None:
        gate.space_ended(space_id)

    @router.subscriber(
        PARTICIPANT_LEFT,
        decoder=_its_event,
        no_reply=True,
        title=f"{PARTICIPANT_LEFT}:forget_presence",
        description="A participant's reactions stop at once when they leave, in every replica",
    )
    async def on_participant_left(left: ParticipantLeft) -> None:
        gate.departed(left.space_id, left.user_id)

    @router.subscriber(
        PARTICIPANT_REMOVED,
        decoder=_its_event,
        no_reply=True,
        title=f"{PARTICIPANT_REMOVED}:forget_presence",
        description="A participant's reactions stop at once when they are removed (or "
        "blocked), in every replica",
    )
    async def on_participant_removed(removed: ParticipantRemoved) -> None:
        gate.departed(removed.space_id, removed.user_id)
