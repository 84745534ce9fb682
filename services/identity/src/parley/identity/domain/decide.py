"""``decide(command, state) -> events``: every identity rule, as a pure function.

An empty list means "already so": a repeated follow, unfollow, block, unblock, suspend or
reinstate succeeds without a new event, so clients may safely retry.
"""

from __future__ import annotations

from collections.abc import Set
from typing import assert_never

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
from parley.identity.domain.commands import (
    Block,
    Command,
    DropFollowBecauseOfBlock,
    Follow,
    Moderator,
    RegisterUser,
    Reinstate,
    Suspend,
    Target,
    Unblock,
    Unfollow,
    UpdateProfile,
)
from parley.identity.domain.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    UnknownUser,
)
from parley.identity.domain.rules import (
    check_bio,
    check_display_name,
    check_handle,
    check_password,
    handle_key,
    user_id_for,
)
from parley.identity.domain.state import User, UserState


def decide(command: Command, state: UserState) -> list[DomainEvent]:
    match command:
        case RegisterUser():
            return _register(command, state)
        case UpdateProfile():
            return _update_profile(command, _active(state))
        case Follow():
            return _follow(command.target, _active(state))
        case Unfollow():
            return _unfollow(command.target, _active(state))
        case Block():
            return _block(command.target, _active(state))
        case Unblock():
            return _unblock(command.target, _active(state))
        case DropFollowBecauseOfBlock():
            return _drop_follow(command, state)
        case Suspend():
            return _suspend(command, _existing_target(state, command.moderator))
        case Reinstate():
            return _reinstate(command, _existing_target(state, command.moderator))
        case _:
            assert_never(command)


def as_moderator(actor: UserState, moderator_handles: Set[str]) -> Moderator:
    """Moderators are named by handle in configuration; a suspended one loses the power."""
    if actor is None:
        return Moderator(user_id="", is_moderator=False)
    is_moderator = not actor.suspended and handle_key(actor.handle) in moderator_handles
    return Moderator(user_id=actor.user_id, is_moderator=is_moderator)


def _active(state: UserState) -> User:
    """The acting user, who must exist and may not act while suspended."""
    if state is None:
        raise NotAuthenticated("unknown-actor", "the acting user does not exist")
    if state.suspended:
        raise NotAllowed("account-suspended", "this account is suspended")
    return state


def _existing(target: Target) -> Target:
    if not target.exists:
        raise UnknownUser(target.handle or target.user_id)
    return target


def _register(command: RegisterUser, state: UserState) -> list[DomainEvent]:
    handle = check_handle(command.handle)
    display_name = check_display_name(command.display_name)
    check_password(command.password)
    if state is not None:
        raise Conflict("handle-taken", f"the handle {handle!r} is taken")
    return [
        UserRegistered(
            user_id=user_id_for(handle),
            handle=handle,
            display_name=display_name,
            credential_ref=command.credential_ref,
        )
    ]


def _update_profile(command: UpdateProfile, user: User) -> list[DomainEvent]:
    display_name = bio = None
    if command.display_name is not None:
        display_name = check_display_name(command.display_name)
        if display_name == user.display_name:
            display_name = None
    if command.bio is not None:
        bio = check_bio(command.bio)
        if bio == user.bio:
            bio = None
    if display_name is None and bio is None:
        return []
    return [ProfileUpdated(user_id=user.user_id, display_name=display_name, bio=bio)]


def _follow(target: Target, user: User) -> list[DomainEvent]:
    _existing(target)
    if target.user_id == user.user_id:
        raise InvalidInput("cannot-follow-self", "you cannot follow yourself")
    if user.blocks(target.user_id) or target.blocks_actor:
        raise NotAllowed("blocked", "you cannot follow a user when either of you blocked the other")
    if user.follows(target.user_id):
        return []
    return [UserFollowed(follower_id=user.user_id, followee_id=target.user_id)]


def _unfollow(target: Target, user: User) -> list[DomainEvent]:
    _existing(target)
    if not user.follows(target.user_id):
        return []
    return [UserUnfollowed(follower_id=user.user_id, followee_id=target.user_id)]


def _block(target: Target, user: User) -> list[DomainEvent]:
    _existing(target)
    if target.user_id == user.user_id:
        raise InvalidInput("cannot-block-self", "you cannot block yourself")
    if user.blocks(target.user_id):
        return []
    events: list[DomainEvent] = [UserBlocked(blocker_id=user.user_id, blocked_id=target.user_id)]
    if user.follows(target.user_id):
        events.append(
            UserUnfollowed(
                follower_id=user.user_id, followee_id=target.user_id, because_of_block=True
            )
        )
    return events


def _unblock(target: Target, user: User) -> list[DomainEvent]:
    _existing(target)
    if not user.blocks(target.user_id):
        return []
    return [UserUnblocked(blocker_id=user.user_id, blocked_id=target.user_id)]


def _drop_follow(command: DropFollowBecauseOfBlock, state: UserState) -> list[DomainEvent]:
    # Not the user's own action: applies even while they are suspended.
    if state is None or not state.follows(command.blocker_id):
        return []
    return [
        UserUnfollowed(
            follower_id=state.user_id, followee_id=command.blocker_id, because_of_block=True
        )
    ]


def _existing_target(state: UserState, moderator: Moderator) -> User:
    if not moderator.is_moderator:
        raise NotAllowed("not-a-moderator", "only moderators can suspend or reinstate accounts")
    if state is None:
        raise UnknownUser()
    if state.user_id == moderator.user_id:
        raise InvalidInput(
            "cannot-moderate-self", "moderators cannot suspend or reinstate themselves"
        )
    return state


def _suspend(command: Suspend, user: User) -> list[DomainEvent]:
    if user.suspended:
        return []
    return [
        UserSuspended(
            user_id=user.user_id, moderator_id=command.moderator.user_id, reason=command.reason
        )
    ]


def _reinstate(command: Reinstate, user: User) -> list[DomainEvent]:
    if not user.suspended:
        return []
    return [
        UserReinstated(
            user_id=user.user_id, moderator_id=command.moderator.user_id, reason=command.reason
        )
    ]
