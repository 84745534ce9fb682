"""Load for the media benchmark: many WebRTC listeners in one process, made cheap.

Each listener is a real aiortc peer connection (ICE, DTLS, SRTP) negotiated with the relay
under test, but its receiver only *counts* RTP packets (sequence numbers, for loss) instead of
jitter-buffering and decoding them: the benchmark measures the relay, and decoding 50 Opus
frames a second for hundreds of listeners would make the load generator, not the relay, the
bottleneck on a 2-core machine.

    python bench/media_listeners.py --nats URL --subject S --space SP --users u1,u2 --tag a

Prints ``READY <n>`` once every listener is connected; on ``bench.media.go`` (JSON
``{"seconds": T}``) it counts for T seconds and prints one JSON line of results, then waits for
``bench.media.stop``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from dataclasses import dataclass
from typing import Any

import nats
from aiortc import RTCPeerConnection, RTCRtpReceiver
from aiortc.rtp import RtpPacket
from media_peers import connect_peer


@dataclass
class Counter:
    received: int = 0
    first: int | None = None
    highest: int = 0  # extended sequence number (wraps counted)
    counting: bool = False

    def observe(self, sequence: int) -> None:
        if not self.counting:
            return
        if self.first is None:
            self.first = self.highest = sequence
        else:
            extended = self.highest + ((sequence - self.highest) & 0xFFFF)
            if (sequence - self.highest) & 0xFFFF < 0x8000:
                self.highest = extended
        self.received += 1

    @property
    def expected(self) -> int:
        return 0 if self.first is None else self.highest - self.first + 1


COUNTERS: dict[int, Counter] = {}


async def _count(self: RTCRtpReceiver, packet: RtpPacket, arrival_time_ms: int) -> None:
    counter = COUNTERS.get(id(self))
    if counter is not None:
        counter.observe(packet.sequence_number)


RTCRtpReceiver._handle_rtp_packet = _count  # type: ignore[method-assign]


def count_packets(pc: RTCPeerConnection) -> None:
    for transceiver in pc.getTransceivers():
        COUNTERS[id(transceiver.receiver)] = Counter()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nats", required=True)
    parser.add_argument("--subject", required=True)
    parser.add_argument("--space", required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--role", default=None, help="sent to the stock relay")
    args = parser.parse_args()
    nc = await nats.connect(args.nats)
    go: asyncio.Queue[float] = asyncio.Queue()
    stop = asyncio.Event()

    async def on_go(msg: Any) -> None:
        await go.put(float(json.loads(msg.data)["seconds"]))

    async def on_stop(msg: Any) -> None:
        stop.set()

    await nc.subscribe("bench.media.go", cb=on_go)
    await nc.subscribe("bench.media.stop", cb=on_stop)
    users = [user for user in args.users.split(",") if user]
    slots = asyncio.Semaphore(4)

    async def one(user: str) -> Any:
        async with slots:
            return await connect_peer(
                nc, args.subject, args.space, user, role=args.role, prepare=count_packets
            )

    peers = await asyncio.gather(*(one(user) for user in users))
    print(f"READY {len(peers)}", flush=True)
    seconds = await go.get()
    for counter in COUNTERS.values():
        counter.counting = True
    await asyncio.sleep(seconds)
    for counter in COUNTERS.values():
        counter.counting = False
    counters = list(COUNTERS.values())
    print(
        json.dumps(
            {
                "listeners": len(peers),
                "received": [c.received for c in counters],
                "expected": [c.expected for c in counters],
                "connected": sum(pc.connectionState == "connected" for pc in peers),
            }
        ),
        flush=True,
    )
    await stop.wait()
    for pc in peers:
        with contextlib.suppress(Exception):
            await pc.close()
    await nc.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
