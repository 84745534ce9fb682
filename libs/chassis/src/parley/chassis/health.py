"""A minimal HTTP endpoint for Kubernetes probes: ``/healthz`` (alive) and ``/readyz`` (ready)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable


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
