"""The room service's request/reply contract as typed calls (``parley.contracts.api.room``).

The gateway's only knowledge of room: subjects and payload shapes come from the contract, errors
(403 not allowed for your role, 409 conflicts with the Space's state...) come back as
:class:`~parley.chassis.errors.DomainError` raised by the bus client and pass straight through.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from parley.chassis.bus import BusClient, RequestContext
from parley.contracts.api.room import (
    CONTEXT,
    CreateSpace,
    HostPresence,
    InviteToStage,
    JoinResult,
    ListNotifications,
    ListSpaces,
    MarkNotificationsRead,
    NotificationPage,
    NotificationsRead,
    PinPost,
    React,
    ReactionAccepted,
    RemoveParticipant,
    SetMyMic,
    SpaceAnalytics,
    SpacePage,
    SpaceRef,
    SpaceUser,
    SpaceView,
    UnpinPost,
    UpdateSpace,
)

R = TypeVar("R", bound=BaseModel)


class RoomClient:
    def __init__(self, bus: BusClient) -> None:
        self._bus = bus

    # -- lifecycle ---------------------------------------------------------------------------

    async def create_space(self, payload: CreateSpace, ctx: RequestContext) -> SpaceView:
        return await self._command("create_space", payload, SpaceView, ctx)

    async def update_space(self, payload: UpdateSpace, ctx: RequestContext) -> SpaceView:
        return await self._command("update_space", payload, SpaceView, ctx)

    async def start_space(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_space("start_space", space_id, ctx)

    async def end_space(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_space("end_space", space_id, ctx)

    async def host_presence(self, space_id: str, connected: bool, ctx: RequestContext) -> SpaceView:
        payload = HostPresence(space_id=space_id, connected=connected)
        return await self._command("host_presence", payload, SpaceView, ctx)

    # -- audience and stage ------------------------------------------------------------------

    async def join_space(self, space_id: str, ctx: RequestContext) -> JoinResult:
        return await self._command("join_space", SpaceRef(space_id=space_id), JoinResult, ctx)

    async def leave_space(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_space("leave_space", space_id, ctx)

    async def request_to_speak(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_space("request_to_speak", space_id, ctx)

    async def withdraw_speaker_request(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_space("withdraw_speaker_request", space_id, ctx)

    async def accept_speaker_request(
        self, space_id: str, user_id: str, ctx: RequestContext
    ) -> SpaceView:
        return await self._on_user("accept_speaker_request", space_id, user_id, ctx)

    async def decline_speaker_request(
        self, space_id: str, user_id: str, ctx: RequestContext
    ) -> SpaceView:
        return await self._on_user("decline_speaker_request", space_id, user_id, ctx)

    async def invite_to_stage(self, payload: InviteToStage, ctx: RequestContext) -> SpaceView:
        return await self._command("invite_to_stage", payload, SpaceView, ctx)

    async def accept_invitation(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_space("accept_invitation", space_id, ctx)

    async def decline_invitation(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_space("decline_invitation", space_id, ctx)

    async def set_my_mic(self, space_id: str, muted: bool, ctx: RequestContext) -> SpaceView:
        payload = SetMyMic(space_id=space_id, muted=muted)
        return await self._command("set_my_mic", payload, SpaceView, ctx)

    async def mute_speaker(self, space_id: str, user_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_user("mute_speaker", space_id, user_id, ctx)

    async def mute_all(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_space("mute_all", space_id, ctx)

    async def move_to_audience(self, space_id: str, user_id: str, ctx: RequestContext) -> SpaceView:
        return await self._on_user("move_to_audience", space_id, user_id, ctx)

    async def remove_participant(
        self, payload: RemoveParticipant, ctx: RequestContext
    ) -> SpaceView:
        return await self._command("remove_participant", payload, SpaceView, ctx)

    # -- interaction -------------------------------------------------------------------------

    async def react(self, space_id: str, emoji: str, ctx: RequestContext) -> ReactionAccepted:
        payload = React(space_id=space_id, emoji=emoji)
        return await self._command("react", payload, ReactionAccepted, ctx)

    async def pin_post(self, payload: PinPost, ctx: RequestContext) -> SpaceView:
        return await self._command("pin_post", payload, SpaceView, ctx)

    async def unpin_post(self, space_id: str, pin_id: str, ctx: RequestContext) -> SpaceView:
        payload = UnpinPost(space_id=space_id, pin_id=pin_id)
        return await self._command("unpin_post", payload, SpaceView, ctx)

    # -- queries -----------------------------------------------------------------------------

    async def get_space(self, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._query("get_space", SpaceRef(space_id=space_id), SpaceView, ctx)

    async def list_spaces(self, payload: ListSpaces, ctx: RequestContext) -> SpacePage:
        return await self._query("list_spaces", payload, SpacePage, ctx)

    async def get_space_analytics(self, space_id: str, ctx: RequestContext) -> SpaceAnalytics:
        payload = SpaceRef(space_id=space_id)
        return await self._query("get_space_analytics", payload, SpaceAnalytics, ctx)

    async def list_notifications(
        self, limit: int, cursor: str | None, ctx: RequestContext
    ) -> NotificationPage:
        payload = ListNotifications(limit=limit, cursor=cursor)
        return await self._query("list_notifications", payload, NotificationPage, ctx)

    async def mark_notifications_read(
        self, up_to_id: str | None, ctx: RequestContext
    ) -> NotificationsRead:
        payload = MarkNotificationsRead(up_to_id=up_to_id)
        return await self._command("mark_notifications_read", payload, NotificationsRead, ctx)

    # -- plumbing ----------------------------------------------------------------------------

    async def _on_space(self, name: str, space_id: str, ctx: RequestContext) -> SpaceView:
        return await self._command(name, SpaceRef(space_id=space_id), SpaceView, ctx)

    async def _on_user(
        self, name: str, space_id: str, user_id: str, ctx: RequestContext
    ) -> SpaceView:
        payload = SpaceUser(space_id=space_id, user_id=user_id)
        return await self._command(name, payload, SpaceView, ctx)

    async def _command(
        self, name: str, payload: BaseModel, result: type[R], ctx: RequestContext
    ) -> R:
        return _parse(result, await self._bus.command(CONTEXT, name, payload, ctx))

    async def _query(
        self, name: str, payload: BaseModel, result: type[R], ctx: RequestContext
    ) -> R:
        return _parse(result, await self._bus.query(CONTEXT, name, payload, ctx))


def _parse(result: type[R], data: Any) -> R:
    return result.model_validate(data)
