"""A small bar chart of the medians (min-max as error bars), one panel per benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt

SIDE_COLOURS = {"chassis": "#3b6fb6", "raw": "#9a9a9a"}


def render(
    results: dict[str, Any],
    path: Path,
    *,
    unit: str = "events stored per second",
    title: str = "Parley event store vs raw JetStream",
) -> None:
    groups = list(results["groups"].values())
    bars = sum(len(group["variants"]) for group in groups)
    figure, _ = plt.subplots(len(groups), 1, figsize=(8, 0.8 + 0.9 * len(groups) + 0.45 * bars))
    for axis, group in zip(figure.axes, groups, strict=True):
        variants = list(reversed(group["variants"]))
        medians = [v["median_events_per_s"] for v in variants]
        spread = [
            [v["median_events_per_s"] - v["min_events_per_s"] for v in variants],
            [v["max_events_per_s"] - v["median_events_per_s"] for v in variants],
        ]
        axis.barh(
            [v["label"] for v in variants],
            medians,
            xerr=spread,
            color=[SIDE_COLOURS[v["side"]] for v in variants],
            capsize=3,
        )
        for y, v in enumerate(variants):
            axis.annotate(
                f" {v['median_events_per_s']:,.0f}/s  ({v['ratio_to_baseline']:.2f}x raw)",
                (v["max_events_per_s"], y),
                va="center",
                fontsize=8,
            )
        axis.set_title(f"{group['title']}: {group['shape']}", fontsize=10, loc="left")
        axis.set_xlim(0, max(v["max_events_per_s"] for v in variants) * 1.45)
        axis.tick_params(labelsize=8)
    figure.axes[-1].set_xlabel(f"{unit} (median of rounds)")
    machine = results["machine"]
    figure.suptitle(
        f"{title} - {machine['cpus']} CPUs, nats-server {machine['nats_server']}",
        fontsize=10,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
