"""Which live messages an event of a Space calls for, carrying the *whole* current state of
their part (``parley.contracts.live``): a duplicate or a missed message is healed by the next
one. Pure; the live publisher loads the state and sends them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from parley.contracts.events.room import (
    CaptionsToggled,
    ClippingDisabled,
    ClippingEnabled,
    CohostAdded,
    HostDisconnected,
    HostReconnected,
    MovedToAudience,
    ParticipantRemoved,
    PostPinned,
    PostUnpinned,
    SpaceEnded,
    SpaceStarted,
    SpaceUpdated,
    SpeakerMuted,
    SpeakerPromoted,
    SpeakerRequestDeclined,
    SpeakerRequested,
    SpeakerRequestWithdrawn,
    SpeakerUnmuted,
)
from parley.contracts.live import LiveMessage, space_subject, user_subject
from parley.contracts.registry import DomainEvent
from parley.room.domain.state import Space
from parley.room.views import (
    UNKNOWN_USER,
    UserCard,
    pins,
    recording_state,
    settings,
    speaker_requests,
    stage,
)

Outgoing = tuple[str, LiveMessage]


class RawReaction(BaseModel):
    """One accepted reaction on ``reactions.<space_id>``, for room's aggregator only."""

    emoji: str
    user_id: str


def space_messages(
    event: DomainEvent, space: Space, version: int, users: Mapping[str, UserCard]
) -> list[Outgoing]:
    """The messages on ``live.space.<id>`` (and ``you.removed`` on the removed user's subject)
    after ``event``, from the Space's state at ``version``."""
    match event:
        case SpaceStarted():
            kinds = ["stage.changed", "space.updated"]
        case (
            SpaceUpdated()
            | CaptionsToggled()
            | ClippingDisabled()
            | ClippingEnabled()
            | HostDisconnected()
            | HostReconnected()
        ):
            kinds = ["space.updated"]
        case SpaceEnded():
            kinds = ["space.ended"]
        case SpeakerRequested() | SpeakerRequestWithdrawn() | SpeakerRequestDeclined():
            kinds = ["speaker.request"]
        case SpeakerPromoted() | ParticipantRemoved():
            kinds = ["stage.changed", "speaker.request"]
        case CohostAdded() | MovedToAudience():
            kinds = ["stage.changed"]
        case SpeakerMuted() | SpeakerUnmuted():
            kinds = ["mic.changed"]
        case PostPinned() | PostUnpinned():
            kinds = ["pins.changed"]
        case _:
            kinds = []
    messages = [
        (space_subject(space.space_id), _message(kind, event, space, version, users))
        for kind in kinds
    ]
    if isinstance(event, ParticipantRemoved):
        removed = LiveMessage(
            type="you.removed",
            space_id=space.space_id,
            data={"space_id": space.space_id, "by": event.by},
        )
        messages.append((user_subject(event.user_id), removed))
    return messages


def _message(
    kind: str, event: DomainEvent, space: Space, version: int, users: Mapping[str, UserCard]
) -> LiveMessage:
    return LiveMessage(
        type=kind, space_id=space.space_id, data=_data(kind, event, space, version, users)
    )


def _data(
    kind: str, event: DomainEvent, space: Space, version: int, users: Mapping[str, UserCard]
) -> dict[str, Any]:
    if kind == "stage.changed":
        on_stage = stage(space, users)
        return {
            "host": on_stage.host.model_dump(mode="json"),
            "cohosts": [member.model_dump(mode="json") for member in on_stage.cohosts],
            "speakers": [member.model_dump(mode="json") for member in on_stage.speakers],
            "version": version,
        }
    if kind == "speaker.request":
        requests = speaker_requests(space, users)
        return {"requests": [item.model_dump(mode="json") for item in requests], "version": version}
    if kind == "mic.changed":
        assert isinstance(event, SpeakerMuted | SpeakerUnmuted)
        muted = space.is_muted(event.user_id) if space.on_stage(event.user_id) else True
        return {"user_id": event.user_id, "muted": muted, "version": version}
    if kind == "pins.changed":
        return {"pins": [pin.model_dump(mode="json") for pin in pins(space)], "version": version}
    if kind == "space.ended":
        # recording_state: everyone sees REC turn into "processing" (then the replay) at the end
        return {
            "reason": space.end_reason,
            "recording_state": recording_state(space),
            "version": version,
        }
    return {
        "title": space.title,
        "description": space.description,
        "topics": list(space.topics),
        "settings": settings(space).model_dump(mode="json"),
        "state": space.phase,
        "host_connected": space.host_connected,
        # REC for everyone watching, as getSpace says it: "recording" while a recorded Space
        # is live (a Space that goes live while they watch gets it here, not only on connect)
        "recording_state": recording_state(space),
        "version": version,
    }


def stage_newcomer(event: DomainEvent) -> str | None:
    """The user an event puts on stage, if any."""
    if isinstance(event, SpeakerPromoted | CohostAdded):
        return event.user_id
    return None


def blocked_speaker_warning(
    space_id: str, viewer_id: str, speaker_id: str, users: Mapping[str, UserCard]
) -> Outgoing:
    """To ``viewer_id``, who blocked ``speaker_id``, now on stage in a Space they are in."""
    card = users.get(speaker_id, UNKNOWN_USER)
    message = LiveMessage(
        type="blocked.speaker.warning",
        space_id=space_id,
        data={"user_id": speaker_id, "handle": card.handle},
    )
    return user_subject(viewer_id), message
