"""Timers on JetStream message schedules (parley.chassis.timers, ADR 19): how late 10,000 armed
timers fire, and what they cost the consuming service and nats-server while they wait and fire.

    uv run python bench/run.py --only timers [--quick]

A private nats-server; a consuming process of its own (a FastStream broker with the chassis's
``fired_timers`` subscriber and a handler that only notes the time, as a service replica
would run it); this process arms N timers due evenly over a short window starting some
seconds ahead, then waits for every firing. Lateness: from a timer's due time to its handler
(the server's firing, the stream, the consumer's pull, the handler: same machine, one clock).
CPU seconds (utime+stime from /proc/<pid>/stat) and RSS of the consumer and of nats-server,
while the timers wait (armed, nothing due) and while they fire. Each firing handled exactly
once is checked, not assumed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import machine
from faststream.nats import NatsRouter
from harness import progress

from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.messaging import connect, make_broker
from parley.chassis.timers import FiredTimer, Timers, fired_timers

NAME = "timers"
SERVICE = "benchclock"


@dataclass(frozen=True)
class Sizes:
    timers: int
    lead_s: float  # the first timer is due this long after arming starts
    window_s: float  # the timers are due evenly over this window
    wait_s: float  # the quiet phase measured: armed, nothing due yet


FULL = Sizes(timers=10_000, lead_s=40.0, window_s=20.0, wait_s=20.0)
QUICK = Sizes(timers=500, lead_s=8.0, window_s=3.0, wait_s=3.0)


# -- the consuming process -----------------------------------------------------------------------


async def consume(url: str, expected: int) -> None:
    """Handle the service's fired timers; print ``ready`` once subscribed and ``done <json>``
    once ``expected`` firings were handled (and nothing more came for a second)."""
    lateness: dict[str, list[float]] = {}
    all_in = asyncio.Event()

    async def handle(fired: FiredTimer) -> None:
        lateness.setdefault(fired.timer_id, []).append(time.time() - fired.due_at.timestamp())
        if len(lateness) >= expected:
            all_in.set()

    broker = make_broker(url, "timers-bench")
    await broker.connect()
    await Timers.open(broker.connection, SERVICE)
    router = NatsRouter()
    fired_timers(router, SERVICE, handle)
    broker.include_router(router)
    await broker.start()
    print("ready", flush=True)
    await all_in.wait()
    await asyncio.sleep(1.0)  # duplicates, if any, would come now
    late = [value for values in lateness.values() for value in values]
    print(
        "done "
        + json.dumps(
            {
                "handled": len(late),
                "distinct": len(lateness),
                "duplicates": sum(len(v) - 1 for v in lateness.values()),
                "lateness_s": late,
            }
        ),
        flush=True,
    )
    await broker.stop()


# -- measuring -----------------------------------------------------------------------------------


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """CPU seconds between marks and the largest RSS seen, of a few processes."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0.0)
        self._task: asyncio.Task[None] | None = None

    def cpu(self) -> dict[str, float]:
        return {name: cpu_s(pid) for name, pid in self.pids.items()}

    def rss(self) -> dict[str, float]:
        return {name: rss_mb(pid) for name, pid in self.pids.items()}

    def reset_peak(self) -> None:
        self.peak = self.rss()

    async def _sample(self) -> None:
        while True:
            for name, value in self.rss().items():
                self.peak[name] = max(self.peak[name], value)
            await asyncio.sleep(0.2)

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def read_line(process: asyncio.subprocess.Process, prefix: str, timeout: float) -> str:
    assert process.stdout is not None
    async with asyncio.timeout(timeout):
        while True:
            raw = await process.stdout.readline()
            if not raw:
                raise RuntimeError(f"the consumer ended before saying {prefix!r}")
            line = raw.decode().strip()
            if line.startswith(prefix):
                return line


async def measure(sizes: Sizes) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="parley-timers-bench-") as tmp:
        server = EmbeddedNats(Path(tmp) / "nats").start()
        consumer = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--consume",
            server.url,
            str(sizes.timers),
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 24,  # the "done" line carries every lateness
        )
        nc = await connect(server.url, "timers-bench-arming")
        try:
            await read_line(consumer, "ready", timeout=30)
            assert server.process is not None
            sampler = Sampler({"consumer": consumer.pid, "nats_server": server.process.pid})
            sampler.start()
            rss_idle = sampler.rss()
            timers = await Timers.open(nc, SERVICE)

            start = datetime.now(UTC) + timedelta(seconds=sizes.lead_s)
            step = sizes.window_s / sizes.timers
            progress(f"timers: arming {sizes.timers:,} (due in {sizes.lead_s:.0f}s)")
            arm_started = time.perf_counter()
            chunk = 500
            for first in range(0, sizes.timers, chunk):
                await asyncio.gather(
                    *(
                        timers.arm(f"t{i}.due", start + timedelta(seconds=i * step), b"x" * 32)
                        for i in range(first, min(first + chunk, sizes.timers))
                    )
                )
            arm_s = time.perf_counter() - arm_started
            progress(f"  armed in {arm_s:.1f}s ({sizes.timers / arm_s:,.0f}/s)")
            # The quiet phase: everything armed, nothing due.
            await asyncio.sleep(1.0)
            sampler.reset_peak()
            cpu_before_wait = sampler.cpu()
            wait_s = min(sizes.wait_s, (start - datetime.now(UTC)).total_seconds() - 1.0)
            await asyncio.sleep(wait_s)
            cpu_after_wait = sampler.cpu()
            rss_wait = dict(sampler.peak)
            # The firing phase: from a little before the first due time to the last handler.
            await asyncio.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds() - 0.5))
            sampler.reset_peak()
            cpu_before_fire = sampler.cpu()
            fire_started = time.perf_counter()
            line = await read_line(consumer, "done ", timeout=sizes.window_s + 60)
            fire_s = time.perf_counter() - fire_started - 1.0  # the consumer's 1 s of quiet
            cpu_after_fire = sampler.cpu()
            rss_fire = dict(sampler.peak)
            sampler.stop()
            stream = await nc.jetstream().stream_info(f"TIMERS_{SERVICE.upper()}")
        finally:
            await nc.close()
            if consumer.returncode is None:
                consumer.terminate()
            await consumer.wait()
            server.stop()
    done = json.loads(line.removeprefix("done "))
    late = [value * 1000 for value in done.pop("lateness_s")]
    return {
        "timers": sizes.timers,
        "due_window_s": sizes.window_s,
        "arming_per_s": round(sizes.timers / arm_s),
        "handled": done["handled"],
        "distinct": done["distinct"],
        "duplicates": done["duplicates"],
        "lateness_ms": {
            "p50": round(statistics.median(late), 1),
            "p99": round(percentile(late, 0.99), 1),
            "max": round(max(late), 1),
            "min": round(min(late), 1),
        },
        "stream_messages_after": stream.state.messages,
        "waiting": {
            "seconds": round(wait_s, 1),
            "cpu_s": {k: round(cpu_after_wait[k] - cpu_before_wait[k], 3) for k in rss_wait},
            "rss_mb_peak": {k: round(v, 1) for k, v in rss_wait.items()},
        },
        "firing": {
            "seconds": round(fire_s, 1),
            "cpu_s": {k: round(cpu_after_fire[k] - cpu_before_fire[k], 3) for k in rss_fire},
            "rss_mb_peak": {k: round(v, 1) for k, v in rss_fire.items()},
        },
        "rss_mb_before_arming": {k: round(v, 1) for k, v in rss_idle.items()},
    }


def run(bench_dir: Path, *, quick: bool) -> int:
    sizes = QUICK if quick else FULL
    results = asyncio.run(measure(sizes))
    results["machine"] = machine.describe()
    results["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    suffix = "-quick" if quick else ""
    out = bench_dir / "results" / f"{NAME}{suffix}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    late = results["lateness_ms"]
    progress(
        f"timers: {results['handled']:,} handled ({results['duplicates']} duplicates) of "
        f"{results['timers']:,}; late p50 {late['p50']} ms, p99 {late['p99']} ms, "
        f"max {late['max']} ms"
    )
    for phase in ("waiting", "firing"):
        figures = results[phase]
        progress(
            f"  {phase} {figures['seconds']}s: cpu {figures['cpu_s']}, "
            f"peak rss MB {figures['rss_mb_peak']}"
        )
    progress(f"  -> {out}")
    ok = results["handled"] == results["timers"] == results["distinct"]
    return 0 if ok and results["duplicates"] == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consume", nargs=2, metavar=("URL", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.consume:
        url, expected = args.consume
        asyncio.run(consume(url, int(expected)))
        return 0
    return run(Path(__file__).resolve().parent, quick=args.quick)


if __name__ == "__main__":
    sys.exit(main())
