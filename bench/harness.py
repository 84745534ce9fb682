"""Rounds and medians: the part of a benchmark that is not the workload.

Each group runs its variants side by side in rounds, alternating their order every round and
recreating the stream before every run, so that machine noise and a growing stream hit all
variants alike. A variant's ratio to the group's baseline is the median of the per-round
ratios (paired, so one slow round does not skew it).
"""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from append_workloads import Sample

Workload = Callable[[str], Awaitable[Sample]]


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    side: str  # "chassis" or "raw"
    workload: Workload


@dataclass
class Group:
    key: str
    title: str
    shape: str
    baseline: str
    variants: list[Variant]
    samples: dict[str, list[Sample]] = field(default_factory=dict)

    def rates(self, key: str) -> list[float]:
        return [sample.rate for sample in self.samples[key]]

    def median_rate(self, key: str) -> float:
        return statistics.median(self.rates(key))

    def paired_ratio(self, key: str) -> float:
        ratios = [
            mine / base
            for mine, base in zip(self.rates(key), self.rates(self.baseline), strict=True)
        ]
        return statistics.median(ratios)

    def summary(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "shape": self.shape,
            "baseline": self.baseline,
            "variants": [
                {
                    "key": variant.key,
                    "label": variant.label,
                    "side": variant.side,
                    "median_events_per_s": round(self.median_rate(variant.key), 1),
                    "min_events_per_s": round(min(self.rates(variant.key)), 1),
                    "max_events_per_s": round(max(self.rates(variant.key)), 1),
                    "ratio_to_baseline": round(self.paired_ratio(variant.key), 3),
                    "runs": [
                        {"events": sample.events, "seconds": round(sample.seconds, 4)}
                        for sample in self.samples[variant.key]
                    ],
                }
                for variant in self.variants
            ],
        }


def progress(line: str) -> None:
    print(line, flush=True)


async def run_group(
    group: Group, rounds: int, before_each: Callable[[], Awaitable[None]], *, quiet: bool = False
) -> None:
    for round_no in range(1, rounds + 1):
        order = group.variants if round_no % 2 else list(reversed(group.variants))
        for variant in order:
            await before_each()
            sample = await variant.workload(f"{group.key}_{round_no}_{variant.key}")
            group.samples.setdefault(variant.key, []).append(sample)
            if quiet:
                continue
            progress(
                f"  [{group.key} {round_no}/{rounds}] {variant.label:<44} "
                f"{sample.rate:>9,.0f} events/s  ({sample.events} in {sample.seconds:.2f}s)"
            )
