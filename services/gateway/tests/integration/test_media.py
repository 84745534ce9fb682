"""The media endpoints and the speaking indicators: requests to the media relay through its
route declarations, with their own timeouts."""

from __future__ import annotations

import time


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_offer_is_negotiated_with_the_relay_as_the_caller(
    start_gateway, fake_identity, fake_media, keys
):
    gateway = await start_gateway()

    response = await gateway.client.post(
        "/api/v1/spaces/sp_1/media/offer",
        json={"sdp": "v=0 offer"},
        headers=bearer(keys.token("usr_ada", "ada")),
    )

    assert response.status_code == 200, response.text
    assert response.json()["sdp"] == "answer to v=0 offer"
    assert response.json()["type"] == "answer"
    [call] = fake_media.requests()
    assert (call.kind, call.name, call.actor) == ("cmd", "negotiate", "usr_ada")
    assert call.payload == {"space_id": "sp_1", "sdp": "v=0 offer", "type": "offer"}


async def test_negotiation_may_take_longer_than_other_requests(
    start_gateway, fake_identity, fake_media, keys
):
    gateway = await start_gateway(bus_timeout_s=0.2, media_timeout_s=5)
    fake_media.slow_s = 0.5  # ICE gathering and DTLS take a moment

    response = await gateway.client.post(
        "/api/v1/spaces/sp_1/media/offer",
        json={"sdp": "v=0 offer"},
        headers=bearer(keys.token()),
    )

    assert response.status_code == 200, response.text


async def test_closing_the_session_asks_the_relay(start_gateway, fake_identity, fake_media, keys):
    gateway = await start_gateway()

    response = await gateway.client.delete(
        "/api/v1/spaces/sp_1/media/", headers=bearer(keys.token("usr_ada", "ada"))
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"space_id": "sp_1", "closed": True}
    [call] = fake_media.requests()
    assert (call.name, call.actor, call.payload) == (
        "close_session",
        "usr_ada",
        {"space_id": "sp_1"},
    )


async def test_get_space_shows_who_is_speaking(start_gateway, fake_identity, fake_room, fake_media):
    gateway = await start_gateway()
    fake_media.speaking["sp_1"] = ["usr_host"]

    space = (await gateway.client.get("/api/v1/spaces/sp_1")).json()

    assert space["speaking"] == ["usr_host"]
    assert space["host"]["speaking"] is True
    [call] = fake_media.requests()
    assert (call.kind, call.name, call.payload) == ("qry", "active_speakers", {"space_id": "sp_1"})


async def test_a_slow_relay_shows_nobody_speaking_without_holding_the_space_up(
    start_gateway, fake_identity, fake_room, fake_media
):
    gateway = await start_gateway(speaking_timeout_s=0.1)
    fake_media.speaking["sp_1"] = ["usr_host"]
    fake_media.slow_s = 2

    started = time.perf_counter()
    response = await gateway.client.get("/api/v1/spaces/sp_1")

    assert response.status_code == 200, response.text
    assert time.perf_counter() - started < 1
    assert response.json()["speaking"] == []
