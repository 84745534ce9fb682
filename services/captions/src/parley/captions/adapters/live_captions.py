"""Captions as they are spoken, on the Space's live channel (``live.space.<space_id>``,
``parley.contracts.live``): ``captions.partial`` while a speaker talks, ``captions.final`` when
they pause. Core NATS, not stored (the transcript is the stored form): the gateway relays them
to every socket of the Space, verbatim.

Through a FastStream publisher declared on the service's router, so that captions' AsyncAPI
document lists what it says there."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.contracts.live import CaptionLine, LiveMessage, space_subject

SPACE_AUDIENCE = space_subject("{space_id}")
PARTIAL = "captions.partial"
FINAL = "captions.final"


class LiveCaptions:
    def __init__(self, router: NatsRouter) -> None:
        self._space = router.publisher(
            SPACE_AUDIENCE,
            schema=LiveMessage,
            title=f"{SPACE_AUDIENCE}:captions",
            description="captions.partial (the words so far of someone speaking, replaced by "
            "the next) and captions.final (what they said, replacing the partials of its "
            "segment_id): data is a CaptionLine",
        )

    async def partial(self, space_id: str, line: CaptionLine) -> None:
        await self._say(PARTIAL, space_id, line)

    async def final(self, space_id: str, line: CaptionLine) -> None:
        await self._say(FINAL, space_id, line)

    async def _say(self, kind: str, space_id: str, line: CaptionLine) -> None:
        message = LiveMessage(type=kind, space_id=space_id, data=line.model_dump())
        await self._space.publish(message, subject=space_subject(space_id))
