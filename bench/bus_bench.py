"""The bus benchmark: a command's request/reply round trip through the chassis on FastStream,
next to raw nats-py request/reply, in the same run against the same nats-server with the same
payload.

Five responder processes run side by side for the whole run (``bus_responder.py``), each on a
subject of its own: FastStream (the chassis route, as every service serves it), the same with
one request at a time (``max_in_flight=1``), the same route on FastStream's stock pieces (its
telemetry middleware, concurrent subscriber and FastDepends validation: what the chassis'
trimming of them buys), raw nats-py with the route's pydantic types (what the hand-written bus
did), and raw nats-py with plain JSON (the baseline). The benchmark process is the client of
all of them: ``BusClient.call`` for FastStream, ``nc.request`` for the raw ones. Every round
runs each variant sequentially (one request at a time) and concurrently (many tasks, each one
request at a time), alternating the order every round. Reported: requests per second (median
of rounds), the ratio to raw (median of the per-round ratios), and the CPU each process spent
per request (user + system, from ``/proc/<pid>/stat``): the client, the responder and
nats-server.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chart
import machine
import nats
import report
from bus_responder import JOIN, PAYLOAD, Joined, answer, subject_of
from harness import progress
from room_stack import CpuMeter

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.messaging import make_broker
from parley.chassis.tracing import configure_tracing

NAME = "bus"
BASELINE = "raw"
CLIENT, RESPONDER, NATS_SERVER = "client", "responder", "nats-server"


@dataclass(frozen=True)
class BusSizes:
    rounds: int
    sequential: int  # requests one after the other
    tasks: int  # concurrent client tasks
    each: int  # requests per task, one at a time


FULL = BusSizes(rounds=7, sequential=3000, tasks=64, each=60)
QUICK = BusSizes(rounds=2, sequential=300, tasks=16, each=10)
WARMUP = BusSizes(rounds=1, sequential=200, tasks=16, each=10)


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    side: str  # "chassis" or "raw", the chart's colour


VARIANTS = (
    Variant("faststream", "FastStream: chassis serve + BusClient.call", "chassis"),
    Variant("faststream_serial", "the same, max_in_flight=1", "chassis"),
    Variant("faststream_idempotent", "the same, with the command-outcome store", "chassis"),
    Variant("faststream_stock", "the same route on FastStream's stock pieces", "chassis"),
    Variant("raw_typed", "raw nats-py + the route's pydantic types", "raw"),
    Variant("raw", "raw nats-py request/reply (JSON)", "raw"),
)


@dataclass(frozen=True)
class Sample:
    requests: int
    seconds: float
    cpu_ms: dict[str, float]  # per request, by process

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


class Responders:
    """One responder process per variant, all serving through the whole run."""

    def __init__(self, nats_url: str) -> None:
        self.processes: dict[str, subprocess.Popen[str]] = {}
        script = Path(__file__).resolve().parent / "bus_responder.py"
        for variant in VARIANTS:
            process = subprocess.Popen(
                [sys.executable, str(script), variant.key, nats_url],
                stdout=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
            )
            self.processes[variant.key] = process
        for key, process in self.processes.items():
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            if line != "ready":
                self.stop()
                raise RuntimeError(f"the {key} responder did not start (said {line!r})")

    def pid(self, key: str) -> int:
        return self.processes[key].pid

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Clients:
    """The asking side of every variant, in this process."""

    def __init__(self, nats_url: str) -> None:
        self.url = nats_url
        self.ctx = RequestContext(actor="usr_bench")
        self.body = PAYLOAD.model_dump()

    async def __aenter__(self) -> Clients:
        configure_tracing("bench-client", "none")  # as a service or the gateway runs
        self.nc = await nats.connect(self.url, name="bench-client-raw")
        self.broker = make_broker(self.url, "bench-client-faststream")
        await self.broker.start()
        self.bus = BusClient(self.broker, timeout=10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.broker.stop()
        await self.nc.close()

    async def one(self, key: str) -> None:
        subject = subject_of(key)
        if key.startswith("faststream"):
            joined = await self.bus.call(JOIN, PAYLOAD, self.ctx, subject=subject)
            assert joined.listeners == 42
        elif key == "raw_typed":
            reply = await self.nc.request(
                subject, PAYLOAD.model_dump_json().encode(), timeout=10, headers=self.ctx.headers()
            )
            assert Joined.model_validate_json(reply.data).listeners == 42
        else:
            reply = await self.nc.request(
                subject, json.dumps(self.body).encode(), timeout=10, headers=self.ctx.headers()
            )
            assert json.loads(reply.data) == answer(PAYLOAD.space_id, self.ctx.actor)

    async def sequential(self, key: str, n: int) -> int:
        for _ in range(n):
            await self.one(key)
        return n

    async def concurrent(self, key: str, tasks: int, each: int) -> int:
        async def task() -> None:
            for _ in range(each):
                await self.one(key)

        await asyncio.gather(*(task() for _ in range(tasks)))
        return tasks * each


async def timed(
    clients: Clients, meter_pids: dict[str, int], key: str, shape: str, sizes: BusSizes
) -> Sample:
    meter = CpuMeter(meter_pids)
    before = meter.read()
    started = time.perf_counter()
    if shape == "sequential":
        requests = await clients.sequential(key, sizes.sequential)
    else:
        requests = await clients.concurrent(key, sizes.tasks, sizes.each)
    seconds = time.perf_counter() - started
    cpu = meter.per_request_ms(before, meter.read(), requests)
    return Sample(requests, seconds, cpu)


SHAPES = ("sequential", "concurrent")


def shape_label(shape: str, sizes: BusSizes) -> str:
    if shape == "sequential":
        return f"{sizes.sequential} requests, one at a time"
    return f"{sizes.tasks} tasks x {sizes.each} requests, one at a time each"


async def measure(nats_url: str, server_pid: int, sizes: BusSizes) -> dict[str, Any]:
    responders = Responders(nats_url)
    try:
        async with Clients(nats_url) as clients:
            samples: dict[str, dict[str, list[Sample]]] = {s: {} for s in SHAPES}

            async def run(rounds_sizes: BusSizes, *, record: bool) -> None:
                for round_no in range(1, rounds_sizes.rounds + 1):
                    order = VARIANTS if round_no % 2 else tuple(reversed(VARIANTS))
                    for shape in SHAPES:
                        for variant in order:
                            pids = {
                                CLIENT: os.getpid(),
                                RESPONDER: responders.pid(variant.key),
                                NATS_SERVER: server_pid,
                            }
                            sample = await timed(clients, pids, variant.key, shape, rounds_sizes)
                            if not record:
                                continue
                            samples[shape].setdefault(variant.key, []).append(sample)
                            progress(
                                f"  [{shape} {round_no}/{rounds_sizes.rounds}] "
                                f"{variant.label:<44} {sample.rate:>8,.0f} req/s  "
                                f"CPU ms/req: client {sample.cpu_ms.get(CLIENT, 0):.3f}, "
                                f"responder {sample.cpu_ms.get(RESPONDER, 0):.3f}, "
                                f"nats {sample.cpu_ms.get(NATS_SERVER, 0):.3f}"
                            )

            progress("warming up (connections, first validations)")
            await run(WARMUP, record=False)
            await run(sizes, record=True)
    finally:
        responders.stop()
    return {"groups": {shape: summary(shape, samples[shape], sizes) for shape in SHAPES}}


def summary(shape: str, samples: dict[str, list[Sample]], sizes: BusSizes) -> dict[str, Any]:
    base = [sample.rate for sample in samples[BASELINE]]

    def variant_summary(variant: Variant) -> dict[str, Any]:
        runs = samples[variant.key]
        rates = [sample.rate for sample in runs]
        cpu = {
            process: round(statistics.median(sample.cpu_ms.get(process, 0.0) for sample in runs), 3)
            for process in (CLIENT, RESPONDER, NATS_SERVER)
        }
        return {
            "key": variant.key,
            "label": variant.label,
            "side": variant.side,
            # the chart's names: one "event" here is one request answered
            "median_events_per_s": round(statistics.median(rates), 1),
            "min_events_per_s": round(min(rates), 1),
            "max_events_per_s": round(max(rates), 1),
            "ratio_to_baseline": round(
                statistics.median(mine / raw for mine, raw in zip(rates, base, strict=True)), 3
            ),
            "cpu_ms_per_request": cpu | {"total": round(sum(cpu.values()), 3)},
            "runs": [
                {"requests": s.requests, "seconds": round(s.seconds, 4), "cpu_ms": s.cpu_ms}
                for s in runs
            ],
        }

    return {
        "title": shape,
        "shape": shape_label(shape, sizes),
        "baseline": BASELINE,
        "variants": [variant_summary(variant) for variant in VARIANTS],
    }


def console_table(results: dict[str, Any]) -> str:
    lines = [
        f"{'shape':<11} {'variant':<44} {'req/s':>8} {'vs raw':>7}  "
        f"{'CPU ms/req: client':>18} {'responder':>9} {'nats':>6} {'total':>6}",
        "-" * 118,
    ]
    for group in results["groups"].values():
        for v in group["variants"]:
            cpu = v["cpu_ms_per_request"]
            lines.append(
                f"{group['title']:<11} {v['label']:<44} {v['median_events_per_s']:>8,.0f} "
                f"{v['ratio_to_baseline']:>6.2f}x  {cpu[CLIENT]:>18.3f} {cpu[RESPONDER]:>9.3f} "
                f"{cpu[NATS_SERVER]:>6.3f} {cpu['total']:>6.3f}"
            )
    return "\n".join(lines)


def markdown_section(results: dict[str, Any]) -> str:
    m = results["machine"]
    p = results["params"]
    lines = [
        f"Measured {results['measured_at']} with `uv run python bench/run.py --only bus` "
        f"({p['rounds']} rounds, medians; ratio = median of the per-round ratios to raw "
        "nats-py, measured side by side in the same run).",
        "",
        f"- Machine: {m['cpus']} CPUs, {m['cpu_model']}, {m['os']}",
        f"- nats-server {m['nats_server']}; Python {m['python']}, nats-py {m['nats_py']}, "
        f"FastStream {m['faststream']}, pydantic {m['pydantic']}",
        "",
        "| shape | variant | median requests/s | min - max | ratio to raw "
        "| CPU ms per request: client | responder | nats-server | total |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for group in results["groups"].values():
        for v in group["variants"]:
            cpu = v["cpu_ms_per_request"]
            lines.append(
                f"| {group['title']}: {group['shape']} | {v['label']} "
                f"| {v['median_events_per_s']:,.0f} "
                f"| {v['min_events_per_s']:,.0f} - {v['max_events_per_s']:,.0f} "
                f"| **{v['ratio_to_baseline']:.2f}** "
                f"| {cpu[CLIENT]:.3f} | {cpu[RESPONDER]:.3f} | {cpu[NATS_SERVER]:.3f} "
                f"| {cpu['total']:.3f} |"
            )
    lines += ["", "![requests per second](results/bus.png)"]
    return "\n".join(lines)


def run(bench_dir: Path, *, quick: bool) -> int:
    from importlib.metadata import version

    sizes = QUICK if quick else FULL
    suffix = "-quick" if quick else ""
    with tempfile.TemporaryDirectory(prefix="parley-bench-bus-") as store_dir:
        server = EmbeddedNats(Path(store_dir)).start()
        try:
            assert server.process is not None
            progress(f"nats-server on {server.url}")
            measured = asyncio.run(measure(server.url, server.process.pid, sizes))
        finally:
            server.stop()
    results = {
        "name": NAME,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "machine": machine.describe() | {"faststream": version("faststream")},
        "params": asdict(sizes) | {"payload": "JoinRequest, ~200 bytes of JSON"},
        **measured,
    }
    json_path = bench_dir / "results" / f"{NAME}{suffix}.json"
    png_path = bench_dir / "results" / f"{NAME}{suffix}.png"
    report.write_json(results, json_path)
    chart.render(
        results,
        png_path,
        unit="requests answered per second",
        title="Parley bus on FastStream vs raw nats-py request/reply",
    )
    print()
    print(console_table(results))
    print()
    print(f"results: {json_path.relative_to(bench_dir.parent)}, chart: {png_path.name}")
    if not quick and report.update_readme(bench_dir / "README.md", NAME, markdown_section(results)):
        print("figures updated in bench/README.md")
    return 0
