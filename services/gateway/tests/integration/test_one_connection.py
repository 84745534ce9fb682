"""One NATS connection per gateway process: the broker's. Requests, the suspension
subscribers and the live channels' subscriptions all go through it."""

from __future__ import annotations

from typing import Any

from nats.aio.client import Client as NATS


async def test_the_gateway_opens_one_nats_connection(
    monkeypatch, start_gateway, fake_identity, fake_room, keys, open_live
):
    opened: list[str | None] = []
    connect = NATS.connect

    async def counting_connect(self: NATS, *args: Any, **kwargs: Any) -> None:
        opened.append(kwargs.get("name"))
        await connect(self, *args, **kwargs)

    monkeypatch.setattr(NATS, "connect", counting_connect)

    gateway = await start_gateway()
    me = await gateway.client.get("/api/v1/me", headers={"Authorization": f"Bearer {keys.token()}"})
    live = await open_live(gateway, "/api/v1/spaces/sp_1/live", token=keys.token())
    first = await live.next()

    assert me.status_code == 200, me.text
    assert first["type"] == "space.state"
    assert gateway.nats_subscriptions("live.space.sp_1") == 1
    assert opened == ["gateway"]
