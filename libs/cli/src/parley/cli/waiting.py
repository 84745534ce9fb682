"""Waiting for services to be ready, and saying so as they get there: one line per service,
a progress line every few seconds while some are still starting, and a banner with the log's
last lines for any that miss the deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from parley.cli.readiness import Probe, wait_until_ready
from parley.cli.terminal import Terminal, failure_banner

PROGRESS_EVERY_S = 10.0
LOG_LINES_SHOWN = 20


class ReadinessWatch:
    def __init__(
        self,
        terminal: Terminal,
        probes: Mapping[str, Probe],
        timeout_s: float,
        log_file: Callable[[str], Path],
    ) -> None:
        self.terminal = terminal
        self.probes = probes
        self.timeout_s = timeout_s
        self.log_file = log_file

    async def all_ready(self) -> list[str]:
        """Wait for every probe together; the names not ready by the deadline, reported."""
        started = time.monotonic()
        waiting = set(self.probes)

        async def one(name: str) -> None:
            if await wait_until_ready(self.probes[name], self.timeout_s):
                waiting.discard(name)
                self.terminal.say(f"{name} ready in {time.monotonic() - started:.1f}s")

        ticker = asyncio.create_task(self._tell_progress(waiting, started))
        try:
            await asyncio.gather(*(one(name) for name in self.probes))
        finally:
            ticker.cancel()
        late = sorted(waiting)
        for name in late:
            self.terminal.alarm(not_ready_banner(name, self.timeout_s, self.log_file(name)))
        return late

    async def ready_again(self, name: str) -> None:
        """After a restart: say when it is back (a further crash is reported by the supervisor)."""
        if await wait_until_ready(self.probes[name], self.timeout_s):
            self.terminal.say(f"{name} is ready again")

    async def _tell_progress(self, waiting: set[str], started: float) -> None:
        while True:
            await asyncio.sleep(PROGRESS_EVERY_S)
            self.terminal.say(
                f"waiting for {', '.join(sorted(waiting))} ({time.monotonic() - started:.0f}s, "
                f"timeout {self.timeout_s:g}s)"
            )


def not_ready_banner(name: str, timeout_s: float, log_file: Path) -> str:
    return failure_banner(
        f"{name} NOT READY after {timeout_s:g}s; last lines of {log_file}:",
        _last_lines(log_file, LOG_LINES_SHOWN),
    )


def _last_lines(path: Path, count: int) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()[-count:]
    except OSError:
        return []
