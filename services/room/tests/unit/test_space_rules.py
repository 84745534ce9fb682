"""The Space decider, rule by rule, without any I/O (limits, policies, lifecycle, timers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from room_unit_spaces import (
    COHOST,
    COHOST_2,
    HOST,
    LISTENER,
    LISTENER_2,
    NEWCOMER,
    NOW,
    SPACE,
    SPEAKER,
    cohost,
    created,
    given,
    invited,
    pinned,
    requested,
    space,
    speaker,
    started,
)

from parley.contracts.events.room import (
    CaptionsToggled,
    ClippingDisabled,
    ClippingEnabled,
    CohostAdded,
    HostDisconnected,
    HostReconnected,
    MovedToAudience,
    ParticipantRemoved,
    PostPinned,
    SpaceCreated,
    SpaceEnded,
    SpaceStarted,
    SpaceUpdated,
    SpeakerMuted,
    SpeakerPromoted,
    SpeakerRequested,
    SpeakerRequestWithdrawn,
    SpeakerUnmuted,
    StageInvitationDeclined,
    StageInvitationSent,
)
from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import (
    AcceptInvitation,
    AcceptSpeakerRequest,
    Actor,
    CreateSpace,
    DropSuspendedUser,
    EndByPolicy,
    EndIfHostStillAway,
    EndSpace,
    InviteToStage,
    LeaveSpace,
    MoveToAudience,
    MuteAll,
    MuteSpeaker,
    PinPost,
    RemoveParticipant,
    RequestToSpeak,
    SetHostPresence,
    SetMyMic,
    SpaceCommand,
    StartSpace,
    Target,
    UnpinPost,
    UpdateSpace,
)
from parley.room.domain.decide import decide
from parley.room.domain.errors import Rejected
from parley.room.domain.rules import MAX_SPEAKERS
from parley.room.domain.state import Settings, SpaceState

HOST_ACTOR = Actor(HOST, joined=True)
COHOST_ACTOR = Actor(COHOST, joined=True)
LISTENER_ACTOR = Actor(LISTENER, joined=True)


def refused(command: SpaceCommand, state: SpaceState) -> str:
    with pytest.raises(Rejected) as refusal:
        decide(command, state)
    return refusal.value.slug


def create(**fields: object) -> CreateSpace:
    values: dict[str, object] = {"space_id": SPACE, "host": Actor(HOST), "title": "Talk"}
    return CreateSpace(**(values | {"now": NOW} | fields))  # type: ignore[arg-type]


def full_stage() -> list[DomainEvent]:
    return [speaker(f"usr_s{n}") for n in range(MAX_SPEAKERS)]


# -- creating and editing ---------------------------------------------------------------------


def test_create_cleans_title_description_and_topics() -> None:
    command = create(
        title="  Python  ",
        description=" all about it ",
        topics=(" Python", "ASYNC", "python", "nats "),
        settings=Settings(speak_policy="followed", recording=True, max_listeners=50),
    )
    (event,) = decide(command, None)
    assert isinstance(event, SpaceCreated)
    assert (event.title, event.description, event.topics) == (
        "Python",
        "all about it",
        ["python", "async", "nats"],
    )
    assert (event.settings.speak_policy, event.settings.recording) == ("followed", True)
    assert event.settings.max_listeners == 50
    state = space(event)
    assert (state.phase, state.host_muted) == ("created", True)
    assert state.topics == ("python", "async", "nats")


@pytest.mark.parametrize(
    ("fields", "slug"),
    [
        ({"title": ""}, "invalid-title"),
        ({"title": "   "}, "invalid-title"),
        ({"title": "x" * 71}, "invalid-title"),
        ({"title": "tab\there"}, "invalid-title"),
        ({"description": "x" * 281}, "invalid-description"),
        ({"topics": ("a", "b", "c", "d")}, "invalid-topics"),
        ({"topics": ("x" * 31,)}, "invalid-topics"),
        ({"topics": ("",)}, "invalid-topics"),
        ({"host": Actor(HOST, suspended=True)}, "account-suspended"),
    ],
)
def test_create_refuses_bad_input(fields: dict[str, object], slug: str) -> None:
    assert refused(create(**fields), None) == slug


def test_limits_are_inclusive() -> None:
    command = create(title="x" * 70, description="y" * 280, topics=("z" * 30, "a", "b"))
    assert decide(command, None)


def test_a_space_is_created_once() -> None:
    assert refused(create(), given(*created())) == "space-exists"


def test_before_going_live_everything_can_be_edited_after_only_the_title() -> None:
    command = UpdateSpace(HOST_ACTOR, title="New", description="More", topics=("Go",))
    (update,) = decide(command, given(*created()))
    assert update == SpaceUpdated(
        space_id=SPACE, by=HOST, title="New", description="More", topics=["go"]
    )
    assert refused(command, given(*started())) == "only-title-while-live"
    assert decide(replace(command, description=None, topics=None), given(*started()))


def test_an_edit_that_changes_nothing_appends_nothing() -> None:
    same = UpdateSpace(HOST_ACTOR, title=" Talk ", description="", topics=(), captions=False)
    assert decide(same, given(*started())) == []


def test_captions_toggle_any_time_clipping_off_and_on_again() -> None:
    live = given(*started(), cohost(COHOST))
    (captions,) = decide(UpdateSpace(COHOST_ACTOR, captions=True), live)
    assert captions == CaptionsToggled(space_id=SPACE, by=COHOST, enabled=True)
    (off,) = decide(UpdateSpace(HOST_ACTOR, clipping=False), live)
    assert isinstance(off, ClippingDisabled)
    (on,) = decide(UpdateSpace(HOST_ACTOR, clipping=True), given(off, state=live))
    assert isinstance(on, ClippingEnabled)
    assert space(*started(), off).settings.clipping is False


def test_start_makes_it_live_with_the_host_on_stage_muted() -> None:
    (event,) = decide(StartSpace(HOST_ACTOR, NOW), given(*created()))
    assert event == SpaceStarted(space_id=SPACE, host_id=HOST, started_at=NOW)
    live = space(*created(), event)
    assert (live.phase, live.started_at, live.is_muted(HOST)) == ("live", NOW, True)


def test_end_records_who_why_and_when() -> None:
    (event,) = decide(EndSpace(HOST_ACTOR, NOW), given(*started()))
    assert event == SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended", ended_at=NOW)
    ended = space(*started(), event)
    assert (ended.phase, ended.ended_at, ended.end_reason) == ("ended", NOW, "host_ended")


def test_the_host_may_end_a_space_never_started() -> None:
    assert decide(EndSpace(HOST_ACTOR, NOW), given(*created()))


def test_commands_on_an_unknown_space_are_not_found() -> None:
    assert refused(StartSpace(HOST_ACTOR, NOW), None) == "space-not-found"


# -- asking to speak ----------------------------------------------------------------------------


def test_who_may_ask_follows_the_speak_policy() -> None:
    followed = given(*started(speak_policy="followed"))
    assert refused(RequestToSpeak(LISTENER_ACTOR), followed) == "speaking-not-allowed"
    assert decide(RequestToSpeak(replace(LISTENER_ACTOR, followed_by_host=True)), followed)
    invited_only = given(*started(speak_policy="invited"))
    fan = replace(LISTENER_ACTOR, followed_by_host=True)
    assert refused(RequestToSpeak(fan), invited_only) == "speaking-not-allowed"
    assert decide(RequestToSpeak(LISTENER_ACTOR), given(*started())) == [
        SpeakerRequested(space_id=SPACE, user_id=LISTENER)
    ]


def test_asking_twice_is_asking_once_and_only_while_live() -> None:
    assert decide(RequestToSpeak(LISTENER_ACTOR), given(*started(), requested(LISTENER))) == []
    joined_early = given(*created())
    assert refused(RequestToSpeak(LISTENER_ACTOR), joined_early) == "space-not-live"


def test_accepting_makes_a_muted_speaker_and_clears_the_request() -> None:
    live = given(*started(), requested(LISTENER))
    target = Target(LISTENER, joined=True)
    (event,) = decide(AcceptSpeakerRequest(HOST_ACTOR, target), live)
    assert event == SpeakerPromoted(space_id=SPACE, user_id=LISTENER, by=HOST, via="request")
    after = space(*started(), requested(LISTENER), event)
    assert (after.is_speaker(LISTENER), after.is_muted(LISTENER), after.requests) == (
        True,
        True,
        (),
    )


def test_accepting_needs_a_pending_request_and_room_on_stage() -> None:
    target = Target(LISTENER, joined=True)
    assert refused(AcceptSpeakerRequest(HOST_ACTOR, target), given(*started())) == (
        "no-speaker-request"
    )
    crowded = given(*started(), *full_stage(), requested(LISTENER))
    assert refused(AcceptSpeakerRequest(HOST_ACTOR, target), crowded) == "stage-full"
    suspended = replace(target, suspended=True)
    live = given(*started(), requested(LISTENER))
    assert refused(AcceptSpeakerRequest(HOST_ACTOR, suspended), live) == "user-suspended"


# -- invitations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "slug"),
    [
        (Target(NEWCOMER, known=False), "user-not-found"),
        (Target(HOST), "cannot-invite-self"),
        (Target(NEWCOMER, blocked_by_host=True), "blocked-by-host"),
        (Target(NEWCOMER, suspended=True), "user-suspended"),
        (Target("usr_gone"), "removed-from-space"),
        (Target(SPEAKER, joined=True), "already-on-stage"),
    ],
)
def test_who_cannot_be_invited(target: Target, slug: str) -> None:
    live = given(
        *started(),
        speaker(SPEAKER),
        ParticipantRemoved(space_id=SPACE, user_id="usr_gone", by=HOST),
    )
    assert refused(InviteToStage(HOST_ACTOR, target, "speaker"), live) == slug


def test_invitations_respect_the_stage_limits() -> None:
    crowded = given(*started(), *full_stage())
    assert refused(InviteToStage(HOST_ACTOR, Target(NEWCOMER), "speaker"), crowded) == "stage-full"
    two_cohosts = given(*started(), cohost(COHOST), cohost(COHOST_2))
    invite = InviteToStage(HOST_ACTOR, Target(NEWCOMER), "cohost")
    assert refused(invite, two_cohosts) == "cohosts-full"
    # The stage filled up between the invitation and its acceptance.
    pending = given(*started(), invited(NEWCOMER), *full_stage())
    assert refused(AcceptInvitation(Actor(NEWCOMER)), pending) == "stage-full"


def test_inviting_again_is_inviting_once() -> None:
    live = given(*started(), invited(NEWCOMER))
    assert decide(InviteToStage(HOST_ACTOR, Target(NEWCOMER), "speaker"), live) == []


def test_a_cohost_invites_speakers_only() -> None:
    live = given(*started(), cohost(COHOST))
    (event,) = decide(InviteToStage(COHOST_ACTOR, Target(NEWCOMER), "speaker"), live)
    assert event == StageInvitationSent(space_id=SPACE, user_id=NEWCOMER, role="speaker", by=COHOST)
    assert refused(InviteToStage(COHOST_ACTOR, Target(NEWCOMER), "cohost"), live) == "host-only"


def test_a_speaker_made_cohost_keeps_their_mic() -> None:
    events = [*started(), speaker(SPEAKER), SpeakerUnmuted(space_id=SPACE, user_id=SPEAKER)]
    (invitation,) = decide(InviteToStage(HOST_ACTOR, Target(SPEAKER), "cohost"), given(*events))
    (added,) = decide(AcceptInvitation(Actor(SPEAKER, joined=True)), given(*events, invitation))
    assert added == CohostAdded(space_id=SPACE, user_id=SPEAKER, invited_by=HOST)
    after = space(*events, invitation, added)
    assert (after.is_cohost(SPEAKER), after.is_speaker(SPEAKER), after.is_muted(SPEAKER)) == (
        True,
        False,
        False,
    )


def test_an_invitee_from_outside_goes_on_stage_muted() -> None:
    live = given(*started(), invited(NEWCOMER))
    (event,) = decide(AcceptInvitation(Actor(NEWCOMER)), live)
    assert event == SpeakerPromoted(space_id=SPACE, user_id=NEWCOMER, by=None, via="invitation")
    after = space(*started(), invited(NEWCOMER), event)
    assert after.is_speaker(NEWCOMER)
    assert after.invitation_for(NEWCOMER) is None


# -- mics -------------------------------------------------------------------------------------


def test_a_muted_speaker_may_unmute_again() -> None:
    events = [*started(), speaker(SPEAKER), SpeakerUnmuted(space_id=SPACE, user_id=SPEAKER)]
    (muted,) = decide(MuteSpeaker(HOST_ACTOR, SPEAKER), given(*events))
    assert muted == SpeakerMuted(space_id=SPACE, user_id=SPEAKER, by=HOST)
    (unmuted,) = decide(SetMyMic(Actor(SPEAKER, joined=True), muted=False), given(*events, muted))
    assert unmuted == SpeakerUnmuted(space_id=SPACE, user_id=SPEAKER)
    assert decide(MuteSpeaker(HOST_ACTOR, SPEAKER), given(*events, muted)) == []


def test_mute_all_spares_the_actor_and_the_host() -> None:
    on_stage = [HOST, COHOST, COHOST_2, SPEAKER, "usr_s2"]
    events = [
        *started(),
        cohost(COHOST),
        cohost(COHOST_2),
        speaker(SPEAKER),
        speaker("usr_s2"),
        *(SpeakerUnmuted(space_id=SPACE, user_id=user) for user in on_stage),
    ]
    muted = decide(MuteAll(COHOST_ACTOR), given(*events))
    assert {event.user_id for event in muted} == {COHOST_2, SPEAKER, "usr_s2"}  # type: ignore[attr-defined]
    after = space(*events, *muted)
    assert (after.is_muted(HOST), after.is_muted(COHOST)) == (False, False)


def test_the_host_mic_stays_off_until_live() -> None:
    assert refused(SetMyMic(HOST_ACTOR, muted=False), given(*created())) == "space-not-live"


# -- removal, leaving, suspension -------------------------------------------------------------


def test_a_removed_user_leaves_stage_queue_and_invitations_for_good() -> None:
    events = [*started(), speaker(SPEAKER), requested(SPEAKER), invited(SPEAKER, "cohost")]
    command = RemoveParticipant(HOST_ACTOR, Target(SPEAKER, joined=True), block=True)
    (removal,) = decide(command, given(*events))
    assert removal == ParticipantRemoved(space_id=SPACE, user_id=SPEAKER, by=HOST, block=True)
    after = space(*events, removal)
    assert after.role_of(SPEAKER, joined=True) == "removed"
    assert (after.requests, after.invitations, after.speakers) == ((), (), ())
    assert decide(command, after) == []  # removing twice is removing once
    assert refused(RequestToSpeak(Actor(SPEAKER, joined=True)), after) == "removed-from-space"
    invite = InviteToStage(HOST_ACTOR, Target(SPEAKER), "speaker")
    assert refused(invite, after) == "removed-from-space"


def test_a_report_travels_with_the_removal() -> None:
    command = RemoveParticipant(
        COHOST_ACTOR, Target(LISTENER, joined=True), report_reason="spam", report_text="links"
    )
    (removal,) = decide(command, given(*started(), cohost(COHOST)))
    assert isinstance(removal, ParticipantRemoved)
    assert (removal.by, removal.report_reason, removal.report_text) == (COHOST, "spam", "links")


def test_only_participants_can_be_removed() -> None:
    command = RemoveParticipant(HOST_ACTOR, Target(NEWCOMER))
    assert refused(command, given(*started())) == "not-a-participant"


def test_leaving_from_the_stage_steps_down_and_withdraws() -> None:
    events = [*started(), speaker(SPEAKER), requested(LISTENER)]
    leaving = LeaveSpace(Actor(SPEAKER), now=NOW, grace_s=600)
    assert decide(leaving, given(*events)) == [
        MovedToAudience(space_id=SPACE, user_id=SPEAKER, by=SPEAKER, stepped_down=True)
    ]
    assert decide(LeaveSpace(Actor(LISTENER), now=NOW, grace_s=600), given(*events)) == [
        SpeakerRequestWithdrawn(space_id=SPACE, user_id=LISTENER)
    ]


def test_a_suspended_user_is_taken_off_stage_queue_and_invitations() -> None:
    events = [*started(), speaker(SPEAKER), requested(LISTENER), invited(LISTENER_2)]
    assert decide(DropSuspendedUser(SPEAKER), given(*events)) == [
        MovedToAudience(space_id=SPACE, user_id=SPEAKER, by=None, stepped_down=False)
    ]
    assert decide(DropSuspendedUser(LISTENER), given(*events)) == [
        SpeakerRequestWithdrawn(space_id=SPACE, user_id=LISTENER)
    ]
    assert decide(DropSuspendedUser(LISTENER_2), given(*events)) == [
        StageInvitationDeclined(space_id=SPACE, user_id=LISTENER_2, role="speaker")
    ]
    assert decide(DropSuspendedUser(HOST), given(*events)) == []


def test_a_policy_ends_the_space_once() -> None:
    command = EndByPolicy(reason="host_suspended", now=NOW)
    (ended,) = decide(command, given(*started()))
    assert ended == SpaceEnded(space_id=SPACE, by=None, reason="host_suspended", ended_at=NOW)
    assert decide(command, given(*started(), ended)) == []


# -- pins -------------------------------------------------------------------------------------


def test_three_pins_at_most() -> None:
    pins = [pinned(f"pin_{n}", HOST) for n in range(3)]
    command = PinPost(HOST_ACTOR, "pin_4", "https://example.org/4")
    assert refused(command, given(*started(), *pins)) == "pins-full"
    (unpinned,) = decide(UnpinPost(HOST_ACTOR, "pin_0"), given(*started(), *pins))
    assert decide(command, given(*started(), *pins, unpinned))


@pytest.mark.parametrize(
    "url", ["ftp://example.org", "example.org", "https://", "javascript:alert(1)", "https://a b"]
)
def test_a_pin_is_an_http_url(url: str) -> None:
    assert refused(PinPost(HOST_ACTOR, "pin_1", url), given(*started())) == "invalid-url"


def test_a_pin_keeps_its_text_and_its_pinner() -> None:
    command = PinPost(HOST_ACTOR, "pin_1", " https://example.org/x ", text=" read this ")
    (event,) = decide(command, given(*started()))
    assert event == PostPinned(
        space_id=SPACE, pin_id="pin_1", url="https://example.org/x", text="read this", by=HOST
    )
    assert decide(command, given(*started(), event)) == []  # the same request again
    assert refused(UnpinPost(HOST_ACTOR, "pin_nope"), given(*started())) == "pin-not-found"


# -- host presence and the grace timer ----------------------------------------------------------


def disconnected(grace_s: float = 600) -> tuple[list[DomainEvent], HostDisconnected]:
    events = list(started())
    (event,) = decide(SetHostPresence(HOST_ACTOR, False, NOW, grace_s), given(*events))
    assert isinstance(event, HostDisconnected)
    return events, event


def test_a_disconnected_host_has_until_the_deadline() -> None:
    events, event = disconnected(grace_s=600)
    assert event.grace_deadline == (NOW + timedelta(seconds=600)).isoformat()
    away = space(*events, event)
    assert (away.host_connected, away.grace_deadline) == (False, NOW + timedelta(seconds=600))
    # A second drop keeps the first deadline; the host leaving counts as a drop.
    later = NOW + timedelta(seconds=60)
    assert decide(SetHostPresence(HOST_ACTOR, False, later, 600), away) == []
    assert decide(LeaveSpace(HOST_ACTOR, now=later, grace_s=600), away) == []
    (back,) = decide(SetHostPresence(HOST_ACTOR, True, later, 600), away)
    assert back == HostReconnected(space_id=SPACE)


def test_the_timer_ends_the_space_once_when_the_host_stayed_away() -> None:
    events, event = disconnected()
    deadline = NOW + timedelta(seconds=600)
    away = given(*events, event)
    assert decide(EndIfHostStillAway(deadline, now=deadline - timedelta(seconds=1)), away) == []
    (ended,) = decide(EndIfHostStillAway(deadline, now=deadline), away)
    assert ended == SpaceEnded(space_id=SPACE, by=None, reason="host_timeout", ended_at=deadline)
    assert decide(EndIfHostStillAway(deadline, now=deadline), given(ended, state=away)) == []


def test_the_timer_does_nothing_after_a_reconnection_even_with_a_later_drop() -> None:
    events, first = disconnected()
    first_deadline = NOW + timedelta(seconds=600)
    back = HostReconnected(space_id=SPACE)
    came_back = given(*events, first, back)
    assert decide(EndIfHostStillAway(first_deadline, first_deadline), came_back) == []
    second = HostDisconnected(
        space_id=SPACE, grace_deadline=(first_deadline + timedelta(seconds=300)).isoformat()
    )
    again_away = given(*events, first, back, second)
    late = first_deadline + timedelta(seconds=1)
    assert decide(EndIfHostStillAway(first_deadline, late), again_away) == []


def test_a_host_who_never_started_is_also_timed_out() -> None:
    (event,) = decide(SetHostPresence(HOST_ACTOR, False, NOW, 5), given(*created()))
    assert isinstance(event, HostDisconnected)
    deadline = NOW + timedelta(seconds=5)
    assert decide(EndIfHostStillAway(deadline, deadline), given(*created(), event))


def test_only_people_on_stage_can_be_muted_or_moved_down() -> None:
    live = given(*started())
    assert refused(MuteSpeaker(HOST_ACTOR, LISTENER), live) == "user-not-on-stage"
    assert refused(MoveToAudience(HOST_ACTOR, LISTENER), live) == "user-not-on-stage"
