"""Room benchmark results out: console table, JSON, chart, and the README figures section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
import report

NAME = "room"


def console_table(results: dict[str, Any]) -> str:
    params = results["params"]
    lines = [
        f"join storm: {params['listeners']} joins by {params['concurrency']} clients, "
        f"{params['rounds']} round(s)",
        f"{'round':>5} {'joins/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'getSpace/s':>10} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'join/read':>9} {'count visible s':>15} {'fails':>5}",
    ]
    for row in results["join_storm"]["rounds"]:
        join, read = row["join"], row["read"]
        lines.append(
            f"{row['round']:>5} {join['per_s']:>8,.0f} {join['p50_ms']:>7.0f} "
            f"{join['p99_ms']:>7.0f} {read['per_s']:>10,.0f} {read['p50_ms']:>7.0f} "
            f"{read['p99_ms']:>7.0f} {row['join_to_read']:>9.2f} "
            f"{_seconds(row['listener_count_visible_after_s']):>15} {join['failures']:>5}"
        )
    storm = results["reaction_storm"]
    lines += [
        "",
        f"reaction storm: {storm['reactors']} users for {storm['seconds']:.1f}s, "
        f"{storm['watchers']} sockets",
        f"  requests/s {storm['requests_per_s']:,.0f}, accepted/s {storm['accepted_per_s']:,.0f}, "
        f"rate limited {storm['rate_limited']:,}, failed {storm['failed']}",
        f"  delivered per socket {storm['delivered_per_socket']['median']:,.0f} "
        f"({storm['delivered_to_accepted']:.2%} of accepted) in "
        f"{storm['batches_per_socket']['median']:,.0f} batches: "
        f"{storm['batches_per_s_per_socket']:.1f} batches/s, "
        f"{storm['messages_per_s_per_socket']:.1f} messages/s per socket",
        "",
        "CPU ms per request by process:",
        *cpu_table(
            {
                "join": results["join_storm"]["median"]["join_cpu_ms_per_request"],
                "getSpace": results["join_storm"]["median"]["read_cpu_ms_per_request"],
                "reaction": storm["cpu_ms_per_request"],
            }
        ),
    ]
    return "\n".join(lines)


def _busy(measured: dict[str, Any]) -> str:
    """Share of all cores used by the stack + benchmark client, and by other processes."""
    busy = measured.get("cpu_busy")
    if not busy:
        return "-"
    return f"{busy['stack_and_client_pct']:.0f}% / {busy['others_pct']:.0f}%"


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


def markdown_section(results: dict[str, Any]) -> str:
    machine, params = results["machine"], results["params"]
    joins, storm = results["join_storm"], results["reaction_storm"]
    median = joins["median"]
    lines = [
        f"Measured {results['measured_at']} with `uv run python bench/run.py --only room` "
        f"(the real stack via `parley up`, SQLite, embedded nats-server {machine['nats_server']}; "
        f"{machine['cpus']} CPUs, {machine['cpu_model']}, {machine['os']}, "
        f"Python {machine['python']}). The benchmark client runs on the same two cores as "
        "every service.",
        "",
        f"**Join storm**: {params['listeners']} pre-registered users join one live Space "
        f"through the gateway, {params['concurrency']} concurrent clients, round(s): "
        f"{params['rounds']} (a fresh Space each); `getSpace` by the same users at the same "
        "concurrency "
        "runs in the same rounds, in alternating order.",
        "",
        "| round | joins/s | join p50 ms | join p99 ms | getSpace/s | getSpace p50 ms "
        "| getSpace p99 ms | joins/s ÷ getSpace/s | listener_count = N after | failures "
        "| CPU during joins: ours / others |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in joins["rounds"]:
        join, read = row["join"], row["read"]
        lines.append(
            f"| {row['round']} | {join['per_s']:,.0f} | {join['p50_ms']:.0f} "
            f"| {join['p99_ms']:.0f} | {read['per_s']:,.0f} | {read['p50_ms']:.0f} "
            f"| {read['p99_ms']:.0f} | {row['join_to_read']:.2f} "
            f"| {_seconds(row['listener_count_visible_after_s'])} s | {join['failures']} "
            f"| {_busy(join)} |"
        )
    lines += [
        f"| **median** | **{median['join_per_s']:,.0f}** | **{median['join_p50_ms']:.0f}** "
        f"| **{median['join_p99_ms']:.0f}** | {median['read_per_s']:,.0f} "
        f"| {median['read_p50_ms']:.0f} | {median['read_p99_ms']:.0f} "
        f"| {median['join_to_read']:.2f} "
        f"| {_seconds(median['listener_count_visible_after_s'])} s "
        f"| {median['join_failures']} | |",
        "",
        f"The host's live socket saw `listeners.count` reach N in every round: "
        f"{'yes' if median['live_count_reached_n'] else 'NO'}; "
        f"{median['count_messages_per_s']:.1f} `listeners.count` messages/s during the storm.",
        "",
        f"**Reaction storm**: {storm['reactors']} joined users react back to back (waiting "
        f"`Retry-After` when told 429) for {storm['seconds']:.0f} s while {storm['watchers']} "
        "other users listen on the live channel.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| reaction requests/s | {storm['requests_per_s']:,.0f} |",
        f"| accepted reactions/s | {storm['accepted_per_s']:,.0f} |",
        f"| rate limited (429) | {storm['rate_limited']:,} |",
        f"| react p50 / p99 ms | {storm['react_p50_ms']:.0f} / {storm['react_p99_ms']:.0f} |",
        f"| reactions delivered per socket (sum of batch totals) "
        f"| {storm['delivered_per_socket']['median']:,.0f} "
        f"({storm['delivered_to_accepted']:.2%} of accepted) |",
        f"| `reactions` messages/s per socket | {storm['batches_per_s_per_socket']:.1f} |",
        f"| all messages/s per socket | {storm['messages_per_s_per_socket']:.1f} |",
        f"| reactions per batch (median) | {storm['reactions_per_batch']:,.0f} |",
        f"| batch window | {storm['window_ms']} ms |",
        f"| CPU during the storm: ours / others | {_busy(storm)} |",
        "",
        "Where the CPU went: CPU milliseconds per request of each process (user + system, from "
        "`/proc`; join and getSpace are medians of the rounds). On two cores, "
        "1000 / (total ms) x 2 is the ceiling for that request.",
        "",
        *cpu_table(
            {
                "join": median["join_cpu_ms_per_request"],
                "getSpace": median["read_cpu_ms_per_request"],
                "reaction": storm["cpu_ms_per_request"],
            }
        ),
        "",
        "![room benchmarks](results/room.png)",
    ]
    return "\n".join(lines)


def cpu_table(rows: dict[str, dict[str, float]]) -> list[str]:
    names = [name for name in next(iter(rows.values())) if any(r.get(name) for r in rows.values())]
    lines = [
        "| request | " + " | ".join(names) + " | total |",
        "|---|" + "---:|" * (len(names) + 1),
    ]
    for label, cpu in rows.items():
        cells = " | ".join(f"{cpu.get(name, 0):.1f}" for name in names)
        lines.append(f"| {label} | {cells} | {sum(cpu.values()):.1f} |")
    return lines


def render(results: dict[str, Any], path: Path) -> None:
    rounds = results["join_storm"]["rounds"]
    storm = results["reaction_storm"]
    figure, (joins, reactions) = plt.subplots(1, 2, figsize=(10, 3.6))
    labels = [f"round {row['round']}" for row in rounds]
    x = range(len(rounds))
    joins.bar([i - 0.2 for i in x], [r["join"]["per_s"] for r in rounds], 0.4, label="join")
    joins.bar([i + 0.2 for i in x], [r["read"]["per_s"] for r in rounds], 0.4, label="getSpace")
    joins.set_xticks(list(x), labels, fontsize=8)
    joins.set_ylabel("requests/s")
    joins.set_title(
        f"join storm: {results['params']['listeners']} users, "
        f"{results['params']['concurrency']} clients",
        fontsize=10,
    )
    joins.set_ylim(0, 1.3 * max(r[k]["per_s"] for r in rounds for k in ("join", "read")))
    joins.legend(fontsize=8, loc="upper left", ncols=2)
    bars = {
        "accepted\nreactions/s": storm["accepted_per_s"],
        "`reactions`\nmessages/s\nper socket": storm["batches_per_s_per_socket"],
    }
    reactions.bar(list(bars), list(bars.values()), color=["#3b6fb6", "#9a9a9a"])
    reactions.set_yscale("log")
    reactions.set_ylim(1, 3 * max(bars.values()))
    for i, value in enumerate(bars.values()):
        reactions.annotate(f"{value:,.1f}", (i, value), ha="center", va="bottom", fontsize=9)
    reactions.set_title(
        f"reaction storm: {storm['reactors']} users, {storm['watchers']} sockets", fontsize=10
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(results: dict[str, Any], json_path: Path, png_path: Path) -> None:
    report.write_json(results, json_path)
    render(results, png_path)


def update_readme(readme: Path, results: dict[str, Any]) -> bool:
    return report.update_readme(readme, NAME, markdown_section(results))
