"""Kubernetes probes: ``/healthz`` (the process answers) and ``/readyz`` (it can reach NATS)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from faststream.exceptions import IncorrectState
from faststream.nats import NatsBroker
from litestar import Controller, get
from litestar.di import NamedDependency

from parley.gateway.problems import Problem
from parley.gateway.suspensions import SuspendedUsers


@dataclass(frozen=True)
class Readiness:
    broker: NatsBroker
    suspended: SuspendedUsers

    def connected(self) -> bool:
        try:
            return self.broker.connection.is_connected
        except IncorrectState:  # not connected yet, or stopped
            return False


ReadinessDep: TypeAlias = NamedDependency[Readiness]


class HealthController(Controller):
    path = "/"
    include_in_schema = False

    @get("/healthz", operation_id="healthz")
    async def healthz(self) -> dict[str, str]:
        """Alive."""
        return {"status": "ok"}

    @get("/readyz", operation_id="readyz")
    async def readyz(self, readiness: ReadinessDep) -> dict[str, Any]:
        """Ready to serve: connected to NATS. Also says whether the suspension list is loaded
        (until it is, only suspensions announced since start are enforced)."""
        if not readiness.connected():
            raise Problem(503, "not-ready", "Not ready", "not connected to NATS")
        return {"status": "ready", "suspensions_loaded": readiness.suspended.loaded}
