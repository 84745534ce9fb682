"""WebRTC negotiation with aiortc: one peer connection per media session, answer-only."""

from __future__ import annotations

from dataclasses import dataclass

from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    RTCRtpTransceiver,
    RTCSessionDescription,
)

from parley.media_relay.adapters.rtp import ParkedTrack, RtpOut
from parley.media_relay.adapters.uplink import OpusUplink

OPUS = "audio/opus"


class BadOffer(Exception):
    slug = "bad-offer"
    status = 422

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class Negotiated:
    pc: RTCPeerConnection
    answer_sdp: str
    out: RtpOut
    parked: ParkedTrack
    offered_uplink: bool  # the client offered to send audio


# What an offer must carry for the relay to answer it: aiortc accepts offers without these, and
# the connection then never comes up; better a 422 that says why.
REQUIRED_LINES = (
    ("a=fingerprint:", "the offer has no DTLS fingerprint"),
    ("a=ice-ufrag:", "the offer has no ICE credentials"),
    (
        "a=candidate:",
        "the offer has no ICE candidates: gather them all before offering "
        "(the relay does not take trickled candidates)",
    ),
)


def check_offer(offer_sdp: str) -> None:
    """Refuse an offer that could never connect, before any work is done for it."""
    lines = offer_sdp.splitlines()
    for prefix, problem in REQUIRED_LINES:
        if not any(line.startswith(prefix) for line in lines):
            raise BadOffer(problem)


async def answer_offer(offer_sdp: str, *, uplink: OpusUplink | None) -> Negotiated:
    """Answer ``offer_sdp``. The relay always sends; it receives only with an ``uplink`` (stage
    members): for anyone else the answer is send-only, so their audio never leaves the client."""
    if offer_sdp.lstrip().startswith("v="):  # not SDP at all: the parser says so below
        check_offer(offer_sdp)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        except Exception as error:  # aiortc's parser raises whatever a malformed line causes
            raise BadOffer(f"the offer is not valid SDP: {error!r}") from error
        transceiver = _audio_transceiver(pc)
        if uplink is not None:
            uplink.take_over(transceiver.receiver)
        # aiortc stores the offered direction from our side: "recvonly" means the client sends.
        offered_uplink = transceiver._offerDirection in ("sendrecv", "recvonly")
        parked = ParkedTrack()
        transceiver.sender.replaceTrack(parked)
        transceiver.direction = "sendrecv" if uplink is not None else "sendonly"
        try:
            answer = await pc.createAnswer()
        except Exception as error:  # e.g. a direction attribute aiortc does not know
            raise BadOffer(f"the offer cannot be answered: {error!r}") from error
        await pc.setLocalDescription(answer)
        codec = next((c for c in transceiver._codecs if c.mimeType.lower() == OPUS), None)
        if codec is None or codec.payloadType is None:
            raise BadOffer("the offer does not accept Opus audio")
        out = RtpOut(transceiver.sender, codec.payloadType)
        if uplink is not None:
            uplink.payload_type = codec.payloadType
        return Negotiated(pc, pc.localDescription.sdp, out, parked, offered_uplink)
    except BaseException:
        await pc.close()
        raise


def _audio_transceiver(pc: RTCPeerConnection) -> RTCRtpTransceiver:
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "audio":
            return transceiver
    raise BadOffer("the offer has no audio")


__all__ = ["BadOffer", "Negotiated", "RTCRtpSender", "answer_offer"]
