"""A scheduled Space as an iCalendar event (RFC 5545), for "Add to calendar".

A calendar that imported the event, or subscribed to its address, updates it when the file
changes: the UID stays the Space's, the SEQUENCE grows with every change of the Space (it is
scheduling's version of it, a stream sequence: only ever larger), and a canceled Space says
``STATUS:CANCELLED`` under the same UID, which takes it off the calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from parley.contracts.api.scheduling import ScheduledSpaceView

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODUCT_ID = "-//Parley//Scheduled Spaces//EN"
# A Space has no end time; calendars need one to draw the event.
DEFAULT_DURATION = timedelta(hours=1)


def uid_of(space_id: str) -> str:
    return f"space-{space_id}@parley"


def calendar_of(
    space: ScheduledSpaceView, *, now: datetime, duration: timedelta = DEFAULT_DURATION
) -> bytes:
    """The Space's event: start, title, description with the share link, and its status."""
    event = Event()
    event.add("uid", uid_of(space.id))
    event.add("dtstamp", now)
    event.add("dtstart", space.scheduled_start)
    event.add("duration", duration)
    event.add("summary", space.title)
    event.add("description", _description(space))
    event.add("url", space.share_url)
    event.add("sequence", space.version)
    event.add("status", "CANCELLED" if space.state == "canceled" else "CONFIRMED")
    if space.topics:
        event.add("categories", list(space.topics))
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def _description(space: ScheduledSpaceView) -> str:
    listen = f"Listen on Parley: {space.share_url}"
    return f"{space.description}\n\n{listen}" if space.description else listen
