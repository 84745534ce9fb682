"""More media relay workers next to a running ``parley up`` stack, on the same NATS: what
adding relay processes (or nodes) to a deployment is."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import nats
from parley_up import NOT_INHERITED

from parley.contracts.media import WORKERS_SUBJECT


class ExtraRelayWorker:
    def __init__(self, nats_url: str, workdir: Path, worker_id: str, capacity: int) -> None:
        self.worker_id = worker_id
        self.log_file = workdir / f"media_relay-{worker_id}.log"
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env |= {
            "NATS_URL": nats_url,
            "PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / f'{worker_id}.db'}",
            "PARLEY_MEDIA_WORKER_ID": worker_id,
            "PARLEY_MEDIA_CAPACITY": str(capacity),
            "PYTHONUNBUFFERED": "1",
        }
        with self.log_file.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "parley.media_relay"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=workdir,
            )

    @property
    def log(self) -> str:
        return self.log_file.read_text(errors="replace")

    def stop(self, timeout_s: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


async def wait_for_heartbeats(
    nats_url: str, workers: Iterable[ExtraRelayWorker], timeout_s: float = 60
) -> None:
    """Until every worker announced itself on ``media.workers`` (it is then serving)."""
    waiting = {worker.worker_id: worker for worker in workers}
    nc = await nats.connect(nats_url)
    heard = asyncio.Event()

    async def on_beat(msg: nats.aio.msg.Msg) -> None:
        waiting.pop(json.loads(msg.data)["worker_id"], None)
        if not waiting:
            heard.set()

    try:
        await nc.subscribe(WORKERS_SUBJECT, cb=on_beat)
        async with asyncio.timeout(timeout_s):
            await heard.wait()
    except TimeoutError:
        logs = "\n".join(f"--- {w.worker_id}:\n{w.log[-3000:]}" for w in waiting.values())
        raise AssertionError(f"no heartbeat from {sorted(waiting)}\n{logs}") from None
    finally:
        await nc.close()
