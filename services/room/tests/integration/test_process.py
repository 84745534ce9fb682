"""``python -m parley.room`` as its own process, configured only by the environment, the way
``parley up`` and Kubernetes run it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import nats.errors

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.messaging import connect
from parley.chassis.service import health_subject


async def test_the_service_runs_from_its_environment_and_stops_on_sigterm(
    tmp_path: Path, private_nats: str
) -> None:
    env = os.environ | {
        "NATS_URL": private_nats,
        "PARLEY_DATA_DIR": str(tmp_path / "data"),
        "PARLEY_PUBLIC_URL": "https://spaces.example",
    }
    env.pop("DATABASE_URL", None)
    log = tmp_path / "room.log"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "parley.room",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("wb"),  # a file, not a pipe nobody drains
    )
    nc = await connect(private_nats, name="process-test")
    try:
        await wait_until_ready(nc, process, log)
        bus = BusClient(nc, timeout=10)
        created = await bus.command(
            "room", "create_space", {"title": "From the environment"}, RequestContext("usr_h")
        )
        assert created["share_url"] == f"https://spaces.example/spaces/{created['id']}"
        assert (tmp_path / "data" / "room.db").exists()  # the default SQLite store

        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        await nc.close()
        if process.returncode is None:
            process.kill()
            await process.wait()


async def wait_until_ready(nc: object, process: asyncio.subprocess.Process, log: Path) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline:
        if process.returncode is not None:
            raise AssertionError(await asyncio.to_thread(log.read_text))
        try:
            reply = await nc.request(health_subject("room"), b"", timeout=0.5)  # type: ignore[attr-defined]
            if json.loads(reply.data).get("ready"):
                return
        except nats.errors.Error:  # not up yet
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("room did not become ready")
