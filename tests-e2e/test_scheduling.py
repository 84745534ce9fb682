"""Scheduled Spaces over HTTP against the real stack (``parley up``) with short settings: a
Space scheduled seconds ahead, a reminder, a new time (the notifications come once, at the new
time, none at the old one), the start, the auto-cancel of a Space nobody started, and the
limits and bad input, each refused with its problem and changing nothing.

Scheduling owns a scheduled Space until it starts; room keeps a copy, starts it and sends the
notifications (ADR 20), so these tests need both services.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from accounts_api import Account, assert_problem, register
from parley_up import ParleyUp
from polling import eventually
from room_installed import requires_room
from spaces_api import notifications

pytestmark = [pytest.mark.e2e, requires_room]

MIN_LEAD_S = 2
HOST_REMINDER_S = 3
AUTO_CANCEL_S = 8
SHORT_SETTINGS = {
    "PARLEY_SCHEDULING_MIN_LEAD_S": str(MIN_LEAD_S),
    "PARLEY_SCHEDULING_HOST_REMINDERS_S": str(HOST_REMINDER_S),
    "PARLEY_SCHEDULING_AUTO_CANCEL_S": str(AUTO_CANCEL_S),
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ParleyUp]:
    """This module's own stack, with timers seconds apart instead of hours."""
    up = ParleyUp(tmp_path_factory.mktemp("scheduling-stack"), extra_env=SHORT_SETTINGS)
    try:
        up.wait_until_ready()
        yield up
    except BaseException:
        up.kill()
        raise
    assert up.interrupt() == 0, f"parley up did not stop cleanly\n{up}"


def seconds_ahead(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def schedule(api: httpx.Client, host: Account, start: datetime, **fields: Any) -> dict[str, Any]:
    body = {"title": "Scheduled", "scheduled_start": start.isoformat(), **fields}
    response = api.post("/api/v1/spaces", json=body, headers=host.auth)
    assert response.status_code == 201, response.text
    space = dict(response.json())
    assert space["state"] == "scheduled"
    return space


def about(api: httpx.Client, account: Account, space_id: str) -> list[dict[str, Any]]:
    """The account's notifications about one Space."""
    return [item for item in notifications(api, account) if item.get("space_id") == space_id]


def view(api: httpx.Client, space_id: str, viewer: Account | None = None) -> dict[str, Any]:
    response = api.get(f"/api/v1/spaces/{space_id}", headers=viewer.auth if viewer else {})
    assert response.status_code == 200, response.text
    return dict(response.json())


def sleep_until(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


def test_a_reminder_comes_once_at_the_new_time_and_the_host_starts_it(api: httpx.Client) -> None:
    host, fan = register(api), register(api)
    old_time = seconds_ahead(6)
    space = schedule(api, host, old_time, title="Launch party")
    path = f"/api/v1/spaces/{space['id']}"

    reminded = api.put(f"{path}/reminder", headers=fan.auth)
    assert reminded.status_code == 200, reminded.text
    assert (reminded.json()["reminded"], reminded.json()["reminder_count"]) == (True, 1)
    new_time = seconds_ahead(12)
    moved = api.patch(path, json={"scheduled_start": new_time.isoformat()}, headers=host.auth)
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["scheduled_start"]) == new_time

    # Listed among the upcoming, with its reminder, as the fan sees it.
    def listed() -> dict[str, Any]:
        response = api.get("/api/v1/spaces", params={"state": "scheduled"}, headers=fan.auth)
        [item] = [i for i in response.json()["items"] if i["id"] == space["id"]]
        return dict(item)

    item = eventually(listed)
    assert (item["reminder_count"], item["reminded"], item["title"]) == (1, True, "Launch party")

    sleep_until(old_time + timedelta(seconds=1.5))  # the old time (and its host reminder) passed
    assert about(api, fan, space["id"]) == []
    assert about(api, host, space["id"]) == []

    def host_reminded_before() -> None:
        assert about(api, host, space["id"]), "the host's reminder, 3 s before"

    eventually(host_reminded_before, timeout_s=12)
    assert datetime.now(UTC) < new_time + timedelta(seconds=1)  # before the time, not at it
    assert about(api, fan, space["id"]) == []

    def fan_reminded() -> list[dict[str, Any]]:
        items = about(api, fan, space["id"])
        assert items
        return items

    [reminder] = eventually(fan_reminded, timeout_s=8)
    assert datetime.now(UTC) >= new_time - timedelta(seconds=0.5)
    assert reminder["text"]
    time.sleep(2)  # a second delivery would be here by now
    assert len(about(api, fan, space["id"])) == 1

    started = api.post(f"{path}/start", headers=host.auth)
    assert started.status_code == 200, started.text
    assert (started.json()["id"], started.json()["state"]) == (space["id"], "live")

    def told_it_is_live() -> None:
        assert len(about(api, fan, space["id"])) == 2

    eventually(told_it_is_live)
    assert_problem(
        api.patch(path, json={"scheduled_start": seconds_ahead(60).isoformat()}, headers=host.auth),
        409,
    )
    sleep_until(new_time + timedelta(seconds=AUTO_CANCEL_S + 1.5))
    assert view(api, space["id"])["state"] == "live"  # started: no auto-cancel


def test_a_space_nobody_starts_is_canceled_and_the_reminded_are_told(api: httpx.Client) -> None:
    host, fan = register(api), register(api)
    start = seconds_ahead(MIN_LEAD_S + 1)
    space = schedule(api, host, start)
    path = f"/api/v1/spaces/{space['id']}"
    assert api.put(f"{path}/reminder", headers=fan.auth).status_code == 200

    def canceled() -> None:
        assert view(api, space["id"])["state"] == "canceled"

    eventually(canceled, timeout_s=AUTO_CANCEL_S + 10)
    assert datetime.now(UTC) >= start + timedelta(seconds=AUTO_CANCEL_S - 0.5)

    def fan_told() -> None:
        texts = [item["text"].lower() for item in about(api, fan, space["id"])]
        assert any("cancel" in text for text in texts), texts

    eventually(fan_told)
    ics = api.get(f"{path}/calendar.ics")
    assert ics.status_code == 200
    assert "STATUS:CANCELLED" in ics.text
    assert_problem(api.post(f"{path}/start", headers=host.auth), 409)
    assert_problem(api.put(f"{path}/reminder", headers=fan.auth), 409, "space-canceled")


def test_limits_and_bad_input_are_refused_and_change_nothing(api: httpx.Client) -> None:
    host, other = register(api), register(api)
    tag = host.handle  # this test's Spaces, among other tests' on the same stack
    hour = 3600

    def refused(body: dict[str, Any], status: int, slug: str) -> None:
        response = api.post("/api/v1/spaces", json={"title": tag, **body}, headers=host.auth)
        assert_problem(response, status, slug)

    refused({"scheduled_start": seconds_ahead(-60).isoformat()}, 422, "start-too-soon")
    refused({"scheduled_start": seconds_ahead(31 * 24 * hour).isoformat()}, 422, "start-too-far")
    refused({"scheduled_start": "next tuesday"}, 422, "invalid-input")
    refused({"scheduled_start": seconds_ahead(hour).isoformat(), "title": ""}, 422, "invalid-title")

    spaces = [schedule(api, host, seconds_ahead(hour + n), title=f"{tag} {n}") for n in range(10)]
    refused({"scheduled_start": seconds_ahead(2 * hour).isoformat()}, 409, "too-many-upcoming")
    impromptu = api.post("/api/v1/spaces", json={"title": "Right now"}, headers=host.auth)
    assert impromptu.status_code == 201, impromptu.text  # not limited by the schedule

    def ten_upcoming() -> None:
        response = api.get("/api/v1/spaces", params={"state": "scheduled", "q": tag, "limit": 50})
        assert [item["title"] for item in response.json()["items"]] == [
            f"{tag} {n}" for n in range(10)
        ]

    eventually(ten_upcoming)

    first = spaces[0]
    path = f"/api/v1/spaces/{first['id']}"
    before = view(api, first["id"], host)
    for body, status, slug in [
        ({"title": "Mine now"}, 403, "not-host"),
        ({"scheduled_start": seconds_ahead(3 * hour).isoformat()}, 403, "not-host"),
    ]:
        assert_problem(api.patch(path, json=body, headers=other.auth), status, slug)
    assert_problem(api.post(f"{path}/cancel", headers=other.auth), 403, "not-host")
    for body, slug in [
        ({"scheduled_start": seconds_ahead(-5).isoformat()}, "start-too-soon"),
        ({"scheduled_start": seconds_ahead(40 * 24 * hour).isoformat()}, "start-too-far"),
        ({"title": "x" * 71}, "invalid-title"),
        ({"topics": ["a", "b", "c", "d"]}, "invalid-topics"),
    ]:
        assert_problem(api.patch(path, json=body, headers=host.auth), 422, slug)
    assert_problem(
        api.patch(path, json={"captions": True}, headers=host.auth), 409, "space-scheduled"
    )
    assert_problem(api.put("/api/v1/spaces/sp_unknown/reminder", headers=other.auth), 404)
    assert_problem(api.post("/api/v1/spaces/sp_unknown/cancel", headers=host.auth), 404)
    assert_problem(api.get("/api/v1/spaces/sp_unknown/calendar.ics"), 404, "space-not-found")
    after = view(api, first["id"], host)
    fields = ("title", "description", "topics", "scheduled_start", "state", "settings")
    assert {k: after[k] for k in fields} == {k: before[k] for k in fields}

    # Canceling one frees its slot.
    assert api.post(f"{path}/cancel", headers=host.auth).json()["state"] == "canceled"
    schedule(api, host, seconds_ahead(2 * hour), title=f"{tag} again")
