"""What is timed in the room benchmarks: joins, reads, pings and reactions sent through the
gateway of the real stack by many concurrent clients (``load_clients.py``: several processes
of keep-alive aiohttp clients), and what WebSocket clients receive meanwhile.

Users are registered before anything is timed. Every request carries its user's bearer token,
as a third-party app would send it. Preparing a Space and checking what it shows go through
one httpx client in the benchmark process (never timed).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

import httpx
from load_clients import Answers, Call, LoadClients
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

PASSWORD = "correct horse battery"
REGISTER_CONCURRENCY = 8  # password hashing is CPU-bound: more only queues in identity


@dataclass(frozen=True)
class User:
    id: str
    handle: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def api_client(base_url: str, concurrency: int) -> httpx.AsyncClient:
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them under a
    # request (which would surface as "server disconnected without sending a response").
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2
    )
    return httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits, trust_env=False)


# -- preparation (never timed) ---------------------------------------------------------------


async def register_users(clients: LoadClients, base_url: str, count: int) -> list[User]:
    """``count`` new accounts, registered by the load clients (a burst may be refused 503
    ``overloaded`` before anything is applied: those are retried after ``Retry-After``)."""
    prefix = uuid.uuid4().hex[:5]
    calls = [
        Call(
            "POST",
            "/api/v1/auth/register",
            body={"handle": f"b{prefix}_{n}", "display_name": f"Bench {n}", "password": PASSWORD},
        )
        for n in range(count)
    ]
    answers = await clients.storm(base_url, calls, REGISTER_CONCURRENCY, keep_bodies=True)
    if len(answers.bodies) != count:
        raise RuntimeError(f"registration failed: {answers.failures[:3]}")
    return [
        User(body["user"]["id"], body["user"]["handle"], body["access_token"])
        for _, body in sorted(answers.bodies.items())
    ]


async def live_space(client: httpx.AsyncClient, host: User, title: str) -> str:
    created = await client.post("/api/v1/spaces", headers=host.auth, json={"title": title})
    created.raise_for_status()
    space_id = str(created.json()["id"])
    started = await client.post(f"/api/v1/spaces/{space_id}/start", headers=host.auth)
    started.raise_for_status()
    return space_id


async def get_space(client: httpx.AsyncClient, space_id: str, viewer: User) -> dict[str, Any]:
    response = await client.get(f"/api/v1/spaces/{space_id}", headers=viewer.auth)
    response.raise_for_status()
    return dict(response.json())


# -- storms of requests ----------------------------------------------------------------------


@dataclass
class Storm:
    """Many requests sent by a fixed number of concurrent clients."""

    requests: int
    seconds: float
    latencies: list[float]
    failures: list[str] = field(default_factory=list)
    failed: int = 0
    retries: int = 0

    @classmethod
    def of(cls, answers: Answers) -> Storm:
        failed = sum(1 for status in answers.statuses if not 200 <= status < 300)
        return cls(
            len(answers.statuses),
            answers.seconds,
            answers.latencies,
            answers.failures,
            failed,
            answers.retries,
        )

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile_ms(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_s": round(self.rate, 1),
            "p50_ms": round(self.percentile_ms(50), 2),
            "p99_ms": round(self.percentile_ms(99), 2),
            "max_ms": round(max(self.latencies, default=0) * 1000, 2),
            "failures": self.failed,
            "retried_overloaded": self.retries,
            "first_failures": self.failures[:3],
        }


def join_calls(users: Sequence[User], space_id: str) -> list[Call]:
    return [Call("POST", f"/api/v1/spaces/{space_id}/join", u.token) for u in users]


def read_calls(users: Sequence[User], space_id: str) -> list[Call]:
    return [Call("GET", f"/api/v1/spaces/{space_id}", u.token) for u in users]


def listener_calls(users: Sequence[User], space_id: str, limit: int = 50) -> list[Call]:
    """listListeners' first page, each user as the caller (people they follow first)."""
    path = f"/api/v1/spaces/{space_id}/listeners?limit={limit}"
    return [Call("GET", path, u.token) for u in users]


def follow_calls(followers: Sequence[User], followees: Sequence[User], each: int) -> list[Call]:
    """Each follower follows ``each`` of the followees, spread over them."""
    step = max(1, len(followees) // max(each, 1))
    return [
        Call("PUT", f"/api/v1/users/{followee.handle}/follow", follower.token)
        for follower in followers
        for followee in followees[::step][:each]
    ]


def ping_calls(users: Sequence[User]) -> list[Call]:
    """The floor: an authenticated no-op through gateway, bus and identity."""
    return [Call("GET", "/api/v1/ping", u.token) for u in users]


async def seconds_until_listeners(
    client: httpx.AsyncClient, space_id: str, viewer: User, count: int, timeout_s: float = 60
) -> float | None:
    """How long until ``getSpace`` shows ``count`` listeners (None: not within the timeout)."""
    start = perf_counter()
    while perf_counter() - start < timeout_s:
        if (await get_space(client, space_id, viewer))["listener_count"] >= count:
            return perf_counter() - start
        await asyncio.sleep(0.05)
    return None


# -- live channel clients --------------------------------------------------------------------


@dataclass
class Received:
    at: float
    type: str
    data: dict[str, Any]


class LiveTally:
    """A WebSocket client that only counts what it receives."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.received: list[Received] = []
        self.task = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, base_url: str, space_id: str, user: User) -> LiveTally:
        url = base_url.replace("http://", "ws://", 1) + f"/api/v1/spaces/{space_id}/live"
        connection = await connect(
            url, additional_headers=user.auth, proxy=None, max_queue=None, open_timeout=30
        )
        return cls(connection)

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.connection:
                message = json.loads(raw)
                self.received.append(Received(perf_counter(), message["type"], message["data"]))

    async def wait_for_state(self, timeout_s: float = 30) -> None:
        start = perf_counter()
        while not any(r.type == "space.state" for r in self.received):
            if perf_counter() - start > timeout_s or self.task.done():
                raise RuntimeError("no space.state on the live channel")
            await asyncio.sleep(0.02)

    def between(self, start: float, end: float, kind: str | None = None) -> list[Received]:
        return [
            r for r in self.received if start <= r.at <= end and (kind is None or r.type == kind)
        ]

    def audience_net(self, since: float) -> int:
        """Who came into the audience minus who left it, by the ``audience.changed`` messages."""
        changes = [r.data for r in self.received if r.at >= since and r.type == "audience.changed"]
        return sum(int(c["joined_total"]) - int(c["left_total"]) for c in changes)

    def counted(self, kind: str, count: int) -> float | None:
        """When a ``kind`` message (``listeners.count``, ``audience.changed``) first said
        ``count`` (None: not yet)."""
        return next(
            (r.at for r in self.received if r.type == kind and r.data["count"] == count), None
        )

    def reactions_total(self, since: float) -> int:
        return sum(int(r.data["total"]) for r in self.received if r.at >= since and _batch(r))

    async def close(self) -> None:
        await self.connection.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.task, 5)


def _batch(received: Received) -> bool:
    return received.type == "reactions"


# -- reactions -------------------------------------------------------------------------------


async def drain(
    tallies: Sequence[LiveTally], since: float, expected: int, timeout_s: float = 5
) -> None:
    """Until every socket has seen batches adding up to ``expected`` (or the deadline)."""
    start = perf_counter()
    while perf_counter() - start < timeout_s:
        if all(t.reactions_total(since) >= expected for t in tallies):
            return
        await asyncio.sleep(0.05)
