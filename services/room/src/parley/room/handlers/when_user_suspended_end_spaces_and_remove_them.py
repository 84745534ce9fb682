"""A user was suspended: the Spaces they host (not ended yet) end with reason
``host_suspended``; in the others they are in, they leave the stage and the Space (reason
``suspended``). Idempotent: applied twice, nothing more happens."""

from __future__ import annotations

from parley.chassis.event_store import EventMetadata
from parley.room.domain.commands import DropSuspendedUser, EndByPolicy, Leave
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import run_membership, run_space
from parley.room.projections.reads import OpenSpaces


async def when_user_suspended_end_spaces_and_remove_them(
    deps: RoomDeps, user_id: str, spaces: OpenSpaces, metadata: EventMetadata
) -> None:
    for space_id in spaces.hosted:
        ending = EndByPolicy(reason="host_suspended", now=deps.clock())
        await run_space(deps, space_id, ending, metadata)
    for space_id in spaces.joined:
        await run_space(deps, space_id, DropSuspendedUser(user_id), metadata)
        leave = Leave(space_id, user_id, reason="suspended")
        await run_membership(deps, space_id, user_id, leave, metadata)
