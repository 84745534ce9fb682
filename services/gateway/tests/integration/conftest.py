"""A real gateway (uvicorn on a free port) on the real nats-server fixture, with fake identity
and room services answering on their real subjects in the bus's wire format (the result as JSON,
or a problem flagged by the ``Parley-Problem`` header), and WebSocket clients for live
channels."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
import websockets
import websockets.asyncio.client
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg

from parley.chassis.bus import ACTOR_HEADER, CORRELATION_HEADER
from parley.chassis.embedded_nats import free_port
from parley.chassis.messaging import connect
from parley.chassis.tokens import TokenSigner, generate_key_pair
from parley.contracts.routes import PROBLEM_HEADER
from parley.gateway import bootstrap
from parley.gateway.server import server_config
from parley.gateway.settings import GatewaySettings


@dataclass(frozen=True)
class Keys:
    signer: TokenSigner
    public_key_file: Path
    private_pem: bytes

    def token(self, user_id: str = "usr_ada", handle: str = "ada", **kwargs: Any) -> str:
        return self.signer.issue(user_id, handle, **kwargs)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    private, public = generate_key_pair(tmp_path_factory.mktemp("keys"))
    return Keys(TokenSigner(private.read_bytes()), public, private.read_bytes())


def user_view(handle: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"usr_{handle}", "handle": handle, "display_name": handle.title(), **extra}


@dataclass
class BusCall:
    kind: str  # cmd | qry
    name: str
    payload: dict[str, Any]
    headers: dict[str, str]

    @property
    def actor(self) -> str | None:
        return self.headers.get(ACTOR_HEADER)

    @property
    def correlation_id(self) -> str | None:
        return self.headers.get(CORRELATION_HEADER)


Answer = Callable[[dict[str, Any]], Any]


async def respond(
    nc: NATS, msg: Msg, result: Any = None, *, problem: dict[str, Any] | None = None
) -> None:
    """Answer a request as a service does: the result, or a problem with its header."""
    if problem is not None:
        body, headers = problem, {PROBLEM_HEADER: str(problem["status"])}
    else:
        body, headers = result, {}
    await nc.publish(msg.reply, json.dumps(body).encode(), headers=headers)


@dataclass
class FakeIdentity:
    """Answers ``cmd.identity.*`` / ``qry.identity.*`` like identity would, and records calls.

    ``answers[name]`` maps a payload to the result; ``fail(name, status, slug)`` makes a request
    answer that problem.
    """

    nc: NATS
    keys: Keys
    calls: list[BusCall] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    suspended_ids: list[str] = field(default_factory=list)
    silent: bool = False

    def __post_init__(self) -> None:
        def registered(p: dict[str, Any]) -> dict[str, Any]:
            token = self.keys.token(f"usr_{p['handle']}", p["handle"])
            user = user_view(p["handle"], display_name=p["display_name"])
            return {"user": user, "access_token": token, "expires_in": 3600}

        def logged_in(p: dict[str, Any]) -> dict[str, Any]:
            token = self.keys.token(f"usr_{p['handle']}", p["handle"])
            return {"access_token": token, "token_type": "bearer", "expires_in": 3600}

        def page(p: dict[str, Any]) -> dict[str, Any]:
            return {
                "items": [{"id": "usr_b", "handle": "b", "display_name": "B"}],
                "next_cursor": "c2",
            }

        target: Answer = lambda p: user_view(p["handle"])  # noqa: E731
        self.answers = {
            "register": registered,
            "login": logged_in,
            "update_profile": lambda p: user_view("ada", **{k: v for k, v in p.items() if v}),
            "get_me": lambda p: user_view("ada"),
            "get_user": target,
            "follow": lambda p: user_view(p["handle"], followed_by_me=True),
            "unfollow": target,
            "block": lambda p: user_view(p["handle"], blocked_by_me=True),
            "unblock": target,
            "suspend": lambda p: user_view(p["handle"], suspended=True),
            "reinstate": target,
            "list_followers": page,
            "list_following": page,
            "suspended_users": lambda p: {"user_ids": list(self.suspended_ids)},
        }

    async def start(self) -> FakeIdentity:
        self._subs = [
            await self.nc.subscribe("cmd.identity.*", cb=self._on_request),
            await self.nc.subscribe("qry.identity.*", cb=self._on_request),
        ]
        await self.nc.flush()
        return self

    async def stop(self) -> None:
        """Identity goes away: nobody answers its subjects any more."""
        subs, self._subs = self._subs, []
        for sub in subs:
            await sub.unsubscribe()
        await self.nc.flush()

    def fail(self, name: str, status: int, slug: str, detail: str = "nope") -> None:
        self.failures[name] = {
            "type": slug,
            "title": slug.title(),
            "status": status,
            "detail": detail,
        }

    def reset(self) -> FakeIdentity:
        """As if just started (for a fake shared by a module's tests)."""
        self.calls.clear()
        self.failures.clear()
        self.suspended_ids.clear()
        self.silent = False
        self.__post_init__()
        return self

    def requests(self, name: str | None = None) -> list[BusCall]:
        """Calls made for HTTP requests (the background suspension list load left out)."""
        return [
            c
            for c in self.calls
            if c.name != "suspended_users" and (name is None or c.name == name)
        ]

    async def _on_request(self, msg: Msg) -> None:
        kind, _, name = msg.subject.split(".")
        payload = json.loads(msg.data or b"{}")
        self.calls.append(BusCall(kind, name, payload, dict(msg.headers or {})))
        if self.silent:
            return
        if name in self.failures:
            await respond(self.nc, msg, problem=self.failures[name])
        else:
            await respond(self.nc, msg, self.answers[name](payload))


@pytest.fixture
async def identity_nc(nats_url: str) -> AsyncIterator[NATS]:
    client = await connect(nats_url, name="fake-identity")
    yield client
    await client.close()


@pytest.fixture
async def start_fake_identity(
    identity_nc: NATS, keys: Keys
) -> AsyncIterator[Callable[[], Awaitable[FakeIdentity]]]:
    """Starts a fake identity service when called (for tests where it comes up late)."""
    started: list[FakeIdentity] = []

    async def start() -> FakeIdentity:
        fake = await FakeIdentity(identity_nc, keys).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        await fake.stop()


@pytest.fixture
async def fake_identity(start_fake_identity: Callable[[], Awaitable[FakeIdentity]]) -> FakeIdentity:
    return await start_fake_identity()


@dataclass
class Gateway:
    client: httpx.AsyncClient
    settings: GatewaySettings
    parts: bootstrap.Gateway
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def port(self) -> int:
        return self.settings.http_port

    def nats_subscriptions(self, subject: str) -> int:
        """Subscriptions the gateway's own (and only) NATS connection holds on ``subject``."""
        connection = self.parts.broker.connection
        return sum(1 for sub in connection._subs.values() if sub.subject == subject)

    async def stop(self) -> None:
        """Stop serving; the app's shutdown stops the broker and drains its connection."""
        await self.client.aclose()
        self.server.should_exit = True
        await self.task


StartGateway = Callable[..., Awaitable[Gateway]]


async def launch_gateway(nats_url: str, keys: Keys, **overrides: Any) -> Gateway:
    port = free_port()
    settings = GatewaySettings.model_validate(
        {
            "NATS_URL": nats_url,
            "token_public_key_file": keys.public_key_file,
            "http_port": port,
            "suspension_retry_s": 0.05,
            # Each gateway its own rate-limit budget, unless a test says they share one.
            "rate_limit_bucket": f"rate_limits_{port}",
            **overrides,
        }
    )
    parts = bootstrap.build_gateway(settings, bootstrap.make_deps(settings))
    config = server_config(settings, parts.app)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not server.started:
        if task.done():
            task.result()
        assert time.monotonic() < deadline, "gateway did not start"
        await asyncio.sleep(0.01)
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10)
    return Gateway(client, settings, parts, server, task)


@pytest.fixture
async def start_gateway(nats_url: str, keys: Keys) -> AsyncIterator[StartGateway]:
    running: list[Gateway] = []

    async def start(**overrides: Any) -> Gateway:
        gateway = await launch_gateway(nats_url, keys, **overrides)
        running.append(gateway)
        return gateway

    yield start
    for gateway in running:
        await gateway.stop()


@pytest.fixture
async def gateway(fake_identity: FakeIdentity, start_gateway: StartGateway) -> Gateway:
    return await start_gateway()


@pytest.fixture
async def api(gateway: Gateway) -> httpx.AsyncClient:
    return gateway.client


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 5.0) -> None:
    """Until ``check()`` (sync or async) is true; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not await _truth(check()):
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def _truth(value: Awaitable[bool] | bool) -> bool:
    return bool(await value) if inspect.isawaitable(value) else bool(value)


PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["type"] == f"https://parley.dev/errors/{slug}", body
    assert body["status"] == status
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert "Traceback" not in response.text
    return body


@pytest.fixture(name="assert_problem")
def assert_problem_fixture() -> Callable[[httpx.Response, int, str], dict[str, Any]]:
    return assert_problem


@pytest.fixture(name="eventually")
def eventually_fixture() -> Callable[..., Awaitable[None]]:
    return eventually


@pytest.fixture(name="user_view")
def user_view_fixture() -> Callable[..., dict[str, Any]]:
    return user_view


# -- room ----------------------------------------------------------------------------------

HOST_ID = "usr_host"


def space_view(space_id: str = "sp_1", **extra: Any) -> dict[str, Any]:
    return {
        "id": space_id,
        "title": "Morning show",
        "state": "live",
        "host": {"user_id": HOST_ID, "handle": "host", "muted": False},
        "settings": {"speak_policy": "everyone"},
        "share_url": f"https://parley.example/s/{space_id}",
        "version": 5,
        **extra,
    }


@dataclass
class FakeRoom:
    """Answers ``cmd.room.*`` / ``qry.room.*`` like room would, and records calls.

    ``views[space_id]`` overrides what ``get_space`` answers for that Space (``my_role`` is
    ``host`` for the host and ``listener`` for anyone else unless ``roles[user_id]`` says);
    ``hold(name)`` makes requests of that name wait until released. With ``known_only`` it
    knows only the Spaces of ``views`` (``get_space`` of another: 404 ``space-not-found``);
    ``summaries`` (when set) is what ``list_spaces`` answers.
    """

    nc: NATS
    calls: list[BusCall] = field(default_factory=list)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    held: dict[str, asyncio.Event] = field(default_factory=dict)
    known_only: bool = False
    summaries: list[dict[str, Any]] | None = None

    async def start(self) -> FakeRoom:
        self._tasks: set[asyncio.Task[None]] = set()
        self._subs = [
            await self.nc.subscribe("cmd.room.*", cb=self._on_request),
            await self.nc.subscribe("qry.room.*", cb=self._on_request),
        ]
        await self.nc.flush()
        return self

    async def stop(self) -> None:
        for event in self.held.values():
            event.set()
        subs, self._subs = self._subs, []
        for sub in subs:
            await sub.unsubscribe()
        await self.nc.flush()

    def fail(self, name: str, status: int, slug: str, detail: str = "nope") -> None:
        self.failures[name] = {"type": slug, "title": slug, "status": status, "detail": detail}

    def hold(self, name: str) -> asyncio.Event:
        self.held[name] = asyncio.Event()
        return self.held[name]

    def requests(self, name: str | None = None) -> list[BusCall]:
        return [c for c in self.calls if name is None or c.name == name]

    def reset(self) -> FakeRoom:
        for event in self.held.values():
            event.set()
        self.held.clear()
        self.calls.clear()
        self.failures.clear()
        self.views.clear()
        self.roles.clear()
        self.known_only = False
        self.summaries = None
        return self

    def view(self, space_id: str, actor: str | None) -> dict[str, Any]:
        role = self.roles.get(actor or "", "host" if actor == HOST_ID else "listener")
        return {
            **space_view(space_id, my_role=role if actor else "none"),
            **self.views.get(space_id, {}),
        }

    def answer(self, name: str, payload: dict[str, Any], actor: str | None) -> Any:
        space_id = payload.get("space_id", "sp_new")
        if name == "join_space":
            return {"role": "listener", "space": self.view(space_id, actor)}
        if name == "react":
            return {"accepted": True, "emoji": payload["emoji"]}
        if name == "list_spaces" and self.summaries is not None:
            return {"items": self.summaries}
        if name == "list_spaces":
            summary = {
                key: space_view("sp_1")[key]
                for key in ("id", "title", "state", "host", "share_url")
            }
            return {"items": [summary]}
        if name == "get_space_analytics":
            return {
                "space_id": space_id,
                "unique_listeners": 3,
                "peak_concurrent": 2,
                "average_listening_s": 61.5,
                "speakers": 1,
                "reactions": 7,
            }
        if name == "list_notifications":
            return {"items": [], "next_cursor": None, "unread": 2}
        return self.view(space_id, actor)

    async def _on_request(self, msg: Msg) -> None:
        # Answered in a task of its own, so a held request does not block the others.
        task = asyncio.create_task(self._answer(msg))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, msg: Msg) -> None:
        kind, _, name = msg.subject.split(".")
        payload = json.loads(msg.data or b"{}")
        call = BusCall(kind, name, payload, dict(msg.headers or {}))
        self.calls.append(call)
        if name in self.held:
            await self.held[name].wait()
        space_id = payload.get("space_id")
        if name in self.failures:
            await respond(self.nc, msg, problem=self.failures[name])
        elif self.known_only and space_id is not None and space_id not in self.views:
            await respond(self.nc, msg, problem=SPACE_NOT_FOUND)
        else:
            await respond(self.nc, msg, self.answer(name, payload, call.actor))


SPACE_NOT_FOUND = {
    "type": "space-not-found",
    "title": "Space not found",
    "status": 404,
    "detail": "no such Space",
}


@pytest.fixture
async def room_nc(nats_url: str) -> AsyncIterator[NATS]:
    client = await connect(nats_url, name="fake-room")
    yield client
    await client.close()


@pytest.fixture
async def fake_room(room_nc: NATS) -> AsyncIterator[FakeRoom]:
    fake = await FakeRoom(room_nc).start()
    yield fake
    await fake.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_room(nats_url: str) -> AsyncIterator[FakeRoom]:
    """One fake room for a whole module (with :func:`module_gateway`)."""
    client = await connect(nats_url, name="fake-room-module")
    fake = await FakeRoom(client).start()
    yield fake
    await fake.stop()
    await client.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_identity(nats_url: str, keys: Keys) -> AsyncIterator[FakeIdentity]:
    """One fake identity for a whole module (with :func:`module_gateway`)."""
    client = await connect(nats_url, name="fake-identity-module")
    fake = await FakeIdentity(client, keys).start()
    yield fake
    await fake.stop()
    await client.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_gateway(
    nats_url: str, keys: Keys, module_room: FakeRoom, module_identity: FakeIdentity
) -> AsyncIterator[Gateway]:
    """One gateway for a whole module of tests that leave no state behind (a gateway takes
    ~0.5 s to start and stop); see ``shared_gateway/conftest.py``. Rate limits are off: they
    would count every test's registrations."""
    gateway = await launch_gateway(
        nats_url, keys, suspension_refresh_s=0, register_rate_limit=0, login_rate_limit=0
    )
    yield gateway
    await gateway.stop()


# -- media relay ---------------------------------------------------------------------------


@dataclass
class FakeMedia:
    """Answers ``cmd.media.*`` / ``qry.media.*`` like the relay would, and records calls.

    ``speaking[space_id]`` is who ``active_speakers`` names; ``slow_s`` delays every answer."""

    nc: NATS
    calls: list[BusCall] = field(default_factory=list)
    speaking: dict[str, list[str]] = field(default_factory=dict)
    slow_s: float = 0.0

    async def start(self) -> FakeMedia:
        self._tasks: set[asyncio.Task[None]] = set()
        self._subs = [
            await self.nc.subscribe("cmd.media.*", cb=self._on_request),
            await self.nc.subscribe("qry.media.*", cb=self._on_request),
        ]
        await self.nc.flush()
        return self

    async def stop(self) -> None:
        subs, self._subs = self._subs, []
        for sub in subs:
            await sub.unsubscribe()
        for task in self._tasks:  # answers still being slow
            task.cancel()

    def requests(self, name: str | None = None) -> list[BusCall]:
        return [c for c in self.calls if name is None or c.name == name]

    def answer(self, name: str, payload: dict[str, Any]) -> Any:
        space_id = payload["space_id"]
        if name == "negotiate":
            return {
                "sdp": f"answer to {payload['sdp']}",
                "type": "answer",
                "session_id": "ms_1",
                "worker_id": "relay-1",
                "can_publish": False,
            }
        if name == "close_session":
            return {"space_id": space_id, "closed": True}
        return {"space_id": space_id, "user_ids": self.speaking.get(space_id, [])}

    async def _on_request(self, msg: Msg) -> None:
        task = asyncio.create_task(self._answer(msg))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, msg: Msg) -> None:
        kind, _, name = msg.subject.split(".")
        payload = json.loads(msg.data or b"{}")
        self.calls.append(BusCall(kind, name, payload, dict(msg.headers or {})))
        await asyncio.sleep(self.slow_s)
        await respond(self.nc, msg, self.answer(name, payload))


@pytest.fixture
async def fake_media(nats_url: str) -> AsyncIterator[FakeMedia]:
    client = await connect(nats_url, name="fake-media")
    fake = await FakeMedia(client).start()
    yield fake
    await fake.stop()
    await client.close()


Publish = Callable[..., Awaitable[str]]


def publisher(nc: NATS) -> Publish:
    """Publish a live message as room would; returns the exact text sent."""

    async def publish(
        subject: str, type: str, data: dict[str, Any] | None = None, **envelope: Any
    ) -> str:
        message = {"type": type, "space_id": None, "at": "2030-01-01T00:00:00Z", "data": data or {}}
        text = json.dumps({**message, **envelope}, ensure_ascii=False)
        await nc.publish(subject, text.encode())
        await nc.flush()
        return text

    return publish


@pytest.fixture
def publish(room_nc: NATS) -> Publish:
    return publisher(room_nc)


# -- live channels ---------------------------------------------------------------------------


@dataclass
class Live:
    """A WebSocket client on one live channel."""

    connection: websockets.asyncio.client.ClientConnection

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        return json.loads(await self.next_text(timeout))

    async def next_text(self, timeout: float = 5.0) -> str:
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        assert isinstance(raw, str)
        return raw

    async def closed(
        self, timeout: float = 5.0
    ) -> tuple[int | None, str | None, list[dict[str, Any]]]:
        """Read until the server closes: (close code, reason, messages received meanwhile)."""
        messages = []
        deadline = time.monotonic() + timeout
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"still open after {timeout}s; got {messages}"
                raw = await asyncio.wait_for(self.connection.recv(), remaining)
                messages.append(json.loads(raw))
        return self.connection.close_code, self.connection.close_reason, messages

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def close(self) -> None:
        await self.connection.close()


OpenLive = Callable[..., Awaitable[Live]]


async def connect_live(
    gateway: Gateway,
    path: str,
    *,
    token: str | None = None,
    cookie: str | None = None,
    ticket: str | None = None,
    **options: Any,
) -> Live:
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = f"parley_token={cookie}"
    url = f"ws://127.0.0.1:{gateway.port}{path}"
    if ticket is not None:
        url += f"?ticket={ticket}"
    connection = await websockets.asyncio.client.connect(
        url, additional_headers=headers, open_timeout=5, close_timeout=2, **options
    )
    return Live(connection)


@contextlib.asynccontextmanager
async def live_sockets() -> AsyncIterator[OpenLive]:
    """Opens live sockets, and closes those still open at the end."""
    opened: list[Live] = []

    async def open_live(gateway: Gateway, path: str, **options: Any) -> Live:
        live = await connect_live(gateway, path, **options)
        opened.append(live)
        return live

    yield open_live
    for live in opened:
        await live.close()


@pytest.fixture
async def open_live() -> AsyncIterator[OpenLive]:
    async with live_sockets() as open_live:
        yield open_live


# Test modules cannot import this file (importlib mode): fixtures hand its helpers out, for
# modules that build fixtures of their own (e.g. in a module-scoped event loop).


@pytest.fixture(scope="session", name="launch_gateway")
def launch_gateway_fixture() -> Callable[..., Awaitable[Gateway]]:
    return launch_gateway


@pytest.fixture(scope="session", name="live_sockets")
def live_sockets_fixture() -> Callable[[], contextlib.AbstractAsyncContextManager[OpenLive]]:
    return live_sockets


@pytest.fixture(scope="session", name="publisher")
def publisher_fixture() -> Callable[[NATS], Publish]:
    return publisher
