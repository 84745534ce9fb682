"""One WebRTC audio connection of a bot: an aiortc peer connection that sends a source (or
nothing) and hands what it receives to a recorder.

The offer/answer exchange itself is the caller's: :func:`make_offer` and :func:`take_answer`
around an HTTP request for the relay, or :func:`answer_offer` on a second peer connection for
two peers in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.frame import Frame

from parley.bots.errors import MediaError
from parley.bots.recorder import Recorder

CONNECT_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class MediaAnswer:
    """The relay's answer to an offer."""

    sdp: str
    session_id: str = ""
    worker_id: str = ""
    can_publish: bool = False
    type: str = "answer"


class Forwarder(MediaStreamTrack):
    """What a peer connection sends: the bot's source, read through this stand-in, because
    aiortc stops the track it sends when the connection closes, and the source must live on
    (to be sent again after a reconnect)."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.source = source

    async def recv(self) -> Frame:
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self.source.recv()
        if not isinstance(frame, Frame):
            raise MediaStreamError("a bot's source must give frames, not encoded packets")
        return frame


def new_peer_connection() -> RTCPeerConnection:
    """A peer connection that works offline: no STUN server (the default one is unreachable);
    ICE then pairs host candidates (aioice skips 127.0.0.1, so the machine's other
    addresses)."""
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def add_audio(pc: RTCPeerConnection, source: MediaStreamTrack | None) -> None:
    """One audio transceiver: send ``source`` and receive, or receive only."""
    if source is None:
        pc.addTransceiver("audio", direction="recvonly")
    else:
        pc.addTransceiver(Forwarder(source), direction="sendrecv")


def record_tracks(pc: RTCPeerConnection, recorder: Recorder) -> None:
    """Hand the audio track the remote side sends to ``recorder`` once it arrives."""

    @pc.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            recorder.follow(track)


async def make_offer(pc: RTCPeerConnection) -> str:
    """The offer's SDP with every ICE candidate in it (aiortc gathers them all in
    ``setLocalDescription``; no trickle ICE)."""
    await pc.setLocalDescription(await pc.createOffer())
    if pc.iceGatheringState != "complete":  # pragma: no cover - aiortc completes it above
        raise MediaError(f"ICE gathering is {pc.iceGatheringState}, not complete")
    return str(pc.localDescription.sdp)


async def take_answer(pc: RTCPeerConnection, sdp: str) -> None:
    await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))


async def answer_offer(pc: RTCPeerConnection, sdp: str) -> str:
    """The answerer's side of a direct connection: take the offer, return the answer's SDP."""
    await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
    await pc.setLocalDescription(await pc.createAnswer())
    return str(pc.localDescription.sdp)


async def wait_connected(pc: RTCPeerConnection, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Until ICE and DTLS are up; MediaError when the connection fails or takes too long."""
    changed = asyncio.Event()

    @pc.on("connectionstatechange")
    def on_change() -> None:
        changed.set()

    try:
        async with asyncio.timeout(timeout_s):
            while pc.connectionState != "connected":
                if pc.connectionState in ("failed", "closed"):
                    raise MediaError(f"the media connection is {pc.connectionState}")
                changed.clear()
                await changed.wait()
    except TimeoutError:
        raise MediaError(
            f"the media connection is still {pc.connectionState} after {timeout_s:g}s"
        ) from None
    finally:
        pc.remove_listener("connectionstatechange", on_change)


class MediaSession:
    """A bot's media connection to one Space."""

    def __init__(
        self,
        space_id: str,
        pc: RTCPeerConnection,
        source: MediaStreamTrack | None,
        recorder: Recorder | None,
    ) -> None:
        self.space_id = space_id
        self.pc = pc
        self.source = source
        self.recorder = recorder
        self.answer: MediaAnswer | None = None

    @property
    def connection_state(self) -> str:
        return str(self.pc.connectionState)

    @property
    def session_id(self) -> str:
        return self.answer.session_id if self.answer else ""

    @property
    def can_publish(self) -> bool:
        return bool(self.answer and self.answer.can_publish)

    async def wait_connected(self, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
        await wait_connected(self.pc, timeout_s)

    async def close(self) -> None:
        """Close the peer connection (the recorder keeps what it has; the source is not
        stopped, so it can be sent again on a new connection)."""
        with contextlib.suppress(Exception):  # closing a half-set-up connection may complain
            await self.pc.close()
