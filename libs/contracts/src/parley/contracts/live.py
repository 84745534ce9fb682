"""Ephemeral live messages on core NATS (not stored), relayed verbatim by the gateway to
WebSocket clients.

Subjects
- ``live.space.<space_id>``: what everyone in that Space sees;
- ``live.user.<user_id>``: what only that user sees (``you.removed``,
  ``blocked.speaker.warning``, ``notification``);
- ``reactions.<space_id>``: raw accepted reactions, for the aggregator (room service) only.

Every message is a :class:`LiveMessage` ``{type, space_id, at, data}``. State-bearing types
carry the *whole* current state of their part (not a delta), so a duplicate or a missed
message is healed by the next one, and several gateways can relay them without coordination.

| type | subject | data |
|---|---|---|
| ``space.state`` | (sent by the gateway on connect) | the caller's ``SpaceView`` |
| ``stage.changed`` | space | ``{host, cohosts, speakers, version}`` (``StageMember`` dicts) |
| ``speaker.request`` | space | ``{requests: [SpeakerRequestView], version}`` |
| ``mic.changed`` | space | ``{user_id, muted, version}`` |
| ``listeners.count`` | space | ``{count}``: the audience (everyone in the Space but the stage), |
| | | as ``listener_count`` counts it (throttled, at most ~1/s per Space) |
| ``audience.changed`` | space | an :class:`AudienceChange`: who came into the audience and who |
| | | left it since the previous one (a delta, unlike the others), and the |
| | | count; batched: at most ~1/s per Space, however many join (room) |
| ``reactions`` | space | ``{counts: {emoji: n}, total, window_ms}`` one batch per window |
| ``pins.changed`` | space | ``{pins: [Pin], version}`` |
| ``space.updated`` | space | ``{title, description, topics, settings, version}`` |
| ``space.ended`` | space | ``{reason, version}`` |
| ``speaking`` | space | ``{user_ids: [...], levels: {user_id: dBov}}`` (media relay) |
| ``captions.partial`` | space | a :class:`CaptionLine` still being spoken (captions service) |
| ``captions.final`` | space | a :class:`CaptionLine` as transcribed for good: it replaces the |
| | | partials of the same ``segment_id`` (and is the transcript's segment) |
| ``you.removed`` | user | ``{space_id, by}`` |
| ``blocked.speaker.warning`` | user | ``{user_id, handle}`` the speaker the viewer blocked |
| ``notification`` | user | a ``Notification`` |
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

REACTION_EMOJI = ("💯", "😂", "😍", "👏", "🙌", "✋", "🔥", "❤️", "😢", "🤔")


def space_subject(space_id: str) -> str:
    return f"live.space.{space_id}"


def user_subject(user_id: str) -> str:
    return f"live.user.{user_id}"


def raw_reactions_subject(space_id: str) -> str:
    return f"reactions.{space_id}"


class LiveMessage(BaseModel):
    type: str
    space_id: str | None = None
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    data: dict[str, Any] = Field(default_factory=dict)


def caption_segment_id(speaker_id: str, start_ms: int) -> str:
    """One utterance of one speaker: what its partial captions and its final caption share."""
    return f"{speaker_id}@{start_ms}"


class AudienceMember(BaseModel):
    """Someone in a Space's audience, as the audience list and ``audience.changed`` show them."""

    user_id: str
    handle: str = Field(description="Empty when room does not know the user yet")
    display_name: str = ""
    avatar_url: str | None = Field(
        default=None, description="Their picture, when known (accounts have none yet: null)"
    )


class AudienceChange(BaseModel):
    """The data of ``audience.changed``: the audience's joins and leaves since the previous
    message of the Space, net (someone who came and went in between is in neither list), at
    most one message per Space per interval (1 s by default), so a join storm of thousands is
    a message a second. Only the first joiners are described and only so many leavers named;
    the totals say how many there were. A client keeping the list applies ``left`` then
    ``joined``; when a total is above its list's length (or after a missed message), it reads
    the list again (``listListeners``). Not sent for the end of a Space (``space.ended``)."""

    joined: list[AudienceMember] = Field(
        description="Who came into the audience (joined, or stepped off the stage), oldest "
        "first; only the first ones"
    )
    joined_total: int = Field(ge=0, description="How many came in")
    left: list[str] = Field(
        description="User ids of who left the audience (left the Space, removed, or went on "
        "stage), oldest first; only the first ones"
    )
    left_total: int = Field(ge=0, description="How many left")
    count: int = Field(ge=0, description="The audience now: the Space's listener_count")


class CaptionLine(BaseModel):
    """The data of ``captions.partial`` and ``captions.final``: what a speaker is saying (or
    said), shown under them. A partial is the words so far of an utterance still going on (each
    one replaces the previous of its ``segment_id``); the final replaces them all. Partials are
    the first thing dropped when captioning is behind (or a client is slow): a client shows the
    newest line it has for a segment, and the final always comes."""

    segment_id: str = Field(description="speaker_id@start_ms: partials and final share it")
    speaker_id: str
    start_ms: int = Field(ge=0, description="Where the words start, on the recording's clock")
    end_ms: int = Field(ge=0, description="Where the words heard so far end")
    text: str
