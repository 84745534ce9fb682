"""What every room handler shares: the deciders, loading a Space and the facts about the
people a command names, running commands, answering with the actor's view."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from uuid import uuid4

from parley.chassis.bus import RequestContext, require_actor
from parley.chassis.decider import Decider, Outcome, execute, load_state
from parley.chassis.event_store import EventMetadata
from parley.contracts.api.room import SpaceView
from parley.contracts.events.room import membership_id
from parley.room.domain.commands import Actor, MembershipCommand, SpaceCommand, Target
from parley.room.domain.decide import decide
from parley.room.domain.errors import NotFound, space_not_found
from parley.room.domain.evolve import evolve, evolve_membership
from parley.room.domain.membership import decide_membership
from parley.room.domain.rules import is_valid_id
from parley.room.domain.state import NOT_JOINED, Membership, Space, SpaceState
from parley.room.handlers.dependencies import RoomDeps
from parley.room.projections.participants import ParticipantsProjection
from parley.room.queries.identity import IdentityFacts, identity_facts, user_cards
from parley.room.queries.participants import listener_count
from parley.room.queries.read_cache import IDENTITY, PARTICIPANTS, REMINDERS
from parley.room.queries.reminders import Reminders, reminders_of
from parley.room.views import UserCard, Viewer, people_shown, render_space

space_decider: Decider[SpaceCommand, SpaceState] = Decider(
    initial_state=None, decide=decide, evolve=evolve
)
membership_decider: Decider[MembershipCommand, Membership] = Decider(
    initial_state=NOT_JOINED, decide=decide_membership, evolve=evolve_membership
)


def new_space_id(command_id: str | None = None) -> str:
    """A new Space's id; made from the command's id when it has one, so that the command run
    again (its first attempt's replica died before the outcome was stored) finds the Space it
    made instead of making a second one."""
    if command_id is None:
        return f"sp_{uuid4().hex[:20]}"
    return f"sp_{hashlib.sha256(command_id.encode()).hexdigest()[:20]}"


def named_user(user_id: str) -> str:
    """A user id from a request (a payload's, or the signed-in actor's); ids become NATS
    subject tokens, so one that no user can have is simply an unknown user."""
    if not is_valid_id(user_id):
        raise NotFound("user-not-found", "no such user")
    return user_id


async def load_space(deps: RoomDeps, space_id: str) -> tuple[Space, int]:
    if not is_valid_id(space_id):
        raise space_not_found()
    state, version = await load_state(deps.store, space_decider, space_id, deps.cache)
    if state is None:
        raise space_not_found()
    return state, version


async def is_joined(deps: RoomDeps, space_id: str, user_id: str) -> bool:
    aggregate = membership_id(space_id, user_id)
    membership, _ = await load_state(deps.store, membership_decider, aggregate, deps.cache)
    return membership.joined


async def facts_about(
    deps: RoomDeps, user_id: str, host_id: str, *, keep: bool = True
) -> IdentityFacts:
    """``keep=False`` for a read unlikely to come again soon (a listener's join: each user
    joins once, and keeping the facts of every listener costs memory and saves nothing)."""

    async def read() -> IdentityFacts:
        async with deps.sessions() as session:
            return await identity_facts(session, user_id, host_id)

    if not keep:
        return await read()
    return await deps.reads.get(("facts", user_id, host_id), IDENTITY, read)


async def actor_facts(deps: RoomDeps, space: Space, user_id: str, *, keep: bool = True) -> Actor:
    facts = await facts_about(deps, user_id, space.host_id, keep=keep)
    return Actor(
        user_id=user_id,
        joined=await is_joined(deps, space.space_id, user_id),
        suspended=facts.suspended,
        blocked_by_host=facts.blocked_by_host,
        followed_by_host=facts.followed_by_host,
    )


async def target_facts(deps: RoomDeps, space: Space, user_id: str) -> Target:
    facts = await facts_about(deps, user_id, space.host_id)
    return Target(
        user_id=user_id,
        known=facts.known,
        joined=await is_joined(deps, space.space_id, user_id),
        suspended=facts.suspended,
        blocked_by_host=facts.blocked_by_host,
    )


async def run_space(
    deps: RoomDeps, space_id: str, command: SpaceCommand, metadata: EventMetadata
) -> Outcome[SpaceState]:
    """Load the Space, decide, append; again on a concurrent change."""
    return await execute(deps.store, space_decider, space_id, command, metadata, cache=deps.cache)


async def run_membership(
    deps: RoomDeps, space_id: str, user_id: str, command: MembershipCommand, metadata: EventMetadata
) -> Outcome[Membership]:
    """Join or leave; answers once who-is-where (``room_participants``) reflects it, so the
    caller's next request (a reaction, a listener count) may count on it."""
    aggregate = membership_id(space_id, user_id)
    outcome = await execute(
        deps.store, membership_decider, aggregate, command, metadata, cache=deps.cache
    )
    if outcome.new_events and deps.positions is not None:
        # Gives up after a while (False): the change itself did succeed.
        await deps.positions.wait(ParticipantsProjection.name, outcome.version, timeout=2.0)
    return outcome


async def view_for(deps: RoomDeps, space: SpaceState, version: int, viewer: Viewer) -> SpaceView:
    if space is None:
        raise space_not_found()
    users = await cards_of(deps, frozenset(people_shown(space)))
    listeners = await listeners_in(deps, space.space_id)
    reminded = await reminders_for(deps, space, viewer.user_id)
    return render_space(
        space,
        version,
        viewer=viewer,
        users=users,
        listener_count=listeners,
        public_url=deps.public_url,
        reminder_count=reminded.count,
        reminded=reminded.reminded,
    )


async def reminders_for(deps: RoomDeps, space: Space, user_id: str | None) -> Reminders:
    """Scheduling's reminders of a Space that was scheduled (room's read model of them)."""
    if space.scheduled_start is None:
        return Reminders()

    async def read() -> Reminders:
        async with deps.sessions() as session:
            return await reminders_of(session, space.space_id, user_id)

    return await deps.reads.get(("reminders", space.space_id, user_id), REMINDERS, read)


async def cards_of(deps: RoomDeps, user_ids: frozenset[str]) -> dict[str, UserCard]:
    async def read() -> dict[str, UserCard]:
        async with deps.sessions() as session:
            return await user_cards(session, user_ids)

    return await deps.reads.get(("cards", user_ids), IDENTITY, read)


async def listeners_in(deps: RoomDeps, space_id: str) -> int:
    async def read() -> int:
        async with deps.sessions() as session:
            return await listener_count(session, space_id)

    return await deps.reads.get(("listeners", space_id), PARTICIPANTS, read)


async def act(
    deps: RoomDeps,
    space_id: str,
    ctx: RequestContext,
    command_for: Callable[[Actor], SpaceCommand],
) -> SpaceView:
    """The common shape: the actor does something to a Space; they see the result."""
    actor_id = named_user(require_actor(ctx, "change a Space"))
    space, _ = await load_space(deps, space_id)
    actor = await actor_facts(deps, space, actor_id)
    outcome = await run_space(deps, space.space_id, command_for(actor), ctx.event_metadata())
    return await view_for(deps, outcome.state, outcome.version, Viewer(actor_id, actor.joined))


async def act_on(
    deps: RoomDeps,
    space_id: str,
    user_id: str,
    ctx: RequestContext,
    command_for: Callable[[Actor, Target], SpaceCommand],
) -> tuple[SpaceView, Target]:
    """The actor does something to another user in a Space."""
    actor_id = named_user(require_actor(ctx, "change a Space"))
    space, _ = await load_space(deps, space_id)
    actor = await actor_facts(deps, space, actor_id)
    target = await target_facts(deps, space, named_user(user_id))
    outcome = await run_space(
        deps, space.space_id, command_for(actor, target), ctx.event_metadata()
    )
    view = await view_for(deps, outcome.state, outcome.version, Viewer(actor_id, actor.joined))
    return view, target
