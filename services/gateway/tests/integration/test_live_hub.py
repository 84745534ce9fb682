"""One NATS subscription per subject per process, however many sockets listen (real server)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from parley.chassis.messaging import make_broker
from parley.gateway.live.hub import LiveHub


def subscriptions(nc, subject: str) -> int:
    return sum(1 for sub in nc._subs.values() if sub.subject == subject)


@pytest.fixture
async def broker(nats_url):
    """A connected broker, as the gateway's: the hub subscribes on its connection."""
    broker = make_broker(nats_url, name="hub-test")
    await broker.connect()
    yield broker
    with contextlib.suppress(Exception):  # one test closes the connection under it
        await broker.stop()


@pytest.fixture
def nc(broker):
    return broker.connection


async def test_concurrent_listeners_share_one_subscription_until_the_last_leaves(
    broker, nc, eventually
):
    hub = LiveHub(broker)
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


async def test_a_failing_listener_does_not_starve_the_others(broker, nc, eventually):
    hub = LiveHub(broker)
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


async def test_a_subscription_that_cannot_open_is_tried_again_by_the_next_socket(broker):
    await broker.connection.close()
    hub = LiveHub(broker)

    for _ in range(2):
        with pytest.raises(Exception):  # noqa: B017, PT011 (whatever nats-py raises when closed)
            async with hub.listening("live.space.sp_x", lambda event: None):
                pass
        assert hub.subjects() == {}
    with contextlib.suppress(Exception):
        await hub.close()
