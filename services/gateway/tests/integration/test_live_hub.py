"""One NATS subscription per subject per process, however many sockets listen (real server)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from parley.chassis.messaging import connect
from parley.gateway.live.hub import LiveHub


def subscriptions(nc, subject: str) -> int:
    return sum(1 for sub in nc._subs.values() if sub.subject == subject)


async def test_concurrent_listeners_share_one_subscription_until_the_last_leaves(nc, eventually):
    hub = LiveHub(nc)
    received: list[list[str]] = [[] for _ in range(20)]
    leave = asyncio.Event()
    entered = 0

    async def listen(inbox: list[str]) -> None:
        nonlocal entered
        async with hub.listening("live.space.sp_hub", lambda event: inbox.append(event.type)):
            entered += 1
            await leave.wait()

    tasks = [asyncio.create_task(listen(inbox)) for inbox in received]
    await eventually(lambda: entered == 20)

    assert subscriptions(nc, "live.space.sp_hub") == 1
    assert hub.subjects() == {"live.space.sp_hub": 20}
    await nc.publish("live.space.sp_hub", b'{"type": "mic.changed", "data": {}}')
    await eventually(lambda: all(inbox == ["mic.changed"] for inbox in received))

    leave.set()
    await asyncio.gather(*tasks)
    assert hub.subjects() == {}
    assert subscriptions(nc, "live.space.sp_hub") == 0


async def test_a_failing_listener_does_not_starve_the_others(nc, eventually):
    hub = LiveHub(nc)
    received: list[str] = []

    def broken(event: object) -> None:
        raise RuntimeError("boom")

    async with (
        hub.listening("live.space.sp_bad", broken),
        hub.listening("live.space.sp_bad", lambda event: received.append(event.text)),
    ):
        await nc.publish("live.space.sp_bad", b"not json")  # not a live message: dropped
        await nc.publish("live.space.sp_bad", b'{"type": "pins.changed"}')
        await eventually(lambda: received == ['{"type": "pins.changed"}'])


async def test_a_subscription_that_cannot_open_is_tried_again_by_the_next_socket(nats_url):
    closed = await connect(nats_url, name="closed")
    await closed.close()
    hub = LiveHub(closed)

    for _ in range(2):
        with pytest.raises(Exception):  # noqa: B017, PT011 (whatever nats-py raises when closed)
            async with hub.listening("live.space.sp_x", lambda event: None):
                pass
        assert hub.subjects() == {}
    with contextlib.suppress(Exception):
        await hub.close()
