"""The media benchmark: Parley's relay against aiortc's stock per-listener relay, in one run.

- **capacity**: one Space, 3 stage members sending tones, N listeners (real WebRTC peers in
  separate load processes, see media_listeners.py). For N in a list, the relay under test runs
  as its own process and we read its CPU time from ``/proc`` over a fixed window while the
  listeners count RTP packets and gaps. listeners/core = N / (relay CPU seconds / wall
  seconds), reported only where packet loss stayed under 1 %. The stock relay
  (media_stock_relay.py) is measured the same way in the same run.
- **latency**: a speaker sends a click every 0.5 s; a listener in the same process records and
  finds each click, so send and arrival share one clock. The same clicks are also sent over a
  direct peer-to-peer connection (same aiortc jitter buffers, no relay): the difference is what
  the relay adds. Measured with load listeners connected.
- **memory**: the relay's RSS with the speakers only, and with N listeners: bytes per listener.

    uv run python bench/run.py --only media [--quick]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import machine
import nats
from harness import progress
from media_peers import connect_peer

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
from parley.bots.sources import ClickTrack, ToneTrack
from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.event_store import EventMetadata, EventStore
from parley.contracts.events import room as ev

NAME = "media"
BENCH = Path(__file__).resolve().parent
PARLEY_SUBJECT = "cmd.media.negotiate"
STOCK_SUBJECT = "bench.stock.negotiate"
SPEAKERS = ("usr_spk1", "usr_spk2", "usr_spk3")
TONES = (300.0, 500.0, 700.0)
LOSS_LIMIT = 0.01
PER_LOAD_PROCESS = 60


@dataclass(frozen=True)
class MediaSizes:
    parley_listeners: tuple[int, ...]
    stock_listeners: tuple[int, ...]
    seconds: float  # measuring window per point
    latency_clicks: int
    latency_load: int  # listeners connected while latency is measured


FULL = MediaSizes((50, 100, 200, 300, 400), (5, 10, 20), 10.0, 40, 50)
QUICK = MediaSizes((20,), (5,), 4.0, 8, 10)


@dataclass
class CapacityPoint:
    relay: str
    listeners: int
    connected: int
    seconds: float
    relay_cpu_s: float
    machine_busy: float  # share of both cores busy during the window
    loss: float
    worst_listener_loss: float
    rss_speakers_mb: float
    rss_mb: float

    @property
    def cores(self) -> float:
        return self.relay_cpu_s / self.seconds

    @property
    def listeners_per_core(self) -> float:
        return self.listeners / self.cores if self.cores else 0.0

    @property
    def cpu_ms_per_listener_s(self) -> float:
        return self.relay_cpu_s * 1000 / (self.listeners * self.seconds)

    @property
    def kb_per_listener(self) -> float:
        return (self.rss_mb - self.rss_speakers_mb) * 1024 / self.listeners

    def summary(self) -> dict[str, Any]:
        return asdict(self) | {
            "cores": round(self.cores, 3),
            "listeners_per_core": round(self.listeners_per_core),
            "cpu_ms_per_listener_s": round(self.cpu_ms_per_listener_s, 3),
            "kb_per_listener": round(self.kb_per_listener, 1),
            "under_loss_limit": self.loss < LOSS_LIMIT,
        }


@dataclass
class LatencyResult:
    relay_ms: list[float] = field(default_factory=list)
    direct_ms: list[float] = field(default_factory=list)

    @staticmethod
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def summary(self) -> dict[str, Any]:
        relay50, relay95 = self.pct(self.relay_ms, 0.5), self.pct(self.relay_ms, 0.95)
        direct50, direct95 = self.pct(self.direct_ms, 0.5), self.pct(self.direct_ms, 0.95)
        return {
            "clicks_relay": len(self.relay_ms),
            "clicks_direct": len(self.direct_ms),
            "relay_p50_ms": round(relay50, 1),
            "relay_p95_ms": round(relay95, 1),
            "direct_p50_ms": round(direct50, 1),
            "direct_p95_ms": round(direct95, 1),
            "added_p50_ms": round(relay50 - direct50, 1),
            "added_p95_ms": round(relay95 - direct95, 1),
            "relay_ms": [round(v, 2) for v in self.relay_ms],
            "direct_ms": [round(v, 2) for v in self.direct_ms],
        }


# -- processes ----------------------------------------------------------------------------------


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine_ticks() -> tuple[int, int]:
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(ticks[:3]) + sum(ticks[5:8])
    return busy, busy + ticks[3] + ticks[4]


async def read_line(process: asyncio.subprocess.Process, prefix: str, timeout: float) -> str:
    assert process.stdout is not None
    async with asyncio.timeout(timeout):
        while True:
            raw = await process.stdout.readline()
            if not raw:
                raise RuntimeError(f"process {process.pid} ended before saying {prefix!r}")
            line = raw.decode().strip()
            if line.startswith(prefix):
                return line


class Relay:
    """The relay under test, as its own process."""

    def __init__(self, kind: str, nats_url: str, data_dir: Path, index: int) -> None:
        self.kind = kind
        self.nats_url = nats_url
        self.data_dir = data_dir
        self.worker_id = f"bench{index}"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def subject(self) -> str:
        return PARLEY_SUBJECT if self.kind == "parley" else STOCK_SUBJECT

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, nc: Any) -> None:
        if self.kind == "parley":
            env = os.environ | {
                "NATS_URL": self.nats_url,
                "PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{self.data_dir}/{self.worker_id}.db",
                "PARLEY_MEDIA_WORKER_ID": self.worker_id,
                "PARLEY_MEDIA_CAPACITY": "100000",
                "PARLEY_LOG_LEVEL": "WARNING",
            }
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "parley.media_relay",
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(Exception):
                    reply = await nc.request("parley.health.media_relay", b"", timeout=1)
                    if json.loads(reply.data).get("ready"):
                        return
                if time.monotonic() > deadline:
                    raise RuntimeError("the relay did not get ready")
                await asyncio.sleep(0.2)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(BENCH / "media_stock_relay.py"),
            "--nats",
            self.nats_url,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        await read_line(self.process, "READY", 60)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


class RoomStandIn:
    """Room's events for the Parley relay (the stock relay admits everyone)."""

    def __init__(self, nc: Any) -> None:
        self.store = EventStore(nc, stream="ROOM", context=ev.CONTEXT)
        self.js = nc.jetstream()
        self.last_seq = 0

    async def append(self, aggregate: str, *events: Any) -> None:
        _, version = await self.store.load(aggregate)
        self.last_seq = await self.store.append(
            aggregate,
            list(events),
            expected_version=version,
            metadata=EventMetadata(correlation_id="cor_bench"),
        )

    async def live_space(self, space: str, listeners: list[str]) -> None:
        host = SPEAKERS[0]
        await self.append(
            space,
            ev.SpaceCreated(space_id=space, host_id=host, title="Bench"),
            ev.SpaceStarted(space_id=space, host_id=host),
            ev.SpeakerUnmuted(space_id=space, user_id=host),
        )
        for speaker in SPEAKERS[1:]:
            await self.join(space, speaker)
            await self.append(
                space,
                ev.SpeakerPromoted(space_id=space, user_id=speaker, by=host, via="request"),
                ev.SpeakerUnmuted(space_id=space, user_id=speaker),
            )
        for user in listeners:
            await self.join(space, user)

    async def join(self, space: str, user: str) -> None:
        await self.append(
            ev.membership_id(space, user), ev.ListenerJoined(space_id=space, user_id=user)
        )

    async def settled(self, worker_id: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(Exception):
                info = await self.js.consumer_info("ROOM", f"proj_media_roles_{worker_id}")
                if info.ack_floor.stream_seq >= self.last_seq:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("the relay's projection did not catch up")
            await asyncio.sleep(0.1)


async def negotiate(nc: Any, relay: Relay, space: str, user: str, source: Any, role: str) -> Any:
    stock_role = role if relay.kind == "stock" else None
    return await connect_peer(nc, relay.subject, space, user, source=source, role=stock_role)


async def start_load(
    relay: Relay, space: str, users: list[str], nats_url: str
) -> list[asyncio.subprocess.Process]:
    processes = []
    for start in range(0, len(users), PER_LOAD_PROCESS):
        chunk = users[start : start + PER_LOAD_PROCESS]
        args = [
            str(BENCH / "media_listeners.py"),
            "--nats",
            nats_url,
            "--subject",
            relay.subject,
            "--space",
            space,
            "--users",
            ",".join(chunk),
        ]
        if relay.kind == "stock":
            args += ["--role", "listener"]
        processes.append(
            await asyncio.create_subprocess_exec(
                sys.executable, *args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
        )
    for process in processes:
        await read_line(process, "READY", 300)
    return processes


async def stop_load(nc: Any, processes: list[asyncio.subprocess.Process]) -> None:
    await nc.publish("bench.media.stop", b"")
    await nc.flush()
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


# -- measurements -------------------------------------------------------------------------------


async def capacity_point(
    nc: Any, nats_url: str, data_dir: Path, kind: str, listeners: int, seconds: float, index: int
) -> CapacityPoint:
    relay = Relay(kind, nats_url, data_dir, index)
    space = f"sp_bench{index}"
    users = [f"usr_b{index}_{n}" for n in range(listeners)]
    room = RoomStandIn(nc)
    await relay.start(nc)
    speakers: list[Any] = []
    load: list[asyncio.subprocess.Process] = []
    try:
        if kind == "parley":
            await room.live_space(space, users)
            await room.settled(relay.worker_id)
        for user, tone in zip(SPEAKERS, TONES, strict=True):
            speakers.append(await negotiate(nc, relay, space, user, ToneTrack(tone), "speaker"))
        await asyncio.sleep(1.0)
        rss_speakers = proc_rss_mb(relay.pid)
        load = await start_load(relay, space, users, nats_url)
        await asyncio.sleep(2.0)  # warm-up
        cpu_before, (busy_before, total_before) = proc_cpu_s(relay.pid), machine_ticks()
        await nc.publish("bench.media.go", json.dumps({"seconds": seconds}).encode())
        reports = [json.loads(await read_line(p, "{", seconds + 60)) for p in load]
        cpu_after, (busy_after, total_after) = proc_cpu_s(relay.pid), machine_ticks()
        rss = proc_rss_mb(relay.pid)
    finally:
        await stop_load(nc, load)
        for pc in speakers:
            await pc.close()
        await relay.stop()
    received = [n for report in reports for n in report["received"]]
    expected = [n for report in reports for n in report["expected"]]
    per_listener = [1 - r / e if e else 1.0 for r, e in zip(received, expected, strict=True)] or [
        1.0
    ]
    nominal = seconds * 50  # packets a listener should get in the window (one per 20 ms)
    loss = 1 - sum(received) / max(sum(max(e, nominal) for e in expected), 1)
    return CapacityPoint(
        relay=kind,
        listeners=listeners,
        connected=sum(report["connected"] for report in reports),
        seconds=seconds,
        relay_cpu_s=round(cpu_after - cpu_before, 3),
        machine_busy=round((busy_after - busy_before) / max(total_after - total_before, 1), 3),
        loss=round(max(loss, 0.0), 5),
        worst_listener_loss=round(max(per_listener), 5),
        rss_speakers_mb=round(rss_speakers, 1),
        rss_mb=round(rss, 1),
    )


def click_latencies(sent: list[float], recorder: Recorder, after: float) -> list[float]:
    arrivals = recorder.click_times(start=after)
    latencies = []
    for moment in sent:
        if moment < after:
            continue
        later = [arrival - moment for arrival in arrivals if 0 < arrival - moment < 0.5]
        if later:
            latencies.append(min(later) * 1000)
    return latencies


async def measure_clicks(listener: Recorder, clicks: ClickTrack, n: int) -> list[float]:
    started = time.perf_counter() + 1.0
    await asyncio.sleep(1.0 + n * 0.5 + 0.5)
    return click_latencies(clicks.click_times, listener, started)


async def latency(
    nc: Any, nats_url: str, data_dir: Path, sizes: MediaSizes, index: int
) -> LatencyResult:
    result = LatencyResult()
    # Direct: speaker and listener peers connected to each other, no relay.
    clicks = ClickTrack(interval_s=0.5)
    sender, receiver, recorder = new_peer_connection(), new_peer_connection(), Recorder()
    add_audio(sender, clicks)
    record_tracks(receiver, recorder)
    answer = await answer_offer(receiver, await make_offer(sender))
    await take_answer(sender, answer)
    await wait_connected(sender)
    result.direct_ms = await measure_clicks(recorder, clicks, sizes.latency_clicks)
    await recorder.stop()
    await sender.close()
    await receiver.close()

    # Through the relay, with load listeners connected and two other speakers talking.
    relay = Relay("parley", nats_url, data_dir, index)
    space = f"sp_latency{index}"
    users = [f"usr_lat{index}_{n}" for n in range(sizes.latency_load)]
    room = RoomStandIn(nc)
    await relay.start(nc)
    peers: list[Any] = []
    load: list[asyncio.subprocess.Process] = []
    try:
        await room.live_space(space, [*users, "usr_measure"])
        await room.settled(relay.worker_id)
        clicks = ClickTrack(interval_s=0.5)
        peers.append(await negotiate(nc, relay, space, SPEAKERS[0], clicks, "speaker"))
        for user, tone in zip(SPEAKERS[1:], TONES[1:], strict=True):
            peers.append(await negotiate(nc, relay, space, user, ToneTrack(tone, 0.05), "speaker"))
        load = await start_load(relay, space, users, nats_url)
        recorder = Recorder()
        listener = await connect_peer(
            nc,
            PARLEY_SUBJECT,
            space,
            "usr_measure",
            prepare=lambda pc: record_tracks(pc, recorder),
        )
        peers.append(listener)
        result.relay_ms = await measure_clicks(recorder, clicks, sizes.latency_clicks)
        await recorder.stop()
    finally:
        await stop_load(nc, load)
        for pc in peers:
            await pc.close()
        await relay.stop()
    return result


# -- the run ------------------------------------------------------------------------------------


def run(bench_dir: Path, *, quick: bool) -> int:
    return asyncio.run(_run(bench_dir, quick))


async def _run(bench_dir: Path, quick: bool) -> int:
    sizes = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="parley-media-bench-") as tmp:
        data = Path(tmp)
        server = EmbeddedNats(data / "nats")
        server.start()
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await js.add_stream(name="ROOM", subjects=["room.>"])
        points: list[CapacityPoint] = []
        index = 0
        try:
            # Interleave the two relays so that machine noise hits both alike.
            plan = [("parley", n) for n in sizes.parley_listeners]
            plan += [("stock", n) for n in sizes.stock_listeners]
            plan.sort(key=lambda item: item[1])
            for kind, listeners in plan:
                index += 1
                progress(f"media capacity: {kind} relay, {listeners} listeners")
                point = await capacity_point(
                    nc, server.url, data, kind, listeners, sizes.seconds, index
                )
                progress(
                    f"  -> relay {point.cores:.2f} cores, loss {point.loss:.2%}, "
                    f"{point.listeners_per_core:.0f} listeners/core, "
                    f"{point.kb_per_listener:.0f} KiB/listener"
                )
                points.append(point)
            index += 1
            progress(f"media latency: {sizes.latency_clicks} clicks, direct and through the relay")
            lat = await latency(nc, server.url, data, sizes, index)
        finally:
            await nc.close()
            server.stop()
    results = summarise(points, lat, sizes)
    suffix = "-quick" if quick else ""
    out = bench_dir / "results" / f"{NAME}{suffix}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    import media_report

    media_report.render(results, bench_dir / "results" / f"{NAME}{suffix}.png")
    if not quick:
        media_report.update_readme(results, bench_dir / "README.md")
    print(media_report.table(results))
    return 0


def best(points: list[CapacityPoint], kind: str) -> CapacityPoint | None:
    good = [p for p in points if p.relay == kind and p.loss < LOSS_LIMIT]
    return max(good, key=lambda p: p.listeners, default=None)


def marginal_ms_per_listener_s(points: list[dict[str, Any]], kind: str) -> float | None:
    """The slope of relay CPU over audience size (least squares): what one more listener
    costs, without the Space's fixed cost (decode, mix, encode) that big audiences amortise."""
    chosen = [
        (p["listeners"], p["relay_cpu_s"] / p["seconds"]) for p in points if p["relay"] == kind
    ]
    if len(chosen) < 2:
        return None
    mean_x = statistics.fmean(x for x, _ in chosen)
    mean_y = statistics.fmean(y for _, y in chosen)
    spread = sum((x - mean_x) ** 2 for x, _ in chosen)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in chosen) / spread
    return round(slope * 1000, 3)


def summarise(points: list[CapacityPoint], lat: LatencyResult, sizes: MediaSizes) -> dict[str, Any]:
    ours, stock = best(points, "parley"), best(points, "stock")
    ratio = (
        round(ours.listeners_per_core / stock.listeners_per_core, 1)
        if ours and stock and stock.listeners_per_core
        else None
    )
    return {
        "benchmark": NAME,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(),
        "sizes": asdict(sizes),
        "points": [p.summary() for p in points],
        "parley_best": ours.summary() if ours else None,
        "stock_best": stock.summary() if stock else None,
        "listeners_per_core_ratio": ratio,
        "latency": lat.summary(),
        "marginal_ms_per_listener_s": {
            kind: marginal_ms_per_listener_s([p.summary() for p in points], kind)
            for kind in ("parley", "stock")
        },
        "median_parley_cpu_ms_per_listener_s": round(
            statistics.median(
                [p.cpu_ms_per_listener_s for p in points if p.relay == "parley"] or [0]
            ),
            3,
        ),
    }
