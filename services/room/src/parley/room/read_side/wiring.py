"""The read side's part of the room service: its bus routes, projections and background
tasks, wired onto the infrastructure the service's bootstrap made.

Routes: ``cmd.room.react``, ``qry.room.list_spaces``, ``qry.room.get_space_analytics``,
``qry.room.list_notifications``, ``cmd.room.mark_notifications_read``.
Projections (stream ``ROOM``): ``room_participants``, ``room_catalog``,
``room_notifications``. Background: the reaction aggregator, the listener-count publisher,
the live notification push.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parley.chassis.bus import BusRouter, RequestContext
from parley.chassis.errors import Unauthorized
from parley.chassis.projections import Projection
from parley.chassis.service import Infrastructure
from parley.contracts.api.room import (
    ListNotifications,
    ListSpaces,
    MarkNotificationsRead,
    NotificationPage,
    NotificationsRead,
    React,
    SpaceAnalytics,
    SpacePage,
    SpaceRef,
)
from parley.room.read_side.analytics import space_analytics
from parley.room.read_side.clock import utc_now
from parley.room.read_side.discovery.catalog import CatalogProjection
from parley.room.read_side.discovery.list_spaces import list_spaces
from parley.room.read_side.notifications.inbox import mark_read, notification_page
from parley.room.read_side.notifications.live import NotificationPusher
from parley.room.read_side.notifications.projection import NotificationsProjection
from parley.room.read_side.presence.listener_counts import ListenerCountPublisher
from parley.room.read_side.presence.projection import ParticipantsProjection
from parley.room.read_side.reactions.aggregator import ReactionAggregator
from parley.room.read_side.reactions.rate_limit import TokenBuckets
from parley.room.read_side.reactions.react import ReactionHandler
from parley.room.read_side.settings import ReadSideSettings

STREAM = "ROOM"

Background = Callable[[], Coroutine[Any, Any, None]]


@dataclass
class ReadSide:
    projections: list[tuple[str, Projection]]
    background: list[Background]
    listener_counts: ListenerCountPublisher
    notification_pusher: NotificationPusher
    reactions: ReactionAggregator


def build_read_side(
    infra: Infrastructure,
    router: BusRouter,
    settings: ReadSideSettings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> ReadSide:
    settings = settings or ReadSideSettings()
    resolve_public_url = getattr(infra.settings, "resolved_public_url", None)
    if callable(resolve_public_url):  # one share-link base for both sides
        settings = settings.model_copy(update={"public_url": resolve_public_url()})
    sessions = infra.sessions
    listener_counts = ListenerCountPublisher(
        infra.nc, interval_s=settings.listener_count_interval_s
    )
    pusher = NotificationPusher(infra.nc, sessions, max_age_s=settings.notification_live_max_age_s)
    aggregator = ReactionAggregator(infra.nc, sessions, window_ms=settings.reaction_window_ms)
    react = ReactionHandler(
        infra.nc,
        sessions,
        TokenBuckets(rate_per_s=settings.reaction_rate_per_s, burst=settings.reaction_burst),
        presence_ttl_s=settings.reaction_presence_cache_s,
    )
    router.command("react", React)(react)

    @router.query("list_spaces", ListSpaces)
    async def on_list_spaces(request: ListSpaces, ctx: RequestContext) -> SpacePage:
        async with sessions() as session:
            return await list_spaces(session, request, ctx.actor, now=clock(), settings=settings)

    @router.query("get_space_analytics", SpaceRef)
    async def on_analytics(request: SpaceRef, ctx: RequestContext) -> SpaceAnalytics:
        async with sessions() as session:
            return await space_analytics(session, request.space_id, ctx.actor, now=clock())

    @router.query("list_notifications", ListNotifications)
    async def on_list_notifications(
        request: ListNotifications, ctx: RequestContext
    ) -> NotificationPage:
        actor = _required(ctx)
        async with sessions() as session:
            return await notification_page(
                session, actor, limit=request.limit, cursor=request.cursor
            )

    @router.command("mark_notifications_read", MarkNotificationsRead)
    async def on_mark_read(
        request: MarkNotificationsRead, ctx: RequestContext
    ) -> NotificationsRead:
        actor = _required(ctx)
        async with sessions.begin() as session:
            return NotificationsRead(unread=await mark_read(session, actor, request.up_to_id))

    projections: list[tuple[str, Projection]] = [
        (STREAM, ParticipantsProjection(on_count_changed=listener_counts.changed)),
        (STREAM, CatalogProjection()),
        (STREAM, NotificationsProjection(on_created=pusher.created)),
    ]
    return ReadSide(
        projections=projections,
        background=[aggregator.run, listener_counts.run, pusher.run, react.watch_endings],
        listener_counts=listener_counts,
        notification_pusher=pusher,
        reactions=aggregator,
    )


def _required(ctx: RequestContext) -> str:
    if ctx.actor is None:
        raise Unauthorized("log in to see your notifications")
    return ctx.actor
