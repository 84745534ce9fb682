"""The identity decider, rule by rule, without any I/O."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

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
from parley.identity.domain.decide import as_moderator, decide
from parley.identity.domain.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    Rejected,
    UnknownUser,
)
from parley.identity.domain.evolve import evolve
from parley.identity.domain.rules import user_id_for
from parley.identity.domain.state import User, UserState

PASSWORD = "correct horse"


def register(handle: str, display_name: str = "Someone", password: str = PASSWORD) -> Command:
    return RegisterUser(
        handle=handle, display_name=display_name, credential_ref="cred_1", password=password
    )


def given(*events: DomainEvent) -> UserState:
    state: UserState = None
    for event in events:
        state = evolve(state, event)
    return state


def then(command: Command, state: UserState) -> list[DomainEvent]:
    """Decide, and check the events really apply to the state (evolve accepts them)."""
    events = decide(command, state)
    for event in events:
        state = evolve(state, event)
    return events


def rejected(command: Command, state: UserState) -> Rejected:
    with pytest.raises(Rejected) as refusal:
        decide(command, state)
    return refusal.value


def registered(handle: str) -> UserRegistered:
    return UserRegistered(
        user_id=user_id_for(handle), handle=handle, display_name=handle.title(), credential_ref="c"
    )


ALICE, BOB = user_id_for("alice"), user_id_for("bob")
alice = given(registered("alice"))


def bob(*, blocks_actor: bool = False) -> Target:
    return Target(BOB, "bob", blocks_actor=blocks_actor)


def nobody() -> Target:
    return Target(user_id_for("ghost"), "ghost", exists=False)


def suspended() -> UserState:
    return given(registered("alice"), UserSuspended(user_id=ALICE, moderator_id="usr_mod"))


# -- register ------------------------------------------------------------------------------


def test_register_records_the_handle_as_typed_under_the_case_insensitive_id() -> None:
    events = then(register("Alice_1", " Alice "), None)
    assert events == [
        UserRegistered(
            user_id=user_id_for("alice_1"),
            handle="Alice_1",
            display_name="Alice",
            credential_ref="cred_1",
        )
    ]


@pytest.mark.parametrize("handle", ["abc", "x" * 15])
def test_register_accepts_handles_of_3_and_15_characters(handle: str) -> None:
    assert len(then(register(handle), None)) == 1


@pytest.mark.parametrize("handle", ["ab", "x" * 16, "bad-char", "sp ace", "ünï"])
def test_register_refuses_bad_handles(handle: str) -> None:
    refusal = rejected(register(handle), None)
    assert isinstance(refusal, InvalidInput)
    assert refusal.slug == "invalid-handle"


def test_a_taken_handle_is_taken_in_any_case() -> None:
    for variant in ("alice", "ALICE", "aLiCe"):
        refusal = rejected(register(variant), alice)
        assert isinstance(refusal, Conflict)
        assert refusal.slug == "handle-taken"


def test_password_of_7_is_refused_and_8_accepted() -> None:
    refusal = rejected(register("carol", password="1234567"), None)
    assert isinstance(refusal, InvalidInput)
    assert refusal.slug == "password-too-short"
    assert len(then(register("carol", password="12345678"), None)) == 1


@pytest.mark.parametrize(
    ("name", "accepted"),
    [("", False), ("A", True), ("n" * 50, True), ("n" * 51, False), ("   ", False)],
)
def test_display_name_length_edges(name: str, accepted: bool) -> None:
    if accepted:
        assert len(then(register("carol", name), None)) == 1
    else:
        assert rejected(register("carol", name), None).slug == "invalid-display-name"


def test_the_password_is_not_in_the_command_repr_nor_the_event() -> None:
    command = register("carol", password="s3cret-password")
    assert "s3cret" not in repr(command)
    assert "s3cret" not in then(command, None)[0].model_dump_json()


# -- profile ---------------------------------------------------------------------------------


def test_update_profile_records_only_what_changed() -> None:
    events = then(UpdateProfile(display_name="Alice", bio="  hi  "), alice)
    assert events == [ProfileUpdated(user_id=ALICE, display_name=None, bio="hi")]
    assert then(UpdateProfile(display_name="Al"), alice) == [
        ProfileUpdated(user_id=ALICE, display_name="Al", bio=None)
    ]


def test_update_profile_without_changes_records_nothing() -> None:
    assert then(UpdateProfile(), alice) == []
    assert then(UpdateProfile(display_name=" Alice "), alice) == []
    bio_set = given(registered("alice"), ProfileUpdated(user_id=ALICE, bio="hi"))
    assert then(UpdateProfile(bio="hi"), bio_set) == []


def test_update_profile_checks_display_name_and_bio() -> None:
    assert rejected(UpdateProfile(display_name=""), alice).slug == "invalid-display-name"
    assert rejected(UpdateProfile(display_name="n" * 51), alice).slug == "invalid-display-name"
    assert rejected(UpdateProfile(bio="b" * 161), alice).slug == "bio-too-long"
    assert then(UpdateProfile(bio="b" * 160), alice) != []


def test_clearing_the_bio_is_a_change() -> None:
    bio_set = given(registered("alice"), ProfileUpdated(user_id=ALICE, bio="hi"))
    assert then(UpdateProfile(bio=""), bio_set) == [ProfileUpdated(user_id=ALICE, bio="")]


# -- follow / unfollow ---------------------------------------------------------------------


def test_follow() -> None:
    assert then(Follow(bob()), alice) == [UserFollowed(follower_id=ALICE, followee_id=BOB)]


def test_follow_twice_is_idempotent() -> None:
    following = given(registered("alice"), UserFollowed(follower_id=ALICE, followee_id=BOB))
    assert then(Follow(bob()), following) == []


def test_cannot_follow_self() -> None:
    refusal = rejected(Follow(Target(ALICE, "alice")), alice)
    assert isinstance(refusal, InvalidInput)
    assert refusal.slug == "cannot-follow-self"


def test_cannot_follow_unknown_user() -> None:
    refusal = rejected(Follow(nobody()), alice)
    assert isinstance(refusal, UnknownUser)
    assert refusal.slug == "user-not-found"


def test_cannot_follow_someone_who_blocked_you() -> None:
    refusal = rejected(Follow(bob(blocks_actor=True)), alice)
    assert isinstance(refusal, NotAllowed)
    assert refusal.slug == "blocked"


def test_cannot_follow_someone_you_blocked() -> None:
    blocking = given(registered("alice"), UserBlocked(blocker_id=ALICE, blocked_id=BOB))
    refusal = rejected(Follow(bob()), blocking)
    assert isinstance(refusal, NotAllowed)
    assert refusal.slug == "blocked"


def test_can_follow_again_after_unblocking() -> None:
    unblocked = given(
        registered("alice"),
        UserBlocked(blocker_id=ALICE, blocked_id=BOB),
        UserUnblocked(blocker_id=ALICE, blocked_id=BOB),
    )
    assert then(Follow(bob()), unblocked) == [UserFollowed(follower_id=ALICE, followee_id=BOB)]


def test_unfollow() -> None:
    following = given(registered("alice"), UserFollowed(follower_id=ALICE, followee_id=BOB))
    assert then(Unfollow(bob()), following) == [UserUnfollowed(follower_id=ALICE, followee_id=BOB)]


def test_unfollow_when_not_following_is_idempotent() -> None:
    assert then(Unfollow(bob()), alice) == []
    unfollowed = given(
        registered("alice"),
        UserFollowed(follower_id=ALICE, followee_id=BOB),
        UserUnfollowed(follower_id=ALICE, followee_id=BOB),
    )
    assert then(Unfollow(bob()), unfollowed) == []


def test_unfollow_unknown_user() -> None:
    assert isinstance(rejected(Unfollow(nobody()), alice), UnknownUser)


# -- block / unblock -----------------------------------------------------------------------


def test_block_someone_not_followed() -> None:
    assert then(Block(bob()), alice) == [UserBlocked(blocker_id=ALICE, blocked_id=BOB)]


def test_block_ends_your_own_follow_in_the_same_decision() -> None:
    following = given(registered("alice"), UserFollowed(follower_id=ALICE, followee_id=BOB))
    assert then(Block(bob()), following) == [
        UserBlocked(blocker_id=ALICE, blocked_id=BOB),
        UserUnfollowed(follower_id=ALICE, followee_id=BOB, because_of_block=True),
    ]


def test_block_twice_is_idempotent() -> None:
    blocking = given(registered("alice"), UserBlocked(blocker_id=ALICE, blocked_id=BOB))
    assert then(Block(bob()), blocking) == []


def test_block_someone_who_blocked_you_is_allowed() -> None:
    assert then(Block(bob(blocks_actor=True)), alice) == [
        UserBlocked(blocker_id=ALICE, blocked_id=BOB)
    ]


def test_cannot_block_self_nor_unknown() -> None:
    refusal = rejected(Block(Target(ALICE, "alice")), alice)
    assert isinstance(refusal, InvalidInput)
    assert refusal.slug == "cannot-block-self"
    assert isinstance(rejected(Block(nobody()), alice), UnknownUser)


def test_unblock_and_unblock_twice() -> None:
    blocking = given(registered("alice"), UserBlocked(blocker_id=ALICE, blocked_id=BOB))
    assert then(Unblock(bob()), blocking) == [UserUnblocked(blocker_id=ALICE, blocked_id=BOB)]
    assert then(Unblock(bob()), alice) == []


def test_the_blocked_users_follow_of_the_blocker_ends() -> None:
    bob_follows_alice = given(registered("bob"), UserFollowed(follower_id=BOB, followee_id=ALICE))
    assert then(DropFollowBecauseOfBlock(blocker_id=ALICE), bob_follows_alice) == [
        UserUnfollowed(follower_id=BOB, followee_id=ALICE, because_of_block=True)
    ]


def test_ending_the_blocked_users_follow_is_idempotent_even_when_they_are_suspended() -> None:
    bob = given(registered("bob"))
    assert then(DropFollowBecauseOfBlock(blocker_id=ALICE), bob) == []
    assert then(DropFollowBecauseOfBlock(blocker_id=ALICE), None) == []
    bob_suspended = given(
        registered("bob"),
        UserFollowed(follower_id=BOB, followee_id=ALICE),
        UserSuspended(user_id=BOB, moderator_id="usr_mod"),
    )
    assert len(then(DropFollowBecauseOfBlock(blocker_id=ALICE), bob_suspended)) == 1


# -- the acting user -------------------------------------------------------------------------


ACTOR_COMMANDS: Sequence[Command] = (
    UpdateProfile(display_name="New"),
    Follow(Target(BOB, "bob")),
    Unfollow(Target(BOB, "bob")),
    Block(Target(BOB, "bob")),
    Unblock(Target(BOB, "bob")),
)


@pytest.mark.parametrize("command", ACTOR_COMMANDS, ids=lambda c: type(c).__name__)
def test_a_suspended_user_can_change_nothing(command: Command) -> None:
    refusal = rejected(command, suspended())
    assert isinstance(refusal, NotAllowed)
    assert refusal.slug == "account-suspended"


@pytest.mark.parametrize("command", ACTOR_COMMANDS, ids=lambda c: type(c).__name__)
def test_an_unknown_actor_is_not_authenticated(command: Command) -> None:
    assert isinstance(rejected(command, None), NotAuthenticated)


def test_a_reinstated_user_can_act_again() -> None:
    reinstated = given(
        registered("alice"),
        UserSuspended(user_id=ALICE, moderator_id="usr_mod"),
        UserReinstated(user_id=ALICE, moderator_id="usr_mod"),
    )
    assert then(Follow(bob()), reinstated) == [UserFollowed(follower_id=ALICE, followee_id=BOB)]


# -- moderation ------------------------------------------------------------------------------

MOD = Moderator(user_id="usr_mod", is_moderator=True)
NOT_MOD = Moderator(user_id=BOB, is_moderator=False)


def test_a_moderator_suspends_with_a_reason() -> None:
    assert then(Suspend(MOD, reason="spam"), alice) == [
        UserSuspended(user_id=ALICE, moderator_id="usr_mod", reason="spam")
    ]


def test_suspending_twice_is_idempotent() -> None:
    assert then(Suspend(MOD), suspended()) == []


def test_a_moderator_reinstates_and_reinstating_twice_is_idempotent() -> None:
    assert then(Reinstate(MOD, reason="appeal"), suspended()) == [
        UserReinstated(user_id=ALICE, moderator_id="usr_mod", reason="appeal")
    ]
    assert then(Reinstate(MOD), alice) == []


@pytest.mark.parametrize("command", [Suspend(NOT_MOD), Reinstate(NOT_MOD)])
def test_only_moderators_suspend_or_reinstate(command: Command) -> None:
    refusal = rejected(command, suspended() if isinstance(command, Reinstate) else alice)
    assert isinstance(refusal, NotAllowed)
    assert refusal.slug == "not-a-moderator"


def test_non_moderators_cannot_probe_for_unknown_users_and_moderators_get_404() -> None:
    assert rejected(Suspend(NOT_MOD), None).slug == "not-a-moderator"
    assert isinstance(rejected(Suspend(MOD), None), UnknownUser)


def test_moderators_cannot_moderate_themselves() -> None:
    refusal = rejected(Suspend(Moderator(user_id=ALICE, is_moderator=True)), alice)
    assert refusal.slug == "cannot-moderate-self"


def test_moderators_are_named_by_handle_in_any_case_and_lose_power_while_suspended() -> None:
    moderators = frozenset({"alice"})
    capital = given(
        UserRegistered(user_id=ALICE, handle="ALICE", display_name="A", credential_ref="c")
    )
    assert as_moderator(capital, moderators) == Moderator(user_id=ALICE, is_moderator=True)
    assert not as_moderator(given(registered("bob")), moderators).is_moderator
    assert not as_moderator(suspended(), moderators).is_moderator
    assert not as_moderator(None, moderators).is_moderator


# -- evolve ----------------------------------------------------------------------------------


def test_state_is_the_fold_of_the_events() -> None:
    state = given(
        registered("alice"),
        ProfileUpdated(user_id=ALICE, display_name="Al", bio="hi"),
        ProfileUpdated(user_id=ALICE, bio="there"),
        UserFollowed(follower_id=ALICE, followee_id=BOB),
        UserFollowed(follower_id=ALICE, followee_id="usr_c"),
        UserUnfollowed(follower_id=ALICE, followee_id="usr_c"),
        UserBlocked(blocker_id=ALICE, blocked_id="usr_d"),
        UserSuspended(user_id=ALICE, moderator_id="usr_mod"),
    )
    assert state == User(
        user_id=ALICE,
        handle="alice",
        display_name="Al",
        credential_ref="c",
        bio="there",
        suspended=True,
        following=frozenset({BOB}),
        blocking=frozenset({"usr_d"}),
    )
