"""Marking notifications read (markNotificationsRead) over HTTP, against the real stack."""

from __future__ import annotations

import httpx
from accounts_api import assert_problem, register
from polling import eventually
from spaces_api import create_space


def unread(api: httpx.Client, auth: dict[str, str]) -> int:
    response = api.get("/api/v1/notifications", headers=auth)
    assert response.status_code == 200, response.text
    return int(response.json()["unread"])


def test_notifications_are_marked_read_up_to_one_then_all(api: httpx.Client) -> None:
    host, first, second = register(api), register(api), register(api)
    space = create_space(api, host)
    assert api.post(f"/api/v1/spaces/{space['id']}/start", headers=host.auth).status_code == 200
    for guest in (first, second):
        path = f"/api/v1/spaces/{space['id']}"
        assert api.post(f"{path}/join", headers=guest.auth).status_code == 200
        assert api.post(f"{path}/speaker-requests", headers=guest.auth).status_code == 200

    def two_requests_arrived() -> None:
        assert unread(api, host.auth) == 2

    eventually(two_requests_arrived)
    items = api.get("/api/v1/notifications", headers=host.auth).json()["items"]
    oldest = items[-1]["id"]

    # Bad input changes nothing.
    too_long = api.post(
        "/api/v1/notifications/read", headers=host.auth, json={"up_to_id": "x" * 300}
    )
    assert_problem(too_long, 422)
    unknown_field = api.post("/api/v1/notifications/read", headers=host.auth, json={"all": True})
    assert_problem(unknown_field, 422)
    assert_problem(api.post("/api/v1/notifications/read", json={}), 401)
    assert unread(api, host.auth) == 2

    up_to = api.post("/api/v1/notifications/read", headers=host.auth, json={"up_to_id": oldest})
    assert up_to.status_code == 200, up_to.text
    assert up_to.json() == {"unread": 1}
    everything = api.post("/api/v1/notifications/read", headers=host.auth)
    assert everything.status_code == 200, everything.text
    assert everything.json() == {"unread": 0}
    assert unread(api, host.auth) == 0
