"""Clips of recorded Spaces (the clipping service): make one (202, ready within seconds), read
it, play it. A clip's page and audio need no login: its share link opens for anyone."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter
from litestar.response import Stream
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.api import clipping
from parley.contracts.api.clipping import (
    ClipRef,
    ClipState,
    ClipTranscriptLine,
    ClipView,
    CreateClip,
)
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import optional_login, requires_login
from parley.gateway.problems import Problem, problem_responses
from parley.gateway.spaces.schemas import SpaceId
from parley.gateway.stored_audio import AudioObjects, ranged

ClipId: TypeAlias = Annotated[str, PathParameter(max_length=100, description="The clip's id")]
ClipAudioDep: TypeAlias = NamedDependency[AudioObjects]

_GONE = ("expired", "deleted")


class ClipBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_s: float | None = Field(
        default=None,
        ge=0,
        le=10 * 24 * 3600,
        description="Where the 30 s start in the replay (seconds; the recording must be ready)."
        " Omitted: the last 30 s of the Space while it is live",
    )


class ClipAccepted(BaseModel):
    clip_id: str = Field(description="The clip's id; getClip says when it is ready")
    state: ClipState = Field(description="pending: being cut")


class Clip(BaseModel):
    """A clip as anyone sees it."""

    clip_id: str
    state: ClipState = Field(
        description="pending: being cut; ready: playable; failed: no audio for the window"
    )
    space_id: str
    source: str = Field(description="live: the last 30 s while live; replay: from start_s")
    start_s: float | None = Field(description="Replay clips: where the window starts")
    duration_s: float | None = Field(description="Playable length, once ready")
    transcript: str = Field(description="The words in the window, once captioned (else empty)")
    transcript_segments: list[ClipTranscriptLine] = Field(
        description="The same words, who said them when: start_ms and end_ms are milliseconds "
        "from the clip's start, clamped to the clip (by start, then speaker; else empty)"
    )
    audio_url: str | None = Field(description="getClipAudio (Ogg Opus), once ready")
    share_url: str = Field(description="The clip's own page, to share")
    created_at: str = Field(description="RFC 3339")
    expires_at: str | None = Field(description="RFC 3339: the clip is gone after it")


def clip_audio_path(clip_id: str) -> str:
    return f"/api/v1/clips/{clip_id}/audio"


def public_clip(view: ClipView) -> Clip:
    return Clip(
        clip_id=view.clip_id,
        state=view.state,
        space_id=view.space_id,
        source=view.source,
        start_s=view.start_s,
        duration_s=view.duration_s,
        transcript=view.transcript,
        transcript_segments=view.transcript_segments,
        audio_url=clip_audio_path(view.clip_id) if view.state == "ready" else None,
        share_url=view.share_url,
        created_at=view.created_at,
        expires_at=view.expires_at,
    )


def gone(view: ClipView) -> Problem:
    return Problem(
        410,
        "clip-gone",
        "Clip gone",
        f"clip {view.clip_id} was {view.state}"
        + (" with its recording" if view.state == "deleted" else ""),
    )


class ClipsController(Controller):
    path = "/api/v1"
    tags = ["clips"]

    @post(
        "/spaces/{space_id:str}/clips",
        operation_id="createClip",
        status_code=202,
        guards=[requires_login],
        responses=problem_responses(401, 403, 404, 409, 413, 422, 503),
    )
    async def create_clip(
        self,
        space_id: SpaceId,
        bus: BusDep,
        ctx: ContextDep,
        data: JSONBody[ClipBody | None] = None,
    ) -> Response[ClipAccepted]:
        """Clip 30 s of a recorded Space: the last 30 s while it is live (no `start_s`), or
        the replay's 30 s from `start_s`. Anyone in the Space may clip. Answers at once; the
        clip is ready within seconds (`Location`: getClip). 409 `recording-off`,
        `clipping-off` when the Space is not recorded or its clips are off."""
        start_s = data.start_s if data is not None else None
        command = CreateClip(space_id=space_id, start_s=start_s)
        created = await bus.call(clipping.CREATE_CLIP, command, ctx)
        accepted = ClipAccepted(clip_id=created.clip_id, state=created.state)
        location = f"/api/v1/clips/{created.clip_id}"
        return Response(accepted, status_code=202, headers={"Location": location})

    @get(
        "/clips/{clip_id:str}",
        operation_id="getClip",
        guards=[optional_login],
        responses=problem_responses(404, 410, 422, 503),
    )
    async def get_clip(self, clip_id: ClipId, bus: BusDep, ctx: ContextDep) -> Clip:
        """A clip: its state, where it comes from, its transcript, its audio and share links
        (no login needed). 410 `clip-gone` once it expired or its recording was deleted."""
        view = await bus.call(clipping.GET_CLIP, ClipRef(clip_id=clip_id), ctx)
        if view.state in _GONE:
            raise gone(view)
        return public_clip(view)

    @get(
        "/clips/{clip_id:str}/audio",
        operation_id="getClipAudio",
        guards=[optional_login],
        media_type=clipping.CONTENT_TYPE,
        response_description="The clip's audio (Ogg Opus), whole",
        responses={
            **problem_responses(404, 409, 410, 416, 422, 503),
            206: ResponseSpec(
                data_container=bytes,
                media_type=clipping.CONTENT_TYPE,
                description="The byte range asked for (`Range: bytes=…`), with Content-Range",
                generate_examples=False,
            ),
        },
    )
    async def get_clip_audio(
        self,
        request: Request[Any, Any, Any],
        clip_id: ClipId,
        bus: BusDep,
        ctx: ContextDep,
        clip_audio: ClipAudioDep,
    ) -> Stream:
        """The clip's audio (no login needed), with `Range` for seeking: 206 and
        `Content-Range` for one byte range, 416 for a range past the end. 409
        `clip-not-ready` while it is being cut; 410 `clip-gone` once expired or deleted."""
        view = await bus.call(clipping.GET_CLIP, ClipRef(clip_id=clip_id), ctx)
        if view.state in _GONE:
            raise gone(view)
        if view.state != "ready" or not view.object_name:
            raise Problem(
                409, "clip-not-ready", "Clip not ready", f"clip {clip_id} is {view.state}"
            )
        audio = await clip_audio.find(view.object_name)
        if audio is None:  # expired or deleted a moment ago
            raise Problem(410, "clip-gone", "Clip gone", f"clip {clip_id} is gone")
        answer, _ = ranged(
            clip_audio,
            audio,
            request.headers.get("range"),
            request.headers.get("if-range"),
            media_type=clipping.CONTENT_TYPE,
        )
        return answer
