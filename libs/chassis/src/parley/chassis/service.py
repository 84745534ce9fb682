"""Running a service: connect its one broker, prepare its streams, migrate, start projections,
serve its FastStream subscribers (routes, policies), report health, and stop cleanly on
SIGINT/SIGTERM.

Any number of replicas of a service may run at once. Routes and policies share the load
(queue groups, shared durables); each projection runs in one replica at a time, the one
holding its lease (``<service>.projection.<name>`` in ``parley.chassis.leases``), while the
others stand by and take over when it stops or dies; migrations run under the lease
``<service>.migrations``, one replica after the other.

A service's ``bootstrap.py`` builds a :class:`ServiceParts` (its routers, projections,
background jobs) from the :class:`Infrastructure` and hands it to :func:`run_service`;
nothing here is service-specific.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faststream.nats import NatsBroker, NatsRouter
from nats.aio.client import Client as NATS
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from parley.chassis.bus import BusClient
from parley.chassis.db import create_engine, run_migrations, session_factory
from parley.chassis.dead_letters import DeadLetters
from parley.chassis.health import health_subject as health_subject  # re-exported
from parley.chassis.health import serve_http_health
from parley.chassis.idempotency import CommandOutcomes
from parley.chassis.leases import LeaseKeeper, Leases
from parley.chassis.logs import configure_logging, get_logger
from parley.chassis.messaging import make_broker, prepare_streams
from parley.chassis.projections import Positions, Projection, ProjectionRunner
from parley.chassis.settings import ServiceSettings
from parley.chassis.tracing import configure_tracing
from parley.contracts.streams import StreamSpec

log = get_logger(__name__)

MIGRATIONS_LEASE_TTL_S = 60.0


@dataclass
class Infrastructure:
    """The concrete adapters a service runs on, made once at start."""

    settings: ServiceSettings
    broker: NatsBroker
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    positions: Positions
    bus: BusClient
    outcomes: CommandOutcomes  # of commands, by command id (idempotency)
    leases: Leases  # work one replica at a time (a projection's runner, a Space's recorder)

    @property
    def nc(self) -> NATS:
        """The broker's own connection, for what stays on raw nats-py (event store,
        projection runner, KV)."""
        return self.broker.connection

    @property
    def dead_letters(self) -> DeadLetters:
        return DeadLetters(self.sessions, self.nc)


@dataclass
class ServiceParts:
    """What a service contributes; built by its bootstrap from the infrastructure."""

    routers: Sequence[NatsRouter] = ()  # routes, policies, live publishers
    projections: Sequence[tuple[StreamSpec, Projection]] = ()
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()
    on_stop: Sequence[Callable[[], Awaitable[None]]] = ()


@dataclass
class ServiceDefinition:
    name: str
    streams: Sequence[StreamSpec]  # owned ones are created/updated, others waited for
    migrations: Path | None
    build: Callable[[Infrastructure], Awaitable[ServiceParts]]
    settings_type: type[ServiceSettings] = ServiceSettings


@dataclass
class LeasedRunner:
    """A projection runner that runs while this replica holds the projection's lease."""

    runner: ProjectionRunner
    keeper: LeaseKeeper

    @property
    def name(self) -> str:
        return self.runner.projection.name

    @property
    def ready(self) -> bool:
        """Applying it here, or standing by while another replica does (not while nobody
        holds its lease: then nobody applies it)."""
        if self.keeper.state == "standby":
            return self.keeper.holder is not None
        return self.keeper.state == "active" and self.runner.running


@dataclass
class RunningService:
    infra: Infrastructure
    parts: ServiceParts
    leases: Leases
    projections: list[LeasedRunner]
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def runners(self) -> list[ProjectionRunner]:
        return [leased.runner for leased in self.projections]

    def status(self) -> dict[str, object]:
        """What the health request answers (:data:`parley.chassis.health.HEALTH_STATUS`)."""
        return {
            "service": self.infra.settings.service_name,
            "instance": self.infra.settings.instance_id,
            "pid": os.getpid(),
            "ready": all(leased.ready for leased in self.projections),
            "projections": {leased.name: leased.runner.running for leased in self.projections},
            "standby": {
                leased.name: leased.keeper.holder.instance if leased.keeper.holder else None
                for leased in self.projections
                if leased.keeper.state == "standby"
            },
        }

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await _end(self.projections)  # each runner stopped, then its lease handed over
        for hook in self.parts.on_stop:
            await hook()
        await self.infra.positions.stop_listening()
        await self.leases.close()
        await self.infra.broker.stop()
        await self.infra.positions.close()
        await self.infra.engine.dispose()


def _running(runner: ProjectionRunner) -> Callable[[], bool]:
    return lambda: runner.running


async def _end(projections: Sequence[LeasedRunner]) -> None:
    await asyncio.gather(*(leased.keeper.end() for leased in projections))


async def start_service(
    definition: ServiceDefinition, settings: ServiceSettings | None = None
) -> RunningService:
    settings = settings or definition.settings_type(service_name=definition.name)
    broker = make_broker(settings.nats_url, name=definition.name)
    await broker.connect()
    engine = create_engine(settings.resolved_database_url())
    sessions = session_factory(engine)
    positions = Positions(sessions)
    projections: list[LeasedRunner] = []
    leases: Leases | None = None
    try:
        leases = await Leases.open(
            broker.connection, definition.name, settings.instance_id, settings.lease_options()
        )
        await prepare_streams(
            broker.connection,
            definition.name,
            definition.streams,
            replicas=settings.stream_replicas,
        )
        if definition.migrations is not None:
            # Replicas migrating one database take turns (a lease named after the database:
            # relay workers, a database each, don't wait for each other). Alembic holds the
            # event loop for seconds at a time (the lease cannot be renewed meanwhile): a long
            # TTL, which only delays the others if the holder dies migrating (a restart under
            # its id takes it back).
            database = hashlib.sha1(settings.resolved_database_url().encode()).hexdigest()[:12]
            async with leases.exclusive(f"migrations.{database}", ttl_s=MIGRATIONS_LEASE_TTL_S):
                await run_migrations(engine, definition.migrations)
        await positions.listen(broker.connection, definition.name)
        outcomes = await CommandOutcomes.open(
            broker.connection, definition.name, replicas=settings.stream_replicas
        )
        infra = Infrastructure(
            settings, broker, engine, sessions, positions, BusClient(broker), outcomes, leases
        )
        parts = await definition.build(infra)
        for stream, projection in parts.projections:
            runner = ProjectionRunner(
                infra.nc,
                stream=stream.name,
                projection=projection,
                sessions=sessions,
                positions=infra.positions,
            )
            keeper = leases.keeper(
                f"projection.{projection.name}",
                start=runner.start,
                stop=runner.stop,
                alive=_running(runner),
            )
            projections.append(LeasedRunner(runner, keeper))
            await keeper.begin()  # running here once it returns, unless another replica does
        running = RunningService(infra, parts, leases, projections)
        health = NatsRouter()

        @health.subscriber(health_subject(definition.name), title="health")
        async def on_health() -> dict[str, object]:
            return running.status()

        for router in (*parts.routers, health):
            broker.include_router(router)
        await broker.start()
        await broker.connection.flush()  # the server knows every subscription: started = serving
    except BaseException:  # nothing half-started is left behind (connection, consumers, leases)
        await _end(projections)
        await positions.stop_listening()
        if leases is not None:
            await leases.close()
        await broker.stop()
        await engine.dispose()
        raise
    running.tasks = [_background(job) for job in parts.background]
    return running


def _background(job: Callable[[], Coroutine[Any, Any, None]]) -> asyncio.Task[None]:
    """A background job whose failure is logged, not lost with its task."""
    task = asyncio.create_task(job(), name=getattr(job, "__name__", "background"))

    def report(done: asyncio.Task[None]) -> None:
        if not done.cancelled() and done.exception() is not None:
            log.error("service.background_failed", job=done.get_name(), exc_info=done.exception())

    task.add_done_callback(report)
    return task


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
