"""The captions service as its own process, for the captions benchmark: what
``python -m parley.captions`` runs (its ``ServiceDefinition`` started by the chassis, settings
from the environment, stopped by SIGTERM), plus an OpenTelemetry metric reader, so that the
benchmark can read the service's own ``parley.captions.*`` counters (partials and finals sent
and dropped) on ``bench.captions.counters``. The chassis installs no meter provider, so without
this the counters go nowhere.

    python -m captions_service          # from bench/, with NATS_URL and PARLEY_DATA_DIR set
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections import defaultdict

from nats.aio.msg import Msg
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, Sum

COUNTERS_SUBJECT = "bench.captions.counters"
PREFIX = "parley.captions."

# Before the service's modules ask for their meter.
reader = InMemoryMetricReader()
metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))


def counters() -> dict[str, dict[str, int]]:
    """Every ``parley.captions.*`` counter: its total and its value per Space."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    data = reader.get_metrics_data()
    for resource in data.resource_metrics if data else []:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if not metric.name.startswith(PREFIX) or not isinstance(metric.data, Sum):
                    continue
                name = metric.name.removeprefix(PREFIX)
                for point in metric.data.data_points:
                    space = str(point.attributes.get("space_id", "")) if point.attributes else ""
                    found[name][space] = found[name].get(space, 0) + int(point.value)
    return {name: {"total": sum(by_space.values())} | by_space for name, by_space in found.items()}


async def serve() -> None:
    from parley.captions.bootstrap import definition
    from parley.chassis.logs import configure_logging
    from parley.chassis.service import start_service

    settings = definition.settings_type(service_name=definition.name)
    configure_logging(definition.name, settings.log_level, json=settings.log_json)
    running = await start_service(definition, settings)

    async def answer(msg: Msg) -> None:
        await msg.respond(json.dumps(counters()).encode())

    subscription = await running.infra.nc.subscribe(COUNTERS_SUBJECT, cb=answer)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await subscription.unsubscribe()
    await running.stop()


if __name__ == "__main__":
    asyncio.run(serve())
