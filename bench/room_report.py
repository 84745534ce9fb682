"""Room benchmark results out: console table, JSON, chart, and the README figures section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
import report

NAME = "room"
REQUESTS = (("join", "join"), ("read", "getSpace"), ("reaction", "reaction"), ("ping", "floor"))
SERVER = ("identity", "room", "media_relay", "gateway", "nats-server", "parley up")


def _stacks(results: dict[str, Any]) -> list[str]:
    return [label for label in ("baseline", "current") if label in results["stacks"]]


def _medians(results: dict[str, Any], stack: str, request: str) -> dict[str, Any] | None:
    """The medians of one request on one stack (None: not measured)."""
    if request == "reaction":
        return dict(results["reaction_storm"]["median"][stack])
    measured: dict[str, Any] | None = results["join_storm"]["median"][stack].get(request)
    return measured


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def headline_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for request, label in REQUESTS:
        for stack in _stacks(results):
            measured = _medians(results, stack, request)
            if not measured:
                continue
            to_floor = results["join_storm"]["median"][stack].get("to_floor") or {}
            key = {"join": "join", "read": "read"}.get(request)
            rows.append(
                {
                    "request": label,
                    "stack": stack,
                    "per_s": measured["accepted_per_s"]
                    if request == "reaction"
                    else measured["per_s"],
                    "p50_ms": measured["p50_ms"],
                    "p99_ms": measured["p99_ms"],
                    "server_ms": measured["cpu"]["server_ms"],
                    "client_ms": measured["cpu"]["client_ms"],
                    "cpu_x_floor": to_floor.get(f"{key}_cpu_x") if key else None,
                    "rate_to_floor": to_floor.get(f"{key}_rate") if key else None,
                    "failures": measured["failures"],
                }
            )
    return rows


def console_table(results: dict[str, Any]) -> str:
    lines = [
        f"{'request':<9} {'stack':<9} {'per s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'server ms':>9} {'x floor':>7} {'rate/floor':>10} {'client ms':>9} {'fails':>5}"
    ]
    for row in headline_rows(results):
        lines.append(
            f"{row['request']:<9} {row['stack']:<9} {row['per_s']:>7,.0f} {row['p50_ms']:>7.0f} "
            f"{row['p99_ms']:>7.0f} {row['server_ms']:>9.2f} {_fmt(row['cpu_x_floor'], 2):>7} "
            f"{_fmt(row['rate_to_floor'], 2):>10} {row['client_ms']:>9.2f} {row['failures']:>5}"
        )
    lines += ["", "server CPU ms per request by process:", *cpu_table(results)]
    for stack, memory in results.get("memory", {}).items():
        per = memory["kib_per_listener"]
        lines.append(
            f"memory {stack}: {memory['listeners']:,} listeners, KiB per listener: room "
            f"{per['room']:.1f}, gateway {per['gateway']:.1f}"
        )
    return "\n".join(lines)


def cpu_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| request | stack | " + " | ".join(SERVER) + " | **server** | load clients |",
        "|---|---|" + "---:|" * (len(SERVER) + 2),
    ]
    for request, label in REQUESTS:
        for stack in _stacks(results):
            measured = _medians(results, stack, request)
            if not measured:
                continue
            cpu = measured["cpu"]
            cells = " | ".join(f"{cpu['server'].get(name, 0):.2f}" for name in SERVER)
            lines.append(
                f"| {label} | {stack} | {cells} | **{cpu['server_ms']:.2f}** "
                f"| {cpu['client_ms']:.2f} |"
            )
    return lines


def _busy(measured: dict[str, Any]) -> str:
    busy = measured.get("cpu_busy")
    if not busy:
        return "-"
    return f"{busy['stack_and_client_pct']:.0f}% / {busy['others_pct']:.0f}%"


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


def _stack_line(results: dict[str, Any], stack: str) -> str:
    info = results["stacks"][stack]
    subject = info["subject"] if len(info["subject"]) <= 80 else info["subject"][:79] + "…"
    line = f"**{stack}** `{info['short']}` ({subject})"
    if stack == "baseline":
        line += f"; floor: {info['floor']}"
    elif info.get("uncommitted"):
        line += (
            f", with uncommitted changes to {len(info['uncommitted'])} file(s) under libs/ and "
            "services/ (work in progress at the time)"
        )
    return line


def markdown_section(results: dict[str, Any]) -> str:
    machine, params = results["machine"], results["params"]
    stacks = _stacks(results)
    lines = [
        f"Measured {results['measured_at']} with `{results['command']}` (the real stack via "
        f"`parley up`, SQLite, embedded nats-server {machine['nats_server']}; "
        f"{machine['cpus']} CPUs, {machine['cpu_model']}, {machine['os']}, "
        f"Python {machine['python']}). "
        + (
            "Two stacks side by side, both up through the whole run, measured in alternating "
            "rounds: "
            if len(stacks) > 1
            else ""
        )
        + "; ".join(_stack_line(results, stack) for stack in stacks)
        + ".",
        "",
        f"Load: {params['listeners']} users per round, {params['concurrency']} concurrent "
        f"clients in {params['client_processes']} load processes (aiohttp, keep-alive), "
        f"{params['rounds']} round(s) per stack; reactions: {params['reactors']} users for "
        f"{params['storm_s']:g} s with {params['watchers']} live sockets, per-user limit raised "
        "to 1,000/s. Medians of the rounds. Server CPU = every Parley process + nats-server + "
        "`parley up`, from `/proc`; the load clients' CPU is apart.",
        "",
        "| request | stack | requests/s | p50 ms | p99 ms | server CPU ms per request "
        "| x floor (server CPU) | rate ÷ floor's | load clients CPU ms | failures |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in headline_rows(results):
        lines.append(
            f"| {row['request']} | {row['stack']} | {row['per_s']:,.0f} | {row['p50_ms']:,.0f} "
            f"| {row['p99_ms']:,.0f} | **{row['server_ms']:.2f}** "
            f"| {_fmt(row['cpu_x_floor'], 1)} | {_fmt(row['rate_to_floor'], 2)} "
            f"| {row['client_ms']:.2f} | {row['failures']} |"
        )
    lines += [
        "",
        "(reaction: accepted reactions/s. floor: `GET /api/v1/ping`, an authenticated no-op "
        "through gateway, NATS and identity.)",
        "",
        "Where the server CPU went, ms per request by process (medians of the rounds; the total "
        "is the median of the rounds' totals):",
        "",
        *cpu_table(results),
        "",
        "Join storm rounds (join, getSpace and the floor in rotating order within a round; "
        "server CPU ms per request; CPU during joins: stack + clients / other processes):",
        "",
        "| round | stack | joins/s | join p99 ms | join ms | getSpace/s | getSpace ms "
        "| floor/s | floor ms | listener_count = N after | CPU during joins: ours / others |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["join_storm"]["rounds"]:
        ping = row.get("ping")
        lines.append(
            f"| {row['round']} | {row['stack']} | {row['join']['per_s']:,.0f} "
            f"| {row['join']['p99_ms']:,.0f} | {row['join']['cpu']['server_ms']:.2f} "
            f"| {row['read']['per_s']:,.0f} | {row['read']['cpu']['server_ms']:.2f} "
            f"| {_fmt(ping['per_s'] if ping else None)} "
            f"| {_fmt(ping['cpu']['server_ms'] if ping else None, 2)} "
            f"| {_seconds(row['listener_count_visible_after_s'])} s | {_busy(row['join'])} |"
        )
    lines += [
        "",
        "Reaction storms (every socket must receive what was accepted, one batch per window):",
        "",
        "| round | stack | accepted/s | p99 ms | server ms | 429s | delivered per socket "
        "| `reactions` messages/s per socket | reactions per batch | CPU: ours / others |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["reaction_storm"]["rounds"]:
        lines.append(
            f"| {row['round']} | {row['stack']} | {row['accepted_per_s']:,.0f} "
            f"| {row['p99_ms']:,.0f} | {row['cpu']['server_ms']:.2f} | {row['rate_limited']} "
            f"| {row['delivered_to_accepted']:.2%} of accepted "
            f"| {row['batches_per_s_per_socket']:.1f} | {row['reactions_per_batch']:,.0f} "
            f"| {_busy(row)} |"
        )
    lines += _memory_lines(results) + _profile_lines(results)
    lines += ["", "![room benchmarks](results/room.png)"]
    return "\n".join(lines)


def memory_slope_kib(memory: dict[str, Any], process: str) -> float:
    """KiB per listener as the least-squares slope of resident memory over the steps (RSS
    also moves when the allocator returns memory: the slope weighs every step, not two)."""
    points = [(0, memory["rss_before_kib"][process])] + [
        (step["listeners"], step["rss_kib"][process]) for step in memory["steps"]
    ]
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def _memory_lines(results: dict[str, Any]) -> list[str]:
    memory = results.get("memory")
    if not memory:
        return []
    lines = [
        "",
        "Memory: resident set (`VmRSS`) of room and the gateway before the listeners joined one "
        "live Space (users registered before, not counted), after each step of joins, and at "
        "the end; KiB per listener as (end - before) / N and as the slope over the steps; the "
        "join rate of each step as the Space grew:",
        "",
        "| stack | listeners | room MiB before → end | room KiB per listener: end, slope "
        "| gateway MiB before → end | gateway KiB per listener: end, slope | joins/s by step |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for stack, m in memory.items():
        before, after, per = m["rss_before_kib"], m["rss_after_kib"], m["kib_per_listener"]
        steps = ", ".join(f"{s['joins_per_s']:,.0f}" for s in m["steps"])
        lines.append(
            f"| {stack} | {m['listeners']:,} | {before['room'] / 1024:,.0f} → "
            f"{after['room'] / 1024:,.0f} | **{per['room']:.1f}**, "
            f"{memory_slope_kib(m, 'room'):.1f} "
            f"| {before['gateway'] / 1024:,.0f} → {after['gateway'] / 1024:,.0f} "
            f"| **{per['gateway']:.1f}**, {memory_slope_kib(m, 'gateway'):.1f} | {steps} |"
        )
    return lines


def _profile_lines(results: dict[str, Any]) -> list[str]:
    profile = dict(results.get("profile") or {})
    if not profile:
        return []
    how = profile.pop("py_spy", "record")
    links = [
        f"{stack}: "
        + ", ".join(f"[{name}](results/{path})" for name, path in sorted(files.items()))
        for stack, files in profile.items()
    ]
    return [
        "",
        f"Flame graphs of one more join storm per stack (not measured; `py-spy {how}`: the "
        "thread holding the GIL, where Python code spends CPU): " + "; ".join(links) + ".",
    ]


def render(results: dict[str, Any], path: Path) -> None:
    rows = headline_rows(results)
    stacks = _stacks(results)
    labels = [label for _, label in REQUESTS if any(r["request"] == label for r in rows)]
    figure, (cpu_axis, rate_axis) = plt.subplots(1, 2, figsize=(10, 3.6))
    width = 0.8 / max(len(stacks), 1)
    colors = {"baseline": "#9a9a9a", "current": "#3b6fb6"}
    for k, stack in enumerate(stacks):
        by_label = {r["request"]: r for r in rows if r["stack"] == stack}
        x = [i + (k - (len(stacks) - 1) / 2) * width for i in range(len(labels))]
        cpu = [by_label[label]["server_ms"] if label in by_label else 0 for label in labels]
        rate = [by_label[label]["per_s"] if label in by_label else 0 for label in labels]
        cpu_axis.bar(x, cpu, width, label=stack, color=colors.get(stack))
        rate_axis.bar(x, rate, width, label=stack, color=colors.get(stack))
        for xi, value in zip(x, cpu, strict=True):
            cpu_axis.annotate(f"{value:.1f}", (xi, value), ha="center", va="bottom", fontsize=7)
    for axis, title in (
        (cpu_axis, "server CPU ms per request"),
        (rate_axis, "requests/s (reaction: accepted/s)"),
    ):
        axis.set_xticks(range(len(labels)), labels, fontsize=8)
        axis.set_title(title, fontsize=10)
        axis.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(results: dict[str, Any], json_path: Path, png_path: Path) -> None:
    report.write_json(results, json_path)
    render(results, png_path)


def update_readme(readme: Path, results: dict[str, Any]) -> bool:
    return report.update_readme(readme, NAME, markdown_section(results))
