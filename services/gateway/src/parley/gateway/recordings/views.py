"""What the recordings routes answer (the contract in spec/api.md: ``{state, duration_s,
plays, audio_url}``, with what the replay page shows)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from parley.contracts.api.recording import RecordingView


def audio_path(space_id: str) -> str:
    return f"/api/v1/spaces/{space_id}/recording/audio"


class Recording(BaseModel):
    space_id: str
    title: str = Field(description="The Space's title when it was created")
    host_id: str
    state: Literal["recording", "processing", "ready", "deleted"] = Field(
        description="recording while the Space is live; processing between its end and ready;"
        " ready: playable; deleted (only in deleteRecording's answer)"
    )
    duration_s: float | None = Field(default=None, description="Once ready")
    bytes: int | None = Field(default=None, description="Size of the audio once ready")
    plays: int = Field(description="Plays counted (a playback counts once per listener)")
    audio_url: str | None = Field(
        default=None, description="The audio (Ogg Opus, Range supported) once ready"
    )
    started_at: str | None = None
    ready_at: str | None = None
    expires_at: str | None = Field(default=None, description="When it will be deleted")


class RecordingList(BaseModel):
    items: list[Recording] = Field(description="The caller's recordings as host, newest first")
    next_cursor: str | None = None


def recording(view: RecordingView) -> Recording:
    ready = view.state == "ready"
    return Recording(
        space_id=view.space_id,
        title=view.title,
        host_id=view.host_id,
        state=view.state,
        duration_s=view.duration_ms / 1000 if view.duration_ms is not None else None,
        bytes=view.bytes,
        plays=view.plays,
        audio_url=audio_path(view.space_id) if ready else None,
        started_at=view.started_at,
        ready_at=view.ready_at,
        expires_at=view.expires_at,
    )
