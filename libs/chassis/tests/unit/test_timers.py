"""The pure parts of the timers: names, the schedule's headers, reading a firing back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from parley.chassis.timers import (
    DUE_HEADER,
    BadFiring,
    FiredTimer,
    armed_filter,
    armed_subject,
    durable_name,
    fired_subject,
    fired_timer,
    rfc3339,
    schedule_headers,
    stream_config,
    stream_name,
)


def test_names_of_a_services_timers() -> None:
    assert stream_name("media_relay") == "TIMERS_MEDIA_RELAY"
    assert armed_subject("room", "sp_abc.reminder", "a1") == "timers.room.armed.sp_abc.reminder.a1"
    assert armed_filter("room", "sp_abc.reminder") == "timers.room.armed.sp_abc.reminder.*"
    assert armed_filter("room", "sp_abc") == "timers.room.armed.sp_abc.*"  # not sp_abc.reminder
    assert fired_subject("room", "sp_abc.reminder") == "timers.room.fired.sp_abc.reminder"
    assert durable_name("room") == "timers_room"
    config = stream_config("room")
    assert config["subjects"] == ["timers.room.armed.>", "timers.room.fired.>"]
    assert config["storage"] == "file"
    assert config["allow_msg_schedules"]
    assert config["allow_msg_ttl"]  # the fired messages expire


@pytest.mark.parametrize("timer_id", ["", "a..b", ".a", "a.", "a.*", "a.>", "a b", "sp/1"])
def test_a_timer_id_must_be_subject_tokens(timer_id: str) -> None:
    with pytest.raises(ValueError, match="timer id"):
        armed_filter("room", timer_id)


def test_an_arming_is_one_token() -> None:
    with pytest.raises(ValueError, match="one subject token"):
        armed_subject("room", "sp_1", "a.b")


@pytest.mark.parametrize("service", ["", "Room", "room.x", "room-1", "1room"])
def test_a_service_name_must_fit_a_stream_and_a_subject(service: str) -> None:
    with pytest.raises(ValueError, match="service name"):
        stream_name(service)


def test_times_are_rfc3339_in_utc_to_the_microsecond() -> None:
    plus_two = timezone(timedelta(hours=2))
    at = datetime(2026, 3, 1, 12, 0, 5, 250_000, tzinfo=plus_two)
    assert rfc3339(at) == "2026-03-01T10:00:05.250000Z"
    with pytest.raises(ValueError, match="no time zone"):
        rfc3339(datetime(2026, 3, 1, 12, 0))  # naive: which zone?


def test_the_schedule_headers_of_an_arming() -> None:
    at = datetime(2026, 3, 1, 10, 0, 5, tzinfo=UTC)
    assert schedule_headers("room", "sp_1.grace", at) == {
        "Nats-Schedule": "@at 2026-03-01T10:00:05.000000Z",
        "Nats-Schedule-Target": "timers.room.fired.sp_1.grace",
        "Nats-Schedule-TTL": "168h",
        DUE_HEADER: "2026-03-01T10:00:05.000000Z",
    }


def test_a_firing_read_back() -> None:
    headers = {DUE_HEADER: "2026-03-01T10:00:05.250000Z", "Nats-Scheduler": "x"}
    fired = fired_timer("room", "timers.room.fired.sp_1.grace", headers, b"p", attempt=2)
    assert fired == FiredTimer(
        "sp_1.grace", datetime(2026, 3, 1, 10, 0, 5, 250_000, tzinfo=UTC), b"p", 2
    )


@pytest.mark.parametrize(
    ("subject", "headers"),
    [
        ("timers.other.fired.x", {DUE_HEADER: "2026-03-01T10:00:05Z"}),
        ("timers.room.fired.x", None),
        ("timers.room.fired.x", {DUE_HEADER: "soon"}),
        ("timers.room.fired.x", {DUE_HEADER: "2026-03-01T10:00:05"}),  # no zone
    ],
)
def test_what_is_no_firing(subject: str, headers: dict[str, str] | None) -> None:
    with pytest.raises(BadFiring):
        fired_timer("room", subject, headers, b"")
