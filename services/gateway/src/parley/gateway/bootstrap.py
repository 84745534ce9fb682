"""The only place that names the gateway's concrete infrastructure: NATS and the keys."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nats.aio.client import Client as NATS

from parley.chassis.logs import get_logger
from parley.chassis.messaging import connect
from parley.chassis.tokens import TokenVerifier
from parley.gateway.settings import GatewaySettings
from parley.gateway.ws_tickets import ticket_key

log = get_logger(__name__)


class MissingPublicKey(RuntimeError):
    pass


@dataclass(frozen=True)
class GatewayDeps:
    """What :func:`parley.gateway.app.create_app` builds the gateway on. Tests may pass their
    own (a shared connection, a fake clock); :func:`open_deps` makes the real ones."""

    nc: NATS
    verifier: TokenVerifier
    ticket_key: bytes
    clock: Callable[[], float] = field(default=time.monotonic)

    async def close(self) -> None:
        if not self.nc.is_closed:
            await self.nc.drain()


def read_public_key(settings: GatewaySettings) -> bytes:
    path = settings.token_public_key_file
    if path is None:
        raise MissingPublicKey(
            "PARLEY_TOKEN_PUBLIC_KEY_FILE must name identity's public key (PEM, Ed25519)"
        )
    return path.read_bytes()


def load_verifier(settings: GatewaySettings) -> TokenVerifier:
    return TokenVerifier(read_public_key(settings))


def load_ticket_key(settings: GatewaySettings) -> bytes:
    secret = settings.ws_ticket_secret
    if secret is None:
        log.info("gateway.ws_ticket_key_derived", hint="set PARLEY_WS_TICKET_SECRET in production")
    value = secret.get_secret_value() if secret else None
    return ticket_key(value, read_public_key(settings))


async def open_deps(settings: GatewaySettings) -> GatewayDeps:
    # Keys before connecting: a configuration error fails fast.
    verifier, key = load_verifier(settings), load_ticket_key(settings)
    nc = await connect(settings.nats_url, name=settings.service_name)
    return GatewayDeps(nc=nc, verifier=verifier, ticket_key=key)
