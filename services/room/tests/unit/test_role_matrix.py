"""Every command for every role, in a live Space: exactly what the product allows (spec §2-4).

The cast: the host, a co-host (and a second one), a speaker (and a second one), a listener (and
a second one with a pending request), an outsider who has not joined, a removed user, a user
the host blocked, and a suspended listener. A forbidden command raises the rejection that the
bus turns into the status and slug in the table, and changes nothing; an allowed one yields
events (OK) or, when it is already so, none (NOOP). Then every command on an ended Space is a
409 ``space-ended`` for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from room_unit_spaces import (
    BLOCKED,
    COHOST,
    COHOST_2,
    HOST,
    LISTENER,
    LISTENER_2,
    NEWCOMER,
    NOW,
    OUTSIDER,
    REMOVED,
    SPACE,
    SPEAKER,
    SPEAKER_2,
    SUSPENDED,
    cohost,
    given,
    invited,
    pinned,
    requested,
    speaker,
    started,
)

from parley.chassis.handlers import as_domain_error
from parley.contracts.events.room import (
    HostDisconnected,
    MovedToAudience,
    ParticipantRemoved,
    SpaceEnded,
    SpeakerUnmuted,
)
from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import (
    AcceptInvitation,
    AcceptSpeakerRequest,
    Actor,
    DeclineInvitation,
    DeclineSpeakerRequest,
    EndSpace,
    InviteToStage,
    Join,
    Leave,
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
    WithdrawSpeakerRequest,
)
from parley.room.domain.decide import decide
from parley.room.domain.errors import Rejected
from parley.room.domain.membership import decide_membership
from parley.room.domain.state import Membership, Space

ROLES = ("host", "cohost", "speaker", "listener", "outsider", "removed", "blocked", "suspended")

ACTORS = {
    "host": Actor(HOST, joined=True),
    "cohost": Actor(COHOST, joined=True),
    "speaker": Actor(SPEAKER, joined=True),
    "listener": Actor(LISTENER, joined=True),
    "outsider": Actor(OUTSIDER),
    "removed": Actor(REMOVED),
    "blocked": Actor(BLOCKED, blocked_by_host=True),
    "suspended": Actor(SUSPENDED, joined=True, suspended=True),
}

LIVE_SPACE: tuple[DomainEvent, ...] = (
    *started(),
    cohost(COHOST),
    cohost(COHOST_2),
    speaker(SPEAKER),
    speaker(SPEAKER_2),
    requested(LISTENER_2),
    ParticipantRemoved(space_id=SPACE, user_id=REMOVED, by=HOST),
    pinned("pin_speaker", SPEAKER),
    pinned("pin_cohost2", COHOST_2),
)


@dataclass(frozen=True)
class Allowed:
    changes: bool = True


@dataclass(frozen=True)
class Refused:
    status: int
    slug: str


OK = Allowed()
NOOP = Allowed(changes=False)
Outcome = Allowed | Refused


def no(status: int, slug: str) -> Refused:
    return Refused(status, slug)


SUSPENDED_ACCOUNT = no(403, "account-suspended")
MODERATORS_ONLY = no(403, "host-or-cohost-only")
HOST_ONLY = no(403, "host-only")
NOT_ON_STAGE = no(403, "not-on-stage")
NOT_YOUR_PIN = no(403, "not-your-pin")
ON_HOST = no(403, "cannot-act-on-host")
ON_COHOST = no(403, "cannot-act-on-cohost")
NOT_A_LISTENER = no(403, "not-a-listener")


def expect(default: Outcome, **roles: Outcome) -> dict[str, Outcome]:
    table = dict.fromkeys(ROLES, default)
    table["suspended"] = SUSPENDED_ACCOUNT  # a suspended user can do nothing but leave
    table.update(roles)
    return table


def moderators_only(**roles: Outcome) -> dict[str, Outcome]:
    return expect(MODERATORS_ONLY, **({"host": OK, "cohost": OK} | roles))


def stage_members(**roles: Outcome) -> dict[str, Outcome]:
    return expect(NOT_ON_STAGE, **({"host": OK, "cohost": OK, "speaker": OK} | roles))


Decision = Callable[[Actor, Space], list[DomainEvent]]


def on_space(command: Callable[[Actor], SpaceCommand]) -> Decision:
    return lambda actor, space: decide(command(actor), space)


def on_membership(command: Callable[[Actor, Space], Join | Leave]) -> Decision:
    def decision(actor: Actor, space: Space) -> list[DomainEvent]:
        return decide_membership(command(actor, space), Membership(joined=actor.joined))

    return decision


def unmuted(*user_ids: str) -> tuple[DomainEvent, ...]:
    return tuple(SpeakerUnmuted(space_id=SPACE, user_id=user_id) for user_id in user_ids)


def known(user_id: str, *, joined: bool = False) -> Target:
    return Target(user_id, known=True, joined=joined)


@dataclass(frozen=True)
class Row:
    name: str
    decision: Decision
    outcomes: dict[str, Outcome]
    given: tuple[DomainEvent, ...] = ()
    on_ended: bool = True  # also checked on an ended Space


INVITATIONS = tuple(invited(user) for user in (LISTENER, OUTSIDER, REMOVED, BLOCKED, SUSPENDED))

ROWS = [
    Row(
        "edit the title",
        on_space(lambda a: UpdateSpace(a, title="A new title")),
        expect(MODERATORS_ONLY, host=OK, cohost=HOST_ONLY),
    ),
    Row(
        "edit the description while live",
        on_space(lambda a: UpdateSpace(a, description="Something else")),
        expect(MODERATORS_ONLY, host=no(409, "only-title-while-live"), cohost=HOST_ONLY),
    ),
    Row(
        "edit the topics while live",
        on_space(lambda a: UpdateSpace(a, topics=("python",))),
        expect(MODERATORS_ONLY, host=no(409, "only-title-while-live"), cohost=HOST_ONLY),
    ),
    Row("toggle captions", on_space(lambda a: UpdateSpace(a, captions=True)), moderators_only()),
    Row(
        "turn clipping off",
        on_space(lambda a: UpdateSpace(a, clipping=False)),
        expect(MODERATORS_ONLY, host=OK, cohost=HOST_ONLY),
    ),
    Row(
        "start an already live Space",
        on_space(lambda a: StartSpace(a, NOW)),
        expect(HOST_ONLY, host=NOOP),
    ),
    Row("end", on_space(lambda a: EndSpace(a, NOW)), expect(HOST_ONLY, host=OK)),
    Row(
        "request to speak",
        on_space(RequestToSpeak),
        expect(
            NOT_A_LISTENER,
            listener=OK,
            removed=no(403, "removed-from-space"),
            blocked=no(403, "blocked-by-host"),
        ),
    ),
    Row(
        "withdraw a request",
        on_space(WithdrawSpeakerRequest),
        expect(NOOP, listener=OK),
        given=(requested(LISTENER),),
    ),
    Row(
        "accept a request",
        on_space(lambda a: AcceptSpeakerRequest(a, known(LISTENER_2, joined=True))),
        moderators_only(),
    ),
    Row(
        "decline a request",
        on_space(lambda a: DeclineSpeakerRequest(a, LISTENER_2)),
        moderators_only(),
    ),
    Row(
        "invite an account not in the Space to speak",
        on_space(lambda a: InviteToStage(a, known(NEWCOMER), "speaker")),
        moderators_only(),
    ),
    Row(
        "invite a listener to co-host",
        on_space(lambda a: InviteToStage(a, known(LISTENER_2, joined=True), "cohost")),
        expect(HOST_ONLY, host=OK),
        given=(MovedToAudience(space_id=SPACE, user_id=COHOST_2, by=HOST),),
    ),
    Row(
        "accept an invitation",
        on_space(AcceptInvitation),
        expect(
            no(409, "no-invitation"),
            listener=OK,
            outsider=OK,
            removed=no(403, "removed-from-space"),
            blocked=no(403, "blocked-by-host"),
        ),
        given=INVITATIONS,
    ),
    Row(
        "decline an invitation",
        on_space(DeclineInvitation),
        expect(NOOP, listener=OK, outsider=OK, removed=OK, blocked=OK),
        given=INVITATIONS,
    ),
    Row("unmute myself", on_space(lambda a: SetMyMic(a, muted=False)), stage_members()),
    Row(
        "mute myself",
        on_space(lambda a: SetMyMic(a, muted=True)),
        stage_members(),
        given=unmuted(HOST, COHOST, SPEAKER),
    ),
    Row(
        "mute a speaker",
        on_space(lambda a: MuteSpeaker(a, SPEAKER_2)),
        moderators_only(),
        given=unmuted(SPEAKER_2),
    ),
    Row(
        "mute the other co-host",
        on_space(lambda a: MuteSpeaker(a, COHOST_2)),
        moderators_only(cohost=ON_COHOST),
        given=unmuted(COHOST_2),
    ),
    Row(
        "mute the host",
        on_space(lambda a: MuteSpeaker(a, HOST)),
        expect(ON_HOST),
        given=unmuted(HOST),
    ),
    Row(
        "mute all",
        on_space(MuteAll),
        moderators_only(),
        given=unmuted(COHOST, COHOST_2, SPEAKER, SPEAKER_2),
    ),
    Row(
        "move a speaker to the audience",
        on_space(lambda a: MoveToAudience(a, SPEAKER_2)),
        moderators_only(),
    ),
    Row(
        "move the other co-host to the audience",
        on_space(lambda a: MoveToAudience(a, COHOST_2)),
        moderators_only(cohost=ON_COHOST),
    ),
    Row(
        "move the host to the audience",
        on_space(lambda a: MoveToAudience(a, HOST)),
        expect(ON_HOST),
    ),
    Row(
        "step down",
        on_space(lambda a: MoveToAudience(a, a.user_id)),
        expect(NOT_ON_STAGE, host=ON_HOST, cohost=OK, speaker=OK),
    ),
    Row(
        "remove a listener",
        on_space(lambda a: RemoveParticipant(a, known(LISTENER_2, joined=True))),
        moderators_only(),
    ),
    Row(
        "block and remove a speaker",
        on_space(lambda a: RemoveParticipant(a, known(SPEAKER_2, joined=True), block=True)),
        moderators_only(),
    ),
    Row(
        "remove the other co-host",
        on_space(lambda a: RemoveParticipant(a, known(COHOST_2, joined=True))),
        moderators_only(cohost=ON_COHOST),
    ),
    Row(
        "remove the host",
        on_space(lambda a: RemoveParticipant(a, known(HOST, joined=True))),
        expect(ON_HOST, host=no(422, "cannot-remove-self")),
    ),
    Row(
        "pin a post",
        on_space(lambda a: PinPost(a, "pin_new", "https://example.org/new")),
        stage_members(),
    ),
    Row(
        "unpin a speaker's post",
        on_space(lambda a: UnpinPost(a, "pin_speaker")),
        expect(NOT_YOUR_PIN, host=OK, cohost=OK, speaker=OK),
    ),
    Row(
        "unpin the other co-host's post",
        on_space(lambda a: UnpinPost(a, "pin_cohost2")),
        expect(NOT_YOUR_PIN, host=OK, cohost=OK),
    ),
    Row(
        "report the host disconnected",
        on_space(lambda a: SetHostPresence(a, connected=False, now=NOW, grace_s=600)),
        expect(HOST_ONLY, host=OK),
    ),
    Row(
        "report the host back",
        on_space(lambda a: SetHostPresence(a, connected=True, now=NOW, grace_s=600)),
        expect(HOST_ONLY, host=OK),
        given=(HostDisconnected(space_id=SPACE, grace_deadline=NOW.isoformat()),),
    ),
    Row(
        "leave (the Space's side)",
        on_space(lambda a: LeaveSpace(a, now=NOW, grace_s=600)),
        expect(NOOP, host=OK, cohost=OK, speaker=OK, suspended=NOOP),
    ),
    Row(
        "join",
        on_membership(lambda a, space: Join(joiner=a, space=space)),
        expect(
            NOOP,
            outsider=OK,
            removed=no(403, "removed-from-space"),
            blocked=no(403, "blocked-by-host"),
        ),
    ),
    Row(
        "leave (the membership)",
        on_membership(lambda a, space: Leave(space.space_id, a.user_id)),
        expect(OK, outsider=NOOP, removed=NOOP, blocked=NOOP, suspended=OK),
        on_ended=False,  # the handler asks the Space first, which refuses
    ),
]


def attempt(row: Row, role: str, *ended: DomainEvent) -> tuple[Space, Outcome]:
    space = given(*LIVE_SPACE, *row.given, *ended)
    assert space is not None
    try:
        events = row.decision(ACTORS[role], space)
    except Rejected as rejection:
        error = as_domain_error(rejection)
        assert error is not None  # every rejection carries its status and slug
        assert given(*LIVE_SPACE, *row.given, *ended) == space  # nothing changed
        return space, Refused(error.status, error.type)
    if events:
        given(*events, state=space)  # what was decided can be applied
    return space, Allowed(changes=bool(events))


@pytest.mark.parametrize(
    ("row", "role"),
    [(row, role) for row in ROWS for role in ROLES],
    ids=[f"{row.name}-{role}" for row in ROWS for role in ROLES],
)
def test_live_space(row: Row, role: str) -> None:
    _, outcome = attempt(row, role)
    assert outcome == row.outcomes[role]


ENDED = SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended", ended_at=NOW)
ENDED_ROWS = [row for row in ROWS if row.on_ended]


@pytest.mark.parametrize(
    ("row", "role"),
    [(row, role) for row in ENDED_ROWS for role in ROLES],
    ids=[f"{row.name}-{role}" for row in ENDED_ROWS for role in ROLES],
)
def test_ended_space_refuses_everything(row: Row, role: str) -> None:
    _, outcome = attempt(row, role, ENDED)
    assert outcome == no(409, "space-ended")


def test_the_table_names_every_role_for_every_row() -> None:
    for row in ROWS:
        assert set(row.outcomes) == set(ROLES), row.name


def test_a_suspended_moderator_is_refused_like_anyone_suspended() -> None:
    space = given(*LIVE_SPACE)
    host = replace(ACTORS["host"], suspended=True)
    with pytest.raises(Rejected) as refusal:
        decide(EndSpace(host, NOW), space)
    assert refusal.value.slug == "account-suspended"
