"""Running a service: connect, ensure streams, migrate, start projections, answer the bus,
report health, and stop cleanly on SIGINT/SIGTERM.

A service's ``bootstrap.py`` builds a :class:`ServiceParts` (its router, projections, streams,
migrations) and hands it to :func:`run_service`; nothing here is service-specific.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from parley.chassis.bus import BusRouter, serve
from parley.chassis.db import create_engine, run_migrations, session_factory
from parley.chassis.health import serve_http_health
from parley.chassis.logs import configure_logging, get_logger
from parley.chassis.messaging import StreamSpec, connect, ensure_streams
from parley.chassis.projections import Projection, ProjectionRunner
from parley.chassis.settings import ServiceSettings
from parley.chassis.tracing import configure_tracing

log = get_logger(__name__)


def health_subject(service_name: str) -> str:
    return f"parley.health.{service_name}"


@dataclass
class Infrastructure:
    """The concrete adapters a service runs on, made once at start."""

    settings: ServiceSettings
    nc: NATS
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@dataclass
class ServiceParts:
    """What a service contributes; built by its bootstrap from the infrastructure."""

    router: BusRouter
    projections: Sequence[tuple[str, Projection]] = ()  # (stream name, projection)
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()
    on_stop: Sequence[Callable[[], Awaitable[None]]] = ()


@dataclass
class ServiceDefinition:
    name: str
    streams: Sequence[StreamSpec]
    migrations: Path | None
    build: Callable[[Infrastructure], Awaitable[ServiceParts]]
    settings_type: type[ServiceSettings] = ServiceSettings


@dataclass
class RunningService:
    infra: Infrastructure
    parts: ServiceParts
    runners: list[ProjectionRunner]
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def status(self) -> dict[str, object]:
        return {
            "service": self.infra.settings.service_name,
            "ready": all(runner.running for runner in self.runners),
            "projections": {runner.projection.name: runner.running for runner in self.runners},
        }

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for runner in self.runners:
            await runner.stop()
        for hook in self.parts.on_stop:
            await hook()
        await self.infra.nc.drain()
        await self.infra.engine.dispose()


async def start_service(
    definition: ServiceDefinition, settings: ServiceSettings | None = None
) -> RunningService:
    settings = settings or definition.settings_type(service_name=definition.name)
    nc = await connect(settings.nats_url, name=definition.name)
    await ensure_streams(
        nc, [replace(spec, replicas=settings.stream_replicas) for spec in definition.streams]
    )
    engine = create_engine(settings.resolved_database_url())
    if definition.migrations is not None:
        await run_migrations(engine, definition.migrations)
    infra = Infrastructure(settings, nc, engine, session_factory(engine))
    parts = await definition.build(infra)
    runners = [
        ProjectionRunner(nc, stream=stream, projection=projection, sessions=infra.sessions)
        for stream, projection in parts.projections
    ]
    for runner in runners:
        await runner.start()
    await serve(nc, parts.router, queue=definition.name)
    running = RunningService(infra, parts, runners)
    running.tasks = [asyncio.create_task(job()) for job in parts.background]

    async def on_health(msg: Msg) -> None:
        await msg.respond(json.dumps(running.status()).encode())

    await nc.subscribe(health_subject(definition.name), cb=on_health)
    return running


async def _serve_until_signalled(definition: ServiceDefinition) -> None:
    settings = definition.settings_type(service_name=definition.name)
    configure_logging(definition.name, settings.log_level, json=settings.log_json)
    configure_tracing(definition.name, settings.otel_exporter)
    running = await start_service(definition, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    http = None
    if settings.health_port:
        http = await serve_http_health(settings.health_port, running.status)
    log.info("service.ready", nats=settings.nats_url)
    await stop.wait()
    log.info("service.stopping")
    if http is not None:
        http.close()
    await running.stop()


def run_service(definition: ServiceDefinition) -> None:
    """Entry point of a service process (``python -m parley.<service>``)."""
    asyncio.run(_serve_until_signalled(definition))
