"""Recording's request/reply contract (context ``recording``). The acting user is the
``Parley-Actor`` header; "actor" below means it is required (401 ``unauthenticated``).

Commands (``cmd.recording.<name>``):
    delete_recording(RecordingRef) -> RecordingView        the host
    record_play(RecordPlay) -> PlayRecorded                 the gateway, for a play (ADR 22)

Queries (``qry.recording.<name>``):
    get_recording(RecordingRef) -> RecordingView           anyone (410 once deleted)
    list_my_recordings(MyRecordings) -> RecordingPage      actor: the host's history
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.routes import Routes

CONTEXT = "recording"
RECORDINGS_BUCKET = (
    "recordings"  # the JetStream object store bucket: recording's; the gateway reads it
)

RecordingState = Literal["recording", "processing", "ready", "deleted"]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordingRef(_Payload):
    space_id: str = Field(min_length=1, max_length=100)


class RecordPlay(_Payload):
    space_id: str = Field(min_length=1, max_length=100)
    listener: str = Field(
        min_length=1,
        max_length=120,
        description="Who plays: the user id, or for an anonymous listener a hash of their "
        "address and browser. One play per listener per recording within the play window",
    )


class PlayRecorded(BaseModel):
    counted: bool = Field(description="False when this listener's play was counted already")
    plays: int = Field(description="The recording's plays, this one included")


class MyRecordings(_Payload):
    limit: int = Field(default=50, ge=1, le=200, description="At most this many, newest first")
    cursor: str | None = Field(
        default=None, max_length=200, description="next_cursor of the previous page"
    )


class RecordingView(BaseModel):
    space_id: str
    host_id: str
    title: str
    state: RecordingState = Field(
        description="recording while live; processing between the end and ready; ready: "
        "playable; deleted"
    )
    duration_ms: int | None = Field(default=None, description="Once ready")
    bytes: int | None = Field(default=None, description="Size of the audio once ready")
    object_name: str | None = Field(default=None, description="The audio object once ready")
    started_at: str | None = Field(default=None, description="RFC 3339, when capture began")
    ready_at: str | None = Field(default=None, description="RFC 3339, when it became playable")
    expires_at: str | None = Field(
        default=None, description="RFC 3339, when it will be deleted (once ready)"
    )
    plays: int = Field(default=0, description="Plays counted (ADR 22)")


class RecordingPage(BaseModel):
    recordings: list[RecordingView]
    next_cursor: str | None = Field(default=None, description="The next page, if any")


ROUTES = Routes(CONTEXT)
DELETE_RECORDING = ROUTES.command(
    "delete_recording",
    RecordingRef,
    RecordingView,
    problems=("unauthenticated", "recording-not-found", "not-the-host", "recording-not-ready"),
    description="The host deletes their Space's recording (its audio goes at once; "
    "RecordingDeleted tells clipping to delete its clips)",
)
GET_RECORDING = ROUTES.query(
    "get_recording",
    RecordingRef,
    RecordingView,
    problems=("recording-not-found", "recording-deleted"),
    description="A Space's recording: state, duration, size, plays (410 once deleted)",
)
RECORD_PLAY = ROUTES.command(
    "record_play",
    RecordPlay,
    PlayRecorded,
    problems=("recording-not-found", "recording-deleted", "recording-not-ready"),
    description="Count a play of a ready recording (once per listener per play window)",
)
LIST_MY_RECORDINGS = ROUTES.query(
    "list_my_recordings",
    MyRecordings,
    RecordingPage,
    problems=("unauthenticated", "invalid-cursor"),
    description="The actor's recordings as host (deleted ones left out), newest first",
)
