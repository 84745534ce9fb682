"""The media relay's request/reply contract as typed calls (``parley.contracts.api.media``)."""

from __future__ import annotations

import asyncio

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import ServiceUnavailable
from parley.contracts.api.media import (
    CONTEXT,
    ActiveSpeakers,
    MediaAnswer,
    MediaSessionClosedReply,
    NegotiateMedia,
    SpaceRef,
)


class MediaClient:
    def __init__(
        self, bus: BusClient, negotiation_bus: BusClient, speaking_timeout_s: float = 0.25
    ) -> None:
        self._bus = bus
        self._negotiation_bus = negotiation_bus  # a longer timeout: ICE gathering, DTLS setup
        self._speaking_timeout_s = speaking_timeout_s

    async def negotiate(self, space_id: str, sdp: str, ctx: RequestContext) -> MediaAnswer:
        payload = NegotiateMedia(space_id=space_id, sdp=sdp)
        data = await self._negotiation_bus.command(CONTEXT, "negotiate", payload, ctx)
        return MediaAnswer.model_validate(data)

    async def close_session(self, space_id: str, ctx: RequestContext) -> MediaSessionClosedReply:
        data = await self._bus.command(CONTEXT, "close_session", SpaceRef(space_id=space_id), ctx)
        return MediaSessionClosedReply.model_validate(data)

    async def active_speakers(self, space_id: str, ctx: RequestContext) -> list[str]:
        """Who is speaking; nobody when the relay is absent or slow (it is decoration)."""
        try:
            async with asyncio.timeout(self._speaking_timeout_s):
                data = await self._bus.query(
                    CONTEXT, "active_speakers", SpaceRef(space_id=space_id), ctx
                )
        except (TimeoutError, ServiceUnavailable):
            return []
        return ActiveSpeakers.model_validate(data).user_ids
