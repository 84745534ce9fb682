"""Stopping a task for sure, within a bound.

On Python 3.11, ``asyncio.wait_for`` (inside nats-py's ``next_msg``, requests, JetStream
publishes and KV reads) swallows a cancellation that races with the result it waits for: the
result is returned and the task goes on as if it had never been cancelled. A loop reading a
backlog meets that race most of the time (the recorder's measured 28 of 40 single cancels
ignored). So a task cancelled once may keep running, and whoever then awaits it without a
limit (a service's stop, a lease keeper handing over its lease) waits for ever.

:func:`cancel_until_done` (:func:`stop_task` for one task) cancels again until the task
ends, and gives up after a bound, logging what did not stop, so that a stop always returns.
:func:`honour_a_swallowed_cancellation` lets a long-running loop end at its next turn when one
of its requests swallowed its cancellation, without waiting to be cancelled again.

A task's own cleanup (``finally``) that takes longer than :data:`CANCEL_AGAIN_S` is itself
cancelled by the next cancellation: keep it short, or make it safe to interrupt (what it stops
stays known until it has stopped, so that the next stop finishes it).
"""

from __future__ import annotations

import asyncio
from typing import Any

from parley.chassis.logs import get_logger

log = get_logger(__name__)

STOP_WITHIN_S = 10.0  # a task still running this long after it is first cancelled is left
CANCEL_AGAIN_S = 0.5  # how long one cancellation has to take before the next


async def cancel_until_done(
    *tasks: asyncio.Task[Any],
    within_s: float = STOP_WITHIN_S,
    event: str = "task.not_stopping",
    **fields: Any,
) -> bool:
    """Cancel ``tasks`` until each has ended (once is not enough: see the module's docstring),
    for at most ``within_s``; whether they all ended. Those still running then are logged as
    an error ``event`` (with ``fields``, the tasks' names and the bound) and left behind.

    Their results and exceptions are left to the caller (a done task can be awaited at once).
    The caller's own cancellation is not swallowed: it raises here, the tasks cancelled once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    pending = {task for task in tasks if not task.done()}
    while pending and (left := deadline - loop.time()) > 0:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=min(CANCEL_AGAIN_S, left))
    if pending:
        names = sorted(task.get_name() for task in pending)
        log.error(event, tasks=names, s=within_s, **fields)
        return False
    return True


async def stop_task(
    task: asyncio.Task[Any], *, within_s: float = STOP_WITHIN_S, event: str, **fields: Any
) -> bool:
    """:func:`cancel_until_done` for one task, whose failure, if it failed (other than by its
    cancellation), is raised here, as awaiting it would. Whether it stopped."""
    if not await cancel_until_done(task, within_s=within_s, event=event, **fields):
        return False
    if not task.cancelled():
        task.result()
    return True


def honour_a_swallowed_cancellation() -> None:
    """Raise CancelledError if the current task was cancelled and something swallowed it
    (``asyncio.wait_for`` in a request racing its reply, see the module's docstring): a loop
    that calls this each turn ends there instead of going on until it is cancelled again."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
