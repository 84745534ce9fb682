"""End-to-end tests: the real stack via ``parley up``, exercised over HTTP only."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules next to this file

from parley_up import ParleyUp


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ParleyUp]:
    """One stack for all API tests; Ctrl-C at the end must stop it cleanly."""
    up = ParleyUp(tmp_path_factory.mktemp("stack"))
    try:
        up.wait_until_ready()
        yield up
    except BaseException:
        up.kill()
        raise
    code = up.interrupt()
    assert code == 0, f"parley up exited {code} on Ctrl-C\n{up}"


@pytest.fixture
def api(stack: ParleyUp) -> Iterator[httpx.Client]:
    """A client as a third-party app: bearer tokens only, cookies refused (the login cookie
    would otherwise sign in every later request of the test)."""
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    with httpx.Client(base_url=stack.url, timeout=15, cookies=no_cookies) as client:
        yield client


@pytest.fixture
def browser(stack: ParleyUp) -> Iterator[httpx.Client]:
    """A client that keeps cookies, as the web client in a browser."""
    with httpx.Client(base_url=stack.url, timeout=15) as client:
        yield client
