"""The Add-to-calendar file: one VEVENT per scheduled Space, as calendars read it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from parley.contracts.api.scheduling import ScheduledSpaceView
from parley.contracts.events.room import SpaceSettings
from parley.gateway.spaces.calendar import calendar_of

START = datetime(2030, 5, 17, 18, 30, tzinfo=UTC)
NOW = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)


def space(**changes: object) -> ScheduledSpaceView:
    fields: dict[str, object] = {
        "id": "sp_abc",
        "host_id": "usr_host",
        "title": "Launch; party, with commas",
        "description": "Bring questions\nand friends",
        "topics": ["tech", "launch"],
        "settings": SpaceSettings(),
        "state": "scheduled",
        "scheduled_start": START,
        "share_url": "https://parley.example/spaces/sp_abc",
        "version": 17,
    }
    return ScheduledSpaceView.model_validate({**fields, **changes})


def event_of(ics: bytes):  # type: ignore[no-untyped-def]
    calendar = Calendar.from_ical(ics)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    [event] = calendar.walk("VEVENT")
    return event


def test_the_event_has_the_time_title_share_link_and_a_default_duration() -> None:
    event = event_of(calendar_of(space(), now=NOW))

    assert event["UID"] == "space-sp_abc@parley"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DURATION") == timedelta(hours=1)
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["SUMMARY"]) == "Launch; party, with commas"
    assert str(event["DESCRIPTION"]) == (
        "Bring questions\nand friends\n\nListen on Parley: https://parley.example/spaces/sp_abc"
    )
    assert str(event["URL"]) == "https://parley.example/spaces/sp_abc"
    assert int(event["SEQUENCE"]) == 17
    assert str(event["STATUS"]) == "CONFIRMED"
    assert [str(c) for c in event["CATEGORIES"].cats] == ["tech", "launch"]


def test_a_new_time_keeps_the_uid_and_raises_the_sequence() -> None:
    before = event_of(calendar_of(space(), now=NOW))
    moved = event_of(
        calendar_of(space(scheduled_start=START + timedelta(hours=2), version=18), now=NOW)
    )

    assert moved["UID"] == before["UID"]
    assert moved.decoded("DTSTART") == START + timedelta(hours=2)
    assert int(moved["SEQUENCE"]) > int(before["SEQUENCE"])


def test_a_canceled_space_is_a_cancelled_event() -> None:
    event = event_of(calendar_of(space(state="canceled", canceled_reason="auto"), now=NOW))

    assert str(event["STATUS"]) == "CANCELLED"


def test_without_description_or_topics_the_share_link_is_the_description() -> None:
    event = event_of(calendar_of(space(description="", topics=[]), now=NOW))

    assert str(event["DESCRIPTION"]) == "Listen on Parley: https://parley.example/spaces/sp_abc"
    assert "CATEGORIES" not in event


def test_lines_are_folded_and_end_in_crlf() -> None:
    ics = calendar_of(space(title="x" * 70, description="y" * 280), now=NOW)

    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
    assert ics.endswith(b"END:VCALENDAR\r\n")
