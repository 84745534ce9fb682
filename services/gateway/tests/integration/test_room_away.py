"""Room away: nobody serves room's routes, so nothing was applied and the gateway says
503 ``service-unavailable`` (not 504 "outcome unknown").

On a private nats-server: "nobody serves room" must be true of the whole server, and the
session's server is shared by every test of the run (one that leaves a subscriber behind on
``cmd.room.*``, however briefly, would turn "no responders" into a timeout here)."""

from __future__ import annotations

import pytest

SP = "/api/v1/spaces/sp_1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def nats_url(private_nats: str) -> str:
    return private_nats


async def test_room_away_is_503(api, fake_room, keys, assert_problem):
    await fake_room.stop()
    try:
        response = await api.post(f"{SP}/start", headers=bearer(keys.token()))
    finally:
        await fake_room.start()

    assert_problem(response, 503, "service-unavailable")


async def test_room_back_answers(api, fake_room, keys):
    await fake_room.stop()
    await fake_room.start()

    response = await api.post(f"{SP}/start", headers=bearer(keys.token()))

    assert response.status_code == 200, response.text
    assert [call.name for call in fake_room.requests()] == ["start_space"]
