"""Joining and leaving, asking to speak, and stage invitations."""

from __future__ import annotations

from litestar import Controller, delete, post
from litestar.params import JSONBody

from parley.contracts.api import room
from parley.contracts.api.room import InviteToStage, JoinResult, SpaceRef, SpaceUser, SpaceView
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses
from parley.gateway.spaces.schemas import InvitationBody, SpaceId, UserId

_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)
_BODY_PROBLEMS = problem_responses(401, 403, 404, 409, 413, 422, 503)


class AudienceController(Controller):
    path = "/api/v1/spaces/{space_id:str}"
    tags = ["spaces"]
    guards = [requires_login]

    @post("/join", operation_id="joinSpace", status_code=200, responses=_PROBLEMS)
    async def join(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> JoinResult:
        """Join as a listener (or take back the caller's seat on stage): the caller's role and
        the Space as they now see it."""
        return await bus.call(room.JOIN_SPACE, SpaceRef(space_id=space_id), ctx)

    @post("/leave", operation_id="leaveSpace", status_code=200, responses=_PROBLEMS)
    async def leave(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> SpaceView:
        """Leave the Space."""
        return await bus.call(room.LEAVE_SPACE, SpaceRef(space_id=space_id), ctx)

    @post("/speaker-requests", operation_id="requestToSpeak", status_code=200, responses=_PROBLEMS)
    async def request_to_speak(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> SpaceView:
        """Ask to speak (a listener, when the Space's speak policy allows it)."""
        return await bus.call(room.REQUEST_TO_SPEAK, SpaceRef(space_id=space_id), ctx)

    @delete(
        "/speaker-requests",
        operation_id="withdrawSpeakerRequest",
        status_code=200,
        responses=_PROBLEMS,
    )
    async def withdraw_speaker_request(
        self, space_id: SpaceId, bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Withdraw the caller's request to speak."""
        return await bus.call(room.WITHDRAW_SPEAKER_REQUEST, SpaceRef(space_id=space_id), ctx)

    @post(
        "/speaker-requests/{user_id:str}/accept",
        operation_id="acceptSpeakerRequest",
        status_code=200,
        responses=_PROBLEMS,
    )
    async def accept_speaker_request(
        self, space_id: SpaceId, user_id: UserId, bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Bring the requester on stage as a speaker, mic muted (host or co-host)."""
        requester = SpaceUser(space_id=space_id, user_id=user_id)
        return await bus.call(room.ACCEPT_SPEAKER_REQUEST, requester, ctx)

    @post(
        "/speaker-requests/{user_id:str}/decline",
        operation_id="declineSpeakerRequest",
        status_code=200,
        responses=_PROBLEMS,
    )
    async def decline_speaker_request(
        self, space_id: SpaceId, user_id: UserId, bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Decline a request to speak (host or co-host)."""
        requester = SpaceUser(space_id=space_id, user_id=user_id)
        return await bus.call(room.DECLINE_SPEAKER_REQUEST, requester, ctx)

    @post("/invitations", operation_id="inviteToStage", status_code=200, responses=_BODY_PROBLEMS)
    async def invite_to_stage(
        self, space_id: SpaceId, data: JSONBody[InvitationBody], bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Invite someone to speak (host or co-host) or to co-host (host only)."""
        invitation = InviteToStage(space_id=space_id, user_id=data.user_id, role=data.role)
        return await bus.call(room.INVITE_TO_STAGE, invitation, ctx)

    @post(
        "/invitations/accept",
        operation_id="acceptInvitation",
        status_code=200,
        responses=_PROBLEMS,
    )
    async def accept_invitation(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> SpaceView:
        """Accept the caller's invitation: on stage as a speaker (mic muted) or as a co-host."""
        return await bus.call(room.ACCEPT_INVITATION, SpaceRef(space_id=space_id), ctx)

    @post(
        "/invitations/decline",
        operation_id="declineInvitation",
        status_code=200,
        responses=_PROBLEMS,
    )
    async def decline_invitation(
        self, space_id: SpaceId, bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Decline the caller's invitation."""
        return await bus.call(room.DECLINE_INVITATION, SpaceRef(space_id=space_id), ctx)
