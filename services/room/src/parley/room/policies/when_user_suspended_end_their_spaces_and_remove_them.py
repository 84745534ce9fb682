"""When identity suspends a user, the Spaces they host (not ended yet) end with reason
``host_suspended``, and in the others they are in they leave the stage and the Space (reason
``suspended``).

Delivery is at least once, and a new consumer starts from the IDENTITY stream's first event,
so a suspension may come again long after it was handled. The reaction therefore decides on
the current state, not on the event alone:
- it first waits until room's read models have applied everything their streams hold now
  (``room_identity`` the IDENTITY stream, ``room_participants`` the ROOM stream; if they
  lag, the event is retried later);
- a user who is not suspended *now* (reinstated since) is left alone: a replayed old
  suspension never ends the Spaces they host after their reinstatement;
- every step is idempotent: an ended Space is not ended again, leaving twice is leaving once.
"""

from __future__ import annotations

from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.chassis.projections import CatchUp
from parley.contracts import streams
from parley.contracts.events.identity import UserSuspended
from parley.room.domain.commands import DropSuspendedUser, EndByPolicy, Leave
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import run_membership, run_space
from parley.room.projections.identity import RoomIdentityProjection
from parley.room.projections.participants import ParticipantsProjection
from parley.room.queries.identity import is_suspended
from parley.room.queries.participants import open_spaces_of

NAME = "room_end_spaces_of_suspended_users"


def when_user_suspended_end_their_spaces_and_remove_them(
    deps: RoomDeps, catch_up: CatchUp
) -> Policy[UserSuspended]:
    async def react(suspension: UserSuspended, stored: StoredEvent) -> None:
        await catch_up.wait(RoomIdentityProjection.name, streams.IDENTITY)
        await catch_up.wait(ParticipantsProjection.name, streams.ROOM)
        user_id = suspension.user_id
        async with deps.sessions() as session:
            if not await is_suspended(session, user_id):
                return
            spaces = await open_spaces_of(session, user_id)
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            actor=None,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        for space_id in spaces.hosted:
            ending = EndByPolicy(reason="host_suspended", now=deps.clock())
            await run_space(deps, space_id, ending, metadata)
        for space_id in spaces.joined:
            await run_space(deps, space_id, DropSuspendedUser(user_id), metadata)
            leave = Leave(space_id, user_id, reason="suspended")
            await run_membership(deps, space_id, user_id, leave, metadata)

    return Policy(
        NAME,
        UserSuspended,
        react,
        description="A suspended user's Spaces end, and they leave every other Space they are in",
    )
