"""Stopping background tasks for sure.

On Python 3.11, ``asyncio.wait_for`` (used by nats-py's requests and by the live channels'
bounded sends) swallows a cancellation that races with the awaited result, and the task goes
on. A single ``cancel()`` followed by an unbounded wait can then hang a socket handler, or the
whole shutdown, forever: cancel until it takes.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel_and_wait(*tasks: asyncio.Task[Any]) -> None:
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=0.5)
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            task.result()
