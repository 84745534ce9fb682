"""The real stack, started the way a developer starts it: ``parley up`` in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from parley.chassis.embedded_nats import free_port
from parley.cli.processes import alive, descendants

# The accounts tests register more users per minute than the gateway's default allows.
TEST_ENV = {"PARLEY_REGISTER_RATE_LIMIT": "1000", "PARLEY_LOGIN_RATE_LIMIT": "1000"}
# Settings that would point the stack somewhere other than its own private broker and files.
NOT_INHERITED = ("NATS_URL", "PARLEY_NATS_URL", "DATABASE_URL", "PARLEY_DATA_DIR")


class ParleyUp:
    def __init__(self, workdir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout_file = workdir / "parley-up.stdout"
        self.stderr_file = workdir / "parley-up.stderr"
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env |= TEST_ENV | (extra_env or {})
        command = [sys.executable, "-m", "parley.cli.main", "up"]
        command += ["--data-dir", str(workdir / "data"), "--port", str(self.port)]
        with self.stdout_file.open("wb") as out, self.stderr_file.open("wb") as err:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=workdir
            )

    @property
    def stdout(self) -> str:
        return self.stdout_file.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_file.read_text(errors="replace")

    def wait_until_ready(self, timeout_s: float = 90) -> None:
        """Poll ``/readyz`` until it answers 200 and ``parley up`` has said that every service is
        ready (the gateway is ready as soon as it can reach NATS, before identity may be)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"parley up exited {self.process.returncode}\n{self}")
            if self._gateway_ready() and f"Parley is up: {self.url}" in self.stdout:
                return
            time.sleep(0.2)
        raise AssertionError(f"stack not ready within {timeout_s}s\n{self}")

    def _gateway_ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_for_output(self, text: str, *, stream: str = "stdout", timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while text not in getattr(self, stream):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"never saw {text!r} on {stream}\n{self}")
            time.sleep(0.1)

    def pid_of(self, service: str) -> int:
        started = re.findall(rf"started {service} \(pid (\d+)", self.stdout)
        assert started, f"{service} never started\n{self}"
        return int(started[-1])

    def children(self) -> set[int]:
        return descendants(self.process.pid)

    def interrupt(self, timeout_s: float = 60) -> int:
        """Ctrl-C, as from a terminal; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        """Last resort: parley up and everything below it."""
        for pid in [*self.children(), self.process.pid]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def __str__(self) -> str:
        return f"--- parley up stdout:\n{self.stdout[-6000:]}\n--- stderr:\n{self.stderr[-4000:]}"
