"""The caller's notification inbox, from room."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared gateway's loop


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_notifications_are_listed_for_the_caller(api, fake_room, keys):
    default = await api.get("/api/v1/notifications", headers=bearer(keys.token()))
    paged = await api.get(
        "/api/v1/notifications", params={"limit": 5, "cursor": "n2"}, headers=bearer(keys.token())
    )

    assert default.status_code == paged.status_code == 200
    assert default.json() == {"items": [], "next_cursor": None, "unread": 2}
    first, second = fake_room.requests()
    assert (first.kind, first.name, first.actor) == ("qry", "list_notifications", "usr_ada")
    assert first.payload == {"limit": 50, "cursor": None}
    assert second.payload == {"limit": 5, "cursor": "n2"}


async def test_notifications_need_a_token(api, fake_room, assert_problem):
    assert_problem(await api.get("/api/v1/notifications"), 401, "unauthenticated")
    assert fake_room.requests() == []


async def test_page_size_is_bounded(api, fake_room, keys, assert_problem):
    response = await api.get(
        "/api/v1/notifications", params={"limit": 201}, headers=bearer(keys.token())
    )

    assert_problem(response, 422, "invalid-input")
