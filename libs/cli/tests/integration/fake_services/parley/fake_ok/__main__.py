"""A stand-in service for testing ``parley up`` without the real ones: answers its health
subject, prints a line now and then, stops on SIGTERM, and crashes on request
(``FAKE_CRASH_AFTER_S``, ``FAKE_EXIT_CODE``) or refuses to get ready (``FAKE_NEVER_READY``)."""

import asyncio
import json
import os
import signal
import sys

import nats

NAME = os.environ.get("FAKE_NAME", "fake_ok")


async def main() -> int:
    nc = await nats.connect(os.environ["NATS_URL"])
    ready = not os.environ.get("FAKE_NEVER_READY")

    async def on_health(msg: nats.aio.msg.Msg) -> None:
        status = {
            "service": NAME,
            "instance": os.environ.get("PARLEY_INSTANCE_ID"),
            "pid": os.getpid(),
            "ready": ready,
        }
        await msg.respond(json.dumps(status).encode())

    await nc.subscribe(f"parley.health.{NAME}", cb=on_health)
    print(f"{NAME} started with database {os.environ.get('DATABASE_URL')}", flush=True)
    print(f"{NAME} is instance {os.environ.get('PARLEY_INSTANCE_ID')}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    crash_after = os.environ.get("FAKE_CRASH_AFTER_S")
    if crash_after:
        try:
            await asyncio.wait_for(stop.wait(), float(crash_after))
        except TimeoutError:
            print(f"{NAME}: something went badly wrong", file=sys.stderr, flush=True)
            return int(os.environ.get("FAKE_EXIT_CODE", "3"))
    await stop.wait()
    print(f"{NAME} stopping", flush=True)
    await nc.drain()
    return 0


sys.exit(asyncio.run(main()))
