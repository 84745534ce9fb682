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
| ``listeners.count`` | space | ``{count}`` (throttled, at most ~1/s per Space) |
| ``reactions`` | space | ``{counts: {emoji: n}, total, window_ms}`` one batch per window |
| ``pins.changed`` | space | ``{pins: [Pin], version}`` |
| ``space.updated`` | space | ``{title, description, topics, settings, version}`` |
| ``space.ended`` | space | ``{reason, version}`` |
| ``speaking`` | space | ``{user_ids: [...], levels: {user_id: dBov}}`` (media relay) |
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
