"""Scheduled Spaces through the gateway and the real scheduling service (in-process, on a
private nats-server and SQLite), with a fake room that knows only the Spaces a test gives it
(room's copy of a scheduled Space is the other side of ADR 20, not this service's).

What the gateway decides: which service a request goes to (a time: scheduling; an edit or a
cancel of a Space scheduling holds as scheduled: scheduling; else room), and the Space it
answers (room's copy with scheduling's fields over it, scheduling's view alone until the copy
is there)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from parley.chassis.bus import RequestContext
from parley.chassis.messaging import connect, ensure_stream
from parley.chassis.service import RunningService, start_service
from parley.contracts import streams
from parley.contracts.api import scheduling as api_scheduling
from parley.scheduling.bootstrap import definition
from parley.scheduling.settings import SchedulingSettings

MAX_UPCOMING = 3
NOBODY = RequestContext()


@pytest.fixture
def nats_url(private_nats: str) -> str:
    """This module's gateway, fakes and scheduling on a nats-server of each test's own (the
    scheduling service makes its streams on it)."""
    return private_nats


@pytest.fixture
async def scheduling(nats_url: str, tmp_path: Path) -> AsyncIterator[RunningService]:
    nc = await connect(nats_url, name="room-stand-in")
    await ensure_stream(nc, streams.ROOM)  # room's (scheduling follows its SpaceStarted)
    await nc.close()
    settings = SchedulingSettings(
        nats_url=nats_url,  # type: ignore[call-arg]
        data_dir=tmp_path / "scheduling",
        log_json=False,
        public_url="https://parley.example",
        min_lead_s=60,
        max_upcoming=MAX_UPCOMING,
    )
    service = await start_service(definition, settings)
    yield service
    await service.stop()


@pytest.fixture
async def api(gateway: Any, fake_room: Any, scheduling: RunningService) -> Any:
    fake_room.known_only = True  # room has no copy of any scheduled Space
    return gateway.client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def in_hours(hours: float) -> datetime:
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def host(keys: Any) -> dict[str, str]:
    return bearer(keys.token("usr_host", "host"))


@pytest.fixture
def fan(keys: Any) -> dict[str, str]:
    return bearer(keys.token("usr_fan", "fan"))


async def schedule(api: Any, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"title": "Launch party", "scheduled_start": in_hours(2).isoformat(), **fields}
    response = await api.post("/api/v1/spaces", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_space_with_a_time_is_scheduled_edited_and_canceled_by_scheduling(
    api, fake_room, host, fan, assert_problem
):
    start = in_hours(2)
    made = await schedule(api, host, topics=["Tech"], scheduled_start=start.isoformat())

    assert made["state"] == "scheduled"
    assert at(made["scheduled_start"]) == start
    assert made["host"]["user_id"] == "usr_host"
    assert made["host"]["handle"] == "host"  # the caller: room's copy is not there yet
    assert made["my_role"] == "host"
    assert made["share_url"] == f"https://parley.example/spaces/{made['id']}"
    assert not fake_room.requests("create_space")
    path = f"/api/v1/spaces/{made['id']}"
    seen = (await api.get(path)).json()  # anonymous, before room has its copy
    assert (seen["state"], seen["title"], seen["topics"]) == ("scheduled", "Launch party", ["tech"])
    assert (seen["my_role"], (await api.get(path, headers=host)).json()["my_role"]) == (
        "none",
        "host",
    )

    later = in_hours(5)
    edit = {"title": "Launch", "scheduled_start": later.isoformat(), "description": "Q&A"}
    edited = await api.patch(path, json=edit, headers=host)
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], at(edited.json()["scheduled_start"])) == ("Launch", later)
    assert not fake_room.requests("update_space")

    before = (await api.get(path)).json()
    assert_problem(await api.patch(path, json={"title": "Mine"}, headers=fan), 403, "not-host")
    assert_problem(await api.post(f"{path}/cancel", headers=fan), 403, "not-host")
    assert_problem(
        await api.patch(path, json={"scheduled_start": in_hours(-1).isoformat()}, headers=host),
        422,
        "start-too-soon",
    )
    assert_problem(
        await api.patch(path, json={"captions": True}, headers=host), 409, "space-scheduled"
    )
    assert (await api.get(path)).json() == before

    canceled = await api.post(f"{path}/cancel", headers=host)
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["state"] == "canceled"
    again = await api.post(f"{path}/cancel", headers=host)
    assert (again.status_code, again.json()["state"]) == (200, "canceled")
    assert_problem(await api.patch(path, json={"title": "x"}, headers=host), 409, "space-canceled")
    assert_problem(await api.put(f"{path}/reminder", headers=fan), 409, "space-canceled")


async def test_bad_times_and_too_many_upcoming_are_refused_and_change_nothing(
    api, scheduling, host, assert_problem
):
    async def refused(start: Any, status: int, slug: str) -> None:
        response = await api.post(
            "/api/v1/spaces", json={"title": "T", "scheduled_start": start}, headers=host
        )
        assert_problem(response, status, slug)

    await refused(in_hours(-1).isoformat(), 422, "start-too-soon")
    await refused((datetime.now(UTC) + timedelta(seconds=10)).isoformat(), 422, "start-too-soon")
    await refused(in_hours(24 * 31).isoformat(), 422, "start-too-far")
    await refused("9999-12-31T23:59:59Z", 422, "start-too-far")
    await refused("0001-01-01T00:00:00Z", 422, "start-too-soon")
    await refused("tomorrow", 422, "invalid-input")
    await refused(1234, 422, "invalid-input")
    response = await api.post(
        "/api/v1/spaces",
        json={"title": "", "scheduled_start": in_hours(2).isoformat()},
        headers=host,
    )
    assert_problem(response, 422, "invalid-title")

    for n in range(MAX_UPCOMING):
        await schedule(api, host, title=f"Show {n}")
    await refused(in_hours(3).isoformat(), 409, "too-many-upcoming")

    listed = await scheduling.infra.bus.call(
        api_scheduling.LIST_SCHEDULED_SPACES, api_scheduling.ListScheduledSpaces(), NOBODY
    )
    assert sorted(item.title for item in listed.items) == ["Show 0", "Show 1", "Show 2"]
    impromptu = await api.post("/api/v1/spaces", json={"title": "Now"}, headers=host)
    assert impromptu.status_code == 201, impromptu.text  # to room, meanwhile


async def test_reminders_are_counted_and_the_upcoming_list_shows_them_soonest_first(
    api, fake_room, host, fan, keys, assert_problem
):
    later = await schedule(api, host, title="Later", scheduled_start=in_hours(6).isoformat())
    sooner = await schedule(api, host, title="Sooner", scheduled_start=in_hours(1).isoformat())
    gone = await schedule(api, host, title="Gone")
    path = f"/api/v1/spaces/{later['id']}"

    reminded = await api.put(f"{path}/reminder", headers=fan)
    assert reminded.status_code == 200, reminded.text
    assert (reminded.json()["reminder_count"], reminded.json()["reminded"]) == (1, True)
    again = await api.put(f"{path}/reminder", headers=fan)
    assert again.json()["reminder_count"] == 1
    other = bearer(keys.token("usr_bea", "bea"))
    assert (await api.put(f"{path}/reminder", headers=other)).json()["reminder_count"] == 2
    as_host = (await api.get(path, headers=host)).json()
    assert (as_host["reminder_count"], as_host["reminded"]) == (2, False)
    assert (await api.get(path, headers=fan)).json()["reminded"] is True
    cleared = await api.delete(f"{path}/reminder", headers=other)
    assert (cleared.status_code, cleared.json()["reminder_count"]) == (200, 1)
    assert (await api.post(f"/api/v1/spaces/{gone['id']}/cancel", headers=host)).status_code == 200
    assert_problem(
        await api.put("/api/v1/spaces/sp_nope/reminder", headers=fan), 404, "space-not-found"
    )
    assert_problem(await api.put(f"{path}/reminder"), 401, "unauthenticated")

    # Room lists its copies (one with a time it has not caught up with, one canceled since,
    # one scheduled by room itself before scheduling existed).
    def summary(space: dict[str, Any], start: datetime) -> dict[str, Any]:
        return {
            "id": space["id"],
            "title": "old title",
            "state": "scheduled",
            "host": {"user_id": "usr_host", "handle": "host"},
            "scheduled_start": start.isoformat(),
            "share_url": space["share_url"],
        }

    legacy = {**summary(later, in_hours(3)), "id": "sp_legacy", "title": "Legacy"}
    fake_room.summaries = [
        summary(later, in_hours(0.5)),
        summary(gone, in_hours(1.5)),
        legacy,
        summary(sooner, in_hours(4)),
    ]
    response = await api.get("/api/v1/spaces", params={"state": "scheduled"}, headers=fan)

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["title"], i["reminder_count"], i["reminded"]) for i in items] == [
        ("Sooner", 0, False),
        ("Legacy", 0, False),
        ("Later", 1, True),
    ]


async def test_room_copy_shows_with_schedulings_fields_and_started_spaces_are_rooms(
    api, fake_room, host, assert_problem
):
    made = await schedule(api, host)
    path = f"/api/v1/spaces/{made['id']}"
    fake_room.views[made["id"]] = {
        "state": "scheduled",
        "title": "Launch party",
        "host": {"user_id": "usr_host", "handle": "host", "display_name": "Hostess"},
        "scheduled_start": made["scheduled_start"],
        "version": 42,
    }
    new_time = in_hours(7)

    edited = await api.patch(
        path, json={"title": "Renamed", "scheduled_start": new_time.isoformat()}, headers=host
    )

    assert edited.status_code == 200, edited.text
    seen = (await api.get(path, headers=host)).json()
    for view in (edited.json(), seen):
        assert (view["title"], view["version"]) == ("Renamed", 42)  # room's version
        assert view["host"]["display_name"] == "Hostess"
        assert at(view["scheduled_start"]) == new_time

    # Room started it (scheduling has not heard yet): an edit of a live Space is room's.
    fake_room.views[made["id"]]["state"] = "live"
    edited = await api.patch(path, json={"captions": True}, headers=host)
    assert edited.status_code == 200, edited.text
    [update] = fake_room.requests("update_space")
    assert update.payload["captions"] is True


async def test_a_space_never_scheduled_has_no_time_to_change_or_cancel(
    api, fake_room, host, assert_problem
):
    fake_room.views["sp_live"] = {"state": "live"}

    assert_problem(
        await api.post("/api/v1/spaces/sp_live/cancel", headers=host), 409, "space-not-scheduled"
    )
    assert_problem(
        await api.patch(
            "/api/v1/spaces/sp_live",
            json={"title": "x", "scheduled_start": in_hours(2).isoformat()},
            headers=host,
        ),
        409,
        "space-not-scheduled",
    )
    assert not fake_room.requests("update_space")  # not the title either
    assert_problem(
        await api.post("/api/v1/spaces/sp_nope/cancel", headers=host), 404, "space-not-found"
    )
    assert_problem(await api.get("/api/v1/spaces/sp_nope"), 404, "space-not-found")


async def test_calendar_event_follows_the_time_and_the_cancel(api, host, assert_problem):
    made = await schedule(api, host, description="All about it", topics=["launch"])
    path = f"/api/v1/spaces/{made['id']}"

    first = await api.get(f"{path}/calendar.ics")  # no login needed

    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("text/calendar")
    [event] = Calendar.from_ical(first.content).walk("VEVENT")
    assert event["UID"] == f"space-{made['id']}@parley"
    assert event.decoded("DTSTART") == at(made["scheduled_start"])
    assert str(event["SUMMARY"]) == "Launch party"
    assert str(event["URL"]) == made["share_url"]
    assert made["share_url"] in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"

    new_time = in_hours(9)
    await api.patch(path, json={"scheduled_start": new_time.isoformat()}, headers=host)
    [moved] = Calendar.from_ical((await api.get(f"{path}/calendar.ics")).content).walk("VEVENT")
    assert moved["UID"] == event["UID"]
    assert moved.decoded("DTSTART") == new_time
    assert int(moved["SEQUENCE"]) > int(event["SEQUENCE"])

    await api.post(f"{path}/cancel", headers=host)
    [canceled] = Calendar.from_ical((await api.get(f"{path}/calendar.ics")).content).walk("VEVENT")
    assert (canceled["UID"], str(canceled["STATUS"])) == (event["UID"], "CANCELLED")
    assert int(canceled["SEQUENCE"]) > int(moved["SEQUENCE"])

    assert_problem(await api.get("/api/v1/spaces/sp_nope/calendar.ics"), 404, "space-not-found")
