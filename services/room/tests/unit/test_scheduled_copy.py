"""Room's copy of a scheduled Space (ADR 20): the decider's rules, pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import (
    Actor,
    CopyScheduledCancel,
    CopyScheduledEdit,
    CopyScheduledSpace,
    NoteScheduledTime,
    SpaceCommand,
    StartSpace,
)
from parley.room.domain.decide import decide
from parley.room.domain.errors import Conflict, NotAllowed
from parley.room.domain.evolve import evolve
from parley.room.domain.scheduled_copy import NotCopiedYet
from parley.room.domain.state import SpaceState
from parley.room.queries.notification_texts import describe

NOW = datetime(2031, 5, 1, 12, tzinfo=UTC)
START = NOW + timedelta(hours=2)
HOST = "usr_host"


def fold(events: Sequence[DomainEvent], state: SpaceState = None) -> SpaceState:
    for event in events:
        state = evolve(state, event)
    return state


def run(state: SpaceState, *commands: SpaceCommand) -> tuple[SpaceState, list[str]]:
    names: list[str] = []
    for command in commands:
        events = decide(command, state)
        names += [event.event_type() for event in events]
        state = fold(events, state)
    return state, names


def scheduled(seq: int = 1) -> SpaceState:
    command = CopyScheduledSpace(
        space_id="sp_1",
        host_id=HOST,
        title="Tea",
        scheduled_start=START,
        seq=seq,
        description="A chat",
        topics=("jazz",),
    )
    state, _ = run(None, command)
    return state


def test_a_scheduled_space_is_copied_once_as_scheduled() -> None:
    state = scheduled()
    assert state is not None
    assert (state.phase, state.host_id, state.title, state.scheduled_start) == (
        "scheduled",
        HOST,
        "Tea",
        START,
    )
    again = CopyScheduledSpace(
        space_id="sp_1", host_id=HOST, title="Tea", scheduled_start=START, seq=1
    )
    assert decide(again, state) == []


def test_an_edit_and_a_new_time_reach_the_copy_and_an_older_edit_never_overwrites_a_newer() -> None:
    later = START + timedelta(hours=3)
    newer = CopyScheduledEdit(by=HOST, seq=5, title="Tea later", scheduled_start=later)
    older = CopyScheduledEdit(by=HOST, seq=4, title="Tea soon")
    state, names = run(scheduled(), newer, older, newer)
    assert names == ["SpaceUpdated"]
    assert state is not None
    assert (state.title, state.scheduled_start, state.description) == ("Tea later", later, "A chat")


def test_an_edit_that_changes_nothing_appends_nothing() -> None:
    assert (
        decide(CopyScheduledEdit(by=HOST, seq=2, title="Tea", topics=("jazz",)), scheduled()) == []
    )


def test_a_cancel_makes_the_copy_canceled_once_and_it_cannot_start() -> None:
    state, names = run(
        scheduled(),
        CopyScheduledCancel(reason="auto", seq=3),
        CopyScheduledCancel(reason="auto", seq=3),
        CopyScheduledEdit(by=HOST, seq=4, title="Too late"),
    )
    assert names == ["SpaceCanceled"]
    assert state is not None
    assert state.phase == "canceled"
    with pytest.raises(Conflict) as refusal:
        decide(StartSpace(Actor(HOST), NOW), state)
    assert refusal.value.slug == "space-canceled"


def test_the_host_starts_a_scheduled_copy_and_nobody_else() -> None:
    with pytest.raises(NotAllowed) as refusal:
        decide(StartSpace(Actor("usr_ann"), NOW), scheduled())
    assert refusal.value.slug == "host-only"
    state, names = run(scheduled(), StartSpace(Actor(HOST), NOW))
    assert names == ["SpaceStarted"]
    assert state is not None
    assert (state.phase, state.space_id) == ("live", "sp_1")


def test_a_started_copy_ignores_scheduling_s_late_edits_cancels_and_timers() -> None:
    started, _ = run(scheduled(), StartSpace(Actor(HOST), NOW))
    late = (
        CopyScheduledEdit(by=HOST, seq=9, title="Late"),
        CopyScheduledCancel(reason="host", seq=10, by=HOST),
        NoteScheduledTime(host_id=HOST, scheduled_start=START),
    )
    assert all(decide(command, started) == [] for command in late)


def test_each_timer_that_came_due_is_noted_once() -> None:
    start_due = NoteScheduledTime(host_id=HOST, scheduled_start=START)
    hour = NoteScheduledTime(host_id=HOST, scheduled_start=START, before_s=3600)
    day = NoteScheduledTime(host_id=HOST, scheduled_start=START, before_s=86400)
    _, names = run(scheduled(), day, hour, hour, start_due, start_due, day)
    assert names == ["HostReminderCame", "HostReminderCame", "ScheduledStartCame"]


def test_scheduling_s_events_for_a_space_not_copied_yet_are_retried() -> None:
    for command in (
        CopyScheduledEdit(by=HOST, seq=2, title="x"),
        CopyScheduledCancel(reason="host", seq=2),
        NoteScheduledTime(host_id=HOST, scheduled_start=START),
    ):
        with pytest.raises(NotCopiedYet):
            decide(command, None)


@pytest.mark.parametrize(
    ("kind", "data", "text"),
    [
        ("reminder", {"title": "Tea"}, "“Tea” is starting"),
        (
            "scheduled_starts_soon",
            {"title": "Tea", "before_s": "86400"},
            "“Tea” starts in 24 hours",
        ),
        ("scheduled_starts_soon", {"title": "Tea", "before_s": "3600"}, "“Tea” starts in 1 hour"),
        (
            "scheduled_starts_soon",
            {"title": "Tea", "before_s": "900"},
            "“Tea” starts in 15 minutes",
        ),
        ("scheduled_live", {"title": "Tea"}, "“Tea” is live now"),
        ("scheduled_canceled", {"title": "Tea"}, "“Tea” was canceled: it did not start in time"),
    ],
)
def test_the_scheduled_space_notifications_read(kind: Any, data: dict[str, str], text: str) -> None:
    assert describe(kind, None, data) == text
