"""The room benchmarks: a join storm and a reaction storm against the real stack (``parley up``
in a temporary directory), measured through the gateway's public API.

- **join storm**: N pre-registered users join one live Space, C clients at a time. Beside it,
  in the same rounds and in alternating order, the same users read the Space (``getSpace``) at
  the same concurrency: the round trip through gateway, bus and room without an append, so
  the join/read ratio is what the command path costs on top.
- **reaction storm**: M joined users react as fast as the room allows for T seconds while K
  other users listen on the live channel; what was accepted, what each socket was told, and in
  how many messages.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import machine
import room_report
from harness import progress
from room_stack import BENCH_ENV, BenchStack, CpuMeter
from room_workloads import (
    LiveTally,
    ReactionCounts,
    Storm,
    User,
    api_client,
    drain,
    join,
    live_space,
    react_until,
    read,
    register_users,
    seconds_until_listeners,
    storm,
)

NAME = "room"


@dataclass(frozen=True)
class RoomSizes:
    rounds: int  # join storm rounds, a fresh Space each
    listeners: int  # N: users joining in one round
    concurrency: int  # C: clients sending at once
    reactors: int  # M: users reacting
    watchers: int  # K: users listening on the live channel during the reaction storm
    storm_s: float  # T: reaction storm duration


FULL = RoomSizes(rounds=3, listeners=500, concurrency=50, reactors=50, watchers=20, storm_s=10)
QUICK = RoomSizes(rounds=1, listeners=50, concurrency=10, reactors=10, watchers=3, storm_s=2)


async def join_storm_round(
    url: str, sizes: RoomSizes, host: User, users: list[User], round_no: int, meter: CpuMeter
) -> dict[str, Any]:
    async with api_client(url, sizes.concurrency + 2) as client:
        space_id = await live_space(client, host, f"join storm {round_no}")
        watcher = await LiveTally.open(url, space_id, host)
        await watcher.wait_for_state()
        order = ["join", "read"] if round_no % 2 else ["read", "join"]
        storms: dict[str, Storm] = {}
        cpu: dict[str, dict[str, float]] = {}
        busy: dict[str, dict[str, float]] = {}
        visible_after: float | None = None
        join_window = (0.0, 0.0)
        for variant in order:
            send = join(client, space_id) if variant == "join" else read(client, space_id)
            started, cpu_before = time.perf_counter(), meter.read()
            storms[variant] = await storm(users, sizes.concurrency, send)
            cpu_after = meter.read()
            cpu[variant] = meter.per_request_ms(cpu_before, cpu_after, len(users))
            busy[variant] = meter.busy(cpu_before, cpu_after, storms[variant].seconds)
            if variant == "join":
                join_window = (started, time.perf_counter())
                visible_after = await seconds_until_listeners(client, space_id, host, len(users))
        seen_full_count = await _count_seen(watcher, len(users))
        count_messages = watcher.between(*join_window, kind="listeners.count")
        await watcher.close()
    join_s = join_window[1] - join_window[0]
    row = {
        "round": round_no,
        "order": order,
        "join": storms["join"].summary()
        | {"cpu_ms_per_request": cpu["join"], "cpu_busy": busy["join"]},
        "read": storms["read"].summary()
        | {"cpu_ms_per_request": cpu["read"], "cpu_busy": busy["read"]},
        "join_to_read": round(storms["join"].rate / storms["read"].rate, 3),
        "listener_count_visible_after_s": None
        if visible_after is None
        else round(visible_after, 3),
        "live_count_reached_n": seen_full_count,
        "count_messages_during_joins": len(count_messages),
        "count_messages_per_s": round(len(count_messages) / join_s, 2),
    }
    progress(
        f"  [join storm {round_no}/{sizes.rounds}] {len(users)} joins by {sizes.concurrency} "
        f"clients: {storms['join'].rate:,.0f} joins/s (p50 {row['join']['p50_ms']:.0f} ms, "
        f"p99 {row['join']['p99_ms']:.0f} ms); getSpace {storms['read'].rate:,.0f}/s; "
        f"count visible after {row['listener_count_visible_after_s']}s; "
        f"live count reached N: {seen_full_count}; failures {len(storms['join'].failures)}"
    )
    return row


async def _count_seen(watcher: LiveTally, count: int, timeout_s: float = 15) -> bool:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if any(r.type == "listeners.count" and r.data["count"] >= count for r in watcher.received):
            return True
        await asyncio.sleep(0.05)
    return False


async def reaction_storm(
    url: str, sizes: RoomSizes, host: User, users: list[User], meter: CpuMeter
) -> dict[str, Any]:
    reactors = users[: sizes.reactors]
    watchers = users[sizes.reactors : sizes.reactors + sizes.watchers]
    async with api_client(url, sizes.reactors + 2) as client:
        space_id = await live_space(client, host, "reaction storm")
        joins = await storm([*reactors, *watchers], sizes.concurrency, join(client, space_id))
        assert not joins.failures, joins.failures[:3]
        # Presence is checked on room's read side: react only once it shows every join
        # (right after a join, a reaction can still be refused as not-in-space).
        await seconds_until_listeners(client, space_id, host, len(reactors) + len(watchers))
        tallies = [await LiveTally.open(url, space_id, user) for user in watchers]
        for tally in tallies:
            await tally.wait_for_state()
        counts = ReactionCounts()
        cpu_before = meter.read()
        start = time.perf_counter()
        end = start + sizes.storm_s
        await asyncio.gather(*(react_until(client, space_id, u, end, counts) for u in reactors))
        sent_s = time.perf_counter() - start
        cpu_after = meter.read()
        cpu = meter.per_request_ms(cpu_before, cpu_after, len(counts.latencies))
        busy = meter.busy(cpu_before, cpu_after, sent_s)
        await drain(tallies, start, counts.accepted)
        for tally in tallies:
            await tally.close()

    delivered = [tally.reactions_total(start) for tally in tallies]
    batches = [len(tally.between(start, float("inf"), "reactions")) for tally in tallies]
    messages = [len(tally.between(start, float("inf"))) for tally in tallies]
    latencies = Storm(len(counts.latencies), sent_s, counts.latencies)
    window_ms = next(
        (r.data.get("window_ms") for t in tallies for r in t.received if r.type == "reactions"),
        None,
    )
    result = {
        "reactors": len(reactors),
        "watchers": len(watchers),
        "seconds": round(sent_s, 3),
        "requests": len(counts.latencies),
        "accepted": counts.accepted,
        "rate_limited": counts.limited,
        "failed": len(counts.failed),
        "first_failures": counts.failed[:3],
        "accepted_per_s": round(counts.accepted / sent_s, 1),
        "requests_per_s": round(len(counts.latencies) / sent_s, 1),
        "react_p50_ms": round(latencies.percentile_ms(50), 2),
        "react_p99_ms": round(latencies.percentile_ms(99), 2),
        "delivered_per_socket": _spread(delivered),
        "delivered_to_accepted": round(statistics.median(delivered) / max(counts.accepted, 1), 4),
        "batches_per_socket": _spread(batches),
        "batches_per_s_per_socket": round(statistics.median(batches) / sent_s, 2),
        "messages_per_s_per_socket": round(statistics.median(messages) / sent_s, 2),
        "reactions_per_batch": round(
            statistics.median(delivered) / max(statistics.median(batches), 1), 1
        ),
        "window_ms": window_ms,
        "cpu_ms_per_request": cpu,
        "cpu_busy": busy,
    }
    progress(
        f"  [reaction storm] {len(reactors)} users for {sizes.storm_s:g}s: "
        f"{result['accepted_per_s']:,.0f} accepted/s ({counts.limited} rate limited, "
        f"{len(counts.failed)} failed); each of {len(watchers)} sockets got "
        f"{result['delivered_per_socket']['median']:,.0f} reactions in "
        f"{result['batches_per_socket']['median']:.0f} batches "
        f"({result['batches_per_s_per_socket']}/s)"
    )
    return result


def _spread(values: list[int]) -> dict[str, Any]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


async def measure(url: str, sizes: RoomSizes, meter: CpuMeter) -> dict[str, Any]:
    needed = max(sizes.listeners, sizes.reactors + sizes.watchers) + 1
    progress(f"registering {needed} users (not timed)")
    async with api_client(url, 8) as client:
        started = time.perf_counter()
        users = await register_users(client, needed, concurrency=8)
        progress(f"  registered in {time.perf_counter() - started:.1f}s")
    host, listeners = users[0], users[1 : sizes.listeners + 1]
    rounds = []
    progress(f"join storm: {sizes.listeners} listeners, {sizes.concurrency} concurrent clients")
    for round_no in range(1, sizes.rounds + 1):
        rounds.append(await join_storm_round(url, sizes, host, listeners, round_no, meter))
    progress(f"reaction storm: {sizes.reactors} users reacting, {sizes.watchers} sockets listening")
    reactions = await reaction_storm(url, sizes, host, users[1:], meter)
    return {
        "join_storm": {"rounds": rounds, "median": _join_medians(rounds)},
        "reaction_storm": reactions,
    }


def _join_medians(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    def median(path: tuple[str, ...]) -> float:
        values = []
        for row in rounds:
            value: Any = row
            for key in path:
                value = value[key]
            values.append(float(value))
        return round(statistics.median(values), 2)

    visible = [r["listener_count_visible_after_s"] for r in rounds]
    return {
        "join_per_s": median(("join", "per_s")),
        "join_p50_ms": median(("join", "p50_ms")),
        "join_p99_ms": median(("join", "p99_ms")),
        "read_per_s": median(("read", "per_s")),
        "read_p50_ms": median(("read", "p50_ms")),
        "read_p99_ms": median(("read", "p99_ms")),
        "join_to_read": median(("join_to_read",)),
        "listener_count_visible_after_s": None
        if None in visible
        else round(statistics.median(visible), 3),
        "live_count_reached_n": all(r["live_count_reached_n"] for r in rounds),
        "count_messages_per_s": median(("count_messages_per_s",)),
        "join_failures": sum(r["join"]["failures"] for r in rounds),
        "join_cpu_ms_per_request": _median_cpu([r["join"]["cpu_ms_per_request"] for r in rounds]),
        "read_cpu_ms_per_request": _median_cpu([r["read"]["cpu_ms_per_request"] for r in rounds]),
    }


def _median_cpu(rows: list[dict[str, float]]) -> dict[str, float]:
    names = [name for name in rows[0] if all(name in row for row in rows)]
    return {name: round(statistics.median(row[name] for row in rows), 2) for name in names}


def run(bench_dir: Path, *, quick: bool) -> int:
    sizes = QUICK if quick else FULL
    suffix = "-quick" if quick else ""
    with tempfile.TemporaryDirectory(prefix="parley-bench-room-") as workdir:
        stack = BenchStack(Path(workdir))
        try:
            stack.wait_until_ready()
            progress(f"parley up: {stack.url} (services: {', '.join(stack.services())})")
            if "room" not in stack.services():
                progress("the room service is not installed: room benchmarks skipped")
                return 1
            measured = asyncio.run(measure(stack.url, sizes, CpuMeter(stack.pids())))
        except BaseException:
            progress(f"--- parley up output (last lines):\n{stack.log[-6000:]}")
            raise
        finally:
            stack.stop()
    results = {
        "name": NAME,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "machine": machine.describe(),
        "params": asdict(sizes) | {"stack_env": BENCH_ENV},
        **measured,
    }
    json_path = bench_dir / "results" / f"{NAME}{suffix}.json"
    png_path = bench_dir / "results" / f"{NAME}{suffix}.png"
    room_report.write(results, json_path, png_path)
    print()
    print(room_report.console_table(results))
    print()
    print(f"results: {json_path.relative_to(bench_dir.parent)}, chart: {png_path.name}")
    if not quick and room_report.update_readme(bench_dir / "README.md", results):
        print("room figures updated in bench/README.md")
    return 0
