"""The stack ``parley demo`` runs for itself when it is given no ``--url``: ``parley up`` as a
child process, on a free port, in a temporary data directory, with its output in a file.

A child process rather than ``Stack`` in our own event loop: the bots' audio keeps that loop
busy, and ``parley up`` must supervise its services undisturbed. The child gets a session of
its own, so a Ctrl-C reaches only ``parley demo``, which then stops it (SIGINT, as a terminal
would) after the bots have hung up.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from parley.chassis.embedded_nats import free_port
from parley.cli import readiness

# The demo registers a few dozen accounts from one address in a few seconds.
DEMO_ENV = {"PARLEY_REGISTER_RATE_LIMIT": "0", "PARLEY_LOGIN_RATE_LIMIT": "0"}
# parley up's own options win over these anyway; drop them so that nothing looks otherwise.
NOT_INHERITED = ("PARLEY_DATA_DIR", "PARLEY_HTTP_PORT")


class StackFailed(Exception):
    pass


class ChildStack:
    def __init__(self, workdir: Path, env: Mapping[str, str]) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = workdir / "parley-up.log"
        self.env = {k: v for k, v in env.items() if k not in NOT_INHERITED}
        for key, value in DEMO_ENV.items():
            self.env.setdefault(key, value)
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout_s: float) -> None:
        """Start ``parley up`` and wait until it says every service is ready."""
        command = [sys.executable, "-m", "parley.cli.main", "up"]
        command += ["--data-dir", str(self.workdir / "data"), "--port", str(self.port)]
        with self.output.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                env=self.env,
                cwd=self.workdir,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout_s
        while not await self._ready():
            if self.process.returncode is not None:
                raise StackFailed(f"parley up exited {self.process.returncode}")
            if time.monotonic() > deadline:
                raise StackFailed(f"the stack was not ready within {timeout_s:g}s")
            await asyncio.sleep(0.25)

    async def _ready(self) -> bool:
        said_so = f"Parley is up: {self.url}" in self.output.read_text(errors="replace")
        return said_so and await readiness.http_ready("127.0.0.1", self.port)

    async def stop(self, timeout_s: float = 60.0) -> int | None:
        """Ctrl-C for ``parley up`` (it stops its services in order); SIGKILL for its whole
        session if it is not gone within ``timeout_s``. Its exit code."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), timeout_s)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
        return process.returncode

    def tail(self, lines: int = 30) -> list[str]:
        try:
            return self.output.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return []
