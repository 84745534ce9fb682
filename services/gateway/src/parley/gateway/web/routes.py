"""The web client as static files: no build step, what is in ``static/`` is what browsers get.

- ``/assets/…``: the client's ES modules, styles and icons. ``Cache-Control: no-cache`` with
  validators, so a new deployment is picked up on the next load without renamed files.
- ``/`` and the client's own routes (``/spaces/<id>`` is a Space's share link, ``/u/<handle>``,
  ``/notifications``, ``/new``, ``/login``, ``/signup``, ``/spaces/<id>/replay``,
  ``/me/recordings``, ``/clips/<id>`` a clip's share link) answer ``index.html``; the client
  reads the path and shows the screen.

The client routes are listed one by one instead of a catch-all: nothing here can shadow
``/api/*``, ``/healthz`` or ``/readyz``, and a mistyped API path stays a JSON problem.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from litestar import HttpMethod, Response, route
from litestar.datastructures import CacheControlHeader
from litestar.enums import MediaType
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

STATIC_DIR = Path(__file__).parent / "static"

CLIENT_ROUTES = [
    "/",
    "/login",
    "/signup",
    "/new",
    "/notifications",
    "/spaces/{space_id:str}",
    "/spaces/{space_id:str}/replay",
    "/me/recordings",
    "/clips/{clip_id:str}",
    "/u/{handle:str}",
]

# The page loads only its own scripts and styles and talks only to its own origin (HTTP and
# WebSocket); nothing inline, so injected markup cannot run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "microphone=(self), camera=()",
}
REVALIDATE = CacheControlHeader(no_cache=True)


@cache
def _index_html() -> bytes:
    return (STATIC_DIR / "index.html").read_bytes()


@route(
    CLIENT_ROUTES,
    http_method=[HttpMethod.GET, HttpMethod.HEAD],
    include_in_schema=False,
    cache_control=REVALIDATE,
    sync_to_thread=False,
)
def client_page() -> Response[bytes]:
    """The single page of the client, whatever client route was asked for."""
    return Response(_index_html(), media_type=MediaType.HTML, headers=PAGE_HEADERS)


assets = create_static_files_router(
    path="/assets",
    directories=[STATIC_DIR / "assets"],
    name="web-assets",
    cache_control=REVALIDATE,
    include_in_schema=False,
)

ROUTE_HANDLERS: list[ControllerRouterHandler] = [client_page, assets]
