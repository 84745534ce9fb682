"""Recording and clips (issue 11): what recording 1 and N live Spaces at once costs the recording
service and nats-server, the storage per hour of audio, how long a recording takes from the
Space's end to ready, and a clip from ``createClip`` to ready.

    uv run python bench/run.py --only recording [--quick]

Per round (N recorded Spaces at once, N in :data:`FULL`.spaces): a private nats-server, the
recording and clipping services as their own processes (``python -m parley.<service>``, as
``parley up`` runs them), and this process playing room's and the relay's parts: ROOM and
RECFEED created as their owners create them, room's ``SpaceCreated`` (recording and clipping
on), ``SpaceStarted`` and a listener's ``ListenerJoined`` appended as room appends them, and
each Space's program stored on RECFEED by the relay's own :class:`DurableFeed` at real time: one
20 ms Opus packet (a tone encoded once by the relay's :class:`VoiceEncoder`, 32 kbit/s,
replayed) per Space every 20 ms from one clock, with the headers and ``Nats-Msg-Id`` the
relay's origin gives them.

Measured: CPU seconds (utime+stime from /proc/<pid>/stat) of the recording service, the
clipping service and nats-server over ``feed_s`` seconds of N Spaces' program, per second of
recorded audio; their peak RSS; the bytes stored (the finished object per hour of audio, RECFEED
and the recordings bucket while live); then room's ``SpaceEnded`` for all N at once and, per
Space, the time to recording's ``RecordingFinalized`` and to ``getRecording`` answering
``ready``; live clips (while the feed runs) and replay clips (of the finished recording), each
from ``createClip`` to ``getClip`` ready. Every recording's duration is checked against the
packets sent, not assumed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import machine
import numpy as np
from harness import progress
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy
from timers_bench import Sampler

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.errors import DomainError
from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.messaging import connect, ensure_stream, make_broker
from parley.contracts import media, streams
from parley.contracts.api import clipping as clip_api
from parley.contracts.api import recording as rec_api
from parley.contracts.events import room
from parley.contracts.ogg_opus import PRE_SKIP
from parley.contracts.registry import DomainEvent
from parley.media_relay.adapters.feeds import DurableFeed
from parley.media_relay.adapters.opus import VoiceEncoder
from parley.testing.processes import ServiceProcess

NAME = "recording"
T = TypeVar("T")
HOST = "usr_host"
LISTENER = "usr_clipper"
TICK_S = 0.020
SAMPLES_PER_PACKET = 960
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class Sizes:
    spaces: tuple[int, ...]  # one round per entry: this many Spaces recorded at once
    idle_s: float  # the Spaces live and recording, no packet yet: the fixed cost
    feed_s: float  # program fed (and CPU measured) per round
    live_clips: int  # per round, one after the other, while the feed runs
    replay_starts: tuple[float, ...]  # per round, of the first Space's finished recording


FULL = Sizes(
    spaces=(1, 5, 20), idle_s=5.0, feed_s=60.0, live_clips=3, replay_starts=(0.0, 10.0, 25.0)
)
QUICK = Sizes(spaces=(1, 5), idle_s=2.0, feed_s=10.0, live_clips=2, replay_starts=(0.0, 0.0))


# -- room's and the relay's parts ----------------------------------------------------------------


class Room:
    """Appends room's events as room does (expected versions, metadata)."""

    def __init__(self, nc: NATS) -> None:
        self._store = EventStore(nc, stream=streams.ROOM.name, context=streams.ROOM.context)
        self._versions: dict[str, int] = {}

    async def _append(self, aggregate_id: str, event: DomainEvent) -> None:
        self._versions[aggregate_id] = await self._store.append(
            aggregate_id,
            [event],
            expected_version=self._versions.get(aggregate_id, 0),
            metadata=EventMetadata(correlation_id=f"cor_{secrets.token_hex(6)}"),
        )

    async def live(self, space_id: str) -> None:
        settings = room.SpaceSettings(recording=True, clipping=True)
        await self._append(
            space_id,
            room.SpaceCreated(space_id=space_id, host_id=HOST, title="bench", settings=settings),
        )
        await self._append(space_id, room.SpaceStarted(space_id=space_id, host_id=HOST))
        await self._append(
            room.membership_id(space_id, LISTENER),
            room.ListenerJoined(space_id=space_id, user_id=LISTENER),
        )

    async def end(self, space_id: str) -> None:
        await self._append(
            space_id, room.SpaceEnded(space_id=space_id, by=HOST, reason="host_ended")
        )


def tone_packets(seconds: int = 10, hz: float = 220.0) -> list[bytes]:
    """A tone (with a slow tremolo, so that the encoder does not idle on it) encoded once by the
    relay's program encoder: the packets the feeder replays."""
    encoder = VoiceEncoder()
    t = np.arange(seconds * 48_000) / 48_000
    pcm = np.sin(2 * np.pi * hz * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    pcm16 = (pcm * 9000).astype(np.int16)
    packets = []
    for n in range(len(pcm16) // SAMPLES_PER_PACKET):
        frame = pcm16[n * SAMPLES_PER_PACKET : (n + 1) * SAMPLES_PER_PACKET]
        packets.append(encoder.encode(frame, n * SAMPLES_PER_PACKET))
    return [packet for packet in packets if packet]


@dataclass
class SpaceFeed:
    space_id: str
    epoch: str = field(default_factory=lambda: secrets.token_hex(6))
    seq: int = 0
    on: bool = True


class Relay:
    """Every live recorded Space's program on RECFEED, one packet per Space per 20 ms tick from
    one clock (as the relay's origin does), through the relay's :class:`DurableFeed`."""

    def __init__(self, nc: NATS, space_ids: list[str], packets: list[bytes]) -> None:
        self._durable = DurableFeed(nc)
        self.spaces = [SpaceFeed(space_id) for space_id in space_ids]
        self._packets = packets
        self._stop = asyncio.Event()
        self.ticks = 0
        self.late_ticks = 0  # ticks that began more than one tick after their time
        self.max_late_ms = 0.0
        self.payload_bytes = 0

    @property
    def sent(self) -> int:
        return sum(space.seq for space in self.spaces)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        while not self._stop.is_set():
            due = started + self.ticks * TICK_S
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            late = loop.time() - due
            self.max_late_ms = max(self.max_late_ms, late * 1000)
            if late > TICK_S:
                self.late_ticks += 1
            captured_at_ns = time.time_ns()
            for space in self.spaces:
                if space.on:
                    await self._publish(space, captured_at_ns)
            self.ticks += 1

    async def _publish(self, space: SpaceFeed, captured_at_ns: int) -> None:
        payload = self._packets[space.seq % len(self._packets)]
        space.seq += 1
        headers = media.FeedHeaders(
            seq=space.seq,
            pts=(space.seq - 1) * SAMPLES_PER_PACKET,
            sample_rate=media.PROGRAM_SAMPLE_RATE,
            codec="opus",
            captured_at_ns=captured_at_ns,
            epoch=space.epoch,
        ).to_headers()
        headers["Nats-Msg-Id"] = f"{space.space_id}.{space.epoch}.{space.seq}"
        await self._durable.publish(media.recording_feed_subject(space.space_id), payload, headers)
        self.payload_bytes += len(payload)

    async def stop(self) -> int:
        """Stop every Space's program; the packets the durable feed lost (0 expected)."""
        self._stop.set()
        for space in self.spaces:
            space.on = False
        await self._durable.drain()
        return self._durable.lost


# -- measuring -----------------------------------------------------------------------------------


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(statistics.median(values) * 1000, 1),
        "max": round(max(values) * 1000, 1),
        "min": round(min(values) * 1000, 1),
    }


def per_hour(bytes_: float, audio_s: float) -> float:
    return round(bytes_ / audio_s * SECONDS_PER_HOUR / 1024**2, 2)  # MiB per hour of audio


async def stream_bytes(nc: NATS, name: str) -> dict[str, int]:
    info = await nc.jetstream().stream_info(name)
    return {"messages": info.state.messages, "bytes": info.state.bytes}


async def until(
    check: Callable[[], Awaitable[T | None]], what: str, timeout: float, poll_s: float = 0.05
) -> T:
    """``check``'s first answer that is not None (a problem answered counts as None)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = await check()
        except DomainError:
            answer = None
        if answer is not None:
            return answer
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not within {timeout}s")
        await asyncio.sleep(poll_s)


class Calls:
    """The bus calls this benchmark makes, as the gateway makes them."""

    def __init__(self, bus: BusClient) -> None:
        self.bus = bus
        self.listener = RequestContext(actor=LISTENER)
        self.anyone = RequestContext()

    async def recording(self, space_id: str, state: str) -> rec_api.RecordingView | None:
        view = await self.bus.call(
            rec_api.GET_RECORDING, rec_api.RecordingRef(space_id=space_id), self.anyone
        )
        return view if view.state == state else None

    async def clip_ready(self, clip_id: str) -> clip_api.ClipView | None:
        view = await self.bus.call(
            clip_api.GET_CLIP, clip_api.ClipRef(clip_id=clip_id), self.listener
        )
        if view.state == "failed":
            raise RuntimeError(f"clip {clip_id} failed: {view.failure}")
        return view if view.state == "ready" else None

    async def clip(self, space_id: str, start_s: float | None) -> dict[str, Any]:
        """``createClip`` -> ready, seconds; the clip's length and size."""
        request = clip_api.CreateClip(space_id=space_id, start_s=start_s)
        asked = time.perf_counter()
        created = await self.bus.call(clip_api.CREATE_CLIP, request, self.listener)
        answered = time.perf_counter()
        view = await until(
            lambda: self.clip_ready(created.clip_id), f"clip {created.clip_id}", 30, 0.02
        )
        return {
            "seconds": time.perf_counter() - asked,
            "create_answered_s": answered - asked,
            "duration_s": view.duration_s,
            "bytes": view.bytes,
        }


async def finalized_times(nc: NATS, arrived: dict[str, float]) -> JetStreamContext.PushSubscription:
    """When each ``RecordingFinalized`` lands in recording's stream (an ordered push consumer on
    that event's subjects, from now on)."""

    async def note(msg: Msg) -> None:
        arrived.setdefault(msg.subject.split(".")[1], time.perf_counter())

    return await nc.jetstream().subscribe(
        "recording.*.recording_finalized",
        cb=note,
        ordered_consumer=True,
        config=ConsumerConfig(deliver_policy=DeliverPolicy.NEW),
    )


def load_average() -> dict[str, Any]:
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False)
    return {"loadavg": [round(v, 2) for v in os.getloadavg()], "uptime": uptime.stdout.strip()}


async def one_round(spaces: int, sizes: Sizes, packets: list[bytes], tmp: Path) -> dict[str, Any]:
    load_before = load_average()
    server = EmbeddedNats(tmp / "nats").start()
    nc = await connect(server.url, "recording-bench-room-and-relay")
    # room's, the relay's and captions' (clipping reads captions' segments for clips' transcripts)
    for spec in (streams.ROOM, streams.RECORDING_FEED, streams.CAPTIONS):
        await ensure_stream(nc, spec)
    recorder = ServiceProcess("recording", nats_url=server.url, data_dir=tmp / "recording").start()
    clipper = ServiceProcess(
        "clipping",
        nats_url=server.url,
        data_dir=tmp / "clipping",
        env={"PARLEY_PUBLIC_URL": "https://parley.example"},
    ).start()
    broker = make_broker(server.url, "recording-bench-gateway")
    await broker.start()
    calls = Calls(BusClient(broker, timeout=10))
    relay: Relay | None = None
    feeding: asyncio.Task[None] | None = None
    try:
        await asyncio.gather(recorder.wait_until_ready(60), clipper.wait_until_ready(60))
        assert server.process is not None
        sampler = Sampler(
            {"recording": recorder.pid, "clipping": clipper.pid, "nats_server": server.process.pid}
        )
        rss_idle = sampler.rss()
        space_ids = [f"sp_bench{spaces:02d}x{n:02d}" for n in range(spaces)]
        room_events = Room(nc)
        for space_id in space_ids:
            await room_events.live(space_id)
        for space_id in space_ids:
            await until(partial(calls.recording, space_id, "recording"), f"{space_id}", 30)

        # -- N Spaces' program for feed_s seconds: the CPU and memory of recording them -------
        # -- the Spaces live, nothing fed yet: what recording costs before any audio --------
        idle_before = sampler.cpu()
        idle_from = time.perf_counter()
        await asyncio.sleep(sizes.idle_s)
        idle_after = sampler.cpu()
        idle_s = time.perf_counter() - idle_from

        relay = Relay(nc, space_ids, packets)
        sampler.start()
        sampler.reset_peak()
        cpu_before = sampler.cpu()
        own_before = time.process_time()
        fed_from = time.perf_counter()
        feeding = asyncio.create_task(relay.run())
        await asyncio.sleep(sizes.feed_s)
        cpu_after = sampler.cpu()
        fed_s = time.perf_counter() - fed_from
        own_cpu = time.process_time() - own_before
        packets_in_window = relay.sent
        rss_feeding = dict(sampler.peak)
        while_live = {
            "recfeed": await stream_bytes(nc, streams.RECORDING_FEED.name),
            "recordings_bucket": await stream_bytes(nc, f"OBJ_{rec_api.RECORDINGS_BUCKET}"),
        }
        progress(
            f"  {spaces} Space(s) x {fed_s:.0f}s: cpu s recording "
            f"{cpu_after['recording'] - cpu_before['recording']:.2f}, nats-server "
            f"{cpu_after['nats_server'] - cpu_before['nats_server']:.2f}; "
            f"peak rss MB { ({k: round(v) for k, v in rss_feeding.items()}) }"
        )

        # -- live clips, one after the other, while the program goes on ------------------------
        clip_cpu_before = sampler.cpu()["clipping"]
        live = []
        for n in range(sizes.live_clips):
            space_id = space_ids[n % spaces]
            # clipping follows room's events on its own: the first call may come before it knows
            live.append(await until(partial(calls.clip, space_id, None), "a live clip", 30))
        live_clip_cpu = sampler.cpu()["clipping"] - clip_cpu_before

        # -- every Space ends at once ---------------------------------------------------------
        arrived: dict[str, float] = {}
        watching = await finalized_times(nc, arrived)
        lost = await relay.stop()
        await feeding
        feeding = None
        sent = {space.space_id: space.seq for space in relay.spaces}
        ended_at: dict[str, float] = {}

        async def end(space_id: str) -> None:
            await room_events.end(space_id)
            ended_at[space_id] = time.perf_counter()

        await asyncio.gather(*(end(space_id) for space_id in space_ids))
        ready: dict[str, float] = {}
        views: dict[str, rec_api.RecordingView] = {}

        async def finalized(space_id: str) -> bool | None:
            return True if space_id in arrived else None

        async def until_ready(space_id: str) -> None:
            # The event first (watched on the stream, no load on recording), then getRecording
            # every 20 ms until its read model says ready: N Spaces polled all along would
            # have recording answer N * 20 queries a second while it finalizes.
            await until(lambda: finalized(space_id), f"{space_id} finalized", 120, 0.005)
            views[space_id] = await until(
                lambda: calls.recording(space_id, "ready"), f"{space_id} ready", 30, 0.02
            )
            ready[space_id] = time.perf_counter()

        await asyncio.gather(*(until_ready(space_id) for space_id in space_ids))
        await watching.unsubscribe()
        sampler.stop()
        finished = {
            "recfeed": await stream_bytes(nc, streams.RECORDING_FEED.name),
            "recordings_bucket": await stream_bytes(nc, f"OBJ_{rec_api.RECORDINGS_BUCKET}"),
        }
        durations_ok = all(
            views[s].duration_ms == (sent[s] * SAMPLES_PER_PACKET - PRE_SKIP) * 1000 // 48_000
            for s in space_ids
        )

        # -- replay clips of the first Space's finished recording -----------------------------
        clip_cpu_before = sampler.cpu()["clipping"]
        replay = []
        for start_s in sizes.replay_starts:
            replay.append(
                await until(partial(calls.clip, space_ids[0], start_s), "a replay clip", 30)
            )
        replay_clip_cpu = sampler.cpu()["clipping"] - clip_cpu_before
        rss_end = sampler.rss()
    finally:
        if feeding is not None and relay is not None:
            await relay.stop()
            await feeding
        await broker.stop()
        await nc.close()
        await asyncio.gather(recorder.stop(), clipper.stop())
        server.stop()

    audio_s = packets_in_window * TICK_S
    cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_before}
    idle_rate = {k: (idle_after[k] - idle_before[k]) / idle_s for k in idle_before}
    marginal = {k: cpu[k] - idle_rate[k] * fed_s for k in cpu}
    object_bytes = [views[s].bytes or 0 for s in space_ids]
    object_audio_s = [(views[s].duration_ms or 0) / 1000 for s in space_ids]
    return {
        "spaces": spaces,
        "fed_s": round(fed_s, 2),
        "audio_s": round(audio_s, 1),
        "cpu_s": {k: round(v, 3) for k, v in cpu.items()},
        "cpu_ms_per_audio_s": {k: round(v / audio_s * 1000, 3) for k, v in cpu.items()},
        "cpu_share_of_a_core": {k: round(v / fed_s, 4) for k, v in cpu.items()},
        "idle_cpu_share_of_a_core": {k: round(v, 4) for k, v in idle_rate.items()},
        "marginal_cpu_ms_per_audio_s": {
            k: round(v / audio_s * 1000, 3) for k, v in marginal.items()
        },
        "rss_mb_idle": {k: round(v, 1) for k, v in rss_idle.items()},
        "rss_mb_peak_feeding": {k: round(v, 1) for k, v in rss_feeding.items()},
        "rss_mb_after_clips": {k: round(v, 1) for k, v in rss_end.items()},
        "storage": {
            "object_bytes_total": sum(object_bytes),
            "object_mib_per_audio_hour": per_hour(sum(object_bytes), sum(object_audio_s)),
            "opus_payload_mib_per_audio_hour": per_hour(relay.payload_bytes, relay.sent * TICK_S),
            "recfeed_while_live": while_live["recfeed"],
            "recfeed_mib_per_audio_hour": per_hour(while_live["recfeed"]["bytes"], audio_s),
            "recordings_bucket_while_live": while_live["recordings_bucket"],
            "after_ready": finished,
        },
        "end_to_finalized_ms": summary_ms([arrived[s] - ended_at[s] for s in space_ids]),
        "end_to_ready_ms": summary_ms([ready[s] - ended_at[s] for s in space_ids]),
        "recording_durations_match_packets_sent": durations_ok,
        "recorded_ms": {s: views[s].duration_ms for s in space_ids[:3]},
        "live_clips": {
            "create_to_ready_ms": summary_ms([c["seconds"] for c in live]),
            "each_ms": [round(c["seconds"] * 1000, 1) for c in live],
            "create_answered_ms": summary_ms([c["create_answered_s"] for c in live]),
            "clip_s": [c["duration_s"] for c in live],
            "clipping_cpu_s": round(live_clip_cpu, 3),
        },
        "replay_clips": {
            "start_s": list(sizes.replay_starts),
            "create_to_ready_ms": summary_ms([c["seconds"] for c in replay]),
            "each_ms": [round(c["seconds"] * 1000, 1) for c in replay],
            "create_answered_ms": summary_ms([c["create_answered_s"] for c in replay]),
            "clip_s": [c["duration_s"] for c in replay],
            "clipping_cpu_s": round(replay_clip_cpu, 3),
        },
        "feeder": {
            "ticks": relay.ticks,
            "late_ticks": relay.late_ticks,
            "max_late_ms": round(relay.max_late_ms, 1),
            "lost_packets": lost,
            "own_cpu_s": round(own_cpu, 2),
        },
        "load_before": load_before,
        "load_after": load_average(),
    }


async def measure(sizes: Sizes) -> list[dict[str, Any]]:
    packets = tone_packets()
    rounds = []
    for spaces in sizes.spaces:
        progress(f"recording: {spaces} Space(s) at once, {sizes.feed_s:.0f}s of program each")
        with tempfile.TemporaryDirectory(prefix="parley-recording-bench-") as tmp:
            result = await one_round(spaces, sizes, packets, Path(tmp))
        end, ready = result["end_to_finalized_ms"], result["end_to_ready_ms"]
        progress(
            f"  end -> finalized p50 {end['p50']} ms max {end['max']} ms; -> ready p50 "
            f"{ready['p50']} ms max {ready['max']} ms; object "
            f"{result['storage']['object_mib_per_audio_hour']} MiB/h, RECFEED "
            f"{result['storage']['recfeed_mib_per_audio_hour']} MiB/h"
        )
        progress(
            f"  clips: live p50 {result['live_clips']['create_to_ready_ms']['p50']} ms, replay "
            f"p50 {result['replay_clips']['create_to_ready_ms']['p50']} ms; durations match: "
            f"{result['recording_durations_match_packets_sent']}; feeder late ticks "
            f"{result['feeder']['late_ticks']} (max {result['feeder']['max_late_ms']} ms)"
        )
        rounds.append(result)
    return rounds


def git_state() -> str:
    root = Path(__file__).resolve().parent.parent
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "services/recording", "services/clipping", "libs"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}{' + uncommitted changes in services/libs' if dirty else ''}"


def run(bench_dir: Path, *, quick: bool) -> int:
    sizes = QUICK if quick else FULL
    started = time.perf_counter()
    rounds = asyncio.run(measure(sizes))
    results = {
        "name": NAME,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "code": git_state(),
        "machine": machine.describe(),
        "params": asdict(sizes)
        | {
            "packet": "20 ms Opus, 48 kHz mono, 32 kbit/s (the relay's VoiceEncoder), a tone",
            "segment_packets": 250,
            "end_quiet_s": 1.0,
        },
        "rounds": rounds,
        "wall_s": round(time.perf_counter() - started, 1),
    }
    suffix = "-quick" if quick else ""
    out = bench_dir / "results" / f"{NAME}{suffix}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    progress(f"  -> {out}")
    ok = all(
        r["recording_durations_match_packets_sent"] and r["feeder"]["lost_packets"] == 0
        for r in rounds
    )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    return run(Path(__file__).resolve().parent, quick=args.quick)


if __name__ == "__main__":
    sys.exit(main())
