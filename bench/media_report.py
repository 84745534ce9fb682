"""Tables, chart and README figures of the media benchmark (media_bench.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import report


def table(results: dict[str, Any]) -> str:
    lines = [
        "| relay | listeners | connected | relay cores | listeners/core | loss | worst "
        "listener loss | CPU ms per listener-s | KiB per listener | machine busy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in results["points"]:
        lines.append(
            f"| {p['relay']} | {p['listeners']} | {p['connected']} | {p['cores']:.2f} | "
            f"{p['listeners_per_core']} | {p['loss']:.2%} | {p['worst_listener_loss']:.2%} | "
            f"{p['cpu_ms_per_listener_s']:.2f} | {p['kb_per_listener']:.0f} | "
            f"{p['machine_busy']:.0%} |"
        )
    lat = results["latency"]
    ours, stock = results["parley_best"], results["stock_best"]
    lines += [
        "",
        "| latency (click, speaker → listener) | p50 ms | p95 ms | clicks |",
        "|---|---:|---:|---:|",
        f"| direct peer-to-peer (no relay) | {lat['direct_p50_ms']} | {lat['direct_p95_ms']} | "
        f"{lat['clicks_direct']} |",
        f"| through the Parley relay | {lat['relay_p50_ms']} | {lat['relay_p95_ms']} | "
        f"{lat['clicks_relay']} |",
        f"| **added by the relay** | **{lat['added_p50_ms']}** | **{lat['added_p95_ms']}** | |",
        "",
    ]
    marginal = results.get("marginal_ms_per_listener_s") or {}
    if marginal.get("parley") and marginal.get("stock"):
        lines.append(
            f"One more listener costs the relay {marginal['parley']} ms of CPU per second with "
            f"Parley and {marginal['stock']} ms with the stock relay (the slope of the CPU "
            f"line, without a Space's fixed cost): "
            f"**{marginal['stock'] / marginal['parley']:.0f}x** less.\n"
        )
    if ours and stock:
        lines.append(
            f"Best point under 1 % loss: Parley {ours['listeners_per_core']} listeners/core "
            f"({ours['listeners']} listeners), stock aiortc relay {stock['listeners_per_core']} "
            f"({stock['listeners']} listeners): **{results['listeners_per_core_ratio']}x**."
        )
    return "\n".join(lines)


def render(results: dict[str, Any], path: Path) -> None:
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for kind, colour in (("parley", "#1d9bf0"), ("stock", "#f4212e")):
        points = [p for p in results["points"] if p["relay"] == kind]
        xs = [p["listeners"] for p in points]
        left.plot(xs, [p["cores"] for p in points], "o-", color=colour, label=f"{kind} relay")
        for p in points:
            if p["loss"] >= 0.01:
                left.annotate(f"{p['loss']:.0%} loss", (p["listeners"], p["cores"]), fontsize=8)
    left.set_xlabel("listeners (3 speakers talking)")
    left.set_ylabel("relay CPU (cores)")
    left.set_title("Relay CPU by audience size")
    left.grid(alpha=0.3)
    left.legend()
    lat = results["latency"]
    bins = [i * 5 for i in range(0, 41)]
    right.hist(lat["direct_ms"], bins=bins, alpha=0.6, label="direct peer-to-peer", color="#8b98a5")
    right.hist(lat["relay_ms"], bins=bins, alpha=0.6, label="through the relay", color="#1d9bf0")
    right.set_xlabel("click latency, speaker → listener (ms)")
    right.set_ylabel("clicks")
    right.set_title(
        f"Added by the relay: p50 {lat['added_p50_ms']} ms, p95 {lat['added_p95_ms']} ms"
    )
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_readme(results: dict[str, Any], readme: Path) -> None:
    machine = results["machine"]
    body = "\n".join(
        [
            f"Run {results['when']} on {machine.get('cpu_model', '?')} "
            f"({machine.get('cpus', '?')} cores).",
            "",
            table(results),
            "",
            "![media benchmark](results/media.png)",
        ]
    )
    report.update_readme(readme, "media", body)
