"""Waiting for a projection to reach a stream sequence, for many waiters at once with one
poller: in a join storm, each joiner polling the database itself would slow down the very
projection they all wait for."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.projections import read_position


class PositionWatch:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        projection: str,
        *,
        interval_s: float = 0.005,
    ) -> None:
        self._sessions = sessions
        self.projection = projection
        self._interval_s = interval_s
        self._reached = 0  # positions only grow (a rebuild aside, when being early is harmless)
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._poller: asyncio.Task[None] | None = None

    async def reached(self, position: int, timeout: float = 2.0) -> bool:
        """True once the projection has applied ``position``; False after ``timeout``."""
        if position <= self._reached:
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((position, waiter))
        if self._poller is None or self._poller.done():
            self._poller = asyncio.create_task(self._poll(), name=f"watch {self.projection}")
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            waiter.cancel()  # no-op when done; a timed-out waiter is dropped at the next round

    async def _poll(self) -> None:
        while self._waiters:
            with contextlib.suppress(Exception):  # a failed read is retried next round
                async with self._sessions() as session:
                    self._reached = max(
                        self._reached, await read_position(session, self.projection)
                    )
            for position, waiter in self._waiters:
                if position <= self._reached and not waiter.done():
                    waiter.set_result(None)
            self._waiters = [(p, w) for p, w in self._waiters if not w.done()]
            if self._waiters:
                await asyncio.sleep(self._interval_s)
