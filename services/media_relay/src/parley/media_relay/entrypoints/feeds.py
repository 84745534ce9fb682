"""The audio feeds in the service's AsyncAPI document.

The feeds are sent raw on the broker's connection by :mod:`parley.media_relay.adapters.feeds`
(the 20 ms hot path: FastStream costs 7-17x the CPU per message, see the README); these
publishers are declared, never called, so that the document still lists what recording,
captions and edge workers can subscribe to.
"""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.contracts.media import (
    HEADER_CAPTURED_AT,
    HEADER_CODEC,
    HEADER_EPOCH,
    HEADER_PTS,
    HEADER_RATE,
    HEADER_SEQ,
)

PROGRAM_FEED = "media.feed.{space_id}.program"
SPEAKER_FEED = "media.feed.{space_id}.speaker.{user_id}"
RECORDING_FEED = "media.recfeed.{space_id}.program"
HEADERS = (
    f"headers {HEADER_SEQ} (per feed), {HEADER_PTS} (in samples of the feed's clock), "
    f"{HEADER_RATE}, {HEADER_CODEC}, {HEADER_CAPTURED_AT}"
)


def document_feeds(router: NatsRouter) -> None:
    router.publisher(
        PROGRAM_FEED,
        schema=bytes,
        title=f"{PROGRAM_FEED}:publish",
        description=(
            "The Space's mixed program, encoded once by its origin worker: one Opus packet "
            f"(48 kHz mono, 20 ms) per message; {HEADERS}. Edge workers, recording and HLS "
            "subscribe to it"
        ),
    )
    router.publisher(
        RECORDING_FEED,
        schema=bytes,
        title=f"{RECORDING_FEED}:publish",
        description=(
            "The same program packets, stored on the RECFEED stream (ADR 21) while a Space "
            f"with recording on is live; {HEADERS}, {HEADER_EPOCH} (the origin's run of its "
            "mixing clock) and Nats-Msg-Id <space_id>.<epoch>.<seq>. The recording service "
            "reads it from the stream"
        ),
    )
    router.publisher(
        SPEAKER_FEED,
        schema=bytes,
        title=f"{SPEAKER_FEED}:publish",
        description=(
            "One stage member's voice while they may be heard: 20 ms of PCM (s16le, mono, "
            f"16 kHz) per message; {HEADERS}. For captions"
        ),
    )
