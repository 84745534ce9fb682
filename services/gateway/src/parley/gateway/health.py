"""Kubernetes probes: ``/healthz`` (the process answers) and ``/readyz`` (it can reach NATS)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get

from parley.gateway.components import components_of
from parley.gateway.problems import Problem


class HealthController(Controller):
    path = "/"
    include_in_schema = False

    @get("/healthz", operation_id="healthz")
    async def healthz(self) -> dict[str, str]:
        """Alive."""
        return {"status": "ok"}

    @get("/readyz", operation_id="readyz")
    async def readyz(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Ready to serve: connected to NATS. Also says whether the suspension list is loaded
        (until it is, only suspensions announced since start are enforced)."""
        components = components_of(request.app)
        if not components.nc.is_connected:
            raise Problem(503, "not-ready", "Not ready", "not connected to NATS")
        return {"status": "ready", "suspensions_loaded": components.suspended.loaded}
