"""Telling room whether a Space's host is connected, from the host's live sockets.

Room keeps the host's seat when their connection drops and ends the Space if they are not back
within a grace period, so it needs to hear about the host's live channel: ``connected: true``
whenever a host socket opens, ``connected: false`` when the host's *last* socket on this gateway
closes. Gateways do not coordinate: a host with tabs on two gateways who closes one is reported
gone although the other tab is open. To heal that, each gateway holding a host socket repeats
``connected: true`` every ``PARLEY_HOST_PRESENCE_REFRESH_S`` (well inside room's grace period),
so the approximation lasts seconds, never a whole grace period. This relies on room treating a
repeated ``connected: true`` as a no-op (no event while the host is already connected).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.logs import get_logger
from parley.contracts.api import room
from parley.gateway.tasks import cancel_and_wait

log = get_logger(__name__)


class HostPresence:
    def __init__(self, bus: BusClient, *, refresh_s: float) -> None:
        self._bus = bus
        self._refresh_s = refresh_s
        self._sockets: Counter[str] = Counter()  # space id -> the host's sockets here
        self._refreshers: dict[str, asyncio.Task[None]] = {}

    @contextlib.asynccontextmanager
    async def hosting(self, space_id: str, ctx: RequestContext) -> AsyncIterator[None]:
        """While inside, the host of ``space_id`` (``ctx.actor``) has a live socket here."""
        self._sockets[space_id] += 1
        if space_id not in self._refreshers and self._refresh_s > 0:
            self._refreshers[space_id] = asyncio.create_task(
                self._refresh(space_id, ctx), name=f"host-presence {space_id}"
            )
        # In the background: the host's socket starts relaying without waiting for room.
        announcing = asyncio.create_task(self._announce(space_id, True, ctx))
        try:
            yield
        finally:
            await announcing  # answered before any "gone" is sent, so room sees them in order
            self._sockets[space_id] -= 1
            if self._sockets[space_id] <= 0:
                del self._sockets[space_id]
                refresher = self._refreshers.pop(space_id, None)
                if refresher is not None:
                    await cancel_and_wait(refresher)
                await self._announce(space_id, False, ctx)

    def hosted(self) -> dict[str, int]:
        """Spaces whose host has sockets here, and how many (introspection)."""
        return dict(self._sockets)

    async def close(self) -> None:
        refreshers, self._refreshers = list(self._refreshers.values()), {}
        await cancel_and_wait(*refreshers)

    async def _refresh(self, space_id: str, ctx: RequestContext) -> None:
        while True:
            await asyncio.sleep(self._refresh_s)
            await self._announce(space_id, True, RequestContext(actor=ctx.actor))

    async def _announce(self, space_id: str, connected: bool, ctx: RequestContext) -> None:
        try:
            payload = room.HostPresence(space_id=space_id, connected=connected)
            await self._bus.call(room.HOST_PRESENCE, payload, ctx)
        except DomainError as error:
            if error.status == 409:  # the Space is over (the host's socket outlived it): fine
                log.debug("live.host_presence_moot", space_id=space_id, problem=error.type)
                return
            log.warning("live.host_presence_refused", space_id=space_id, problem=error.type)
        except Exception as error:  # the socket lives on; the next change or refresh retries
            log.warning(
                "live.host_presence_failed",
                space_id=space_id,
                connected=connected,
                error=str(error),
            )
