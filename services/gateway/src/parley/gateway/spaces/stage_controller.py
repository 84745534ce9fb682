"""Mics and the stage: mute, mute all, back to the audience, remove."""

from __future__ import annotations

from litestar import Controller, delete, post
from litestar.params import JSONBody

from parley.contracts.api import room
from parley.contracts.api.room import (
    RemoveParticipant,
    RemoveReport,
    SetMyMic,
    SpaceRef,
    SpaceUser,
    SpaceView,
)
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses
from parley.gateway.spaces.schemas import MicBody, RemovalBody, SpaceId, UserId

_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)
_BODY_PROBLEMS = problem_responses(401, 403, 404, 409, 413, 422, 503)


class StageController(Controller):
    path = "/api/v1/spaces/{space_id:str}"
    tags = ["spaces"]
    guards = [requires_login]

    @post("/mic", operation_id="setMyMic", status_code=200, responses=_BODY_PROBLEMS)
    async def set_my_mic(
        self, space_id: SpaceId, data: JSONBody[MicBody], bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Mute or unmute the caller's own mic (stage members)."""
        mic = SetMyMic(space_id=space_id, muted=data.muted)
        return await bus.call(room.SET_MY_MIC, mic, ctx)

    @post(
        "/speakers/{user_id:str}/mute",
        operation_id="muteSpeaker",
        status_code=200,
        responses=_PROBLEMS,
    )
    async def mute_speaker(
        self, space_id: SpaceId, user_id: UserId, bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Mute a speaker (host or co-host; never the host). They may unmute later."""
        return await bus.call(room.MUTE_SPEAKER, SpaceUser(space_id=space_id, user_id=user_id), ctx)

    @post("/mute-all", operation_id="muteAll", status_code=200, responses=_PROBLEMS)
    async def mute_all(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> SpaceView:
        """Mute everyone on stage but the caller (host or co-host)."""
        return await bus.call(room.MUTE_ALL, SpaceRef(space_id=space_id), ctx)

    @delete(
        "/speakers/{user_id:str}",
        operation_id="moveToAudience",
        status_code=200,
        responses=_PROBLEMS,
    )
    async def move_to_audience(
        self, space_id: SpaceId, user_id: UserId, bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Move a speaker back to the audience (host or co-host); on oneself: step down."""
        target = SpaceUser(space_id=space_id, user_id=user_id)
        return await bus.call(room.MOVE_TO_AUDIENCE, target, ctx)

    @post(
        "/participants/{user_id:str}/remove",
        operation_id="removeParticipant",
        status_code=200,
        responses=_BODY_PROBLEMS,
    )
    async def remove_participant(
        self,
        space_id: SpaceId,
        user_id: UserId,
        bus: BusDep,
        ctx: ContextDep,
        data: JSONBody[RemovalBody | None] = None,
    ) -> SpaceView:
        """Remove someone (host or co-host): disconnected, and they cannot rejoin. Optionally
        also block them, or also file a report."""
        removal = _removal(space_id, user_id, data)
        return await bus.call(room.REMOVE_PARTICIPANT, removal, ctx)


def _removal(space_id: str, user_id: str, body: RemovalBody | None) -> RemoveParticipant:
    body = body or RemovalBody()
    report = RemoveReport(**body.report.model_dump()) if body.report else None
    return RemoveParticipant(space_id=space_id, user_id=user_id, block=body.block, report=report)
