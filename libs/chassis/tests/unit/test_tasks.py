"""Stopping a task for sure: one that swallows a cancellation (as Python 3.11's
``asyncio.wait_for`` does when its result arrives with it) is cancelled again; one that never
ends is given up on after the bound, logged; the caller's own cancellation is not swallowed."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import structlog

from parley.chassis.tasks import (
    cancel_until_done,
    honour_a_swallowed_cancellation,
    stop_task,
)


async def swallowing(
    times: int,
    swallowed: list[int],
    *,
    until: asyncio.Event | None = None,
    first: asyncio.Event | None = None,
) -> None:
    """Runs until cancelled more than ``times`` times (each swallowed one counted), or, with
    ``until``, once cancelled after it is set."""
    while True:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            if (until is not None and until.is_set()) or len(swallowed) >= times:
                raise
            swallowed.append(1)
            if first is not None:
                first.set()


async def end(stubborn: asyncio.Task[None], freed: asyncio.Event) -> None:
    """A test's own stubborn task, ended (else the loop's teardown waits for it)."""
    freed.set()
    stubborn.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await stubborn


async def test_a_task_that_swallows_its_first_cancellation_is_cancelled_again() -> None:
    swallowed: list[int] = []
    task = asyncio.create_task(swallowing(1, swallowed))
    await asyncio.sleep(0)

    assert await cancel_until_done(task, within_s=5.0)
    assert task.cancelled()
    assert swallowed == [1]


async def test_tasks_that_end_at_once_are_done() -> None:
    first = asyncio.create_task(asyncio.sleep(10))
    second = asyncio.create_task(swallowing(0, []))
    finished = asyncio.create_task(asyncio.sleep(0))
    await asyncio.sleep(0.01)

    assert await cancel_until_done(first, second, finished)
    assert first.cancelled()
    assert second.cancelled()
    assert not finished.cancelled()


async def test_a_task_that_never_ends_is_given_up_after_the_bound_and_logged() -> None:
    freed = asyncio.Event()
    stubborn = asyncio.create_task(swallowing(10**9, [], until=freed), name="stubborn")
    await asyncio.sleep(0)
    try:
        with structlog.testing.capture_logs() as logs:
            stopped = await cancel_until_done(
                stubborn, within_s=0.3, event="thing.not_stopping", thing="it"
            )
        assert not stopped
        assert not stubborn.done()
        [entry] = [entry for entry in logs if entry["event"] == "thing.not_stopping"]
        assert entry["log_level"] == "error"
        assert entry["tasks"] == ["stubborn"]
        assert entry["thing"] == "it"
    finally:
        await end(stubborn, freed)


async def test_the_callers_own_cancellation_propagates() -> None:
    freed, swallowed_once = asyncio.Event(), asyncio.Event()
    stubborn = asyncio.create_task(swallowing(10**9, [], until=freed, first=swallowed_once))
    await asyncio.sleep(0)
    stopping = asyncio.create_task(cancel_until_done(stubborn, within_s=30.0))
    try:
        await swallowed_once.wait()  # the stop has cancelled it once

        stopping.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stopping
        assert stopping.cancelled()
        assert not stubborn.done()
    finally:
        await end(stubborn, freed)


async def test_stop_task_raises_the_failure_of_a_task_that_failed() -> None:
    async def failing() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise ValueError("broke while stopping") from None

    task = asyncio.create_task(failing())
    await asyncio.sleep(0)
    with pytest.raises(ValueError, match="broke while stopping"):
        await stop_task(task, event="failing.not_stopping")


async def test_a_loop_ends_at_its_next_turn_after_a_swallowed_cancellation() -> None:
    turns: list[int] = []

    async def loop() -> None:
        while True:
            with contextlib.suppress(asyncio.CancelledError):  # the request that swallows it
                await asyncio.sleep(10)
            turns.append(1)
            honour_a_swallowed_cancellation()

    task = asyncio.create_task(loop())
    await asyncio.sleep(0)
    task.cancel()  # once: no one cancels it again
    await asyncio.wait({task}, timeout=5.0)

    assert task.cancelled()
    assert turns == [1]
