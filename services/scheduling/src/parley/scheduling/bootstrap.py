"""The composition root: the only module that names concrete infrastructure.

Scheduling owns the SCHEDULING stream and reads ROOM (room's, for its ``SpaceStarted``). It
serves its contract's routes, keeps the scheduled Spaces' read model, runs its policy as a
durable consumer and handles its timers' firings (``parley.chassis.timers``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from parley.chassis.event_store import EventStore
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.chassis.timers import Timers as BrokerTimers
from parley.contracts import streams
from parley.scheduling.clock import utc_now
from parley.scheduling.entrypoints.reactions import reactions
from parley.scheduling.entrypoints.routes import routes
from parley.scheduling.entrypoints.timers import timer_firings
from parley.scheduling.handlers.dependencies import SchedulingDeps, Timers
from parley.scheduling.projections.scheduled_spaces import ScheduledSpacesProjection
from parley.scheduling.settings import SchedulingSettings

SERVICE = "scheduling"
MIGRATIONS = Path(__file__).parent / "migrations"


async def build(
    infra: Infrastructure,
    *,
    clock: Callable[[], datetime] = utc_now,
    timers: Timers | None = None,
) -> ServiceParts:
    settings = own_settings(infra.settings, SchedulingSettings)
    deps = SchedulingDeps(
        store=EventStore(
            infra.nc, stream=streams.SCHEDULING.name, context=streams.SCHEDULING.context
        ),
        sessions=infra.sessions,
        positions=infra.positions,
        timers=timers
        or await BrokerTimers.open(infra.nc, SERVICE, replicas=settings.stream_replicas),
        limits=settings.limits(),
        host_reminders_s=settings.host_reminders(),
        auto_cancel_s=settings.auto_cancel_s,
        public_url=settings.resolved_public_url(),
        clock=clock,
    )
    return ServiceParts(
        routers=[
            routes(deps, queue=SERVICE, outcomes=infra.outcomes),
            reactions(deps, dead_letters=infra.dead_letters),
            timer_firings(deps, dead_letters=infra.dead_letters),
        ],
        projections=[(streams.SCHEDULING, ScheduledSpacesProjection())],
    )


definition = ServiceDefinition(
    name=SERVICE,
    # SCHEDULING is ours (created or updated at start); ROOM is room's: we wait for it.
    streams=[streams.SCHEDULING, streams.ROOM],
    migrations=MIGRATIONS,
    build=build,
    settings_type=SchedulingSettings,
)
