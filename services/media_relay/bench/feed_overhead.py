"""CPU per audio feed message: raw nats-py against FastStream, on the same broker connection.

Why the relay's 20 ms feeds (``media.feed.*``) bypass FastStream (see the README). Run:

    uv run --frozen python services/media_relay/bench/feed_overhead.py [--messages N]

Each side is measured as process CPU time per message, best of three rounds:
- publish: ``nc.publish`` against ``broker.publish`` (one Opus-sized payload, the feed headers);
- subscribe: a second connection floods the subject, received by a raw callback against a
  FastStream subscriber (both read the feed headers and the body), and against one that takes
  the body only (no headers: not enough for a feed, shown for what it costs).
The broker is the services' own (``make_broker``: telemetry middleware) and tracing as a
service configures it by default (``otel_exporter=none``: no spans recorded); the FastStream
subscriber has an async decoder (a plain one costs a worker-thread hop per message).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from faststream.message import StreamMessage
from faststream.nats import NatsMessage
from nats.aio.msg import Msg

from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.messaging import connect, make_broker
from parley.chassis.tracing import configure_tracing
from parley.contracts.media import FeedHeaders

PAYLOAD = os.urandom(120)  # one 20 ms Opus frame at 32 kbit/s is about 80-120 bytes
HEADERS = FeedHeaders(
    seq=1, pts=960, sample_rate=48_000, codec="opus", captured_at_ns=time.time_ns()
).to_headers()


class Counter:
    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.count = 0
        self.done = asyncio.Event()

    def reset(self) -> None:
        self.count = 0
        self.done.clear()

    def got(self) -> None:
        self.count += 1
        if self.count == self.expected:
            self.done.set()


async def cpu_per_message(job: Callable[[], Awaitable[None]], messages: int) -> float:
    started = time.process_time()
    await job()
    return (time.process_time() - started) / messages * 1e6


async def measure(messages: int) -> dict[str, float]:
    configure_tracing("feed-overhead", "none")  # as run_service does by default
    server = EmbeddedNats(Path(tempfile.mkdtemp())).start()
    try:
        broker = make_broker(server.url, "feed-overhead")
        faststream_in, raw_in = Counter(messages), Counter(messages)
        body_only_in = Counter(messages)

        async def raw_body(msg: StreamMessage[Any]) -> Any:
            # A coroutine: FastStream would run a plain decoder in a worker thread.
            return msg.body

        @broker.subscriber("feed.faststream", decoder=raw_body)
        async def on_faststream(msg: NatsMessage) -> None:
            FeedHeaders.from_headers(msg.headers)
            _ = msg.body
            faststream_in.got()

        @broker.subscriber("feed.faststream.body", decoder=raw_body)
        async def on_body_only(body: bytes) -> None:
            # What FastStream costs without the message object (and so without the headers the
            # feed needs: asking for them resolves it, in worker threads).
            body_only_in.got()

        await broker.start()
        nc = broker.connection

        async def on_raw(msg: Msg) -> None:
            FeedHeaders.from_headers(msg.headers)
            _ = msg.data
            raw_in.got()

        await nc.subscribe("feed.raw", cb=on_raw)
        sender = await connect(server.url, name="feed-overhead-sender")

        async def publish_raw() -> None:
            for _ in range(messages):
                await nc.publish("feed.nobody", PAYLOAD, headers=HEADERS)
            await nc.flush()

        async def publish_faststream() -> None:
            for _ in range(messages):
                await broker.publish(PAYLOAD, "feed.nobody", headers=HEADERS)
            await nc.flush()

        def flood(subject: str, counter: Counter) -> Callable[[], Awaitable[None]]:
            async def job() -> None:
                counter.reset()
                for _ in range(messages):
                    await sender.publish(subject, PAYLOAD, headers=HEADERS)
                await sender.flush()
                await asyncio.wait_for(counter.done.wait(), 120)

            return job

        jobs = {
            "publish, raw nats-py": publish_raw,
            "publish, FastStream": publish_faststream,
            "subscribe, raw nats-py": flood("feed.raw", raw_in),
            "subscribe, FastStream": flood("feed.faststream", faststream_in),
            "subscribe, FS body only": flood("feed.faststream.body", body_only_in),
        }
        best: dict[str, float] = {}
        for _ in range(3):
            for name, job in jobs.items():
                cost = await cpu_per_message(job, messages)
                best[name] = min(best.get(name, cost), cost)
        await sender.close()
        await broker.stop()
        return best
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    best = asyncio.run(measure(args.messages))
    for name, micros in best.items():
        print(f"{name:24s} {micros:7.1f} µs CPU per message")
    for side in ("publish", "subscribe"):
        ratio = best[f"{side}, FastStream"] / best[f"{side}, raw nats-py"]
        print(f"{side}: FastStream costs {ratio:.1f}x raw nats-py")


if __name__ == "__main__":
    main()
