"""A service as its own process (``python -m parley.<service>``), configured only by the
environment the way ``parley up`` and Kubernetes run it: for service tests and end-to-end tests.

Async::

    async with service_process("room", nats_url=private_nats, data_dir=tmp_path / "data") as room:
        ...                                   # room answered its health request: ready
    assert room.exit_code == 0                # stopped by SIGTERM on the way out

or step by step (also from synchronous code)::

    room = ServiceProcess("room", nats_url=url, data_dir=path).start()
    room.wait_until_ready_blocking()          # await room.wait_until_ready() in async code
    assert room.stop_blocking() == 0          # await room.stop()
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import nats
import nats.errors

from parley.chassis.service import health_subject

# What would point a child at another broker, database or data directory than the one given.
NOT_INHERITED = (
    "NATS_URL",
    "PARLEY_NATS_URL",
    "DATABASE_URL",
    "PARLEY_DATABASE_URL",
    "PARLEY_DATA_DIR",
    "PARLEY_HEALTH_PORT",
)


class ServiceNotReady(AssertionError):
    pass


class ServiceProcess:
    """One ``python -m <module>`` child; its stdout and stderr go to ``log_file``."""

    def __init__(
        self,
        service: str,
        *,
        nats_url: str,
        data_dir: Path,
        database_url: str | None = None,
        env: Mapping[str, str] | None = None,
        module: str | None = None,
        log_file: Path | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.service = service
        self.module = module or f"parley.{service}"
        self.nats_url = nats_url
        self.data_dir = data_dir
        self.log_file = log_file or data_dir.parent / f"{service}.log"
        self.cwd = cwd or data_dir.parent
        environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        environment |= {
            "NATS_URL": nats_url,
            "PARLEY_DATA_DIR": str(data_dir),
            "PYTHONUNBUFFERED": "1",
        }
        if database_url is not None:
            environment["DATABASE_URL"] = database_url
        self.env = environment | dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> ServiceProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("wb") as log:  # a file, not a pipe nobody drains
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=self.cwd,
            )
        return self

    @property
    def pid(self) -> int:
        return self._running().pid

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    @property
    def log(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    async def wait_until_ready(self, timeout: float = 30.0) -> dict[str, object]:
        """Until ``parley.health.<service>`` answers ``ready``; its status. Fails with the
        child's log if it exits or is not ready in time."""
        process = self._running()
        nc = await nats.connect(self.nats_url, name=f"ready-{self.service}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last = "no answer"
        try:
            while loop.time() < deadline:
                if process.poll() is not None:
                    raise ServiceNotReady(
                        f"{self.module} exited {process.returncode} before it was ready\n"
                        f"{self.log[-6000:]}"
                    )
                try:
                    reply = await nc.request(health_subject(self.service), b"", timeout=1.0)
                except nats.errors.Error:  # not serving yet
                    pass
                else:
                    status: dict[str, object] = json.loads(reply.data)
                    if status.get("ready"):
                        return status
                    last = json.dumps(status)
                await asyncio.sleep(0.1)
        finally:
            await nc.close()
        raise ServiceNotReady(
            f"{self.module} not ready within {timeout}s (last health: {last})\n{self.log[-6000:]}"
        )

    def wait_until_ready_blocking(self, timeout: float = 30.0) -> dict[str, object]:
        """:meth:`wait_until_ready` for synchronous callers (no event loop running)."""
        return asyncio.run(self.wait_until_ready(timeout))

    def stop_blocking(self, timeout: float = 15.0) -> int:
        """SIGTERM, then SIGKILL if it has not exited after ``timeout``; the exit code
        (negative: killed by that signal)."""
        process = self._running()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    async def stop(self, timeout: float = 15.0) -> int:
        """:meth:`stop_blocking` without blocking the event loop."""
        process = self._running()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.to_thread(process.wait, timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return await asyncio.to_thread(process.wait)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _running(self) -> subprocess.Popen[bytes]:
        if self.process is None:
            raise RuntimeError(f"{self.module} was not started")
        return self.process


@asynccontextmanager
async def service_process(
    service: str,
    *,
    nats_url: str,
    data_dir: Path,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    module: str | None = None,
    ready_timeout: float = 30.0,
    stop_timeout: float = 15.0,
) -> AsyncIterator[ServiceProcess]:
    """The service started and ready; stopped with SIGTERM on the way out (``exit_code`` tells
    how it ended; killed after ``stop_timeout``)."""
    child = ServiceProcess(
        service,
        nats_url=nats_url,
        data_dir=data_dir,
        database_url=database_url,
        env=env,
        module=module,
    ).start()
    try:
        await child.wait_until_ready(ready_timeout)
        yield child
    finally:
        if child.exit_code is None:
            await child.stop(stop_timeout)
