"""More media relay workers next to a running ``parley up`` stack, on the same NATS: what
adding relay processes (or nodes) to a deployment is."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path

import nats
from processes import start_service_process, stop_process

from parley.contracts.media import WORKERS_SUBJECT


class ExtraRelayWorker:
    def __init__(self, nats_url: str, workdir: Path, worker_id: str, capacity: int) -> None:
        self.worker_id = worker_id
        self.log_file = workdir / f"media_relay-{worker_id}.log"
        env = {
            "NATS_URL": nats_url,
            "PARLEY_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / f'{worker_id}.db'}",
            "PARLEY_MEDIA_WORKER_ID": worker_id,
            "PARLEY_MEDIA_CAPACITY": str(capacity),
        }
        self.process = start_service_process("parley.media_relay", env, workdir, self.log_file)

    @property
    def log(self) -> str:
        return self.log_file.read_text(errors="replace")

    def stop(self, timeout_s: float = 15) -> int:
        return stop_process(self.process, timeout_s)


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
