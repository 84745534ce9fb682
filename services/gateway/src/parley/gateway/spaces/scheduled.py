"""Scheduled Spaces through the public API: which service a request goes to, and the Space it
answers with (ADR 20, point 4).

Scheduling owns a scheduled Space until it starts; room owns every other Space, and the
scheduled one from its start. So ``createSpace`` with a time goes to scheduling, an edit or a
cancel goes to scheduling when scheduling holds the Space as not yet started (it is asked
first: one query, and a Space it does not know is room's), and reminders always go to
scheduling. The answers are room's view of the Space with scheduling's fields over it
(:mod:`parley.gateway.spaces.scheduled_views`).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import NotFound, ServiceUnavailable
from parley.contracts.api import room, scheduling
from parley.contracts.api.room import (
    ListSpaces,
    SpacePage,
    SpaceRef,
    SpaceSummary,
    SpaceView,
    StageMember,
    UpdateSpace,
)
from parley.contracts.api.scheduling import (
    ListScheduledSpaces,
    ScheduledSpaceRef,
    ScheduledSpaceView,
    ScheduleSpace,
    UpdateScheduledSpace,
)
from parley.gateway.auth import Caller
from parley.gateway.problems import Problem
from parley.gateway.spaces.scheduled_views import listed, space_view_of, with_schedule
from parley.gateway.spaces.schemas import CreateSpaceBody, UpdateSpaceBody

# Scheduling's upcoming list, asked for the reminder counts of a page of room's list; a Space
# of room's page beyond it is asked for by itself.
_UPCOMING_PAGE = 100
_SCHEDULED_FIELDS = {"title", "description", "topics", "scheduled_start"}
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def not_scheduled() -> Problem:
    return Problem(
        409,
        "space-not-scheduled",
        "Not a scheduled Space",
        "only a scheduled Space, before it starts, has a time to change or can be canceled "
        "(a live Space is ended)",
    )


def settings_once_started() -> Problem:
    return Problem(
        409,
        "space-scheduled",
        "The Space is scheduled",
        "captions and clipping are changed once the Space is started; before that, its "
        "title, description, topics and time",
    )


class ScheduledSpaces:
    def __init__(self, bus: BusClient) -> None:
        self._bus = bus

    async def schedule(
        self, body: CreateSpaceBody, caller: Caller, ctx: RequestContext
    ) -> SpaceView:
        payload = ScheduleSpace.model_validate(body.model_dump())
        scheduled = await self._bus.call(scheduling.SCHEDULE_SPACE, payload, ctx)
        return await self.as_seen(scheduled, ctx, caller)

    async def update(
        self, space_id: str, body: UpdateSpaceBody, caller: Caller, ctx: RequestContext
    ) -> SpaceView:
        scheduled = await self._held(space_id, ctx)
        if scheduled is None:
            if body.scheduled_start is not None:
                await self._bus.call(room.GET_SPACE, SpaceRef(space_id=space_id), ctx)  # or 404
                raise not_scheduled()
            fields = body.model_dump(exclude={"scheduled_start"})
            return await self._bus.call(
                room.UPDATE_SPACE, UpdateSpace(space_id=space_id, **fields), ctx
            )
        settings = (body.captions, body.clipping) != (None, None)
        if settings and caller.user_id == scheduled.host_id:  # anyone else: scheduling's 403
            raise settings_once_started()
        fields = body.model_dump(include=_SCHEDULED_FIELDS)
        update = UpdateScheduledSpace(space_id=space_id, **fields)
        changed = await self._bus.call(scheduling.UPDATE_SCHEDULED_SPACE, update, ctx)
        return await self.as_seen(changed, ctx, caller)

    async def _held(self, space_id: str, ctx: RequestContext) -> ScheduledSpaceView | None:
        """The Space as scheduling holds it, when scheduling (not room) owns it now: room is
        asked first (a Space room knows as created, live or ended is room's, whether
        scheduling is up or not), then scheduling (room's copy may be a moment behind)."""
        try:
            view = await self._bus.call(room.GET_SPACE, SpaceRef(space_id=space_id), ctx)
        except NotFound:
            view = None
        if view is not None and view.state not in ("scheduled", "canceled"):
            return None
        scheduled = await self.known(space_id, ctx)
        return None if scheduled is None or scheduled.state == "started" else scheduled

    async def cancel(self, space_id: str, caller: Caller, ctx: RequestContext) -> SpaceView:
        if await self.known(space_id, ctx) is None:
            await self._bus.call(room.GET_SPACE, SpaceRef(space_id=space_id), ctx)  # or 404
            raise not_scheduled()
        ref = ScheduledSpaceRef(space_id=space_id)
        canceled = await self._bus.call(scheduling.CANCEL_SCHEDULED_SPACE, ref, ctx)
        return await self.as_seen(canceled, ctx, caller)

    async def remind(
        self, space_id: str, caller: Caller, ctx: RequestContext, *, on: bool
    ) -> SpaceView:
        route = scheduling.SET_REMINDER if on else scheduling.CLEAR_REMINDER
        scheduled = await self._bus.call(route, ScheduledSpaceRef(space_id=space_id), ctx)
        return await self.as_seen(scheduled, ctx, caller)

    async def known(self, space_id: str, ctx: RequestContext) -> ScheduledSpaceView | None:
        """The Space as scheduling knows it, or None: a Space scheduling never held."""
        ref = ScheduledSpaceRef(space_id=space_id)
        try:
            return await self._bus.call(scheduling.GET_SCHEDULED_SPACE, ref, ctx)
        except NotFound:
            return None

    async def get(self, space_id: str, ctx: RequestContext) -> ScheduledSpaceView:
        """The Space as scheduling knows it; 404 ``space-not-found`` when it never held it."""
        ref = ScheduledSpaceRef(space_id=space_id)
        return await self._bus.call(scheduling.GET_SCHEDULED_SPACE, ref, ctx)

    async def as_seen(
        self, scheduled: ScheduledSpaceView, ctx: RequestContext, caller: Caller | None = None
    ) -> SpaceView:
        """Room's copy with scheduling's fields; scheduling's view alone until the copy is there
        (the host's handle then known only to the host themselves)."""
        try:
            view = await self._bus.call(room.GET_SPACE, SpaceRef(space_id=scheduled.id), ctx)
        except NotFound:
            handle = caller.handle if caller and caller.user_id == scheduled.host_id else ""
            host = StageMember(user_id=scheduled.host_id, handle=handle)
            return space_view_of(scheduled, host, ctx.actor)
        return with_schedule(view, scheduled)

    async def listing(self, query: ListSpaces, ctx: RequestContext) -> SpacePage:
        """Room's list; an upcoming one with scheduling's fields and reminder count (one that
        scheduling knows as canceled or started meanwhile left out), soonest first. Without
        scheduling's answer, room's list as it is."""
        if query.state != "scheduled":
            return await self._bus.call(room.LIST_SPACES, query, ctx)
        page, known = await asyncio.gather(
            self._bus.call(room.LIST_SPACES, query, ctx), self._upcoming(ctx)
        )
        if known is None:
            return page
        beyond = [item.id for item in page.items if item.id not in known]
        found = await asyncio.gather(*(self.known(space_id, ctx) for space_id in beyond))
        known |= dict(zip(beyond, found, strict=True))
        items = [
            listed(item, known[item.id])
            for item in page.items
            if (space := known[item.id]) is None or space.state == "scheduled"
        ]
        return SpacePage(items=sorted(items, key=_soonest))

    async def _upcoming(self, ctx: RequestContext) -> dict[str, ScheduledSpaceView | None] | None:
        query = ListScheduledSpaces(limit=_UPCOMING_PAGE)
        try:
            page = await self._bus.call(scheduling.LIST_SCHEDULED_SPACES, query, ctx)
        except ServiceUnavailable:
            return None
        return {item.id: item for item in page.items}


def _soonest(item: SpaceSummary) -> tuple[datetime, str]:
    return (item.scheduled_start or _FAR_FUTURE, item.id)
