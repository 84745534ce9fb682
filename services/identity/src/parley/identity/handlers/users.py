"""What every identity handler shares: the user decider, loading users, answering with views."""

from __future__ import annotations

from dataclasses import replace

from parley.chassis.bus import RequestContext
from parley.chassis.decider import Decider, Outcome, execute, load_state
from parley.chassis.event_store import EventMetadata
from parley.contracts.api.identity import UserView
from parley.identity.domain.commands import Command, Target
from parley.identity.domain.decide import decide
from parley.identity.domain.errors import UnknownUser
from parley.identity.domain.evolve import evolve
from parley.identity.domain.rules import handle_key, is_valid_handle, user_id_for
from parley.identity.domain.state import User, UserState
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.queries.views import user_view

user_decider: Decider[Command, UserState] = Decider(
    initial_state=None, decide=decide, evolve=evolve
)


def metadata_as(ctx: RequestContext, actor: str) -> EventMetadata:
    return replace(ctx.event_metadata(), actor=actor)


async def load_user(deps: IdentityDeps, user_id: str) -> UserState:
    state, _ = await load_state(deps.store, user_decider, user_id, deps.cache)
    return state


async def load_user_by_handle(deps: IdentityDeps, handle: str) -> UserState:
    if not is_valid_handle(handle):
        return None
    return await load_user(deps, user_id_for(handle))


def user_id_of(handle: str) -> str:
    """The id of the user named by ``handle``; a string that cannot be a handle names nobody."""
    if not is_valid_handle(handle):
        raise UnknownUser(handle)
    return user_id_for(handle)


async def load_target(deps: IdentityDeps, handle: str, actor_id: str) -> Target:
    """Facts about the user named by ``handle`` that the actor's decision depends on."""
    user = await load_user_by_handle(deps, handle)
    if user is None:
        return Target(user_id=user_id_for(handle), handle=handle, exists=False)
    return Target(
        user_id=user.user_id,
        handle=user.handle,
        blocks_actor=user.blocks(actor_id),
    )


async def run(
    deps: IdentityDeps, user_id: str, command: Command, metadata: EventMetadata
) -> Outcome[UserState]:
    """Load the user, decide, append; again on a concurrent change."""
    return await execute(deps.store, user_decider, user_id, command, metadata, cache=deps.cache)


def is_moderator(deps: IdentityDeps, user: User) -> bool:
    return handle_key(user.handle) in deps.moderator_handles


def issue_token(deps: IdentityDeps, user: User) -> str:
    return deps.tokens.issue(user.user_id, user.handle, moderator=is_moderator(deps, user))


async def wait_for_read_models(deps: IdentityDeps, position: int) -> None:
    """Until the read models include stream sequence ``position`` (or the timeout passed)."""
    for read_model in deps.read_models:
        await deps.positions.wait(read_model, position, deps.read_timeout_s)


async def view_after(
    deps: IdentityDeps,
    position: int,
    user_id: str,
    viewer_id: str | None,
    fallback: UserState = None,
) -> UserView:
    """``user_id`` as ``viewer_id`` sees it, once the read models include stream sequence
    ``position`` (the caller's own write). If they lag beyond the timeout, the aggregate's
    state (``fallback``) answers rather than failing a command that did succeed."""
    await wait_for_read_models(deps, position)
    async with deps.sessions() as session:
        view = await user_view(session, user_id, viewer_id)
    if view is not None:
        return view
    if fallback is None:
        raise UnknownUser()
    return UserView(
        id=fallback.user_id,
        handle=fallback.handle,
        display_name=fallback.display_name,
        bio=fallback.bio,
        suspended=fallback.suspended,
    )
