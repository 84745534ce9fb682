"""Scheduling in the web client: the host schedules a Space from the create form (a date and
time in the viewer's time zone, sent as UTC), a second person finds it under Upcoming and
sets a reminder, and the reminder notification shows up in their inbox when it is time.

The stack runs with short scheduling settings (a Space may start seconds ahead), so the host
moves the time close by API once the form has been checked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from parley_up import ParleyUp
from playwright.sync_api import expect
from room_installed import requires_room

pytestmark = [pytest.mark.e2e, requires_room]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ParleyUp]:
    """This module's own stack: scheduled Spaces may start 2 s ahead."""
    up = ParleyUp(
        tmp_path_factory.mktemp("scheduling-browser-stack"),
        extra_env={"PARLEY_SCHEDULING_MIN_LEAD_S": "2", "PARLEY_SCHEDULING_HOST_REMINDERS_S": ""},
    )
    try:
        up.wait_until_ready()
        yield up
    except BaseException:
        up.kill()
        raise
    assert up.interrupt() == 0, f"parley up did not stop cleanly\n{up}"


def test_schedule_from_the_form_remind_and_be_notified(open_person) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", display_name="Hana Host")
    fan = open_person("fan", display_name="Finn Fan")
    title = f"Launch party {host.handle}"
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=18, minute=30)

    page = host.open("/new")
    page.get_by_placeholder("What do you want to talk about?").fill(title)
    page.get_by_text("Schedule for later").click()
    page.get_by_label("Starts at (your time)").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule Space").click()

    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator(".lobby-when")).to_contain_text("6:30")
    expect(page.get_by_role("button", name="Start Space")).to_be_visible()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel Space")).to_be_visible()
    space_id = page.url.rsplit("/", 1)[-1]
    calendar = page.get_by_role("link", name="Add to calendar")
    expect(calendar).to_have_attribute("href", f"/api/v1/spaces/{space_id}/calendar.ics")
    made = host.context.request.get(f"{host.base_url}/api/v1/spaces/{space_id}").json()
    # The browser runs in UTC (browsers.py): the local time is the UTC time.
    assert datetime.fromisoformat(made["scheduled_start"]) == tomorrow.replace(
        second=0, microsecond=0
    )

    # The fan finds it under Upcoming and sets a reminder there.
    fan_page = fan.open("/")
    upcoming = fan_page.locator(".spaces-section", has_text="Upcoming")
    item = upcoming.locator(".upcoming-item", has_text=title)
    expect(item).to_contain_text("0 people reminded")
    item.get_by_role("button", name="Remind me").click()
    expect(item.get_by_role("button", name="Reminded")).to_have_attribute("aria-pressed", "true")
    expect(item).to_contain_text("1 person reminded")

    # Its page says so too, and the host sees the count.
    fan_page.goto(f"{fan.base_url}/spaces/{space_id}")
    expect(fan_page.get_by_role("button", name="Reminded")).to_be_visible()
    expect(fan_page.get_by_role("link", name="Add to calendar")).to_be_visible()
    page.reload()
    expect(page.locator(".reminder-count")).to_have_text("1 person reminded")

    # It is time: the host moved it a few seconds ahead; the fan is told, in the inbox.
    soon = datetime.now(UTC) + timedelta(seconds=4)
    moved = host.context.request.patch(
        f"{host.base_url}/api/v1/spaces/{space_id}",
        data={"scheduled_start": soon.isoformat()},
    )
    assert moved.ok, moved.text()
    fan_page.goto(f"{fan.base_url}/notifications")
    reminder = fan_page.locator('.notification[data-kind="reminder"]')
    expect(reminder).to_have_count(1, timeout=30_000)
    expect(reminder).to_contain_text(re.compile(f"{re.escape(title)}.? is starting"))
    expect(reminder).to_have_attribute("href", f"/spaces/{space_id}")
    fan.assert_no_page_errors()
    host.assert_no_page_errors()
