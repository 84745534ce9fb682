"""A Space's recording over HTTP: its state and plays, its audio with ``Range``, the host's
delete, the host's history (recording's routes; the audio from the ``recordings`` object
store, ADR 22)."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from litestar import Controller, Request, delete, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Stream

from parley.contracts.api import recording as api
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import caller_of, optional_login, requires_login
from parley.gateway.problems import Problem, problem_responses
from parley.gateway.recordings.plays import Plays, listener_key
from parley.gateway.recordings.views import Recording, RecordingList, recording
from parley.gateway.spaces.schemas import SpaceId
from parley.gateway.stored_audio import AudioObjects, ranged

AudioObjectsDep: TypeAlias = NamedDependency[AudioObjects]
PlaysDep: TypeAlias = NamedDependency[Plays]
PageSize: TypeAlias = Annotated[int, QueryParameter(ge=1, le=200, description="Page size")]
Cursor: TypeAlias = Annotated[
    str | None, QueryParameter(max_length=200, description="next_cursor of the previous page")
]

MEDIA_TYPE = "audio/ogg"


def gone(space_id: str) -> Problem:
    return Problem(
        410, "recording-deleted", "Recording deleted", f"the recording of {space_id} was deleted"
    )


class RecordingsController(Controller):
    path = "/api/v1/spaces/{space_id:str}/recording"
    tags = ["recordings"]

    @get(
        operation_id="getRecording",
        guards=[optional_login],
        responses=problem_responses(404, 410, 422, 503),
    )
    async def get_recording(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> Recording:
        """A Space's recording (no login needed): `state` (recording, processing, ready),
        `duration_s`, `plays`, `audio_url` once ready. 404 `recording-not-found` for a Space
        that was not recorded, 410 `recording-deleted` once its host deleted it or it
        expired."""
        return recording(
            await bus.call(api.GET_RECORDING, api.RecordingRef(space_id=space_id), ctx)
        )

    @get(
        "/audio",
        operation_id="getRecordingAudio",
        guards=[optional_login],
        media_type=MEDIA_TYPE,
        response_description="The recording, Ogg Opus (48 kHz mono): whole (200) or the "
        "requested byte range (206 with Content-Range)",
        responses=problem_responses(404, 409, 410, 416, 422, 503),
    )
    async def get_recording_audio(
        self,
        request: Request[Any, Any, Any],
        space_id: SpaceId,
        bus: BusDep,
        ctx: ContextDep,
        audio_objects: AudioObjectsDep,
        plays: PlaysDep,
    ) -> Stream:
        """The recording's audio for anyone (no login needed for a public Space), with
        `Range: bytes=...` (one range: 206; several: the whole, 200; one that cannot be served:
        416 with `Content-Range: bytes */<size>`). A request from byte 0 starts a play,
        counted once per listener (ADR 22). 409 `recording-not-ready` while it is being made."""
        view = await bus.call(api.GET_RECORDING, api.RecordingRef(space_id=space_id), ctx)
        if view.state != "ready" or view.object_name is None:
            raise Problem(
                409,
                "recording-not-ready",
                "Recording not ready",
                "the recording is still being made: it is playable shortly after the Space ends",
            )
        audio = await audio_objects.find(view.object_name)
        if audio is None:  # deleted between the two reads
            raise gone(space_id)
        answer, wanted = ranged(
            audio_objects,
            audio,
            request.headers.get("range"),
            request.headers.get("if-range"),
            media_type=MEDIA_TYPE,
        )
        if wanted is None or wanted.start == 0:
            caller = caller_of(request)
            listener = listener_key(
                caller.user_id if caller else None,
                request.client.host if request.client else "",
                request.headers.get("user-agent", ""),
            )
            plays.started(space_id, listener, ctx)
        return answer

    @delete(
        operation_id="deleteRecording",
        status_code=200,
        guards=[requires_login],
        responses=problem_responses(401, 403, 404, 409, 422, 503),
    )
    async def delete_recording(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> Recording:
        """The host deletes the recording (deleting it again changes nothing): its audio goes
        at once, and its clips with it. 403 `not-the-host` for anyone else, 409
        `recording-not-ready` while it is being made."""
        view = await bus.call(api.DELETE_RECORDING, api.RecordingRef(space_id=space_id), ctx)
        return recording(view)


class MyRecordingsController(Controller):
    path = "/api/v1/me/recordings"
    tags = ["recordings"]

    @get(
        operation_id="listMyRecordings",
        guards=[requires_login],
        responses=problem_responses(401, 422, 503),
    )
    async def list_my_recordings(
        self, bus: BusDep, ctx: ContextDep, limit: PageSize = 50, cursor: Cursor = None
    ) -> RecordingList:
        """The caller's recordings as host, newest first, a page at a time (deleted ones left
        out)."""
        page = await bus.call(
            api.LIST_MY_RECORDINGS, api.MyRecordings(limit=limit, cursor=cursor), ctx
        )
        return RecordingList(
            items=[recording(view) for view in page.recordings], next_cursor=page.next_cursor
        )
