"""The membership decider: who may join a Space, and leaving (idempotent)."""

from __future__ import annotations

import pytest
from room_unit_spaces import HOST, LISTENER, SPACE, SPEAKER, created, given, space, speaker, started

from parley.contracts.events.room import (
    ListenerJoined,
    ParticipantLeft,
    ParticipantRemoved,
    SpaceCreated,
    SpaceEnded,
)
from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import Actor, Join, Leave
from parley.room.domain.errors import Rejected
from parley.room.domain.evolve import evolve_membership
from parley.room.domain.membership import decide_membership
from parley.room.domain.state import Membership

ENDED = SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended")
REMOVAL = ParticipantRemoved(space_id=SPACE, user_id=LISTENER, by=HOST)
OUT = Membership()
IN = Membership(joined=True)


def refused(command: Join, state: Membership = OUT) -> str:
    with pytest.raises(Rejected) as refusal:
        decide_membership(command, state)
    return refusal.value.slug


def join(user_id: str, *events: DomainEvent, count: int = 0, **facts: bool) -> Join:
    joiner = Actor(user_id, **facts)  # type: ignore[arg-type]
    return Join(joiner=joiner, space=given(*events), listener_count=count)


def test_joining_a_live_space_then_leaving() -> None:
    (joined,) = decide_membership(join(LISTENER, *started()), OUT)
    assert joined == ListenerJoined(space_id=SPACE, user_id=LISTENER)
    assert evolve_membership(OUT, joined) == IN
    assert decide_membership(join(LISTENER, *started()), IN) == []  # already in
    (left,) = decide_membership(Leave(SPACE, LISTENER), IN)
    assert left == ParticipantLeft(space_id=SPACE, user_id=LISTENER, reason="left")
    assert evolve_membership(IN, left) == OUT
    assert decide_membership(Leave(SPACE, LISTENER), OUT) == []  # leaving twice


def test_before_it_is_live_only_the_host_gets_in() -> None:
    assert refused(join(LISTENER, *created())) == "space-not-live"
    assert decide_membership(join(HOST, *created()), OUT)


def test_a_scheduled_space_is_closed_to_all() -> None:
    scheduled = SpaceCreated(
        space_id=SPACE, host_id=HOST, title="Later", scheduled_start="2030-01-01T00:00:00+00:00"
    )
    assert space(scheduled).phase == "scheduled"
    assert refused(join(HOST, scheduled)) == "space-not-live"


@pytest.mark.parametrize(
    ("command", "slug"),
    [
        (Join(joiner=Actor(LISTENER), space=None), "space-not-found"),
        (join(LISTENER, *started(), ENDED), "space-ended"),
        (join(LISTENER, *started(), suspended=True), "account-suspended"),
        (join(LISTENER, *started(), blocked_by_host=True), "blocked-by-host"),
        (join(LISTENER, *started(), REMOVAL), "removed-from-space"),
    ],
)
def test_who_cannot_join(command: Join, slug: str) -> None:
    assert refused(command) == slug


def test_the_listener_cap_counts_listeners_not_the_stage() -> None:
    capped = (*started(max_listeners=2), speaker(SPEAKER))
    assert decide_membership(join(LISTENER, *capped, count=1), OUT)
    assert refused(join(LISTENER, *capped, count=2)) == "space-full"
    assert decide_membership(join(HOST, *capped, count=2), OUT)  # the host always gets in
    assert decide_membership(join(SPEAKER, *capped, count=2), OUT)  # so does the stage
    invitee = Join(joiner=Actor(LISTENER), space=given(*capped), listener_count=5, invited=True)
    assert decide_membership(invitee, OUT)
