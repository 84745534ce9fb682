"""Is it ready yet? Probes for the broker (TCP), services (NATS ``parley.health.<name>``) and
the gateway (HTTP ``/readyz``), and one polling loop with a deadline to wait on any of them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable

from nats.aio.client import Client as NATS
from nats.errors import Error as NatsError

from parley.chassis.health import replica_statuses

Probe = Callable[[], Awaitable[bool]]


async def wait_until_ready(
    probe: Probe,
    timeout_s: float,
    *,
    interval_s: float = 0.25,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """Poll ``probe`` until it says yes (True) or the deadline passes (False)."""
    deadline = clock() + timeout_s
    while True:
        if await probe():
            return True
        if clock() >= deadline:
            return False
        await asyncio.sleep(interval_s)


def health_says_ready(payload: bytes) -> bool:
    """A ``parley.health.<name>`` reply: ``{"service": ..., "ready": true, ...}``."""
    try:
        body = json.loads(payload)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("ready") is True


def parse_status_line(line: bytes) -> int | None:
    """``HTTP/1.1 200 OK`` -> 200."""
    parts = line.split()
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None


async def tcp_listening(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=1)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def nats_health(nc: NATS, service_name: str, timeout_s: float = 1.0) -> bool:
    try:
        reply = await nc.request(f"parley.health.{service_name}", b"", timeout=timeout_s)
    except (NatsError, TimeoutError):
        return False  # no responder yet, or busy starting
    return health_says_ready(reply.data)


async def nats_replica_health(
    nc: NATS, service_name: str, instance: str, replicas: int, timeout_s: float = 1.0
) -> bool:
    """One replica of several: every replica answers the health request; is ``instance``
    among them, ready?"""
    try:
        statuses = await replica_statuses(nc, service_name, expected=replicas, timeout_s=timeout_s)
    except (NatsError, TimeoutError):
        return False
    return any(
        status.get("instance") == instance and status.get("ready") is True for status in statuses
    )


async def http_status(host: str, port: int, path: str, timeout_s: float = 2.0) -> int | None:
    """The status code of ``GET path`` (a minimal client: the CLI needs nothing more)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except (OSError, TimeoutError):
        return None
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        return parse_status_line(await asyncio.wait_for(reader.readline(), timeout_s))
    except (OSError, TimeoutError):
        return None
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def http_ready(host: str, port: int) -> bool:
    return await http_status(host, port, "/readyz") == 200
