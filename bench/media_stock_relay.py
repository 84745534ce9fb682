"""The baseline of the media benchmark: relaying audio the stock aiortc way.

Stage members' tracks are mixed into one program track (the same numpy mixing as Parley's),
and every listener gets ``MediaRelay().subscribe(program)``, so each listener's RTCRtpSender
encodes the program itself (aiortc's default Opus: 48 kHz stereo, 96 kbit/s). Negotiation is
the same request/reply as Parley's relay, on ``bench.stock.negotiate``.

    python bench/media_stock_relay.py --nats URL
"""

from __future__ import annotations

import argparse
import asyncio
import fractions
import json
import time
from typing import Any

import av
import nats
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

SUBJECT = "bench.stock.negotiate"
RATE, SAMPLES = 48_000, 960


class ProgramTrack(MediaStreamTrack):
    """The sum of the speakers' latest frames, every 20 ms."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self.latest: dict[int, np.ndarray] = {}
        self._pts = 0
        self._start: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self._start is None:
            self._start = time.perf_counter()
        due = self._start + self._pts / RATE
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        total = np.zeros(SAMPLES, dtype=np.int32)
        for key in list(self.latest):
            total += self.latest.pop(key)
        mono = np.clip(total, -32768, 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, RATE)
        self._pts += SAMPLES
        return frame


async def drain(track: MediaStreamTrack, program: ProgramTrack) -> None:
    resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
    try:
        while True:
            frame = await track.recv()
            for out in resampler.resample(frame):
                program.latest[id(track)] = out.to_ndarray().reshape(-1)[:SAMPLES]
    except MediaStreamError:
        return


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nats", required=True)
    args = parser.parse_args()
    nc = await nats.connect(args.nats)
    program = ProgramTrack()
    relay = MediaRelay()
    peers: list[RTCPeerConnection] = []
    drains: set[asyncio.Future[None]] = set()

    async def negotiate(msg: Any) -> None:
        body = json.loads(msg.data)
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        peers.append(pc)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if body.get("role") == "speaker":
                drains.add(asyncio.ensure_future(drain(track, program)))

        await pc.setRemoteDescription(RTCSessionDescription(sdp=body["sdp"], type="offer"))
        transceiver = next(t for t in pc.getTransceivers() if t.kind == "audio")
        transceiver.sender.replaceTrack(relay.subscribe(program, buffered=False))
        transceiver.direction = "sendrecv" if body.get("role") == "speaker" else "sendonly"
        await pc.setLocalDescription(await pc.createAnswer())
        reply = {"ok": True, "data": {"sdp": pc.localDescription.sdp, "type": "answer"}}
        await msg.respond(json.dumps(reply).encode())

    await nc.subscribe(SUBJECT, cb=negotiate)
    await nc.flush()  # the server knows the subscription before anyone is told to use it
    print("READY", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
