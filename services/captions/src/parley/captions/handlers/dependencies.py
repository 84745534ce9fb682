"""What the handlers and the captioning work with; bootstrap builds the real ones."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.captions.domain import transcript
from parley.captions.domain.utterances import Cutting
from parley.chassis.decider import Decider, StateCache
from parley.chassis.event_store import EventStore
from parley.chassis.projections import Positions
from parley.contracts.live import CaptionLine
from parley.contracts.media import FeedHeaders

transcript_decider: Decider[transcript.Command, transcript.SpeakerTranscript] = Decider(
    initial_state=transcript.SpeakerTranscript(),
    decide=transcript.decide,
    evolve=transcript.evolve,
)


class Transcriber(Protocol):
    async def transcribe(self, pcm: bytes) -> str:
        """s16le mono 16 kHz -> the words in it, single-spaced ("" when there is no speech)."""
        ...


Frame = Callable[[str, FeedHeaders, bytes], None]  # (user_id, headers, pcm)
Unfollow = Callable[[], Awaitable[None]]


class SpeakerFeeds(Protocol):
    async def follow(self, space_id: str, on_frame: Frame) -> Unfollow: ...


class LiveCaptions(Protocol):
    """Captions said on a Space's live channel (not stored)."""

    async def partial(self, space_id: str, line: CaptionLine) -> None: ...

    async def final(self, space_id: str, line: CaptionLine) -> None: ...


@dataclass(frozen=True)
class CaptionsDeps:
    store: EventStore
    sessions: async_sessionmaker[AsyncSession]
    positions: Positions
    transcriber: Transcriber
    feeds: SpeakerFeeds
    live: LiveCaptions
    cutting: Cutting = field(default_factory=Cutting)
    cache: StateCache = field(default_factory=StateCache)
