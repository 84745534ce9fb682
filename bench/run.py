"""Run every benchmark and report the figures.

    uv run python bench/run.py                  # full run (a few minutes), updates
                                                # bench/results/ and the figures in bench/README.md
    uv run python bench/run.py --quick          # smoke run in a few seconds; writes *-quick files
    uv run python bench/run.py --only room      # one benchmark: event_store, bus, room, audience,
                                                # media, timers, recording, captions
    uv run python bench/run.py --only room --baseline 8612e92 --profile --memory
                                                # room: old code side by side (default
                                                # baseline 8612e92; --baseline none: this
                                                # checkout only), flame graphs, memory

event_store: events stored per second against a private nats-server. Chassis and raw variants
run side by side in the same rounds against the same server, so their ratio is meaningful even
on a noisy machine. bus: the FastStream request/reply round trip of the chassis next to raw
nats-py request/reply, same server, same payload (see bus_bench.py). room: join and reaction
storms through the gateway of the real stack (``parley up``); see room_bench.py.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bus_bench
import captions_bench
import chart
import machine
import media_bench
import nats
import recording_bench
import report
import room_bench
import timers_bench
from append_workloads import AppendBench
from harness import Group, Variant, progress, run_group

from parley.chassis.embedded_nats import EmbeddedNats

NAME = "event_store"
BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sizes:
    rounds: int
    sequential: int  # events appended one after the other to one aggregate
    writers: int  # concurrent writer tasks, one aggregate each
    each: int  # events per writer
    commands: int  # commands per writer on the full command path
    load_lengths: tuple[int, ...]  # aggregate lengths whose load time is measured
    load_repeats: int


FULL = Sizes(
    rounds=7,
    sequential=3000,
    writers=64,
    each=100,
    commands=20,
    load_lengths=(1, 10, 100, 1000),
    load_repeats=20,
)
QUICK = Sizes(
    rounds=2, sequential=300, writers=16, each=10, commands=5, load_lengths=(1, 10), load_repeats=5
)
WARMUP = Sizes(
    rounds=1, sequential=50, writers=8, each=4, commands=2, load_lengths=(10,), load_repeats=2
)


def groups(bench: AppendBench, sizes: Sizes) -> list[Group]:
    n, writers, each, commands = sizes.sequential, sizes.writers, sizes.each, sizes.commands
    return [
        Group(
            key="sequential",
            title="sequential",
            shape=f"1 aggregate, {n} appends one at a time",
            baseline="raw_publish",
            variants=[
                Variant(
                    "chassis_append",
                    "chassis EventStore.append",
                    "chassis",
                    lambda tag: bench.chassis_append_sequential(tag, n),
                ),
                Variant(
                    "raw_publish_chassis_headers",
                    "raw js.publish + chassis headers",
                    "raw",
                    lambda tag: bench.raw_publish_with_chassis_headers(tag, n),
                ),
                Variant(
                    "raw_publish",
                    "raw js.publish",
                    "raw",
                    lambda tag: bench.raw_publish_sequential(tag, n),
                ),
            ],
        ),
        Group(
            key="concurrent",
            title="concurrent",
            shape=f"{writers} aggregates x {each} appends, one task each",
            baseline="raw_publish",
            variants=[
                Variant(
                    "chassis_append",
                    "chassis EventStore.append",
                    "chassis",
                    lambda tag: bench.chassis_append_concurrent(tag, writers, each),
                ),
                Variant(
                    "raw_publish_chassis_headers",
                    "raw js.publish + chassis headers",
                    "raw",
                    lambda tag: bench.raw_publish_with_chassis_headers_concurrent(
                        tag, writers, each
                    ),
                ),
                Variant(
                    "raw_publish",
                    "raw js.publish",
                    "raw",
                    lambda tag: bench.raw_publish_concurrent(tag, writers, each),
                ),
                Variant(
                    "raw_publish_async",
                    "raw js.publish_async (pipelined)",
                    "raw",
                    lambda tag: bench.raw_publish_async(tag, writers, each),
                ),
            ],
        ),
        Group(
            key="command",
            title="command",
            shape=f"{writers} aggregates x {commands} commands, one task each",
            baseline="raw_publish",
            variants=[
                Variant(
                    "chassis_execute",
                    "chassis execute (load + decide + append)",
                    "chassis",
                    lambda tag: bench.chassis_execute_concurrent(tag, writers, commands),
                ),
                Variant(
                    "chassis_execute_cached",
                    "chassis execute with StateCache",
                    "chassis",
                    lambda tag: bench.chassis_execute_concurrent(
                        tag, writers, commands, cached=True
                    ),
                ),
                Variant(
                    "chassis_append",
                    "chassis EventStore.append",
                    "chassis",
                    lambda tag: bench.chassis_append_concurrent(tag, writers, commands),
                ),
                Variant(
                    "raw_publish",
                    "raw js.publish",
                    "raw",
                    lambda tag: bench.raw_publish_concurrent(tag, writers, commands),
                ),
            ],
        ),
    ]


async def load_latencies(bench: AppendBench, sizes: Sizes, *, quiet: bool = False) -> list[Any]:
    rows = []
    for length in sizes.load_lengths:
        await bench.fresh_stream()
        seconds = await bench.load_seconds(f"load_{length}", length, sizes.load_repeats)
        median_ms = statistics.median(seconds) * 1000
        rows.append(
            {
                "events": length,
                "median_ms": round(median_ms, 3),
                "min_ms": round(min(seconds) * 1000, 3),
                "max_ms": round(max(seconds) * 1000, 3),
                "events_per_s": round(length / (median_ms / 1000), 1),
            }
        )
        if not quiet:
            progress(
                f"  [load] aggregate of {length:>5} events: {median_ms:8.2f} ms median "
                f"of {sizes.load_repeats} ({length / median_ms * 1000:,.0f} events/s decoded)"
            )
    return rows


async def measure(nats_url: str, sizes: Sizes) -> dict[str, Any]:
    nc = await nats.connect(nats_url, name="parley-bench")
    try:
        bench = AppendBench(nc)
        progress("warming up (first connections, first validations, first stream files)")
        for group in groups(bench, WARMUP):
            await run_group(group, WARMUP.rounds, bench.fresh_stream, quiet=True)
        await load_latencies(bench, WARMUP, quiet=True)
        measured = groups(bench, sizes)
        for group in measured:
            progress(f"{group.title}: {group.shape}")
            await run_group(group, sizes.rounds, bench.fresh_stream)
        progress("load: EventStore.load of one aggregate (what execute pays per command)")
        loads = await load_latencies(bench, sizes)
        return {"groups": {group.key: group.summary() for group in measured}, "load": loads}
    finally:
        await nc.close()


BENCHMARKS = ("event_store", "bus", "room", "audience", "media", "timers", "recording", "captions")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run in a few seconds")
    parser.add_argument(
        "--only", choices=BENCHMARKS, action="append", help="run only this benchmark (repeatable)"
    )
    room = parser.add_argument_group("room")
    room.add_argument(
        "--baseline",
        default=room_bench.baseline.DEFAULT,
        metavar="COMMIT",
        help="also measure this commit's code, side by side in alternating rounds (its own git "
        "worktree and virtualenv); 'none': this checkout only (default: %(default)s)",
    )
    room.add_argument(
        "--profile", action="store_true", help="flame graphs (py-spy) of room and the gateway"
    )
    room.add_argument(
        "--memory",
        action="store_true",
        help="room's and the gateway's memory after 10,000 listeners joined (several minutes)",
    )
    room.add_argument(
        "--clients", type=int, default=None, metavar="N", help="load generator processes"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    code = 0
    for name in args.only or BENCHMARKS:
        progress(f"== {name}")
        if name == "event_store":
            code |= run_event_store(quick=args.quick)
        elif name == "bus":
            code |= bus_bench.run(BENCH_DIR, quick=args.quick)
        elif name == "room":
            options = room_bench.Options(
                baseline=None if args.baseline.lower() == "none" else args.baseline,
                profile=args.profile,
                memory=args.memory,
                client_processes=args.clients,
            )
            code |= room_bench.run(BENCH_DIR, quick=args.quick, options=options)
        elif name == "audience":
            code |= room_bench.run_audience(
                BENCH_DIR, quick=args.quick, baseline_commit=args.baseline
            )
        elif name == "timers":
            code |= timers_bench.run(BENCH_DIR, quick=args.quick)
        elif name == "recording":
            code |= recording_bench.run(BENCH_DIR, quick=args.quick)
        elif name == "captions":
            code |= captions_bench.run(BENCH_DIR, quick=args.quick)
        else:
            code |= media_bench.run(BENCH_DIR, quick=args.quick)
    print(f"done in {time.perf_counter() - started:.0f}s")
    return code


def run_event_store(*, quick: bool) -> int:
    sizes = QUICK if quick else FULL
    suffix = "-quick" if quick else ""

    with tempfile.TemporaryDirectory(prefix="parley-bench-") as store_dir:
        server = EmbeddedNats(Path(store_dir)).start()
        try:
            progress(f"nats-server on {server.url} (data in {store_dir})")
            measured = asyncio.run(measure(server.url, sizes))
        finally:
            server.stop()

    results = {
        "name": NAME,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "machine": machine.describe(),
        "params": asdict(sizes) | {"event": "identity.UserFollowed v1"},
        **measured,
    }
    json_path = BENCH_DIR / "results" / f"{NAME}{suffix}.json"
    png_path = BENCH_DIR / "results" / f"{NAME}{suffix}.png"
    report.write_json(results, json_path)
    chart.render(results, png_path)
    print()
    print(report.console_table(results))
    print()
    print(f"results: {json_path.relative_to(BENCH_DIR.parent)}, chart: {png_path.name}")
    if not quick and report.update_readme(
        BENCH_DIR / "README.md", NAME, report.markdown_section(results)
    ):
        print("figures updated in bench/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
