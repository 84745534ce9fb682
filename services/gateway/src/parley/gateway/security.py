"""How the OpenAPI document describes authentication."""

from __future__ import annotations

from litestar.openapi.spec import SecurityRequirement, SecurityScheme

from parley.gateway.auth import TOKEN_COOKIE

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
