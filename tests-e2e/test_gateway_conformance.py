"""The gateway as an attacker and a conformance checker try it (issue 9), against a whole stack
of its own (``parley up``, with a moderator): hostile bodies are 4xx problems that change
nothing, a suspended user's live sockets close at once, and a bounded, seeded schemathesis
campaign against the served OpenAPI document finds no 5xx and no response the document does
not describe.

The campaign runs as a registered user (bearer token) with real ids to act on (two users, a
live Space with a pin and a speaker request, a Space not started yet), so that most cases reach
identity and room rather than stop at a 404. Run it alone with ``make conformance``; it prints
schemathesis' summary, and its whole report on failure.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
import pytest
from accounts_api import Account, assert_problem, new_handle, register
from live_client import LiveSocket
from parley_up import ParleyUp
from spaces_api import create_space

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

MODERATOR = "e2e_moderator"
JSON = {"Content-Type": "application/json"}
INVALID_UTF8 = b'{"handle": "\xc0\xaf", "password": "\xff\xff\xff\xff\xff\xff\xff\xff"}'

# The campaign: bounded (~1,500 cases over the 45 operations, about a minute on 2 cores),
# seeded, and failing on any server error or any response the document does not describe
# (status, content type, headers, body schema), on schema-violating input accepted, and on an
# operation that ignores its declared authentication.
SEED = 20261204
MAX_EXAMPLES = 8
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
)
CAMPAIGN_TIMEOUT_S = 300


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ParleyUp]:
    """This module's own stack: the campaign registers, follows, blocks and ends Spaces at
    random, which the shared stack's tests must not see; and it has a moderator."""
    up = ParleyUp(
        tmp_path_factory.mktemp("conformance"),
        extra_env={"PARLEY_MODERATOR_HANDLES": MODERATOR},
    )
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
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    with httpx.Client(base_url=stack.url, timeout=15, cookies=no_cookies) as client:
        yield client


# -- defects 1 and 2: hostile bodies --------------------------------------------------------


def test_invalid_utf8_bodies_are_400_and_change_nothing(api: httpx.Client) -> None:
    account = register(api)
    before = api.get("/api/v1/me", headers=account.auth).json()
    handle = new_handle()
    bad_password = b'{"handle": "%s", "display_name": "X", "password": "\xff\xfe long enough"}'

    login = api.post("/api/v1/auth/login", content=INVALID_UTF8, headers=JSON)
    registered = api.post(
        "/api/v1/auth/register", content=bad_password % handle.encode(), headers=JSON
    )
    updated = api.patch("/api/v1/me", content=b'{"bio": "\xc0\xaf"}', headers=JSON | account.auth)

    for response in (login, registered, updated):
        assert_problem(response, 400, "malformed-json")
    assert_problem(api.get(f"/api/v1/users/{handle}"), 404, "user-not-found")
    assert api.get("/api/v1/me", headers=account.auth).json() == before


def test_deeply_nested_json_is_400_and_changes_nothing(api: httpx.Client) -> None:
    account = register(api)
    space = create_space(api, account)
    path = f"/api/v1/spaces/{space['id']}"

    register_deep = api.post(
        "/api/v1/auth/register", content=b"[" * 30_000 + b"]" * 30_000, headers=JSON
    )
    create_deep = api.post(
        "/api/v1/spaces", content=b"[" * 1_000 + b"]" * 1_000, headers=JSON | account.auth
    )
    pin_deep = api.post(
        f"{path}/pins",
        content=b'{"url": ' + b"[" * 1_000 + b"]" * 1_000 + b"}",
        headers=JSON | account.auth,
    )

    for response in (register_deep, create_deep, pin_deep):
        assert_problem(response, 400, "json-too-deep")
    assert api.get(path, headers=account.auth).json()["version"] == space["version"]


# -- defect 5: a suspension closes the user's live sockets -----------------------------------


def test_a_suspended_users_live_sockets_close_within_a_second(
    api: httpx.Client, stack: ParleyUp
) -> None:
    moderator = _moderator(api)
    user = register(api)
    space = create_space(api, user)
    assert api.post(f"/api/v1/spaces/{space['id']}/start", headers=user.auth).status_code == 200
    sockets = [
        LiveSocket.open(stack.url, "/api/v1/notifications/live", name="inbox", token=user.token),
        LiveSocket.open(stack.url, f"/api/v1/spaces/{space['id']}/live", token=user.token),
    ]
    sockets[0].wait_for("notifications.state")
    sockets[1].wait_for("space.state")

    suspended = api.post(
        f"/api/v1/moderation/users/{user.handle}/suspend",
        json={"reason": "e2e"},
        headers=moderator.auth,
    )
    assert suspended.status_code == 200, suspended.text
    started = time.monotonic()

    for socket in sockets:
        assert socket.wait_closed(timeout_s=5) == 4401
        assert socket.connection.close_reason == "account-suspended"
    assert time.monotonic() - started < 1.5  # both, from the moderator's answer
    assert_problem(api.get("/api/v1/me", headers=user.auth), 401, "account-suspended")


def _moderator(api: httpx.Client) -> Account:
    login = api.post(
        "/api/v1/auth/login", json={"handle": MODERATOR, "password": "correct horse battery"}
    )
    if login.status_code == 200:
        return Account(MODERATOR, login.json()["access_token"], {})
    return register(api, handle=MODERATOR)


# -- item 5: schemathesis against the served OpenAPI document --------------------------------


@dataclass(frozen=True)
class World:
    """Real ids for the campaign to act on."""

    host: Account
    guest: Account
    live_space: str
    new_space: str
    pin_id: str

    def config(self) -> str:
        """schemathesis.toml: path parameters drawn from these ids nine times in ten."""
        dictionaries = {
            "space_id": [self.live_space, self.new_space],
            "handle": [self.host.handle, self.guest.handle],
            "user_id": [self.host.user["id"], self.guest.user["id"]],
            "pin_id": [self.pin_id],
        }
        lines = []
        for name, values in dictionaries.items():
            quoted = ", ".join(f'"{value}"' for value in values)
            lines += [f"[dictionaries.{name}]", f"values = [{quoted}]", ""]
        lines.append("[parameters]")
        lines += [
            f'"path.{name}" = {{ dictionary = "{name}", probability = 0.9 }}'
            for name in dictionaries
        ]
        return "\n".join(lines) + "\n"


def make_world(api: httpx.Client) -> World:
    host, guest = register(api, display_name="Host"), register(api, display_name="Guest")
    live = create_space(api, host, title="Conformance")
    path = f"/api/v1/spaces/{live['id']}"
    assert api.post(f"{path}/start", headers=host.auth).status_code == 200
    pinned = api.post(f"{path}/pins", json={"url": "https://example.com/p"}, headers=host.auth)
    assert pinned.status_code == 200, pinned.text
    assert api.post(f"{path}/join", headers=guest.auth).status_code == 200
    assert api.post(f"{path}/speaker-requests", headers=guest.auth).status_code == 200
    later = create_space(api, host, title="Not started")
    return World(host, guest, live["id"], later["id"], pinned.json()["pins"][0]["pin_id"])


def test_schemathesis_finds_no_server_error_and_no_undocumented_response(
    api: httpx.Client, stack: ParleyUp, tmp_path: Path
) -> None:
    world = make_world(api)
    config = tmp_path / "schemathesis.toml"
    config.write_text(world.config())
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"{stack.url}/api/v1/openapi.json",
        "--url",
        stack.url,
        "--header",
        f"Authorization: Bearer {world.host.token}",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        # One worker: with two, hypothesis describes filter lambdas with ast.parse on two threads
        # at once, which CPython 3.11 can fail with "SystemError: AST constructor recursion
        # depth mismatch" (a runtime error of the tool, not of the server).
        "--workers",
        "1",
        "--continue-on-failure",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "20",
        "--no-color",
    ]
    started = time.monotonic()
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=CAMPAIGN_TIMEOUT_S,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    report = run.stdout + run.stderr
    cases = [line.strip() for line in report.splitlines() if " generated, " in line]
    print(f"schemathesis (seed {SEED}): {' '.join(cases)} in {time.monotonic() - started:.0f}s")

    assert run.returncode == 0, f"schemathesis exited {run.returncode}:\n{report[-20_000:]}"
    assert " passed" in report
