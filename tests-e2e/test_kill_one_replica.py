"""Any one replica can die without a failed request: ``parley up --replicas 2`` under steady
load, and ``kill -9`` of one replica of room, of identity and of the gateway in turn (each
restarted by ``parley up`` before the next). Printed: requests sent, answered only after a
retry, failed (0), acknowledged effects checked and lost (0).

The load is five clients as the web client behaves: every command with its own
``Idempotency-Key``; a lost connection (the gateway died), a 503 (nothing applied), a 504
(outcome unknown) or a 429 (a reaction rate limit: refused, nothing applied) is sent again
with the same key, to the other gateway (as a load balancer would), after its
``Retry-After``. A request fails when it has no 2xx after that.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
import pytest
from accounts_api import PASSWORD, new_handle
from parley_up import ParleyUp

pytestmark = pytest.mark.e2e

KILLED = ("room-1", "identity-1", "gateway-1")
LOAD_BEFORE_FIRST_KILL_S = 3.0
LOAD_AFTER_LAST_RESTART_S = 3.0
RETRY_WITHIN_S = 20.0


@pytest.fixture(scope="module")
def replicated_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ParleyUp]:
    up = ParleyUp(tmp_path_factory.mktemp("replicas"), extra_env={"PARLEY_REPLICAS": "2"})
    try:
        up.wait_until_ready(timeout_s=180)
        yield up
    finally:
        up.kill()


def replica_pids(stdout: str) -> dict[str, int]:
    """The latest pid of each replica, from what ``parley up`` printed."""
    pids: dict[str, int] = {}
    listed = re.search(r"replicas \(pid\): (.*)", stdout)
    assert listed, stdout
    for name, pid in re.findall(r"([\w-]+-\d+) (\d+)", listed.group(1)):
        pids[name] = int(pid)
    for name, pid in re.findall(r"restarted ([\w-]+-\d+) \(pid (\d+)", stdout):
        pids[name] = int(pid)
    return pids


def gateway_urls(stdout: str) -> list[str]:
    listed = re.search(r"gateway replicas: (.*)", stdout)
    assert listed, stdout
    return re.findall(r"(http://[\d.:]+)", listed.group(1))


@dataclass
class Tally:
    sent: Counter[str] = field(default_factory=Counter)
    retried: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)


class Client:
    """Requests as the web client sends them, spread over the gateways."""

    def __init__(self, clients: list[httpx.AsyncClient], tally: Tally) -> None:
        self.clients = clients
        self.tally = tally
        self.turn = 0

    async def send(
        self, what: str, method: str, path: str, token: str | None = None, body: Any = None
    ) -> httpx.Response | None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if method != "GET":
            headers["Idempotency-Key"] = str(uuid4())
        self.tally.sent[what] += 1
        give_up = time.monotonic() + RETRY_WITHIN_S
        attempts = 0
        last = ""
        while time.monotonic() < give_up:
            client = self.clients[self.turn % len(self.clients)]
            attempts += 1
            try:
                response = await client.request(method, path, headers=headers, json=body)
            except httpx.TransportError as error:  # that gateway died: the other one
                last = repr(error)
                self.turn += 1
                await asyncio.sleep(0.1)
                continue
            if response.status_code in (429, 502, 503, 504) or _in_progress(response):
                last = f"{response.status_code} {response.text[:200]}"
                self.turn += 1
                await asyncio.sleep(min(float(response.headers.get("Retry-After", 1)), 1.0))
                continue
            if attempts > 1:
                self.tally.retried[what] += 1
            if response.is_success:
                return response
            last = f"{response.status_code} {response.text[:200]}"
            break
        self.tally.failed.append(f"{what} {method} {path}: {last}")
        return None


def _in_progress(response: httpx.Response) -> bool:
    return response.status_code == 409 and "command-in-progress" in response.text


@dataclass
class Effects:
    """What the load was told was done, to check afterwards."""

    spaces_created: list[str] = field(default_factory=list)
    follows: dict[tuple[str, str], bool] = field(default_factory=dict)  # (who, whom) -> on


async def sign_up(client: Client, prefix: str) -> tuple[str, str]:
    handle = new_handle(prefix)
    body = {"handle": handle, "display_name": prefix, "password": PASSWORD}
    response = await client.send("register", "POST", "/api/v1/auth/register", body=body)
    assert response is not None, client.tally.failed
    return handle, response.json()["access_token"]


async def host_spaces(client: Client, token: str, effects: Effects, until: float) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        body = {"title": f"Kill test {n}"}
        created = await client.send("createSpace", "POST", "/api/v1/spaces", token, body)
        if created is not None:
            effects.spaces_created.append(created.json()["id"])
            await client.send("getSpace", "GET", f"/api/v1/spaces/{created.json()['id']}", token)


async def follow_and_unfollow(
    client: Client, who: tuple[str, str], whom: list[str], effects: Effects, until: float
) -> None:
    handle, token = who
    n = 0
    while time.monotonic() < until:
        target = whom[n % len(whom)]
        on = not effects.follows.get((handle, target), False)
        method = "PUT" if on else "DELETE"
        answer = await client.send("follow", method, f"/api/v1/users/{target}/follow", token)
        if answer is not None:
            effects.follows[(handle, target)] = on
        await client.send("getUser", "GET", f"/api/v1/users/{target}", token)
        n += 1


async def listen_and_react(client: Client, token: str, space_id: str, until: float) -> None:
    path = f"/api/v1/spaces/{space_id}"
    while time.monotonic() < until:
        await asyncio.sleep(0.25)  # within the per-user reaction rate (5/s)
        await client.send("join", "POST", f"{path}/join", token)
        await client.send("react", "POST", f"{path}/reactions", token, {"emoji": "👏"})
        await client.send("getSpace", "GET", path, token)
        await client.send("leave", "POST", f"{path}/leave", token)


async def kill_in_turn(stack: ParleyUp, load_ends: list[float]) -> list[str]:
    """``kill -9`` each of ``KILLED`` in turn, each once ``parley up`` has it ready again."""
    timeline = []
    await asyncio.sleep(LOAD_BEFORE_FIRST_KILL_S)
    for name in KILLED:
        pid = replica_pids(stack.stdout)[name]
        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        while f"{name} is ready again" not in stack.stdout:
            assert time.monotonic() - killed_at < 120, f"{name} not back\n{stack}"
            await asyncio.sleep(0.2)
        timeline.append(f"{name} (pid {pid}) back in {time.monotonic() - killed_at:.1f} s")
        # the next kill finds the next ready-again line of its own
    load_ends.append(time.monotonic() + LOAD_AFTER_LAST_RESTART_S)
    return timeline


async def run(stack: ParleyUp) -> None:
    urls = gateway_urls(stack.stdout)
    assert len(urls) == 2, urls
    tally = Tally()
    async with (
        httpx.AsyncClient(base_url=urls[0], timeout=10) as first,
        httpx.AsyncClient(base_url=urls[1], timeout=10) as second,
    ):
        client = Client([first, second], tally)
        host = await sign_up(client, "host")
        people = [await sign_up(client, f"fan{n}") for n in range(4)]
        created = await client.send(
            "createSpace", "POST", "/api/v1/spaces", host[1], {"title": "Live"}
        )
        assert created is not None
        live_id = created.json()["id"]
        started = await client.send(
            "startSpace", "POST", f"/api/v1/spaces/{live_id}/start", host[1]
        )
        assert started is not None

        effects = Effects()
        far = time.monotonic() + 600
        load_ends = [far]

        def until() -> float:
            return load_ends[-1]

        async def keep(job: Any) -> None:
            while time.monotonic() < until():
                await job(min(until(), time.monotonic() + 1.0))

        started_at = time.monotonic()
        jobs = [
            keep(lambda end: host_spaces(client, host[1], effects, end)),
            keep(
                lambda end: follow_and_unfollow(
                    client, people[0], [p[0] for p in people[2:]], effects, end
                )
            ),
            keep(lambda end: follow_and_unfollow(client, people[1], [host[0]], effects, end)),
            keep(lambda end: listen_and_react(client, people[2][1], live_id, end)),
            keep(lambda end: listen_and_react(client, people[3][1], live_id, end)),
        ]
        timeline, *_ = await asyncio.gather(kill_in_turn(stack, load_ends), *jobs)
        elapsed = time.monotonic() - started_at

        lost = []
        for space_id in effects.spaces_created:
            seen = await client.send("check", "GET", f"/api/v1/spaces/{space_id}", host[1])
            if seen is None:
                lost.append(f"Space {space_id} acknowledged but missing")
        for (who, whom), on in effects.follows.items():
            followers = await client.send(
                "check", "GET", f"/api/v1/users/{whom}/followers?limit=100"
            )
            assert followers is not None
            handles = {item["handle"] for item in followers.json()["items"]}
            if (who in handles) != on:
                lost.append(f"{who} {'follows' if on else 'unfollowed'} {whom}: not so")

    sent = sum(tally.sent.values()) - tally.sent["check"]
    print(
        f"\nkill one replica at a time ({'; '.join(timeline)}), {elapsed:.0f} s of load:"
        f"\n  requests sent {sent} {dict(tally.sent)}"
        f"\n  answered after a retry {sum(tally.retried.values())} {dict(tally.retried)}"
        f"\n  failed {len(tally.failed)}"
        f"\n  acknowledged effects checked {len(effects.spaces_created) + len(effects.follows)}"
        f" (Spaces created {len(effects.spaces_created)}, follow states {len(effects.follows)}),"
        f" lost {len(lost)}"
    )
    assert tally.failed == []
    assert lost == []


def test_killing_any_one_replica_fails_no_request_and_loses_nothing(
    replicated_stack: ParleyUp,
) -> None:
    asyncio.run(run(replicated_stack))
