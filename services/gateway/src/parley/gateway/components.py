"""The objects one gateway process is made of, built once by :func:`parley.gateway.app.create_app`
and reachable from guards and dependencies through ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from litestar import Litestar

if TYPE_CHECKING:
    from nats.aio.client import Client as NATS

    from parley.gateway.auth import Authenticator, TokenCookie
    from parley.gateway.identity_client import IdentityClient
    from parley.gateway.live.channels import LiveChannels
    from parley.gateway.live.hub import LiveHub
    from parley.gateway.live.presence import HostPresence
    from parley.gateway.media_client import MediaClient
    from parley.gateway.rate_limits import SlidingWindowLimiter
    from parley.gateway.room_client import RoomClient
    from parley.gateway.settings import GatewaySettings
    from parley.gateway.suspensions import SuspendedUsers, SuspensionWatcher
    from parley.gateway.ws_tickets import WsTickets

_STATE_KEY = "parley_gateway"


@dataclass(frozen=True)
class Components:
    settings: GatewaySettings
    nc: NATS
    identity: IdentityClient
    room: RoomClient
    media: MediaClient
    authenticator: Authenticator
    suspended: SuspendedUsers
    suspension_watcher: SuspensionWatcher
    limiters: dict[str, SlidingWindowLimiter]
    cookie: TokenCookie
    tickets: WsTickets
    hub: LiveHub
    presence: HostPresence
    live: LiveChannels


def attach(app: Litestar, components: Components) -> None:
    app.state[_STATE_KEY] = components


def components_of(app: Litestar) -> Components:
    return cast(Components, app.state[_STATE_KEY])
