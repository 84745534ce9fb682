"""Pure parts of the chassis and contracts: subjects, problem round trips, decider folds."""

from __future__ import annotations

import pytest

from parley.chassis.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from parley.contracts import streams
from parley.contracts.streams import StreamSpec
from parley.contracts.subjects import (
    aggregate_filter,
    command_subject,
    event_subject,
    event_type_filter,
    parse_subject,
    snake_case,
)
from parley.testing.counter import (
    CounterClosed,
    CounterIncremented,
    CounterState,
    Increment,
    counter_decider,
)


def test_event_subjects_follow_context_aggregate_event() -> None:
    assert event_subject("room", "sp_8f3", "SpeakerPromoted") == "room.sp_8f3.speaker_promoted"
    assert aggregate_filter("room", "sp_8f3") == "room.sp_8f3.>"
    assert event_type_filter("identity", "UserSuspended") == "identity.*.user_suspended"
    assert parse_subject("room.sp_8f3.speaker_promoted") == ("room", "sp_8f3", "speaker_promoted")
    assert command_subject("identity", "register") == "cmd.identity.register"
    assert snake_case("UserRegistered") == "user_registered"


@pytest.mark.parametrize("bad", ["", "a.b", "a b", "a*", "a>"])
def test_tokens_that_would_break_subjects_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="subject token"):
        event_subject("room", bad, "SpaceStarted")


@pytest.mark.parametrize(
    "error",
    [
        Conflict("x", type="stage-full"),
        Forbidden("y"),
        NotFound("z"),
        InvalidInput("w"),
        DomainError("v"),
    ],
)
def test_problems_round_trip_to_the_same_error(error: DomainError) -> None:
    again = DomainError.from_problem(error.to_problem())

    assert type(again) is type(error)
    assert again.to_problem() == error.to_problem()


def test_unknown_status_keeps_its_status() -> None:
    error = DomainError.from_problem({"status": 500, "type": "internal-error", "detail": "d"})
    assert error.status == 500


def test_decider_folds_events_into_state() -> None:
    state = counter_decider.fold(
        [
            CounterIncremented(counter_id="c", by=2),
            CounterIncremented(counter_id="c"),
            CounterClosed(counter_id="c"),
        ]
    )
    assert state == CounterState(value=3, closed=True)
    with pytest.raises(Conflict):
        counter_decider.decide(Increment("c"), state)


def test_streams_are_file_backed_deduplicating_and_atomic() -> None:
    config = StreamSpec("ROOM", "room", "room", ("room.>",), replicas=3).config()
    assert config["storage"] == "file"
    assert config["num_replicas"] == 3
    assert config["allow_atomic"] is True
    assert config["allow_direct"] is True
    assert config["duplicate_window"] == 120 * 10**9


def test_every_stream_has_one_owner_and_holds_one_context() -> None:
    assert {spec.context: spec.owner for spec in streams.ALL} == {
        "identity": "identity",
        "room": "room",
        "media": "media_relay",
        "scheduling": "scheduling",
        "recording": "recording",
        "clipping": "clipping",
        "captions": "captions",
    }
    assert len({spec.name for spec in streams.ALL}) == len(streams.ALL)
    for spec in streams.ALL:
        assert streams.stream_of(spec.context) is spec
        assert all(subject.startswith(f"{spec.context}.") for subject in spec.subjects)
    assert streams.owned_by("room") == (streams.ROOM,)
    assert streams.owned_by("gateway") == ()
    with pytest.raises(LookupError):
        streams.stream_of("nosuchcontext")
