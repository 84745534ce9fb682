"""How the OpenAPI document describes authentication: from the guards that enforce it, so the
document cannot say otherwise than the server does.

- ``requires_login``: a token is required (``TOKEN_SECURITY``);
- ``optional_login``: anonymous callers are served too, and a token, when sent, is checked
  (``OPTIONAL_TOKEN_SECURITY``: the empty requirement ``{}`` first, as OpenAPI spells "none");
- neither: no security at all.
A handler (or a layer above it) that declares ``security`` itself keeps it: the WebSocket
channels' plain-GET descriptions have no guard, the socket authenticates after the upgrade.
"""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import SecurityRequirement, SecurityScheme

from parley.gateway.auth import TOKEN_COOKIE
from parley.gateway.guards import optional_login, requires_login

SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    "bearer": SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="The access_token from register or login",
    ),
    "cookie": SecurityScheme(
        type="apiKey",
        name=TOKEN_COOKIE,
        security_scheme_in="cookie",
        description="Set by register and login (HttpOnly, SameSite=Lax)",
    ),
}

TOKEN_SECURITY: list[SecurityRequirement] = [{"bearer": []}, {"cookie": []}]
OPTIONAL_TOKEN_SECURITY: list[SecurityRequirement] = [{}, *TOKEN_SECURITY]


def security_of(handler: HTTPRouteHandler) -> list[SecurityRequirement] | None:
    """What the document says about authenticating ``handler`` (``None``: nothing)."""
    declared = handler.resolve_security()
    if declared:
        return declared
    guards = [guard for layer in handler.ownership_layers for guard in (layer.guards or ())]
    if requires_login in guards:
        return TOKEN_SECURITY
    if optional_login in guards:
        return OPTIONAL_TOKEN_SECURITY
    return None
