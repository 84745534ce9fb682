"""Two aiortc peers in one process, wired directly (offer and answer handed over in memory)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiortc import RTCPeerConnection
from aiortc.mediastreams import MediaStreamTrack

from parley.bots.media import (
    add_audio,
    answer_offer,
    make_offer,
    new_peer_connection,
    record_tracks,
    take_answer,
    wait_connected,
)
from parley.bots.recorder import Recorder


@dataclass
class Link:
    sender: RTCPeerConnection
    receiver: RTCPeerConnection
    recorder: Recorder  # what the receiver hears


@asynccontextmanager
async def linked(source: MediaStreamTrack) -> AsyncIterator[Link]:
    """``source`` sent from one peer connection to another, which records it."""
    sender, receiver, recorder = new_peer_connection(), new_peer_connection(), Recorder()
    try:
        add_audio(sender, source)
        record_tracks(receiver, recorder)
        await take_answer(sender, await answer_offer(receiver, await make_offer(sender)))
        await asyncio.gather(wait_connected(sender), wait_connected(receiver))
        yield Link(sender, receiver, recorder)
    finally:
        await recorder.stop()
        await sender.close()
        await receiver.close()


async def until(check: Callable[[], bool], timeout_s: float = 15.0, what: str = "") -> None:
    """Poll ``check`` until it is true; AssertionError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s}s: {what}")
        await asyncio.sleep(0.02)
