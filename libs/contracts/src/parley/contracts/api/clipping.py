"""Clipping's request/reply contract (context ``clipping``). The acting user is the
``Parley-Actor`` header; "actor" below means it is required (401 ``unauthenticated``).

Commands (``cmd.clipping.<name>``):
    create_clip(CreateClip) -> ClipCreated       actor: anyone in a recorded Space (202: pending)

Queries (``qry.clipping.<name>``):
    get_clip(ClipRef) -> ClipView                anyone (a share link opens for the signed out)

A clip's audio is the object ``ClipView.object_name`` in the JetStream object store bucket
:data:`BUCKET` (Ogg Opus, ``Content-Type`` :data:`CONTENT_TYPE`); it is there once the state is
``ready`` and gone once ``expired`` or ``deleted``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.routes import Routes

CONTEXT = "clipping"
BUCKET = "clips"
CONTENT_TYPE = "audio/ogg; codecs=opus"
CLIP_SECONDS = 30

ClipState = Literal["pending", "ready", "failed", "expired", "deleted"]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateClip(_Payload):
    space_id: str = Field(min_length=1, max_length=100)
    start_s: float | None = Field(
        default=None,
        ge=0,
        le=10 * 24 * 3600,
        description="Omitted: the last 30 s while the Space is live; given: the 30 s of the "
        "replay from here (the recording must be ready)",
    )


class ClipCreated(BaseModel):
    clip_id: str
    state: ClipState = "pending"


class ClipRef(_Payload):
    clip_id: str = Field(min_length=1, max_length=100)


class ClipTranscriptLine(BaseModel):
    """One speaker's words in a clip, placed on the clip's own clock."""

    speaker_id: str = Field(description="The user id of the stage member who spoke")
    start_ms: int = Field(
        description="Where the words start, in milliseconds from the clip's start (0 is its "
        "first sound), clamped to the clip: words begun before it start at 0"
    )
    end_ms: int = Field(
        description="Where the words end, in milliseconds from the clip's start, clamped to "
        "the clip: words running past its end end at its duration"
    )
    text: str = Field(description="What was said, as transcribed")


class ClipView(BaseModel):
    clip_id: str
    space_id: str
    state: ClipState = Field(
        description="pending: being cut; ready: playable; failed: no audio for the window; "
        "expired, deleted: the audio is gone"
    )
    source: Literal["live", "replay"]
    start_s: float | None = Field(
        default=None, description="Replay clips: where the window starts in the recording"
    )
    duration_s: float | None = Field(default=None, description="Playable length once ready")
    transcript: str = Field(default="", description="The words in the window, once captioned")
    transcript_segments: list[ClipTranscriptLine] = Field(
        default_factory=list,
        description="The same words with who said them when, by start (then speaker); empty "
        "until captioned, and for a clip whose window is not known (live clips made before "
        "windows were recorded)",
    )
    created_by: str
    created_at: str = Field(description="RFC 3339")
    expires_at: str | None = Field(default=None, description="RFC 3339, once ready")
    object_name: str | None = Field(
        default=None, description="The audio in the clips bucket, while ready"
    )
    bytes: int | None = Field(default=None, description="Size of the audio, while ready")
    audio_url: str | None = Field(default=None, description="getClipAudio, while ready")
    share_url: str = Field(description="The clip's own page: <public_url>/clips/<clip_id>")
    failure: str | None = Field(default=None, description="Why it failed, when it did")


ROUTES = Routes(CONTEXT)
CREATE_CLIP = ROUTES.command(
    "create_clip",
    CreateClip,
    ClipCreated,
    problems=(
        "unauthenticated",
        "space-not-found",
        "recording-off",
        "clipping-off",
        "not-in-space",
        "space-not-live",
        "recording-not-ready",
        "window-out-of-range",
    ),
    description="Clip 30 s of a recorded Space: the last 30 s while live, or the replay from "
    "start_s; answers at once (pending), ready within seconds",
)
GET_CLIP = ROUTES.query(
    "get_clip",
    ClipRef,
    ClipView,
    problems=("clip-not-found",),
    description="A clip: state, window, transcript, audio and share links",
)
