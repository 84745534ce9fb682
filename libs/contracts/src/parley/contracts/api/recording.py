"""Recording's request/reply contract (context ``recording``). The acting user is the
``Parley-Actor`` header; "actor" below means it is required (401 ``unauthenticated``).

Commands (``cmd.recording.<name>``):
    delete_recording(RecordingRef) -> RecordingView        the host

Queries (``qry.recording.<name>``):
    get_recording(RecordingRef) -> RecordingView           anyone
    list_my_recordings(MyRecordings) -> RecordingPage      actor: the host's history
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.routes import Routes

CONTEXT = "recording"

RecordingState = Literal["recording", "processing", "ready", "deleted"]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordingRef(_Payload):
    space_id: str = Field(min_length=1, max_length=100)


class MyRecordings(_Payload):
    limit: int = Field(default=50, ge=1, le=200, description="At most this many, newest first")


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


class RecordingPage(BaseModel):
    recordings: list[RecordingView]


ROUTES = Routes(CONTEXT)
DELETE_RECORDING = ROUTES.command(
    "delete_recording",
    RecordingRef,
    RecordingView,
    problems=("unauthenticated", "recording-not-found", "not-the-host", "recording-not-ready"),
    description="The host deletes their Space's recording (its audio goes at once)",
)
GET_RECORDING = ROUTES.query(
    "get_recording",
    RecordingRef,
    RecordingView,
    problems=("recording-not-found",),
    description="A Space's recording: state, duration, size",
)
LIST_MY_RECORDINGS = ROUTES.query(
    "list_my_recordings",
    MyRecordings,
    RecordingPage,
    problems=("unauthenticated",),
    description="The actor's recordings as host, newest first",
)
