"""listListeners through the gateway and the real room service (in-process, on a private
nats-server and SQLite, identity's facts appended to its stream as identity would): the
audience is everyone in the Space but the stage, people the caller follows first, a page at a
time; an unknown Space is 404, a bad cursor 422, both problem details; and the live channel
relays room's batched ``audience.changed``."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.messaging import connect, ensure_stream
from parley.chassis.service import start_service
from parley.contracts import streams
from parley.contracts.events.identity import UserFollowed, UserRegistered
from parley.room.bootstrap import definition
from parley.room.settings import RoomSettings
from parley.testing.events import Appender

HANDLES = ("host", "ann", "bob", "cat", "eve")


@pytest.fixture
def nats_url(private_nats: str) -> str:
    return private_nats


@pytest.fixture
async def identity(nats_url: str) -> AsyncIterator[Appender]:
    """Identity, scheduling, recording and clipping own the streams room reads: played here."""
    nc: NATS = await connect(nats_url, name="identity-stand-in")
    for spec in (streams.IDENTITY, streams.SCHEDULING, streams.RECORDING, streams.CLIPPING):
        await ensure_stream(nc, spec)
    yield Appender(nc, streams.IDENTITY)
    await nc.close()


@pytest.fixture
async def room_service(
    nats_url: str, tmp_path: Path, sqlite_url: str, identity: Appender
) -> AsyncIterator[Any]:
    settings = RoomSettings(  # type: ignore[call-arg]
        nats_url=nats_url, database_url=sqlite_url, data_dir=tmp_path / "room", log_json=False
    )
    service = await start_service(definition, settings)
    for handle in HANDLES:
        user_id = f"usr_{handle}"
        registered = UserRegistered(
            user_id=user_id, handle=handle, display_name=handle.title(), credential_ref="c"
        )
        await identity.append(user_id, registered)
    follow = UserFollowed(follower_id="usr_eve", followee_id="usr_cat")
    last = await identity.append("usr_eve", follow)
    assert await service.infra.positions.wait("room_identity", last, 30)  # room knows them
    yield service
    await service.stop()


def bearer(keys: Any, handle: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {keys.token(f'usr_{handle}', handle)}"}


async def live_space_with_listeners(api: Any, keys: Any, *listeners: str) -> str:
    created = await api.post(
        "/api/v1/spaces", json={"title": "Who is here"}, headers=bearer(keys, "host")
    )
    assert created.status_code == 201, created.text
    space_id = str(created.json()["id"])
    started = await api.post(f"/api/v1/spaces/{space_id}/start", headers=bearer(keys, "host"))
    assert started.status_code == 200, started.text
    for handle in listeners:
        joined = await api.post(f"/api/v1/spaces/{space_id}/join", headers=bearer(keys, handle))
        assert joined.status_code == 200, joined.text
    return space_id


async def test_the_audience_people_followed_first_a_page_at_a_time(
    api: Any, keys: Any, room_service: Any, assert_problem: Any
) -> None:
    space_id = await live_space_with_listeners(api, keys, "host", "ann", "bob", "cat")
    path = f"/api/v1/spaces/{space_id}/listeners"

    page = await api.get(path, headers=bearer(keys, "eve"))
    assert page.status_code == 200, page.text
    body = page.json()
    assert [(item["handle"], item["followed"]) for item in body["items"]] == [
        ("cat", True),  # eve follows cat
        ("ann", False),
        ("bob", False),
    ]  # the host joined too, but is on stage: not in the audience
    assert body["items"][1] == {
        "user_id": "usr_ann",
        "handle": "ann",
        "display_name": "Ann",
        "avatar_url": None,
        "followed": False,
    }
    assert (body["count"], body["next_cursor"]) == (3, None)
    view = await api.get(f"/api/v1/spaces/{space_id}", headers=bearer(keys, "eve"))
    assert view.json()["listener_count"] == 3

    first = (await api.get(path, params={"limit": 2}, headers=bearer(keys, "eve"))).json()
    assert [item["handle"] for item in first["items"]] == ["cat", "ann"]
    params = {"limit": 2, "cursor": first["next_cursor"]}
    second = (await api.get(path, params=params, headers=bearer(keys, "eve"))).json()
    assert ([item["handle"] for item in second["items"]], second["next_cursor"]) == (["bob"], None)

    anonymous = await api.get(path)
    assert [item["handle"] for item in anonymous.json()["items"]] == ["ann", "bob", "cat"]

    assert_problem(await api.get("/api/v1/spaces/sp_nowhere/listeners"), 404, "space-not-found")
    bad = await api.get(path, params={"cursor": "not-one-of-ours"})
    assert_problem(bad, 422, "invalid-cursor")
    assert (await api.get(path, params={"limit": 0})).status_code == 422
    assert (await api.get(path, params={"limit": 101})).status_code == 422

    document = (await api.get("/api/v1/openapi.json")).json()
    operation = document["paths"]["/api/v1/spaces/{space_id}/listeners"]["get"]
    assert operation["operationId"] == "listListeners"
    assert {p["name"] for p in operation["parameters"]} >= {"space_id", "cursor", "limit"}
    assert {"200", "404", "422"} <= set(operation["responses"])


async def test_the_live_channel_relays_who_came_and_went(
    api: Any, gateway: Any, keys: Any, room_service: Any, open_live: Any
) -> None:
    space_id = await live_space_with_listeners(api, keys)
    live = await open_live(
        gateway, f"/api/v1/spaces/{space_id}/live", token=keys.token("usr_host", "host")
    )
    assert (await live.next())["type"] == "space.state"

    await api.post(f"/api/v1/spaces/{space_id}/join", headers=bearer(keys, "ann"))
    came = await next_of(live, "audience.changed")
    assert came["space_id"] == space_id
    assert came["data"] == {
        "joined": [
            {"user_id": "usr_ann", "handle": "ann", "display_name": "Ann", "avatar_url": None}
        ],
        "joined_total": 1,
        "left": [],
        "left_total": 0,
        "count": 1,
    }

    await api.post(f"/api/v1/spaces/{space_id}/speaker-requests", headers=bearer(keys, "ann"))
    accepted = await api.post(
        f"/api/v1/spaces/{space_id}/speaker-requests/usr_ann/accept", headers=bearer(keys, "host")
    )
    assert accepted.status_code == 200, accepted.text
    went = await next_of(live, "audience.changed")
    assert (went["data"]["left"], went["data"]["count"]) == (["usr_ann"], 0)


async def next_of(live: Any, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    """The next message of ``kind`` (others on the way are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {kind} in {timeout}s"
        message = await live.next(remaining)
        if message["type"] == kind:
            return dict(message)
