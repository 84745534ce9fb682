"""``python -m parley.identity`` as its own process, configured only by the environment, the
way ``parley up`` and Kubernetes run it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from asyncio.subprocess import Process
from pathlib import Path

import nats.errors
from nats.aio.client import Client as NATS

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.messaging import connect
from parley.chassis.service import health_subject
from parley.chassis.tokens import TokenVerifier, generate_key_pair


async def test_the_service_runs_from_its_environment_and_stops_on_sigterm(
    tmp_path: Path, private_nats: str
) -> None:
    private_key, public_key = generate_key_pair(tmp_path / "keys")
    env = os.environ | {
        "NATS_URL": private_nats,
        "PARLEY_DATA_DIR": str(tmp_path / "data"),
        "PARLEY_TOKEN_PRIVATE_KEY_FILE": str(private_key),
        "PARLEY_MODERATOR_HANDLES": "root_mod, other",
        "PARLEY_ARGON2_MEMORY_KIB": "1024",
        "PARLEY_ARGON2_TIME_COST": "1",
        "PARLEY_ARGON2_PARALLELISM": "1",
    }
    env.pop("DATABASE_URL", None)
    log = tmp_path / "identity.log"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "parley.identity",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("wb"),  # a file, not a pipe nobody drains
    )
    nc = await connect(private_nats, name="process-test")
    try:
        await wait_until_ready(nc, process, log)
        bus = BusClient(nc, timeout=10)
        registration = {"handle": "Root_Mod", "display_name": "Root", "password": "password1"}
        answer = await bus.command("identity", "register", registration, RequestContext())
        claims = TokenVerifier(public_key.read_bytes()).verify(answer["access_token"])
        assert claims.moderator  # PARLEY_MODERATOR_HANDLES, compared case-insensitively
        assert (tmp_path / "data" / "identity.db").exists()  # the default SQLite store

        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        await nc.close()
        if process.returncode is None:
            process.kill()
            await process.wait()


async def wait_until_ready(nc: NATS, process: Process, log: Path, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if process.returncode is not None:
            raise AssertionError(await asyncio.to_thread(log.read_text))
        try:
            reply = await nc.request(health_subject("identity"), b"", timeout=0.5)
            if json.loads(reply.data).get("ready"):
                return
        except nats.errors.Error:  # not up yet
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("identity did not become ready")
