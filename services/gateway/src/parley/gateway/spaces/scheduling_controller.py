"""A scheduled Space's own operations: cancel it, be reminded, add it to a calendar (ADR 20:
scheduling owns it until it starts; creating, editing and reading it are the Spaces routes)."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, Response, delete, get, post, put

from parley.contracts.api.room import SpaceView
from parley.gateway.dependencies import CallerDep, ContextDep, ScheduledSpacesDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses
from parley.gateway.spaces.calendar import MEDIA_TYPE, calendar_of
from parley.gateway.spaces.schemas import SpaceId

_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)


class SchedulingController(Controller):
    path = "/api/v1/spaces/{space_id:str}"
    tags = ["spaces"]

    @post(
        "/cancel",
        operation_id="cancelSpace",
        status_code=200,
        guards=[requires_login],
        responses=_PROBLEMS,
    )
    async def cancel_space(
        self, space_id: SpaceId, scheduled: ScheduledSpacesDep, caller: CallerDep, ctx: ContextDep
    ) -> SpaceView:
        """Cancel a scheduled Space before it starts (host; canceling it again changes nothing):
        it becomes `canceled` and reminded people are told. 409 `space-not-scheduled` for a
        Space that was never scheduled, `space-started` for one that started."""
        return await scheduled.cancel(space_id, caller, ctx)

    @put(
        "/reminder",
        operation_id="setReminder",
        status_code=200,
        guards=[requires_login],
        responses=_PROBLEMS,
    )
    async def set_reminder(
        self, space_id: SpaceId, scheduled: ScheduledSpacesDep, caller: CallerDep, ctx: ContextDep
    ) -> SpaceView:
        """Be told when the scheduled Space starts (setting it again changes nothing): the
        Space with `reminded` and `reminder_count`."""
        return await scheduled.remind(space_id, caller, ctx, on=True)

    @delete(
        "/reminder",
        operation_id="clearReminder",
        status_code=200,
        guards=[requires_login],
        responses=_PROBLEMS,
    )
    async def clear_reminder(
        self, space_id: SpaceId, scheduled: ScheduledSpacesDep, caller: CallerDep, ctx: ContextDep
    ) -> SpaceView:
        """No longer be told when the Space starts (clearing it again changes nothing)."""
        return await scheduled.remind(space_id, caller, ctx, on=False)

    @get(
        "/calendar.ics",
        operation_id="getSpaceCalendar",
        media_type=MEDIA_TYPE,
        response_description="An iCalendar (RFC 5545) event: the Space's time, title, share "
        "link; `STATUS:CANCELLED` once canceled; the same UID and a larger SEQUENCE after "
        "every change",
        responses=problem_responses(404, 422, 503),
    )
    async def get_space_calendar(
        self, space_id: SpaceId, scheduled: ScheduledSpacesDep, ctx: ContextDep
    ) -> Response[bytes]:
        """A scheduled Space as a calendar event, for "Add to calendar" (no login needed).
        404 `space-not-found` for a Space that was never scheduled."""
        space = await scheduled.get(space_id, ctx)
        return Response(
            calendar_of(space, now=datetime.now(UTC)),
            media_type=MEDIA_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="parley-{space.id}.ics"',
                "Cache-Control": "no-cache",
            },
        )
