"""Results out: a console table, the JSON file, and the figures section of bench/README.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


def console_table(results: dict[str, Any]) -> str:
    lines = [
        f"{'benchmark':<11} {'variant':<44} {'median ev/s':>11} {'min':>8} {'max':>8}  vs raw",
        "-" * 94,
    ]
    for group in results["groups"].values():
        for variant in group["variants"]:
            lines.append(
                f"{group['title']:<11} {variant['label']:<44} "
                f"{variant['median_events_per_s']:>11,.0f} {variant['min_events_per_s']:>8,.0f} "
                f"{variant['max_events_per_s']:>8,.0f}  {variant['ratio_to_baseline']:>5.2f}x"
            )
    lines += ["", f"{'EventStore.load of':<20} {'median ms':>10} {'events/s decoded':>17}"]
    for row in results["load"]:
        lines.append(
            f"{row['events']:>7,} events      {row['median_ms']:>10.2f} "
            f"{row['events_per_s']:>17,.0f}"
        )
    return "\n".join(lines)


def markdown_section(results: dict[str, Any]) -> str:
    machine = results["machine"]
    params = results["params"]
    lines = [
        f"Measured {results['measured_at']} with `uv run python bench/run.py` "
        f"({params['rounds']} rounds, medians; ratio = median of the per-round ratios to the "
        "group's raw baseline, measured side by side in the same run).",
        "",
        f"- Machine: {machine['cpus']} CPUs, {machine['cpu_model']}, {machine['os']}",
        f"- nats-server {machine['nats_server']}, embedded: {machine['storage']}",
        f"- Python {machine['python']}, nats-py {machine['nats_py']}, "
        f"pydantic {machine['pydantic']}",
        "",
        "| benchmark | shape | variant | median events/s | min - max | ratio to raw |",
        "|---|---|---|---:|---:|---:|",
    ]
    for group in results["groups"].values():
        for variant in group["variants"]:
            lines.append(
                f"| {group['title']} | {group['shape']} | {variant['label']} "
                f"| {variant['median_events_per_s']:,.0f} "
                f"| {variant['min_events_per_s']:,.0f} - {variant['max_events_per_s']:,.0f} "
                f"| {variant['ratio_to_baseline']:.2f} |"
            )
    lines += [
        "",
        "Loading one aggregate (`EventStore.load`, batched direct get + decode), which "
        "`execute` does before every command:",
        "",
        "| events in the aggregate | median ms | min - max ms | events/s decoded |",
        "|---:|---:|---:|---:|",
    ]
    for row in results["load"]:
        lines.append(
            f"| {row['events']:,} | {row['median_ms']:.2f} "
            f"| {row['min_ms']:.2f} - {row['max_ms']:.2f} | {row['events_per_s']:,.0f} |"
        )
    lines += ["", "![events per second](results/event_store.png)"]
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")


def update_readme(readme: Path, name: str, section: str) -> bool:
    """Replace the text between ``<!-- <name>:start -->`` and ``<!-- <name>:end -->``."""
    pattern = re.compile(
        rf"(<!-- {re.escape(name)}:start -->\n).*?(\n<!-- {re.escape(name)}:end -->)", re.S
    )
    if not readme.exists():
        return False
    text = readme.read_text()
    updated, found = pattern.subn(lambda m: m.group(1) + section + m.group(2), text)
    if found:
        readme.write_text(updated)
    return bool(found)
