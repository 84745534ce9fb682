"""Where the figures were measured: they mean little without the machine next to them."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

from parley.chassis.embedded_nats import find_nats_server


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def nats_server_version() -> str:
    completed = subprocess.run(
        [find_nats_server(), "--version"], capture_output=True, text=True, check=True
    )
    return completed.stdout.strip().removeprefix("nats-server: ")


def describe() -> dict[str, str | int]:
    return {
        "cpus": os.cpu_count() or 0,
        "cpu_model": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "nats_server": nats_server_version(),
        "nats_py": version("nats-py"),
        "pydantic": version("pydantic"),
        "storage": "file storage, R1, single node, lazy fsync (default sync_interval 2m)",
    }
