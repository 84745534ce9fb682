"""Run ``parley up`` over stand-in services in a subprocess and watch what it says."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from parley.chassis.embedded_nats import free_port

RUNNER = Path(__file__).parent / "run_fake_stack.py"


class FakeStack:
    """``parley up`` over stand-in services, its output captured in files."""

    def __init__(
        self,
        output_dir: Path,
        *services: str,
        data_dir: Path | None = None,
        port: int | None = None,
        ready_timeout_s: float = 20,
        env: dict[str, str] | None = None,
    ):
        output_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir or output_dir / "data"
        self.port = port or free_port()
        self.stdout_file = output_dir / "stdout.txt"
        self.stderr_file = output_dir / "stderr.txt"
        args = [str(self.data_dir), str(self.port), str(ready_timeout_s), *services]
        environment = {k: v for k, v in os.environ.items() if k != "NATS_URL"} | (env or {})
        with self.stdout_file.open("wb") as out, self.stderr_file.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(RUNNER), *args],
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env=environment,
            )

    @property
    def stdout(self) -> str:
        return self.stdout_file.read_text()

    @property
    def stderr(self) -> str:
        return self.stderr_file.read_text()

    def wait_for(self, text: str, *, stream: str = "stdout", timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while text not in getattr(self, stream):
            if self.process.poll() is not None and text not in getattr(self, stream):
                raise AssertionError(f"exited {self.process.returncode} before {text!r}:\n{self}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} within {timeout_s}s:\n{self}")
            time.sleep(0.05)

    def interrupt(self, timeout_s: float = 30) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout_s)

    def __str__(self) -> str:
        return f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


class FakeStacks:
    """Starts stacks for one test and makes sure none outlives it."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[FakeStack] = []

    def start(self, *services: str, **options: Any) -> FakeStack:
        output_dir = self.tmp_path / f"stack{len(self.started)}"
        stack = FakeStack(output_dir, *services, **options)
        self.started.append(stack)
        return stack

    def kill_all(self) -> None:
        for stack in self.started:
            if stack.process.poll() is None:
                stack.process.kill()
                stack.process.wait()
