"""The rules of a host's schedule, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.contracts.events.scheduling import (
    ReminderDue,
    ScheduledSpaceCanceled,
    ScheduledSpaceStarted,
    ScheduledSpaceUpdated,
    ScheduledStartDue,
    SpaceScheduled,
)
from parley.contracts.registry import DomainEvent
from parley.scheduling.domain.errors import Rejected
from parley.scheduling.domain.rules import Limits
from parley.scheduling.domain.schedule import (
    AutoCancelCameDue,
    Cancel,
    Command,
    HostReminderCameDue,
    HostSchedule,
    MarkStarted,
    Schedule,
    StartCameDue,
    Update,
    decide,
    evolve,
)

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
START = NOW + timedelta(hours=2)
HOST = "usr_host"
LIMITS = Limits(min_lead_s=900, max_ahead_days=30, max_upcoming=10)


def schedule(space_id: str = "sp_1", start: datetime = START, **fields: object) -> Schedule:
    values: dict[str, object] = {"title": "Morning show", "limits": LIMITS, **fields}
    return Schedule(space_id=space_id, host_id=HOST, scheduled_start=start, now=NOW, **values)  # type: ignore[arg-type]


def run(state: HostSchedule, *commands: Command) -> HostSchedule:
    for command in commands:
        for event in decide(command, state):
            state = evolve(state, event)
    return state


def refused(command: Command, state: HostSchedule) -> tuple[int, str]:
    with pytest.raises(Rejected) as rejection:
        decide(command, state)
    return rejection.value.status, rejection.value.slug


def one(events: object) -> DomainEvent:
    assert isinstance(events, list)
    assert len(events) == 1, events
    event: DomainEvent = events[0]
    return event


SCHEDULED = run(HostSchedule(), schedule())


# -- scheduling ----------------------------------------------------------------------------


def test_a_space_is_scheduled_with_clean_fields() -> None:
    event = one(decide(schedule(title="  Show ", topics=("Tech", "tech ", "AI")), HostSchedule()))
    assert isinstance(event, SpaceScheduled)
    assert (event.title, event.topics, event.scheduled_start) == ("Show", ["tech", "ai"], START)


def test_a_time_without_a_zone_is_utc() -> None:
    event = one(decide(schedule(start=START.replace(tzinfo=None)), HostSchedule()))
    assert isinstance(event, SpaceScheduled)
    assert event.scheduled_start == START


@pytest.mark.parametrize(
    ("start", "slug"),
    [
        (NOW - timedelta(minutes=1), "start-too-soon"),
        (NOW + timedelta(minutes=14, seconds=59), "start-too-soon"),
        (NOW + timedelta(days=30, seconds=1), "start-too-far"),
    ],
)
def test_the_time_must_be_between_the_lead_and_the_horizon(start: datetime, slug: str) -> None:
    assert refused(schedule(start=start), HostSchedule()) == (422, slug)


def test_the_edges_of_the_window_are_allowed() -> None:
    for start in (NOW + timedelta(minutes=15), NOW + timedelta(days=30)):
        assert isinstance(one(decide(schedule(start=start), HostSchedule())), SpaceScheduled)


@pytest.mark.parametrize(
    ("fields", "slug"),
    [
        ({"title": ""}, "invalid-title"),
        ({"title": "x" * 71}, "invalid-title"),
        ({"title": "bad\x00title"}, "invalid-title"),
        ({"description": "d" * 281}, "invalid-description"),
        ({"topics": ("a", "b", "c", "d")}, "invalid-topics"),
        ({"topics": ("t" * 31,)}, "invalid-topics"),
    ],
)
def test_bad_fields_are_422(fields: dict[str, object], slug: str) -> None:
    assert refused(schedule(**fields), HostSchedule()) == (422, slug)


def test_the_limits_edges_of_fields_are_allowed() -> None:
    command = schedule(title="t" * 70, description="d" * 280, topics=("a", "b", "c"))
    assert isinstance(one(decide(command, HostSchedule())), SpaceScheduled)


def test_at_most_max_upcoming_per_host() -> None:
    full = run(HostSchedule(), *(schedule(f"sp_{n}") for n in range(10)))
    assert len(full.upcoming()) == 10
    assert refused(schedule("sp_11"), full) == (409, "too-many-upcoming")


def test_a_canceled_or_started_space_frees_its_slot() -> None:
    full = run(HostSchedule(), *(schedule(f"sp_{n}") for n in range(10)))
    freed = run(full, Cancel("sp_0", HOST), MarkStarted("sp_1"))
    assert len(freed.upcoming()) == 8
    assert len(run(freed, schedule("sp_a"), schedule("sp_b")).upcoming()) == 10


def test_the_same_command_again_finds_its_space() -> None:
    assert decide(schedule(), SCHEDULED) == []
    full = run(HostSchedule(), *(schedule(f"sp_{n}") for n in range(10)))
    assert decide(schedule("sp_9"), full) == []  # not refused: it is the one it made


# -- editing and canceling ------------------------------------------------------------------


def update(**fields: object) -> Update:
    return Update(space_id="sp_1", actor_id=HOST, now=NOW, limits=LIMITS, **fields)  # type: ignore[arg-type]


def test_the_host_edits_title_description_topics_and_time() -> None:
    later = START + timedelta(days=1)
    event = one(
        decide(
            update(title="New", description="About", topics=("x",), scheduled_start=later),
            SCHEDULED,
        )
    )
    assert isinstance(event, ScheduledSpaceUpdated)
    state = evolve(SCHEDULED, event).spaces["sp_1"]
    assert (state.title, state.description, state.topics, state.scheduled_start) == (
        "New",
        "About",
        ("x",),
        later,
    )


def test_an_edit_that_changes_nothing_appends_nothing() -> None:
    assert decide(update(title="Morning show", scheduled_start=START), SCHEDULED) == []


def test_only_the_host_edits_or_cancels() -> None:
    other = Update(space_id="sp_1", actor_id="usr_other", now=NOW, title="Mine")
    assert refused(other, SCHEDULED) == (403, "not-host")
    assert refused(Cancel("sp_1", "usr_other"), SCHEDULED) == (403, "not-host")


def test_an_unknown_space_is_404() -> None:
    assert refused(Cancel("sp_nope", HOST), SCHEDULED) == (404, "space-not-found")


def test_bad_edits_are_422() -> None:
    assert refused(update(title=" "), SCHEDULED) == (422, "invalid-title")
    assert refused(update(scheduled_start=NOW), SCHEDULED) == (422, "start-too-soon")
    assert refused(update(scheduled_start=NOW + timedelta(days=31)), SCHEDULED) == (
        422,
        "start-too-far",
    )


def test_a_canceled_or_started_space_cannot_be_edited() -> None:
    canceled = run(SCHEDULED, Cancel("sp_1", HOST))
    assert refused(update(title="Again"), canceled) == (409, "space-canceled")
    started = run(SCHEDULED, MarkStarted("sp_1"))
    assert refused(update(title="Again"), started) == (409, "space-started")
    assert refused(Cancel("sp_1", HOST), started) == (409, "space-started")


def test_canceling_twice_changes_nothing() -> None:
    event = one(decide(Cancel("sp_1", HOST), SCHEDULED))
    assert isinstance(event, ScheduledSpaceCanceled)
    assert (event.reason, event.by) == ("host", HOST)
    assert decide(Cancel("sp_1", HOST), evolve(SCHEDULED, event)) == []


def test_room_starting_it_is_recorded_once_and_stands_over_a_cancel() -> None:
    assert isinstance(one(decide(MarkStarted("sp_1"), SCHEDULED)), ScheduledSpaceStarted)
    assert decide(MarkStarted("sp_1"), run(SCHEDULED, MarkStarted("sp_1"))) == []
    assert decide(MarkStarted("sp_impromptu"), SCHEDULED) == []
    canceled = run(SCHEDULED, Cancel("sp_1", HOST))
    assert isinstance(one(decide(MarkStarted("sp_1"), canceled)), ScheduledSpaceStarted)


# -- timers coming due ----------------------------------------------------------------------


def test_the_start_comes_due_once() -> None:
    event = one(decide(StartCameDue("sp_1", START), SCHEDULED))
    assert isinstance(event, ScheduledStartDue)
    assert decide(StartCameDue("sp_1", START), evolve(SCHEDULED, event)) == []


def test_a_timer_of_an_old_time_finds_nothing_to_do() -> None:
    moved = run(SCHEDULED, update(scheduled_start=START + timedelta(hours=1)))
    assert decide(StartCameDue("sp_1", START), moved) == []
    assert decide(HostReminderCameDue("sp_1", START, 3600), moved) == []
    assert decide(AutoCancelCameDue("sp_1", START), moved) == []
    assert isinstance(
        one(decide(StartCameDue("sp_1", START + timedelta(hours=1)), moved)), ScheduledStartDue
    )


def test_a_new_time_makes_the_timers_due_again() -> None:
    due = run(SCHEDULED, StartCameDue("sp_1", START), HostReminderCameDue("sp_1", START, 3600))
    back = run(due, update(scheduled_start=START + timedelta(hours=1)))
    back = run(back, update(scheduled_start=START))
    assert isinstance(one(decide(StartCameDue("sp_1", START), back)), ScheduledStartDue)
    assert isinstance(one(decide(HostReminderCameDue("sp_1", START, 3600), back)), ReminderDue)


def test_each_host_reminder_comes_due_once() -> None:
    event = one(decide(HostReminderCameDue("sp_1", START, 86400), SCHEDULED))
    assert isinstance(event, ReminderDue)
    assert event.before_s == 86400
    reminded = evolve(SCHEDULED, event)
    assert decide(HostReminderCameDue("sp_1", START, 86400), reminded) == []
    assert isinstance(one(decide(HostReminderCameDue("sp_1", START, 3600), reminded)), ReminderDue)


def test_nothing_comes_due_for_a_canceled_or_started_space() -> None:
    for state in (run(SCHEDULED, Cancel("sp_1", HOST)), run(SCHEDULED, MarkStarted("sp_1"))):
        for command in (
            StartCameDue("sp_1", START),
            HostReminderCameDue("sp_1", START, 3600),
            AutoCancelCameDue("sp_1", START),
        ):
            assert decide(command, state) == []


def test_a_space_not_started_in_time_is_canceled_automatically_once() -> None:
    due = run(SCHEDULED, StartCameDue("sp_1", START))
    event = one(decide(AutoCancelCameDue("sp_1", START), due))
    assert isinstance(event, ScheduledSpaceCanceled)
    assert (event.reason, event.by) == ("auto", None)
    canceled = evolve(due, event)
    assert decide(AutoCancelCameDue("sp_1", START), canceled) == []
    assert canceled.upcoming() == []
