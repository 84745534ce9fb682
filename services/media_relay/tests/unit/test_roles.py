"""Who may connect, send and be heard: the fold of room's events and ``admit`` (spec §3).

The matrix runs every role through every action; the named tests below it pin the
transitions one at a time (promote starts muted, co-host keeps the mic, the end hangs up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

import pytest

from parley.contracts.events.identity import UserFollowed
from parley.contracts.events.room import (
    CaptionsToggled,
    CohostAdded,
    HostDisconnected,
    ListenerJoined,
    MovedToAudience,
    ParticipantLeft,
    ParticipantRemoved,
    SpaceCreated,
    SpaceEnded,
    SpaceSettings,
    SpaceStarted,
    SpaceUpdated,
    SpeakerMuted,
    SpeakerPromoted,
    SpeakerRequested,
    SpeakerUnmuted,
)
from parley.contracts.registry import DomainEvent
from parley.media_relay.domain.roles import (
    Admission,
    MediaRefused,
    NotJoined,
    RemovedFromSpace,
    SpaceNotLive,
    SpaceRoles,
    admit,
    evolve,
)
from parley.media_relay.projections.roles import roles_from_json, roles_to_json

SPACE = "sp_roles"
HOST = "usr_host"
COHOST = "usr_cohost"
SPEAKER = "usr_speaker"
MUTED = "usr_muted"
LISTENER = "usr_listener"
OUTSIDER = "usr_outsider"
REMOVED = "usr_removed"

CREATED = SpaceCreated(space_id=SPACE, host_id=HOST, title="Talk")
STARTED = SpaceStarted(space_id=SPACE, host_id=HOST)
ENDED = SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended")


def given(*events: DomainEvent) -> SpaceRoles:
    return reduce(evolve, events, SpaceRoles(space_id=SPACE))


def promoted(user: str) -> SpeakerPromoted:
    return SpeakerPromoted(space_id=SPACE, user_id=user, by=HOST, via="request")


def unmuted(user: str) -> SpeakerUnmuted:
    return SpeakerUnmuted(space_id=SPACE, user_id=user)


def muted(user: str) -> SpeakerMuted:
    return SpeakerMuted(space_id=SPACE, user_id=user, by=HOST)


def cohost(user: str) -> CohostAdded:
    return CohostAdded(space_id=SPACE, user_id=user, invited_by=HOST)


def removed(user: str) -> ParticipantRemoved:
    return ParticipantRemoved(space_id=SPACE, user_id=user, by=HOST)


# Everyone in their place; the removed user was an unmuted speaker before.
CAST: Sequence[DomainEvent] = (
    unmuted(HOST),
    cohost(COHOST),
    unmuted(COHOST),
    promoted(SPEAKER),
    unmuted(SPEAKER),
    promoted(MUTED),
    promoted(REMOVED),
    unmuted(REMOVED),
    removed(REMOVED),
)
# Who has a membership (joined as a listener first); the host and the outsider have none.
JOINED = frozenset({COHOST, SPEAKER, MUTED, LISTENER})

PHASES: dict[str, Sequence[DomainEvent]] = {
    "created": (CREATED, *CAST),
    "live": (CREATED, STARTED, *CAST),
    "ended": (CREATED, STARTED, *CAST, ENDED),
}


@dataclass(frozen=True)
class Expected:
    live: str  # connect while live: "ok" or the refusal's slug
    created: str  # connect before the start
    ended: str  # connect after the end
    uplink: bool | None  # the live admission's uplink (None: refused)
    heard: bool  # mixed into the live program


NOT_LIVE = SpaceNotLive.slug
MATRIX = {
    "host": (HOST, Expected("ok", "ok", NOT_LIVE, uplink=True, heard=True)),
    "cohost": (COHOST, Expected("ok", NOT_LIVE, NOT_LIVE, uplink=True, heard=True)),
    "speaker(unmuted)": (SPEAKER, Expected("ok", NOT_LIVE, NOT_LIVE, uplink=True, heard=True)),
    "speaker(muted)": (MUTED, Expected("ok", NOT_LIVE, NOT_LIVE, uplink=True, heard=False)),
    "listener": (LISTENER, Expected("ok", NOT_LIVE, NOT_LIVE, uplink=False, heard=False)),
    "outsider": (
        OUTSIDER,
        Expected(NotJoined.slug, NOT_LIVE, NOT_LIVE, uplink=None, heard=False),
    ),
    "removed": (
        REMOVED,
        Expected(
            RemovedFromSpace.slug,
            RemovedFromSpace.slug,
            RemovedFromSpace.slug,
            uplink=None,
            heard=False,
        ),
    ),
}


def connect(phase: str, user: str) -> Admission | str:
    try:
        return admit(given(*PHASES[phase]), user, joined=user in JOINED)
    except MediaRefused as refusal:
        return refusal.slug


def outcome(admission: Admission | str) -> str:
    return "ok" if isinstance(admission, Admission) else admission


@pytest.mark.parametrize(("user", "expected"), MATRIX.values(), ids=MATRIX.keys())
@pytest.mark.parametrize("phase", ["live", "created", "ended"])
def test_connect(phase: str, user: str, expected: Expected) -> None:
    assert outcome(connect(phase, user)) == getattr(expected, phase)


@pytest.mark.parametrize(("user", "expected"), MATRIX.values(), ids=MATRIX.keys())
def test_uplink(user: str, expected: Expected) -> None:
    admission = connect("live", user)
    uplink = admission.uplink if isinstance(admission, Admission) else None
    assert uplink is expected.uplink


@pytest.mark.parametrize(("user", "expected"), MATRIX.values(), ids=MATRIX.keys())
def test_heard(user: str, expected: Expected) -> None:
    roles = given(*PHASES["live"])
    assert roles.can_be_heard(user) is expected.heard
    assert (user in roles.heard()) is expected.heard
    assert not roles.must_hang_up(user) or user == REMOVED


def test_the_matrix_covers_the_whole_cast() -> None:
    roles = given(*PHASES["live"])
    assert roles.heard() == {HOST, COHOST, SPEAKER}
    assert {roles.role(user, joined=user in JOINED) for user, _ in MATRIX.values()} == {
        "host",
        "cohost",
        "speaker",
        "listener",
        "none",
        "removed",
    }


def test_admissions_carry_the_role() -> None:
    assert connect("live", HOST) == Admission(role="host", uplink=True)
    assert connect("created", HOST) == Admission(role="host", uplink=True)
    assert connect("live", COHOST) == Admission(role="cohost", uplink=True)
    assert connect("live", MUTED) == Admission(role="speaker", uplink=True)
    assert connect("live", LISTENER) == Admission(role="listener", uplink=False)


def test_stage_members_need_no_membership_but_others_do() -> None:
    roles = given(CREATED, STARTED, promoted(SPEAKER))
    assert admit(roles, SPEAKER, joined=False) == Admission(role="speaker", uplink=True)
    assert admit(roles, HOST, joined=False) == Admission(role="host", uplink=True)
    with pytest.raises(NotJoined):
        admit(roles, LISTENER, joined=False)


def test_an_unknown_space_is_not_live() -> None:
    with pytest.raises(SpaceNotLive):
        admit(SpaceRoles(space_id=SPACE), HOST, joined=True)


def test_removed_is_refused_even_if_on_stage_before_and_joined() -> None:
    roles = given(CREATED, STARTED, cohost(COHOST), unmuted(COHOST), removed(COHOST))
    with pytest.raises(RemovedFromSpace):
        admit(roles, COHOST, joined=True)
    assert roles.role(COHOST) == "removed"
    assert not roles.on_stage(COHOST)
    assert not roles.can_be_heard(COHOST)
    assert roles.must_hang_up(COHOST)


def test_a_promoted_speaker_starts_muted_until_they_unmute() -> None:
    roles = given(CREATED, STARTED, promoted(SPEAKER))
    assert roles.on_stage(SPEAKER)
    assert not roles.can_be_heard(SPEAKER)
    assert evolve(roles, unmuted(SPEAKER)).can_be_heard(SPEAKER)


def test_promoted_again_after_stepping_down_starts_muted_again() -> None:
    down = MovedToAudience(space_id=SPACE, user_id=SPEAKER, by=None, stepped_down=True)
    roles = given(CREATED, STARTED, promoted(SPEAKER), unmuted(SPEAKER), down, promoted(SPEAKER))
    assert not roles.can_be_heard(SPEAKER)


def test_a_cohost_keeps_an_open_mic_and_a_new_one_starts_muted() -> None:
    roles = given(CREATED, STARTED, promoted(SPEAKER), unmuted(SPEAKER), cohost(SPEAKER))
    assert roles.role(SPEAKER) == "cohost"
    assert SPEAKER not in roles.speakers
    assert roles.can_be_heard(SPEAKER)

    from_audience = given(CREATED, STARTED, cohost(LISTENER))
    assert from_audience.role(LISTENER) == "cohost"
    assert not from_audience.can_be_heard(LISTENER)


def test_the_host_is_not_heard_before_the_start_even_with_the_mic_on() -> None:
    roles = given(CREATED, unmuted(HOST))
    assert not roles.can_be_heard(HOST)
    assert evolve(roles, STARTED).can_be_heard(HOST)


@pytest.mark.parametrize(
    "silencing",
    [
        MovedToAudience(space_id=SPACE, user_id=SPEAKER, by=HOST),
        ParticipantRemoved(space_id=SPACE, user_id=SPEAKER, by=HOST),
        SpeakerMuted(space_id=SPACE, user_id=SPEAKER, by=HOST),
    ],
    ids=lambda event: type(event).__name__,
)
def test_silencing_stops_being_heard_at_once(silencing: DomainEvent) -> None:
    before = given(CREATED, STARTED, promoted(SPEAKER), unmuted(SPEAKER), unmuted(HOST))
    assert before.can_be_heard(SPEAKER)
    after = evolve(before, silencing)
    assert not after.can_be_heard(SPEAKER)
    assert after.heard() == {HOST}  # nobody else is touched


def test_the_end_hangs_everyone_up_and_nobody_is_heard() -> None:
    roles = given(*PHASES["ended"])
    assert roles.phase == "ended"
    assert roles.heard() == frozenset()
    for user, _ in MATRIX.values():
        assert roles.must_hang_up(user)
        assert not roles.can_be_heard(user)
    # an unmute that arrives late cannot reopen a mic in an ended Space
    assert not evolve(roles, unmuted(SPEAKER)).can_be_heard(SPEAKER)


@pytest.mark.parametrize(
    "unknown",
    [
        SpaceUpdated(space_id=SPACE, by=HOST, title="New"),
        CaptionsToggled(space_id=SPACE, by=HOST, enabled=True),
        SpeakerRequested(space_id=SPACE, user_id=LISTENER),
        HostDisconnected(space_id=SPACE, grace_deadline="2026-01-01T00:00:00Z"),
        ListenerJoined(space_id=SPACE, user_id=LISTENER),
        ParticipantLeft(space_id=SPACE, user_id=SPEAKER),
        UserFollowed(follower_id=LISTENER, followee_id=HOST),
    ],
    ids=lambda event: type(event).__name__,
)
def test_unknown_events_change_nothing(unknown: DomainEvent) -> None:
    roles = given(*PHASES["live"])
    assert evolve(roles, unknown) is roles


def test_a_recorded_space_puts_its_program_on_the_recording_feed_only_while_live() -> None:
    recorded = SpaceCreated(
        space_id=SPACE, host_id=HOST, title="Talk", settings=SpaceSettings(recording=True)
    )
    assert given(recorded).recording
    assert not given(recorded).records_program  # the host preparing is not recorded
    assert given(recorded, STARTED).records_program
    assert not given(recorded, STARTED, ENDED).records_program
    assert not given(CREATED, STARTED).records_program  # recording off (the default)


def test_the_recording_flag_survives_the_projections_json() -> None:
    recorded = SpaceCreated(
        space_id=SPACE, host_id=HOST, title="Talk", settings=SpaceSettings(recording=True)
    )
    roles = given(recorded, STARTED)
    assert roles_from_json(SPACE, roles_to_json(roles)) == roles
    # A row written before the flag existed reads as not recorded.
    old = '{"phase":"live","host_id":"h","cohosts":[],"speakers":[],"open_mics":[],"removed":[]}'
    assert not roles_from_json(SPACE, old).recording
