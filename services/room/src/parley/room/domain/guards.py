"""The checks most Space rules start with, in the order they apply: the Space exists, it has
not ended, the actor is not suspended, then what their role allows."""

from __future__ import annotations

from parley.room.domain.commands import Actor
from parley.room.domain.errors import Conflict, NotAllowed, space_ended, space_not_found
from parley.room.domain.state import Space, SpaceState


def open_space(state: SpaceState) -> Space:
    """A Space that exists and has not ended: every command on an ended Space is a conflict."""
    if state is None:
        raise space_not_found()
    if state.ended:
        raise space_ended()
    return state


def active(actor: Actor) -> Actor:
    """A suspended user cannot host, speak or join: nothing but leaving."""
    if actor.suspended:
        raise NotAllowed("account-suspended", "this account is suspended")
    return actor


def live(space: Space) -> Space:
    if space.phase != "live":
        raise Conflict("space-not-live", "this Space is not live")
    return space


def host_only(space: Space, actor: Actor) -> None:
    if not space.is_host(actor.user_id):
        raise NotAllowed("host-only", "only the host can do this")


def host_or_cohost(space: Space, actor: Actor) -> None:
    if not space.is_moderator(actor.user_id):
        raise NotAllowed("host-or-cohost-only", "only the host and co-hosts can do this")


def not_removed(space: Space, user_id: str) -> None:
    if space.is_removed(user_id):
        raise NotAllowed("removed-from-space", "removed from this Space: no rejoining")


def not_blocked(actor_blocked_by_host: bool) -> None:
    if actor_blocked_by_host:
        raise NotAllowed("blocked-by-host", "the host of this Space blocked this account")


def may_act_on(space: Space, actor: Actor, user_id: str) -> None:
    """Nobody acts on the host's role; co-hosts do not act on each other's."""
    if space.is_host(user_id):
        raise NotAllowed("cannot-act-on-host", "nobody can do this to the host")
    host_or_cohost(space, actor)
    if user_id != actor.user_id and space.is_cohost(actor.user_id) and space.is_cohost(user_id):
        raise NotAllowed("cannot-act-on-cohost", "co-hosts cannot do this to each other")
