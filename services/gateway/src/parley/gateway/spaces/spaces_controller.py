"""A Space's lifecycle: create, discover, read, edit, start, end, and its host's analytics."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.params import JSONBody

from parley.contracts.api import room
from parley.contracts.api.room import (
    CreateSpace,
    ListenerPage,
    ListListeners,
    ListSpaces,
    SpaceAnalytics,
    SpacePage,
    SpaceRef,
    SpaceView,
)
from parley.gateway.dependencies import (
    BusDep,
    CallerDep,
    ContextDep,
    ScheduledSpacesDep,
    SpaceViewsDep,
)
from parley.gateway.guards import optional_login, requires_login
from parley.gateway.problems import problem_responses
from parley.gateway.spaces.schemas import (
    CreateSpaceBody,
    FollowingOnly,
    ListenersCursor,
    ListenersPageSize,
    SearchText,
    SpaceId,
    SpacesPageSize,
    StateFilter,
    TopicFilter,
    UpdateSpaceBody,
)

_READ_PROBLEMS = problem_responses(401, 404, 422, 503)
_COMMAND_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)


class SpacesController(Controller):
    path = "/api/v1/spaces"
    tags = ["spaces"]

    @post(
        operation_id="createSpace",
        status_code=201,
        guards=[requires_login],
        response_description="The new Space, hosted by the caller",
        responses=problem_responses(401, 403, 404, 409, 413, 422, 503),
    )
    async def create_space(
        self,
        data: JSONBody[CreateSpaceBody],
        bus: BusDep,
        scheduled: ScheduledSpacesDep,
        caller: CallerDep,
        ctx: ContextDep,
    ) -> SpaceView:
        """Create a Space hosted by the caller: `created` (host preparing, mic off) until the
        host starts it, or `scheduled` when it has a `scheduled_start` (at least 15 minutes and
        at most 30 days ahead, at most 10 upcoming per host: 422 `start-too-soon`,
        `start-too-far`, 409 `too-many-upcoming`)."""
        if data.scheduled_start is not None:
            return await scheduled.schedule(data, caller, ctx)
        fields = data.model_dump(exclude={"scheduled_start"})
        return await bus.call(room.CREATE_SPACE, CreateSpace(**fields), ctx)

    @get(
        operation_id="listSpaces",
        guards=[optional_login],
        responses=problem_responses(401, 422, 503),
    )
    async def list_spaces(
        self,
        scheduled: ScheduledSpacesDep,
        ctx: ContextDep,
        space_state: StateFilter = "live",
        topic: TopicFilter = None,
        q: SearchText = None,
        following: FollowingOnly = False,
        limit: SpacesPageSize = 50,
    ) -> SpacePage:
        """Discover Spaces: live ones ranked by trending, or upcoming scheduled ones, soonest
        first, with how many are reminded; filter by topic, search titles and topics, or keep
        those of people the caller follows."""
        query = ListSpaces(state=space_state, topic=topic, q=q, following=following, limit=limit)
        return await scheduled.listing(query, ctx)

    @get(
        "/{space_id:str}",
        operation_id="getSpace",
        guards=[optional_login],
        responses=_READ_PROBLEMS,
    )
    async def get_space(
        self, space_id: SpaceId, views: SpaceViewsDep, ctx: ContextDep
    ) -> SpaceView:
        """A Space as the caller sees it (`my_role`, `my_speaker_request`; the request
        queue and invitations only for its host and co-hosts; `speaking`: who is talking now).
        Anonymous callers see it too."""
        return await views.as_seen(space_id, ctx)

    @get(
        "/{space_id:str}/listeners",
        operation_id="listListeners",
        guards=[optional_login],
        responses=_READ_PROBLEMS,
    )
    async def list_listeners(
        self,
        space_id: SpaceId,
        bus: BusDep,
        ctx: ContextDep,
        cursor: ListenersCursor = None,
        limit: ListenersPageSize = 50,
    ) -> ListenerPage:
        """Who is listening: everyone in the Space now who is not on stage, the people the
        caller follows first (`followed`), then the others, each part in the order they joined;
        `count` is the whole audience (the Space's `listener_count`). Live changes come as
        `audience.changed` on the Space's live channel. A cursor this list did not give is 422
        `invalid-cursor`."""
        page = ListListeners(space_id=space_id, limit=limit, cursor=cursor)
        return await bus.call(room.LIST_LISTENERS, page, ctx)

    @patch(
        "/{space_id:str}",
        operation_id="updateSpace",
        guards=[requires_login],
        responses=problem_responses(401, 403, 404, 409, 413, 422, 503),
    )
    async def update_space(
        self,
        space_id: SpaceId,
        data: JSONBody[UpdateSpaceBody],
        scheduled: ScheduledSpacesDep,
        caller: CallerDep,
        ctx: ContextDep,
    ) -> SpaceView:
        """Edit the Space (host; co-hosts may toggle captions). A scheduled one: its title,
        description, topics and time (`scheduled_start`), until it starts. While live only the
        title, captions and clipping change; absent fields stay as they are."""
        return await scheduled.update(space_id, data, caller, ctx)

    @post(
        "/{space_id:str}/start",
        operation_id="startSpace",
        status_code=200,
        guards=[requires_login],
        responses=_COMMAND_PROBLEMS,
    )
    async def start_space(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> SpaceView:
        """Go live (host)."""
        return await bus.call(room.START_SPACE, SpaceRef(space_id=space_id), ctx)

    @post(
        "/{space_id:str}/end",
        operation_id="endSpace",
        status_code=200,
        guards=[requires_login],
        responses=_COMMAND_PROBLEMS,
    )
    async def end_space(self, space_id: SpaceId, bus: BusDep, ctx: ContextDep) -> SpaceView:
        """End the Space for everyone (host only): every live channel gets `space.ended`."""
        return await bus.call(room.END_SPACE, SpaceRef(space_id=space_id), ctx)

    @get(
        "/{space_id:str}/analytics",
        operation_id="getSpaceAnalytics",
        guards=[requires_login],
        responses=problem_responses(401, 403, 404, 422, 503),
    )
    async def get_space_analytics(
        self, space_id: SpaceId, bus: BusDep, ctx: ContextDep
    ) -> SpaceAnalytics:
        """Listeners, peak, average listening time, speakers, reactions, replay plays and clips
        (host only)."""
        return await bus.call(room.GET_SPACE_ANALYTICS, SpaceRef(space_id=space_id), ctx)
