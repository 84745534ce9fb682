"""Stopping background tasks for sure (socket pumps, presence refreshers, suspensions, plays).

On Python 3.11, ``asyncio.wait_for`` (used by nats-py's requests and by the live channels'
bounded sends) swallows a cancellation that races with the awaited result, and the task goes
on. A single ``cancel()`` followed by an unbounded wait can then hang a socket handler, or the
whole shutdown, forever: cancel until it takes, for a bounded time
(:func:`parley.chassis.tasks.cancel_until_done`).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from parley.chassis.tasks import cancel_until_done


async def cancel_and_wait(*tasks: asyncio.Task[Any]) -> None:
    """Stop ``tasks`` (those still running after the bound are logged and left); their
    failures are not raised."""
    await cancel_until_done(*tasks, event="gateway.task_not_stopping")
    for task in tasks:
        if task.done():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                task.result()
