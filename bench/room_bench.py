"""The room benchmarks: joins, reads, a floor and reactions against the real stack (``parley
up`` in a temporary directory), measured through the gateway's public API; by default for two
stacks side by side, the old code (a baseline commit, ``baseline.py``) and this checkout's.

- **join storm**: N pre-registered users join one live Space, C clients at a time. In the same
  rounds and in rotating order the same users read the Space (``getSpace``: the round trip
  through gateway, bus and room without an append) and ping (``GET /api/v1/ping``: an
  authenticated no-op through gateway, bus and identity, the floor every request pays), R times
  each (a longer storm, steadier figures), at the same concurrency: join and getSpace are
  reported as ratios to the floor.
- **reaction storm**: M joined users react as fast as the room allows for T seconds while K
  other users listen on the live channel; what was accepted, what each socket was told, and in
  how many messages.
- Rounds alternate the two stacks (baseline, current; then current, baseline; ...), so that
  the machine's noise hits both. Both stacks run through the whole benchmark; the one that is
  not measured idles (its CPU is "others" for the one that is).
- ``--profile``: one more join storm per stack with py-spy recording room and the gateway
  (flame graphs under ``results/``). ``--memory``: room's and the gateway's resident memory
  before and after 10,000 listeners joined one Space, per stack.

Requests are sent by ``load_clients.py`` (several processes of keep-alive aiohttp clients);
their CPU is reported apart from the stack's.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import baseline
import machine
import report
import room_report
from harness import progress
from load_clients import Call, LoadClients
from room_stack import BENCH_ENV, BenchStack, CpuMeter, rss_kib
from room_workloads import (
    REGISTER_CONCURRENCY,
    LiveTally,
    Storm,
    User,
    api_client,
    drain,
    follow_calls,
    join_calls,
    listener_calls,
    live_space,
    ping_calls,
    read_calls,
    register_users,
    seconds_until_listeners,
)

NAME = "room"
VARIANTS = ("join", "read", "ping")  # read = getSpace, ping = the floor


@dataclass(frozen=True)
class RoomSizes:
    rounds: int  # rounds per stack (join storm and reaction storm), a fresh Space each
    listeners: int  # N: users joining in one round
    concurrency: int  # C: clients sending at once
    reactors: int  # M: users reacting
    watchers: int  # K: users listening on the live channel during the reaction storm
    storm_s: float  # T: reaction storm duration
    repeat: int  # getSpace and floor requests per user in a round (a longer, steadier storm)
    client_processes: int  # load generator processes sharing the C clients
    memory_listeners: int  # listeners joined for --memory
    memory_step: int  # ... in storms of this many (rate and memory after each)


FULL = RoomSizes(
    rounds=3,
    listeners=500,
    concurrency=50,
    reactors=50,
    watchers=20,
    storm_s=10,
    repeat=3,
    client_processes=2,
    memory_listeners=10_000,
    memory_step=2_000,
)
QUICK = RoomSizes(
    rounds=1,
    listeners=100,
    concurrency=20,
    reactors=20,
    watchers=3,
    storm_s=2,
    repeat=1,
    client_processes=2,
    memory_listeners=1_000,
    memory_step=500,
)


@dataclass(frozen=True)
class Options:
    baseline: str | None = baseline.DEFAULT  # None: this checkout only
    profile: bool = False
    memory: bool = False
    client_processes: int | None = None


@dataclass
class Target:
    """One stack under test and what the benchmark prepared on it."""

    label: str  # "baseline" or "current"
    stack: BenchStack
    meter: CpuMeter
    has_floor: bool
    users: list[User] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.stack.url

    @property
    def host(self) -> User:
        return self.users[0]

    @property
    def audience(self) -> list[User]:
        return self.users[1:]


# -- join storm rounds -------------------------------------------------------------------------


async def timed(
    clients: LoadClients, target: Target, calls: list[Call], concurrency: int
) -> dict[str, Any]:
    """One storm, with the CPU every process spent on it per request."""
    before: dict[str, dict[str, float]] = {}
    answers = await clients.storm(
        target.url,
        calls,
        concurrency,
        at_start=lambda: before.setdefault("cpu", target.meter.read()),
    )
    after = target.meter.read()
    storm = Storm.of(answers)
    return storm.summary() | {
        "cpu": target.meter.costs(before["cpu"], after, len(calls)),
        "cpu_busy": target.meter.busy(before["cpu"], after, storm.seconds),
    }


async def join_storm_round(
    clients: LoadClients, sizes: RoomSizes, target: Target, round_no: int
) -> dict[str, Any]:
    users = target.audience[: sizes.listeners]
    variants = [v for v in VARIANTS if v != "ping" or target.has_floor]
    turn = (round_no - 1) % len(variants)
    order = variants[turn:] + variants[:turn]
    async with api_client(target.url, 4) as client:
        space_id = await live_space(client, target.host, f"join storm {round_no}")
        watcher = await LiveTally.open(target.url, space_id, target.host)
        await watcher.wait_for_state()
        measured: dict[str, dict[str, Any]] = {}
        visible_after: float | None = None
        join_window = (0.0, 0.0)
        for variant in order:
            calls = {
                "join": lambda: join_calls(users, space_id),
                "read": lambda: read_calls(users * sizes.repeat, space_id),
                "ping": lambda: ping_calls(users * sizes.repeat),
            }[variant]()
            started = time.perf_counter()
            measured[variant] = await timed(clients, target, calls, sizes.concurrency)
            if variant == "join":
                join_window = (started, time.perf_counter())
                visible_after = await seconds_until_listeners(
                    client, space_id, target.host, len(users)
                )
        seen_full_count = await _count_seen(watcher, len(users))
        count_messages = watcher.between(*join_window, kind="listeners.count")
        await watcher.close()
    row: dict[str, Any] = {
        "round": round_no,
        "stack": target.label,
        "order": order,
        **measured,
        "listener_count_visible_after_s": None
        if visible_after is None
        else round(visible_after, 3),
        "live_count_reached_n": seen_full_count,
        "count_messages_per_s": round(
            len(count_messages) / max(join_window[1] - join_window[0], 1e-9), 2
        ),
    }
    if "ping" in measured:
        row["to_floor"] = _to_floor(measured)
    progress(
        f"  [{target.label} join storm {round_no}/{sizes.rounds}] "
        + "; ".join(
            f"{_name(v)} {measured[v]['per_s']:,.0f}/s p99 {measured[v]['p99_ms']:,.0f} ms "
            f"server {measured[v]['cpu']['server_ms']:.2f} ms"
            for v in order
        )
        + f"; count visible after {row['listener_count_visible_after_s']}s; "
        f"failures {measured['join']['failures']}"
    )
    return row


def _name(variant: str) -> str:
    return {"join": "join", "read": "getSpace", "ping": "floor", "reaction": "reaction"}[variant]


def _to_floor(measured: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Join and getSpace against the floor of the same round: server CPU per request (x times
    the floor's) and rate (a fraction of the floor's)."""
    floor = measured["ping"]
    ratios = {}
    for variant in ("join", "read"):
        ratios[f"{variant}_cpu_x"] = round(
            measured[variant]["cpu"]["server_ms"] / max(floor["cpu"]["server_ms"], 1e-9), 2
        )
        ratios[f"{variant}_rate"] = round(measured[variant]["per_s"] / floor["per_s"], 3)
    return ratios


async def _count_seen(watcher: LiveTally, count: int, timeout_s: float = 15) -> bool:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if any(r.type == "listeners.count" and r.data["count"] >= count for r in watcher.received):
            return True
        await asyncio.sleep(0.05)
    return False


# -- reaction storm ----------------------------------------------------------------------------


async def reaction_storm(
    clients: LoadClients, sizes: RoomSizes, target: Target, round_no: int
) -> dict[str, Any]:
    reactors = target.audience[: sizes.reactors]
    watchers = target.audience[sizes.reactors : sizes.reactors + sizes.watchers]
    async with api_client(target.url, 4) as client:
        space_id = await live_space(client, target.host, f"reaction storm {round_no}")
        joins = await clients.storm(
            target.url, join_calls([*reactors, *watchers], space_id), sizes.concurrency
        )
        assert not joins.failures, joins.failures[:3]
        # Joins answer once room's read side shows them; kept as a check (before b0d947f a
        # reaction right after a join could be refused as not-in-space).
        await seconds_until_listeners(client, space_id, target.host, len(reactors) + len(watchers))
    tallies = [await LiveTally.open(target.url, space_id, user) for user in watchers]
    for tally in tallies:
        await tally.wait_for_state()
    before: dict[str, dict[str, float]] = {}
    counts = await clients.react(
        target.url,
        space_id,
        [user.token for user in reactors],
        sizes.storm_s,
        at_start=lambda: before.setdefault("cpu", target.meter.read()),
    )
    after = target.meter.read()
    seconds = counts.ended - counts.started
    requests = len(counts.latencies)
    await drain(tallies, counts.started, counts.accepted)
    for tally in tallies:
        await tally.close()

    start = counts.started
    delivered = [tally.reactions_total(start) for tally in tallies]
    batches = [len(tally.between(start, float("inf"), "reactions")) for tally in tallies]
    messages = [len(tally.between(start, float("inf"))) for tally in tallies]
    latencies = Storm(requests, seconds, counts.latencies)
    window_ms = next(
        (r.data.get("window_ms") for t in tallies for r in t.received if r.type == "reactions"),
        None,
    )
    result: dict[str, Any] = {
        "round": round_no,
        "stack": target.label,
        "reactors": len(reactors),
        "watchers": len(watchers),
        "seconds": round(seconds, 3),
        "requests": requests,
        "accepted": counts.accepted,
        "rate_limited": counts.limited,
        "retried_overloaded": counts.retries,
        "failures": len(counts.failed),
        "first_failures": counts.failed[:3],
        "accepted_per_s": round(counts.accepted / seconds, 1),
        "per_s": round(requests / seconds, 1),
        "p50_ms": round(latencies.percentile_ms(50), 2),
        "p99_ms": round(latencies.percentile_ms(99), 2),
        "delivered_per_socket": _spread(delivered),
        "delivered_to_accepted": round(statistics.median(delivered) / max(counts.accepted, 1), 4),
        "batches_per_socket": _spread(batches),
        "batches_per_s_per_socket": round(statistics.median(batches) / seconds, 2),
        "messages_per_s_per_socket": round(statistics.median(messages) / seconds, 2),
        "reactions_per_batch": round(
            statistics.median(delivered) / max(statistics.median(batches), 1), 1
        ),
        "window_ms": window_ms,
        "cpu": target.meter.costs(before["cpu"], after, requests),
        "cpu_busy": target.meter.busy(before["cpu"], after, seconds),
    }
    progress(
        f"  [{target.label} reaction storm {round_no}/{sizes.rounds}] {len(reactors)} users for "
        f"{sizes.storm_s:g}s: {result['accepted_per_s']:,.0f} accepted/s "
        f"({counts.limited} rate limited, {len(counts.failed)} failed), server "
        f"{result['cpu']['server_ms']:.2f} ms each; each of {len(watchers)} sockets got "
        f"{result['delivered_per_socket']['median']:,.0f} reactions in "
        f"{result['batches_per_socket']['median']:.0f} batches "
        f"({result['batches_per_s_per_socket']}/s)"
    )
    return result


def _spread(values: list[int]) -> dict[str, Any]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


# -- flame graphs and memory -------------------------------------------------------------------


PROFILED = ("room", "media_relay", "gateway")
PY_SPY_HZ = 500


async def profiled_join_storm(
    clients: LoadClients, sizes: RoomSizes, target: Target, results_dir: Path, suffix: str
) -> dict[str, str]:
    """One more join storm (not measured) with py-spy recording room and the gateway: only the
    thread holding the GIL, i.e. where Python code spends CPU. (Sampling every thread that is
    not blocked also counts threads that are runnable but waiting for a core: on this busy
    two-core machine that was two thirds of room's samples, piled on wake-up points such as
    aiosqlite's queue and the selector. C code that releases the GIL, SQLite's engine and
    socket calls, is not in these graphs.)"""
    py_spy = Path(sys.executable).parent / "py-spy"
    users = target.audience[: sizes.listeners]
    pids = target.stack.pids()
    outputs = {
        name: results_dir / f"flame-join-{target.label}-{name}{suffix}.svg" for name in PROFILED
    }
    async with api_client(target.url, 4) as client:
        space_id = await live_space(client, target.host, "profiled join storm")
        recorders = [
            await asyncio.create_subprocess_exec(
                *(str(py_spy), "record", "--pid", str(pids[name]), "--output", str(path)),
                *("--format", "flamegraph", "--rate", str(PY_SPY_HZ), "--nonblocking", "--gil"),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            for name, path in outputs.items()
        ]
        await asyncio.sleep(1.5)  # attached
        answers = await clients.storm(target.url, join_calls(users, space_id), sizes.concurrency)
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)  # py-spy writes the flame graph and exits
        for recorder, (name, path) in zip(recorders, outputs.items(), strict=True):
            _, err = await asyncio.wait_for(recorder.communicate(), 60)
            if not path.exists():
                progress(f"  py-spy wrote no flame graph for {name}: {err.decode()[-500:]}")
    storm = Storm.of(answers)
    progress(
        f"  [{target.label} profiled join storm] {storm.rate:,.0f} joins/s under py-spy; "
        + ", ".join(str(p.relative_to(results_dir.parent)) for p in outputs.values())
    )
    return {name: path.name for name, path in outputs.items() if path.exists()}


async def memory_after_joins(
    clients: LoadClients, sizes: RoomSizes, target: Target
) -> dict[str, Any]:
    """Room's and the gateway's resident memory before and after ``memory_listeners`` users
    joined one live Space (registered first, not counted), in steps."""
    pids = target.stack.pids()
    progress(f"  [{target.label} memory] registering {sizes.memory_listeners:,} more users")
    started = time.perf_counter()
    users = await register_users(clients, target.url, sizes.memory_listeners)
    registered_s = time.perf_counter() - started
    async with api_client(target.url, 4) as client:
        space_id = await live_space(client, target.host, "memory")
        await asyncio.sleep(2)
        before = {name: rss_kib(pids[name]) or 0 for name in PROFILED}
        steps = []
        for first in range(0, len(users), sizes.memory_step):
            batch = users[first : first + sizes.memory_step]
            answers = await clients.storm(
                target.url, join_calls(batch, space_id), sizes.concurrency
            )
            storm = Storm.of(answers)
            rss = {name: rss_kib(pids[name]) or 0 for name in PROFILED}
            steps.append(
                {
                    "listeners": first + len(batch),
                    "joins_per_s": round(storm.rate, 1),
                    "p99_ms": round(storm.percentile_ms(99), 1),
                    "failures": storm.failed,
                    "rss_kib": rss,
                }
            )
            progress(
                f"  [{target.label} memory] {first + len(batch):,} listeners: "
                f"{storm.rate:,.0f} joins/s, p99 {storm.percentile_ms(99):,.0f} ms, "
                + ", ".join(f"{n} {v / 1024:,.0f} MiB" for n, v in rss.items())
            )
        visible = await seconds_until_listeners(client, space_id, target.host, len(users), 120)
    await asyncio.sleep(2)
    after = {name: rss_kib(pids[name]) or 0 for name in PROFILED}
    per_listener = {name: round((after[name] - before[name]) / len(users), 2) for name in PROFILED}
    progress(
        f"  [{target.label} memory] KiB per listener: "
        + ", ".join(f"{n} {v:.1f}" for n, v in per_listener.items())
    )
    return {
        "listeners": len(users),
        "registered_in_s": round(registered_s, 1),
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_listener": per_listener,
        "count_visible_after_s": visible,
        "steps": steps,
    }


# -- the whole benchmark -----------------------------------------------------------------------


async def measure(
    clients: LoadClients,
    sizes: RoomSizes,
    targets: list[Target],
    options: Options,
    results_dir: Path,
    suffix: str,
) -> dict[str, Any]:
    needed = max(sizes.listeners, sizes.reactors + sizes.watchers) + 1
    for target in targets:
        started = time.perf_counter()
        target.users = await register_users(clients, target.url, needed)
        progress(
            f"{target.label}: registered {needed} users in {time.perf_counter() - started:.1f}s "
            "(not timed)"
        )
        if target.has_floor:
            target.has_floor = await _floor_answers(clients, target)
    progress("warm-up (first connections, first validations, caches; not measured)")
    for target in targets:
        await join_storm_round(clients, replace(sizes, listeners=50), target, 0)

    def alternating(round_no: int) -> list[Target]:
        return targets if round_no % 2 else list(reversed(targets))

    progress(
        f"join storm: {sizes.listeners} listeners, {sizes.concurrency} concurrent clients in "
        f"{sizes.client_processes} processes; getSpace and the floor in the same rounds"
    )
    joins = [
        await join_storm_round(clients, sizes, target, round_no)
        for round_no in range(1, sizes.rounds + 1)
        for target in alternating(round_no)
    ]
    progress(f"reaction storm: {sizes.reactors} users reacting, {sizes.watchers} sockets listening")
    reactions = [
        await reaction_storm(clients, sizes, target, round_no)
        for round_no in range(1, sizes.rounds + 1)
        for target in alternating(round_no)
    ]
    measured: dict[str, Any] = {
        "join_storm": {"rounds": joins, "median": _join_medians(joins, targets)},
        "reaction_storm": {"rounds": reactions, "median": _reaction_medians(reactions, targets)},
    }
    if options.profile:
        progress("flame graphs: one more join storm per stack under py-spy")
        measured["profile"] = {
            target.label: await profiled_join_storm(clients, sizes, target, results_dir, suffix)
            for target in targets
        } | {"py_spy": f"record --nonblocking --gil --rate {PY_SPY_HZ}"}
    if options.memory:
        progress(f"memory: {sizes.memory_listeners:,} listeners join one Space, per stack")
        measured["memory"] = {
            target.label: await memory_after_joins(clients, sizes, target) for target in targets
        }
    return measured


async def _floor_answers(clients: LoadClients, target: Target) -> bool:
    answers = await clients.storm(target.url, ping_calls(target.users[:1]), 1)
    if answers.statuses != [200]:
        progress(f"  {target.label}: GET /api/v1/ping answers {answers.statuses}: no floor")
        return False
    return True


def _median(rows: list[dict[str, Any]], path: tuple[str, ...]) -> float | None:
    values = []
    for row in rows:
        value: Any = row
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        values.append(float(value))
    return round(statistics.median(values), 3) if values else None


def _median_cpu(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-process medians over the rounds; the totals are medians of the rounds' totals."""
    result: dict[str, Any] = {}
    for side in ("server", "client"):
        names = [name for name in rows[0][side] if all(name in row[side] for row in rows)]
        result[side] = {
            name: round(statistics.median(row[side][name] for row in rows), 3) for name in names
        }
        result[f"{side}_ms"] = round(statistics.median(row[f"{side}_ms"] for row in rows), 3)
    return result


def _request_medians(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "per_s": _median(rows, ("per_s",)),
        "p50_ms": _median(rows, ("p50_ms",)),
        "p99_ms": _median(rows, ("p99_ms",)),
        "failures": sum(int(row["failures"]) for row in rows),
        "retried_overloaded": sum(int(row.get("retried_overloaded", 0)) for row in rows),
        "cpu": _median_cpu([row["cpu"] for row in rows]),
    }


def _join_medians(rounds: list[dict[str, Any]], targets: list[Target]) -> dict[str, Any]:
    medians = {}
    for target in targets:
        rows = [row for row in rounds if row["stack"] == target.label]
        by_variant = {
            v: _request_medians([row[v] for row in rows]) for v in VARIANTS if v in rows[0]
        }
        visible = [row["listener_count_visible_after_s"] for row in rows]
        medians[target.label] = by_variant | {
            "to_floor": {
                key: _median(rows, ("to_floor", key))
                for key in ("join_cpu_x", "join_rate", "read_cpu_x", "read_rate")
            }
            if "ping" in rows[0]
            else None,
            "listener_count_visible_after_s": None
            if None in visible
            else round(statistics.median(visible), 3),
            "live_count_reached_n": all(row["live_count_reached_n"] for row in rows),
            "count_messages_per_s": _median(rows, ("count_messages_per_s",)),
        }
    return medians


def _reaction_medians(rounds: list[dict[str, Any]], targets: list[Target]) -> dict[str, Any]:
    medians = {}
    for target in targets:
        rows = [row for row in rounds if row["stack"] == target.label]
        medians[target.label] = _request_medians(rows) | {
            "accepted_per_s": _median(rows, ("accepted_per_s",)),
            "rate_limited": sum(row["rate_limited"] for row in rows),
            "delivered_to_accepted": min(row["delivered_to_accepted"] for row in rows),
            "batches_per_s_per_socket": _median(rows, ("batches_per_s_per_socket",)),
            "messages_per_s_per_socket": _median(rows, ("messages_per_s_per_socket",)),
            "reactions_per_batch": _median(rows, ("reactions_per_batch",)),
            "window_ms": rows[0]["window_ms"],
        }
    return medians


def _checkout() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=baseline.ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    changed = git("diff", "--name-only", "HEAD", "--", "libs", "services").splitlines()
    changed += git("ls-files", "--others", "--exclude-standard", "--", "libs", "services").split()
    return {
        "commit": git("rev-parse", "HEAD"),
        "short": git("rev-parse", "--short=7", "HEAD"),
        "subject": git("log", "-1", "--format=%s"),
        "uncommitted": changed,
    }


@contextmanager
def side_by_side(
    old: baseline.Baseline | None, prefix: str, stacks_info: dict[str, Any]
) -> Iterator[list[tuple[str, BenchStack]]]:
    """The baseline's stack (when there is one) and this checkout's, each ``parley up`` in a
    temporary folder, labelled; their last output shown if the run fails; stopped after."""
    with ExitStack() as folders:
        stacks: list[tuple[str, BenchStack]] = []
        try:
            if old:
                stacks_info["baseline"] = {
                    "commit": old.commit,
                    "short": old.short,
                    "subject": old.subject,
                }
                workdir = Path(
                    folders.enter_context(tempfile.TemporaryDirectory(prefix="parley-bench-base-"))
                )
                stacks.append(
                    ("baseline", BenchStack(workdir, python=old.python, label="baseline"))
                )
            workdir = Path(folders.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
            stacks.append(("current", BenchStack(workdir, label="current")))
            yield stacks
        except BaseException:
            for _, stack in stacks:
                progress(f"--- {stack.label}: parley up output (last lines):\n{stack.log[-4000:]}")
            raise
        finally:
            for _, stack in stacks:
                stack.stop()


def run(bench_dir: Path, *, quick: bool, options: Options | None = None) -> int:
    options = options or Options()
    sizes = QUICK if quick else FULL
    if options.client_processes:
        sizes = replace(sizes, client_processes=options.client_processes)
    suffix = "-quick" if quick else ""
    results_dir = bench_dir / "results"
    old = baseline.prepare(options.baseline) if options.baseline else None
    stacks_info: dict[str, Any] = {"current": _checkout() | {"floor": "yes"}}
    with ExitStack() as cleanup:
        clients = cleanup.enter_context(LoadClients(sizes.client_processes))
        client_pids = clients.pids() | {"benchmark process": os.getpid()}
        stacks = cleanup.enter_context(side_by_side(old, "parley-bench-room-", stacks_info))
        if old:
            stacks_info["baseline"]["floor"] = old.floor_note
        targets = []
        for label, stack in stacks:
            stack.wait_until_ready()
            progress(f"{label}: parley up {stack.url} (services: {', '.join(stack.services())})")
            if "room" not in stack.services():
                progress("the room service is not installed: room benchmarks skipped")
                return 1
            meter = CpuMeter(stack.pids(), client_pids)
            has_floor = label == "current" or bool(old and old.has_floor)
            targets.append(Target(label, stack, meter, has_floor))
        measured = asyncio.run(measure(clients, sizes, targets, options, results_dir, suffix))
        for target in targets:
            stacks_info[target.label]["floor_measured"] = target.has_floor
    results = {
        "name": NAME,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "command": " ".join(["uv run python bench/run.py", *sys.argv[1:]]),
        "machine": machine.describe(),
        "params": asdict(sizes) | {"stack_env": BENCH_ENV},
        "stacks": stacks_info,
        **measured,
    }
    json_path = results_dir / f"{NAME}{suffix}.json"
    png_path = results_dir / f"{NAME}{suffix}.png"
    room_report.write(results, json_path, png_path)
    print()
    print(room_report.console_table(results))
    print()
    print(f"results: {json_path.relative_to(bench_dir.parent)}, chart: {png_path.name}")
    if not quick and room_report.update_readme(bench_dir / "README.md", results):
        print("room figures updated in bench/README.md")
    return 0


# -- the audience (issue 13): a join storm with the audience list on --------------------------
#
# N users join one live Space while K others keep its audience list as the web client does: a
# live socket each (``audience.changed``: who came and went, batched, at most ~1 a second per
# Space) and the list's first page read when they open the Space. The same storm on the code
# before the audience (``AUDIENCE_BASELINE``: no list, no ``audience.changed``; its sockets get
# ``listeners.count`` only), side by side in alternating rounds: the difference is what the
# audience costs a join. Then, on this checkout only, M reads of the list's first page
# (``listListeners``, 50 people, the caller's follows first) with the N listeners in.

AUDIENCE = "audience"
AUDIENCE_BASELINE = "cf3a295"  # the last commit before the audience (room, part 1 of issue 13)


@dataclass(frozen=True)
class AudienceSizes:
    rounds: int  # rounds per stack, a fresh Space each
    listeners: int  # N: users joining in one storm
    concurrency: int  # C: clients sending at once
    watchers: int  # K: users keeping the audience list (a live socket each)
    follows: int  # each watcher follows this many of the joiners (spread over them)
    pages: int  # M: listListeners first pages the watchers read after each storm (current)
    client_processes: int


AUDIENCE_FULL = AudienceSizes(
    rounds=3,
    listeners=2000,
    concurrency=50,
    watchers=20,
    follows=20,
    pages=1000,
    client_processes=2,
)
AUDIENCE_QUICK = AudienceSizes(
    rounds=1,
    listeners=200,
    concurrency=20,
    watchers=3,
    follows=5,
    pages=99,
    client_processes=2,
)


async def audience_round(
    clients: LoadClients, sizes: AudienceSizes, target: Target, round_no: int
) -> dict[str, Any]:
    joiners = target.audience[: sizes.listeners]
    watchers = target.audience[sizes.listeners : sizes.listeners + sizes.watchers]
    with_list = target.label == "current"
    kind = "audience.changed" if with_list else "listeners.count"
    async with api_client(target.url, 4) as client:
        space_id = await live_space(client, target.host, f"audience storm {round_no}")
        tallies = [await LiveTally.open(target.url, space_id, user) for user in watchers]
        for tally in tallies:
            await tally.wait_for_state()
        if with_list:  # each watcher opens the list, as the web client does (not timed)
            for user in watchers:
                page = await client.get(f"/api/v1/spaces/{space_id}/listeners", headers=user.auth)
                page.raise_for_status()
        started = time.perf_counter()
        joins = await timed(clients, target, join_calls(joiners, space_id), sizes.concurrency)
        last_join = time.perf_counter()
        counted_after = await _every_socket_counted(tallies, kind, len(joiners))
        pages = None
        if with_list:
            readers = (watchers * (sizes.pages // max(len(watchers), 1) + 1))[: sizes.pages]
            page_calls = listener_calls(readers, space_id)
            pages = await timed(clients, target, page_calls, sizes.concurrency)
    for tally in tallies:
        await tally.close()
    window = max(last_join - started, 1e-9)
    messages = [len(tally.between(started, last_join, kind)) for tally in tallies]
    row: dict[str, Any] = {
        "round": round_no,
        "stack": target.label,
        "join": joins,
        "pages": pages,
        "live_kind": kind,
        "messages_per_s_per_socket": round(statistics.median(messages) / window, 2),
        "counted_on_every_socket_after_s": counted_after,
        "announced_per_socket": _spread([t.audience_net(started) for t in tallies])
        if with_list
        else None,
    }
    progress(
        f"  [{target.label} audience storm {round_no}/{sizes.rounds}] {len(joiners)} joins "
        f"{joins['per_s']:,.0f}/s p99 {joins['p99_ms']:,.0f} ms server "
        f"{joins['cpu']['server_ms']:.2f} ms (room {joins['cpu']['server'].get('room', 0):.2f}); "
        f"{kind} {row['messages_per_s_per_socket']}/s per socket, count {len(joiners)} on every "
        f"socket {counted_after} s after the last join"
        + (
            f"; announced per socket {row['announced_per_socket']['median']:,}; "
            f"listListeners {pages['per_s']:,.0f}/s p99 {pages['p99_ms']:,.0f} ms server "
            f"{pages['cpu']['server_ms']:.2f} ms"
            if pages
            else ""
        )
    )
    return row


async def _every_socket_counted(
    tallies: list[LiveTally], kind: str, count: int, timeout_s: float = 30
) -> float | None:
    """Seconds from now until every socket was told ``count`` (None: not in time)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        seen = [tally.counted(kind, count) for tally in tallies]
        if all(at is not None for at in seen):
            return round(max(0.0, max(at for at in seen if at is not None) - start), 3)
        await asyncio.sleep(0.05)
    return None


async def measure_audience(
    clients: LoadClients, sizes: AudienceSizes, targets: list[Target]
) -> dict[str, Any]:
    needed = sizes.listeners + sizes.watchers + 1
    for target in targets:
        started = time.perf_counter()
        target.users = await register_users(clients, target.url, needed)
        took = time.perf_counter() - started
        joiners = target.audience[: sizes.listeners]
        watchers = target.audience[sizes.listeners : sizes.listeners + sizes.watchers]
        follows = follow_calls(watchers, joiners, sizes.follows)
        answers = await clients.storm(target.url, follows, REGISTER_CONCURRENCY)
        if answers.failures:
            raise RuntimeError(f"following failed: {answers.failures[:3]}")
        progress(
            f"{target.label}: registered {needed} users in {took:.1f}s; each of "
            f"{len(watchers)} watchers follows {sizes.follows} of the joiners"
        )
    progress("warm-up (not measured)")
    warm = replace(sizes, listeners=50, watchers=2, pages=20)  # the first users: no follows
    for target in targets:
        await audience_round(clients, warm, target, 0)

    def alternating(round_no: int) -> list[Target]:
        return targets if round_no % 2 else list(reversed(targets))

    progress(
        f"audience storm: {sizes.listeners} joins, {sizes.concurrency} clients, "
        f"{sizes.watchers} sockets keeping the list"
    )
    rounds = [
        await audience_round(clients, sizes, target, round_no)
        for round_no in range(1, sizes.rounds + 1)
        for target in alternating(round_no)
    ]
    medians: dict[str, Any] = {}
    for target in targets:
        rows = [row for row in rounds if row["stack"] == target.label]
        pages = [row["pages"] for row in rows if row["pages"]]
        counted = [row["counted_on_every_socket_after_s"] for row in rows]
        medians[target.label] = {
            "join": _request_medians([row["join"] for row in rows]),
            "pages": _request_medians(pages) if pages else None,
            "messages_per_s_per_socket": _median(rows, ("messages_per_s_per_socket",)),
            "counted_on_every_socket_after_s": None
            if None in counted
            else round(statistics.median(counted), 3),
            "every_join_announced": all(
                row["announced_per_socket"]["min"] == sizes.listeners
                and row["announced_per_socket"]["max"] == sizes.listeners
                for row in rows
            )
            if target.label == "current"
            else None,
        }
    return {"rounds": rounds, "median": medians}


def run_audience(bench_dir: Path, *, quick: bool, baseline_commit: str | None) -> int:
    """``--only audience``. ``baseline_commit``: the code to compare with (``None`` or
    ``"none"``: this checkout only; room's default baseline means the audience's own)."""
    if baseline_commit in (None, baseline.DEFAULT):
        baseline_commit = AUDIENCE_BASELINE
    if baseline_commit.lower() == "none":
        baseline_commit = None
    sizes = AUDIENCE_QUICK if quick else AUDIENCE_FULL
    suffix = "-quick" if quick else ""
    old = baseline.prepare(baseline_commit) if baseline_commit else None
    stacks_info: dict[str, Any] = {"current": _checkout()}
    with ExitStack() as cleanup:
        clients = cleanup.enter_context(LoadClients(sizes.client_processes))
        client_pids = clients.pids() | {"benchmark process": os.getpid()}
        labelled = cleanup.enter_context(side_by_side(old, "parley-bench-aud-", stacks_info))
        targets = []
        for label, stack in labelled:
            stack.wait_until_ready()
            progress(f"{label}: parley up {stack.url}")
            targets.append(Target(label, stack, CpuMeter(stack.pids(), client_pids), False))
        measured = asyncio.run(measure_audience(clients, sizes, targets))
    results = {
        "name": AUDIENCE,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "command": " ".join(["uv run python bench/run.py", *sys.argv[1:]]),
        "machine": machine.describe(),
        "params": asdict(sizes) | {"stack_env": BENCH_ENV},
        "stacks": stacks_info,
        **measured,
    }
    json_path = bench_dir / "results" / f"{AUDIENCE}{suffix}.json"
    report.write_json(results, json_path)
    section = audience_section(results)
    print()
    print(section)
    print(f"results: {json_path.relative_to(bench_dir.parent)}")
    if not quick and report.update_readme(bench_dir / "README.md", AUDIENCE, section):
        print("audience figures updated in bench/README.md")
    return 0


def audience_section(results: dict[str, Any]) -> str:
    """The README's figures: the join storm on each stack, then listListeners."""
    stacks = [label for label in ("baseline", "current") if label in results["stacks"]]
    sizes = results["params"]
    machine_info = results["machine"]
    names = {label: f"{label} `{results['stacks'][label]['short']}`" for label in stacks}
    lines = [
        f"Measured {results['measured_at']} with `{results['command']}` ({sizes['rounds']} "
        f"rounds per stack, medians; {machine_info['cpus']} CPUs, {machine_info['cpu_model']}, "
        f"nats-server {machine_info['nats_server']}, SQLite). {sizes['listeners']:,} users join "
        f"one live Space, {sizes['concurrency']} clients at a time, while {sizes['watchers']} "
        f"others keep its audience list (a live socket each; each follows {sizes['follows']} of "
        "the joiners). "
        + "; ".join(
            f"{names[label]}: {results['stacks'][label]['subject'][:80]}" for label in stacks
        )
        + ".",
        "",
        "| stack | joins/s | p50 ms | p99 ms | server CPU ms per join | room | gateway | "
        "nats-server | live messages per s per socket | count on every socket after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label in stacks:
        median = results["median"][label]
        join = median["join"]
        server = join["cpu"]["server"]
        kind = "`audience.changed`" if label == "current" else "`listeners.count`"
        lines.append(
            f"| {names[label]} | {join['per_s']:,.0f} | {join['p50_ms']:,.0f} | "
            f"{join['p99_ms']:,.0f} | **{join['cpu']['server_ms']:.2f}** | "
            f"{server.get('room', 0):.2f} | {server.get('gateway', 0):.2f} | "
            f"{server.get('nats-server', 0):.2f} | {median['messages_per_s_per_socket']} "
            f"{kind} | {median['counted_on_every_socket_after_s']} s |"
        )
    current = results["median"]["current"]
    if current["pages"]:
        pages = current["pages"]
        lines += [
            "",
            f"`listListeners` (first page, 50 people, read by the watchers: the "
            f"{sizes['follows']} they follow first) with "
            f"{sizes['listeners']:,} listeners in: {pages['per_s']:,.0f} pages/s, p50 "
            f"{pages['p50_ms']:,.0f} ms, p99 {pages['p99_ms']:,.0f} ms, server CPU "
            f"**{pages['cpu']['server_ms']:.2f} ms** a page (room "
            f"{pages['cpu']['server'].get('room', 0):.2f}). Every join announced on every "
            f"socket (joined - left = N): {'yes' if current['every_join_announced'] else 'NO'}.",
        ]
    return "\n".join(lines)
