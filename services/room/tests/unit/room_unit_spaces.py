"""Building Spaces from events for unit tests: the ids of a cast, and ``given(*events)``."""

from __future__ import annotations

from datetime import UTC, datetime

from parley.contracts.events.room import (
    CohostAdded,
    PostPinned,
    SpaceCreated,
    SpaceSettings,
    SpaceStarted,
    SpeakerPromoted,
    SpeakerRequested,
    StageInvitationSent,
)
from parley.contracts.registry import DomainEvent
from parley.room.domain.evolve import evolve
from parley.room.domain.state import Space, SpaceState

SPACE = "sp_test"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

HOST = "usr_host"
COHOST = "usr_cohost"
COHOST_2 = "usr_cohost2"
SPEAKER = "usr_speaker"
SPEAKER_2 = "usr_speaker2"
LISTENER = "usr_listener"
LISTENER_2 = "usr_listener2"
OUTSIDER = "usr_outsider"
REMOVED = "usr_removed"
BLOCKED = "usr_blocked"
SUSPENDED = "usr_suspended"
NEWCOMER = "usr_newcomer"


def given(*events: DomainEvent, state: SpaceState = None) -> SpaceState:
    for event in events:
        state = evolve(state, event)
    return state


def created(**settings: object) -> list[DomainEvent]:
    return [
        SpaceCreated(
            space_id=SPACE,
            host_id=HOST,
            title="Talk",
            settings=SpaceSettings.model_validate(settings),
        )
    ]


def started(**settings: object) -> list[DomainEvent]:
    return [*created(**settings), SpaceStarted(space_id=SPACE, host_id=HOST, started_at=NOW)]


def cohost(user_id: str) -> DomainEvent:
    return CohostAdded(space_id=SPACE, user_id=user_id, invited_by=HOST)


def speaker(user_id: str) -> DomainEvent:
    return SpeakerPromoted(space_id=SPACE, user_id=user_id, by=HOST, via="request")


def requested(user_id: str) -> DomainEvent:
    return SpeakerRequested(space_id=SPACE, user_id=user_id)


def invited(user_id: str, role: str = "speaker", by: str = HOST) -> DomainEvent:
    return StageInvitationSent(space_id=SPACE, user_id=user_id, role=role, by=by)  # type: ignore[arg-type]


def pinned(pin_id: str, by: str) -> DomainEvent:
    return PostPinned(space_id=SPACE, pin_id=pin_id, url="https://example.org/post", by=by)


def space(*events: DomainEvent) -> Space:
    state = given(*events)
    assert state is not None
    return state
