"""[media] events. Stream ``MEDIA``, subjects ``media.<session_id>.<event>``.

The aggregate is a **media session** (id ``ms_…``): one user's WebRTC connection to one Space,
served by one relay worker. These facts let other services (analytics, recording, moderation)
know who was connected, for how long, and who tried to send audio without being allowed to.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from parley.contracts.registry import DomainEvent

CONTEXT = "media"

CloseReason = Literal[
    "hung_up", "connection_lost", "removed", "space_ended", "left", "renegotiated", "shutdown"
]


class MediaSessionOpened(DomainEvent, context=CONTEXT, version=1):
    """A user's WebRTC connection to a Space was accepted by a relay worker."""

    session_id: str
    space_id: str
    user_id: str
    worker_id: str
    can_publish: bool = Field(description="On stage when it opened: may send audio")


class MediaSessionClosed(DomainEvent, context=CONTEXT, version=1):
    session_id: str
    space_id: str
    user_id: str
    reason: CloseReason
    duration_s: float


class MediaPublishRejected(DomainEvent, context=CONTEXT, version=1):
    """Audio arrived from someone who may not be heard (not on stage); it was dropped."""

    session_id: str
    space_id: str
    user_id: str
    reason: Literal["not_on_stage", "removed"]
