"""Runs child processes: copies their output to a log file and the terminal, notices when one
exits on its own, reports it loudly and restarts it as the crash policy says, and stops them
all in order (SIGTERM, then SIGKILL after a grace period).

Children run in their own session, so a Ctrl-C in the terminal reaches ``parley up`` only and
the stop order stays ours. On Linux they also get SIGTERM if ``parley up`` itself dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from parley.cli.crash_policy import CrashPolicy, GiveUp
from parley.cli.terminal import Terminal, crash_banner, describe_exit

TAIL_LINES = 25
_LINE_LIMIT = 1024 * 1024  # a long JSON log line must not break the pump


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: Sequence[str]
    log_file: Path
    env: Mapping[str, str] | None = None  # None: inherit ours
    echo: bool = True  # copy output to the terminal (always to the log file)


@dataclass
class _Child:
    spec: ChildSpec
    process: asyncio.subprocess.Process | None = None
    pump: asyncio.Task[None] | None = None
    watcher: asyncio.Task[None] | None = None
    started_at: float = 0.0
    restarts: int = 0
    stopping: bool = False
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))


def _parent_death_signal() -> Callable[[], None] | None:
    """Linux: a pre-exec hook that makes the kernel SIGTERM the child when ``parley up`` dies,
    even by SIGKILL, so no service outlives its supervisor. Resolved before any fork."""
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1

    def hook() -> None:  # pragma: no cover - runs in the forked child
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return hook


_PRE_EXEC = _parent_death_signal()


class Supervisor:
    def __init__(
        self,
        terminal: Terminal,
        policy: CrashPolicy | None = None,
        on_restarted: Callable[[str], None] | None = None,
    ) -> None:
        self.terminal = terminal
        self.policy = policy or CrashPolicy()
        self.on_restarted = on_restarted
        self.failed = asyncio.Event()
        self.failure = ""
        self._children: dict[str, _Child] = {}

    def pid(self, name: str) -> int | None:
        child = self._children.get(name)
        return child.process.pid if child and child.process else None

    async def start(self, spec: ChildSpec) -> int:
        """Start ``spec`` and supervise it until :meth:`stop`; returns its pid."""
        child = _Child(spec)
        self._children[spec.name] = child
        await self._spawn(child, truncate=True)
        child.watcher = asyncio.create_task(self._watch(child), name=f"watch-{spec.name}")
        assert child.process is not None
        return child.process.pid

    async def stop(self, names: Sequence[str], grace_s: float) -> dict[str, int | None]:
        """Stop these children together; returns each one's exit code (None: never ran)."""
        children = [self._children[name] for name in names if name in self._children]
        for child in children:
            child.stopping = True
            if child.watcher is not None:
                child.watcher.cancel()  # also interrupts a restart backoff
        codes = await asyncio.gather(*(self._terminate(child, grace_s) for child in children))
        return {child.spec.name: code for child, code in zip(children, codes, strict=True)}

    async def _spawn(self, child: _Child, *, truncate: bool = False) -> None:
        spec = child.spec
        spec.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = spec.log_file.open("wb" if truncate else "ab")
        if not truncate:
            log.write(f"----- parley: restart {child.restarts} -----\n".encode())
        child.tail.clear()  # a crash banner shows this run's output only
        child.process = await asyncio.create_subprocess_exec(
            *spec.argv,
            env=dict(spec.env) if spec.env is not None else None,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_PRE_EXEC,
            limit=_LINE_LIMIT,
        )
        child.started_at = time.monotonic()
        child.pump = asyncio.create_task(self._pump(child, log), name=f"pump-{spec.name}")

    async def _pump(self, child: _Child, log: BinaryIO) -> None:
        process = child.process
        assert process is not None
        assert process.stdout is not None
        try:
            while True:
                try:
                    raw = await process.stdout.readline()
                except ValueError:  # longer than the limit: take what is buffered
                    raw = await process.stdout.read(_LINE_LIMIT)
                if not raw:
                    return
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                child.tail.append(line)
                if child.spec.echo:
                    self.terminal.child(child.spec.name, line)
        finally:
            log.close()

    async def _watch(self, child: _Child) -> None:
        while True:
            assert child.process is not None
            assert child.pump is not None
            returncode = await child.process.wait()
            await self._drain(child)
            if child.stopping:
                return
            uptime = time.monotonic() - child.started_at
            decision = self.policy.after_crash(child.restarts, uptime)
            self.terminal.alarm(
                crash_banner(
                    child.spec.name,
                    returncode,
                    list(child.tail),
                    child.spec.log_file,
                    decision,
                    self.policy,
                )
            )
            if isinstance(decision, GiveUp):
                self.failure = f"{child.spec.name} crashed ({describe_exit(returncode)})"
                self.failed.set()
                return
            child.restarts = decision.attempt
            await asyncio.sleep(decision.delay_s)
            await self._spawn(child)
            assert child.process is not None
            self.terminal.say(
                f"restarted {child.spec.name} (pid {child.process.pid}, "
                f"restart {decision.attempt} of {self.policy.max_restarts})"
            )
            if self.on_restarted is not None:
                self.on_restarted(child.spec.name)

    @staticmethod
    async def _drain(child: _Child) -> None:
        """Let the pump copy the last lines (a grandchild may hold the pipe: don't wait long)."""
        if child.pump is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(child.pump), timeout=2)

    async def _terminate(self, child: _Child, grace_s: float) -> int | None:
        process = child.process
        if process is None:
            return None
        if process.returncode is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=grace_s)
            except TimeoutError:
                self.terminal.say(
                    f"{child.spec.name} still running after {grace_s:g}s: sending SIGKILL"
                )
                _signal_group(process.pid, signal.SIGKILL)
                await process.wait()
        # Leftovers of its process group, if any. Safe although the leader is reaped: Linux
        # does not hand out a pid again while a process group of that id still exists.
        _signal_group(process.pid, signal.SIGKILL)
        await self._drain(child)
        if child.pump is not None and not child.pump.done():
            child.pump.cancel()
        return process.returncode


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """The child leads its own process group (own session): signal the whole group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
