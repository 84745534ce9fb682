"""``evolve(state, event) -> state``: how each identity event changes one user."""

from __future__ import annotations

from dataclasses import replace

from parley.contracts.events.identity import (
    ProfileUpdated,
    UserBlocked,
    UserFollowed,
    UserRegistered,
    UserReinstated,
    UserSuspended,
    UserUnblocked,
    UserUnfollowed,
)
from parley.contracts.registry import DomainEvent
from parley.identity.domain.state import User, UserState


class CorruptHistory(RuntimeError):
    """A stream that no sequence of decisions could have produced."""


def evolve(state: UserState, event: DomainEvent) -> UserState:
    if isinstance(event, UserRegistered):
        return User(
            user_id=event.user_id,
            handle=event.handle,
            display_name=event.display_name,
            credential_ref=event.credential_ref,
        )
    if state is None:
        raise CorruptHistory(f"{event.event_type()} before UserRegistered")
    return _evolve_user(state, event)


def _evolve_user(user: User, event: DomainEvent) -> User:
    match event:
        case ProfileUpdated(display_name=display_name, bio=bio):
            return replace(
                user,
                display_name=user.display_name if display_name is None else display_name,
                bio=user.bio if bio is None else bio,
            )
        case UserFollowed(followee_id=followee):
            return replace(user, following=user.following | {followee})
        case UserUnfollowed(followee_id=followee):
            return replace(user, following=user.following - {followee})
        case UserBlocked(blocked_id=blocked):
            return replace(user, blocking=user.blocking | {blocked})
        case UserUnblocked(blocked_id=blocked):
            return replace(user, blocking=user.blocking - {blocked})
        case UserSuspended():
            return replace(user, suspended=True)
        case UserReinstated():
            return replace(user, suspended=False)
        case _:
            return user  # an event type this version does not know changes nothing here
