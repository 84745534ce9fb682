"""``python -m parley.gateway``: serve the public API with uvicorn until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator

import uvicorn

from parley.chassis.logs import configure_logging, get_logger
from parley.chassis.tracing import configure_tracing
from parley.gateway.bootstrap import MissingPublicKey, build_gateway, make_deps
from parley.gateway.server import server_config
from parley.gateway.settings import GatewaySettings

log = get_logger(__name__)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling, which re-raises the signal once stopped: the
    gateway stops on its handlers instead (the app's shutdown drains NATS) and exits 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(settings: GatewaySettings) -> None:
    gateway = build_gateway(settings, make_deps(settings))
    server = _Server(server_config(settings, gateway.app))

    def stop() -> None:
        server.force_exit = server.should_exit  # a second signal: stop without waiting
        server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    log.info("gateway.starting", host=settings.http_host, port=settings.http_port)
    await server.serve()
    log.info("gateway.stopped")


def main() -> None:
    settings = GatewaySettings()
    configure_logging(settings.service_name, settings.log_level, json=settings.log_json)
    configure_tracing(settings.service_name, settings.otel_exporter)
    try:
        asyncio.run(serve(settings))
    except MissingPublicKey as error:
        log.error("gateway.misconfigured", detail=str(error))
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
