"""The per-socket send queue: bounded, droppable messages first, never past a closing message."""

from __future__ import annotations

import asyncio

from parley.gateway.live.messages import LiveEvent
from parley.gateway.live.outbox import SLOW_CONSUMER, Closing, Outbox

ENDED = Closing(1000, "space-ended")


def event(type: str, n: int = 0, version: int | None = None) -> LiveEvent:
    return LiveEvent(text=f"{type}#{n}", type=type, space_id="sp_1", version=version)


def drain(outbox: Outbox) -> list[str]:
    async def all_items() -> list[str]:
        items = []
        while (item := await outbox.get()) is not None:
            items.append(item.text)
        return items

    return asyncio.run(all_items())


def test_the_oldest_droppable_message_makes_room():
    outbox = Outbox(limit=3)
    for item in (event("mic.changed", 1), event("reactions", 1), event("reactions", 2)):
        outbox.put(item)

    outbox.put(event("mic.changed", 2))
    outbox.finish(ENDED)

    assert drain(outbox) == ["mic.changed#1", "reactions#2", "mic.changed#2"]
    assert (outbox.dropped, outbox.peak, outbox.closing) == (1, 3, ENDED)


def test_a_new_droppable_message_goes_when_nothing_queued_can():
    outbox = Outbox(limit=2)
    outbox.put(event("mic.changed", 1))
    outbox.put(event("stage.changed", 1))

    outbox.put(event("listeners.count", 1))
    outbox.finish(ENDED)

    assert drain(outbox) == ["mic.changed#1", "stage.changed#1"]
    assert outbox.dropped == 1


def test_a_full_queue_of_state_closes_the_socket_as_a_slow_consumer():
    outbox = Outbox(limit=2)
    outbox.put(event("mic.changed", 1))
    outbox.put(event("stage.changed", 1))

    outbox.put(event("pins.changed", 1))
    outbox.put(event("mic.changed", 2))  # ignored: the socket is closing

    assert outbox.closing == SLOW_CONSUMER
    assert len(outbox) == 0
    assert drain(outbox) == []


def test_a_closing_message_is_always_queued_and_is_the_last():
    outbox = Outbox(limit=1)
    outbox.put(event("mic.changed", 1))

    outbox.put(event("space.ended"), then_close=ENDED)
    outbox.put(event("listeners.count"))

    assert drain(outbox) == ["mic.changed#1", "space.ended#0"]
    assert outbox.closing == ENDED


def test_the_snapshot_goes_first_and_drops_what_it_already_includes():
    outbox = Outbox(limit=10)
    outbox.put(event("stage.changed", 1, version=4))
    outbox.put(event("listeners.count", 1))
    outbox.put(event("pins.changed", 1, version=6))
    outbox.put(event("space.ended", version=5), then_close=ENDED)

    outbox.put_first(event("space.state", version=5))

    assert drain(outbox) == [
        "space.state#0",
        "listeners.count#1",
        "pins.changed#1",
        "space.ended#0",  # the end is never lost, whatever its version
    ]
    assert outbox.dropped == 1


def test_get_waits_for_a_message():
    async def scenario() -> str | None:
        outbox = Outbox(limit=4)
        waiting = asyncio.create_task(outbox.get())
        await asyncio.sleep(0)
        assert not waiting.done()
        outbox.put(event("mic.changed", 7))
        item = await waiting
        return item.text if item else None

    assert asyncio.run(scenario()) == "mic.changed#7"
