"""The real stack for the room benchmarks: ``parley up`` in a temporary data directory.

Settings that differ from a developer's stack: registration and login are not rate limited
and argon2 is cheap (the benchmark registers hundreds of accounts before it starts timing;
password hashing is not on the join or reaction path); and a user may react 1,000 times a
second (the reaction storm measures what a reaction costs the stack, not the per-user limit;
the fan-out is unchanged: one batch per window per socket).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from parley.chassis.embedded_nats import free_port
from parley.cli.processes import alive, descendants

BENCH_ENV = {
    "PARLEY_REGISTER_RATE_LIMIT": "0",
    "PARLEY_LOGIN_RATE_LIMIT": "0",
    "PARLEY_ARGON2_TIME_COST": "1",
    "PARLEY_ARGON2_MEMORY_KIB": "8192",
    "PARLEY_ARGON2_PARALLELISM": "1",
    "PARLEY_ROOM_REACTION_RATE_PER_S": "1000",
    "PARLEY_ROOM_REACTION_BURST": "1000",
}
NOT_INHERITED = (
    "NATS_URL",
    "PARLEY_NATS_URL",
    "DATABASE_URL",
    "PARLEY_DATA_DIR",
    "VIRTUAL_ENV",
    "PYTHONPATH",
)


class BenchStack:
    """``parley up`` of the code a Python interpreter imports: this checkout's by default, or a
    baseline's (its own worktree and virtualenv, see ``baseline.py``)."""

    def __init__(
        self,
        workdir: Path,
        *,
        python: str = sys.executable,
        label: str = "current",
        env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.label = label
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = workdir / "parley-up.out"
        inherited = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env = inherited | BENCH_ENV | (env or {})
        command = [python, "-m", "parley.cli.main", "up"]
        command += ["--data-dir", str(workdir / "data"), "--port", str(self.port)]
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=workdir,
            )

    @property
    def log(self) -> str:
        return self.output.read_text(errors="replace")

    def services(self) -> list[str]:
        return re.findall(r"started (\w+) \(pid", self.log)

    def pids(self) -> dict[str, int]:
        """Every process of the stack by name (the last start of each)."""
        found = {name: int(pid) for name, pid in re.findall(r"started (\w+) \(pid (\d+)", self.log)}
        nats = re.search(r"nats-server ready on \S+ \(pid (\d+)", self.log)
        if nats:
            found["nats-server"] = int(nats.group(1))
        return found | {"parley up": self.process.pid}

    def wait_until_ready(self, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while f"Parley is up: {self.url}" not in self.log:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"parley up did not come up:\n{self.log[-4000:]}")
            time.sleep(0.2)
        httpx.get(f"{self.url}/readyz", timeout=5).raise_for_status()

    def stop(self, timeout_s: float = 30) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:  # last resort: parley up and everything below it
            for pid in [*descendants(self.process.pid), self.process.pid]:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait()


MACHINE = "whole machine"


class CpuMeter:
    """CPU seconds (user + system, all threads) each process has used, from ``/proc``: where
    the time of a storm went, on a machine where client and stack share the cores; and how
    busy the whole machine was (other people's work included). ``server`` is the stack (every
    Parley process, nats-server, ``parley up``), ``client`` the load generator's processes and
    the benchmark process itself: reported apart."""

    def __init__(self, server: dict[str, int], client: dict[str, int] | None = None) -> None:
        self.server = server
        self.client = client or {}
        self.pids = self.server | self.client
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def read(self) -> dict[str, float]:
        used = {}
        for name, pid in self.pids.items():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # not Linux, or the process is gone
            used[name] = (int(fields[11]) + int(fields[12])) / self._tick
        try:
            # cpu  user nice system idle iowait irq softirq steal ...
            ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
            used[MACHINE] = (sum(ticks[:3]) + sum(ticks[5:8])) / self._tick
        except (OSError, ValueError):
            pass
        return used

    @staticmethod
    def per_request_ms(
        before: dict[str, float], after: dict[str, float], requests: int
    ) -> dict[str, float]:
        return {
            name: round((after[name] - before[name]) * 1000 / max(requests, 1), 2)
            for name in after
            if name in before and name != MACHINE
        }

    @staticmethod
    def busy(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
        """Share of all cores in use: by the stack and the client, and by anything else."""
        capacity = seconds * (os.cpu_count() or 1)
        ours = sum(after[n] - before[n] for n in after if n in before and n != MACHINE)
        machine = after.get(MACHINE, 0.0) - before.get(MACHINE, 0.0)
        return {
            "stack_and_client_pct": round(100 * ours / capacity, 1),
            "others_pct": round(100 * max(0.0, machine - ours) / capacity, 1),
        }

    def costs(
        self, before: dict[str, float], after: dict[str, float], requests: int
    ) -> dict[str, Any]:
        """CPU ms per request: by server process, the server's total, the client's total."""
        per_request = self.per_request_ms(before, after, requests)
        server = {name: per_request[name] for name in self.server if name in per_request}
        client = {name: per_request[name] for name in self.client if name in per_request}
        return {
            "server": server,
            "server_ms": round(sum(server.values()), 3),
            "client": client,
            "client_ms": round(sum(client.values()), 3),
        }


def rss_kib(pid: int) -> int | None:
    """Resident memory of one process (``VmRSS``), None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
