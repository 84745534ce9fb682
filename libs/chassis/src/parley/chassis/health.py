"""A service replica's health: the status it answers on ``parley.health.<service>`` (every
replica answers: a request gathering replies for a moment hears them all) and, for Kubernetes
probes, a minimal HTTP endpoint: ``/healthz`` (alive) and ``/readyz`` (ready)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import nats.errors
from nats.aio.client import Client as NATS

HEALTH_STATUS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "service": {"type": "string", "description": "The service's name"},
        "instance": {
            "type": "string",
            "description": "This replica's instance id (PARLEY_INSTANCE_ID), its lease holder name",
        },
        "pid": {"type": "integer", "description": "This replica's process id"},
        "ready": {
            "type": "boolean",
            "description": "Every projection of the service runs here or stands by here "
            "while another replica runs it",
        },
        "projections": {
            "type": "object",
            "additionalProperties": {"type": "boolean"},
            "description": "Projection name -> applied by this replica now (it holds the lease)",
        },
        "standby": {
            "type": "object",
            "additionalProperties": {"type": ["string", "null"]},
            "description": "Projection name -> the instance id of the replica applying it, for "
            "each projection this replica stands by for",
        },
    },
    "required": ["service", "instance", "pid", "ready", "projections", "standby"],
}


def health_subject(service_name: str) -> str:
    return f"parley.health.{service_name}"


async def replica_statuses(
    nc: NATS, service_name: str, *, expected: int | None = None, timeout_s: float = 1.0
) -> list[dict[str, Any]]:
    """The status of every replica of ``service_name`` that answers: one health request, whose
    replies are gathered until ``expected`` came (at once) or ``timeout_s`` passed."""
    inbox = nc.new_inbox()
    replies: asyncio.Queue[bytes] = asyncio.Queue()

    async def collect(msg: Any) -> None:
        replies.put_nowait(msg.data)

    subscription = await nc.subscribe(inbox, cb=collect)
    statuses: list[dict[str, Any]] = []
    try:
        await nc.publish(health_subject(service_name), b"", reply=inbox)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while expected is None or len(statuses) < expected:
            left = deadline - loop.time()
            if left <= 0:
                break
            try:
                data = await asyncio.wait_for(replies.get(), left)
            except TimeoutError:
                break
            with contextlib.suppress(ValueError):
                status = json.loads(data)
                if isinstance(status, dict):
                    statuses.append(status)
    finally:
        with contextlib.suppress(nats.errors.Error):
            await subscription.unsubscribe()
    return statuses


async def serve_http_health(
    port: int, status: Callable[[], dict[str, object]], host: str = "0.0.0.0"
) -> asyncio.Server:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), timeout=5)
            path = request_line.split(b" ")[1].decode() if b" " in request_line else "/"
            body: dict[str, object]
            if path.startswith("/healthz"):
                code, body = 200, {"status": "ok"}
            elif path.startswith("/readyz"):
                body = status()
                code = 200 if body.get("ready") else 503
            else:
                code, body = 404, {"status": "not found"}
            payload = json.dumps(body).encode()
            reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[code]
            writer.write(
                f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        except (TimeoutError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(answer, host, port)
