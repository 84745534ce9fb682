"""The gateway serves the web client next to the API without shadowing any of it."""

from __future__ import annotations

import re

import httpx
import pytest
from parley_up import ParleyUp

pytestmark = pytest.mark.e2e

IMPORT = re.compile(
    r"""^\s*(?:import|export)\s[^;]*?from\s+["'](\.{1,2}/[^"']+)["']""", re.M | re.S
)


@pytest.mark.parametrize("path", ["/", "/spaces/sp_not_a_real_one", "/u/someone", "/login", "/new"])
def test_client_routes_answer_the_page(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/assets/js/main.js">' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["cache-control"] == "no-cache"


def test_the_api_and_probes_are_not_shadowed(api: httpx.Client) -> None:
    unknown = api.get("/api/v1/no-such-thing")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert api.get("/readyz").headers["content-type"].startswith("application/json")
    assert api.get("/healthz").status_code == 200
    assert api.get("/not-a-client-route").status_code == 404
    documented = api.get("/api/v1/openapi.json").json()["paths"]
    assert all(path.startswith("/api/") for path in documented)  # the client's pages are not


def test_every_module_the_client_imports_is_served(stack: ParleyUp, api: httpx.Client) -> None:
    """No build step: the browser loads each ES module by its path, so each must exist."""
    seen: set[str] = set()
    pending = ["/assets/js/main.js"]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        response = api.get(path)
        assert response.status_code == 200, path
        assert "javascript" in response.headers["content-type"], path
        assert response.headers.get("etag"), path
        base = httpx.URL(stack.url + path)
        pending += [base.join(spec).path for spec in IMPORT.findall(response.text)]
    assert len(seen) > 10
    for css in ("base", "shell", "spaces", "space", "overlays"):
        assert api.get(f"/assets/css/{css}.css").headers["content-type"].startswith("text/css")
