"""Every request gets an answer at once, whatever goes wrong: a bug is a 500 problem, a domain
rejection keeps its status and slug, a body that is not the payload is a 422, never a timeout;
and requests are served side by side, up to ``max_in_flight`` at a time."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
from faststream.nats import NatsBroker, NatsRouter
from nats.aio.client import Client as NATS
from pydantic import BaseModel, Field

from parley.chassis.bus import (
    NOT_SIGNED_IN,
    BusClient,
    RequestContext,
    require_actor,
    route_router,
    serve,
)
from parley.chassis.decider import TooMuchContention
from parley.chassis.errors import Conflict, DomainError, Unauthorized
from parley.chassis.handlers import bind
from parley.chassis.messaging import make_broker
from parley.contracts.routes import PROBLEM_HEADER, Routes


class Note(BaseModel):
    text: str = Field(max_length=100)
    tags: list[str] = []


class Noted(BaseModel):
    text: str
    by: str


class NoteRejected(Exception):
    """A pure domain's own rejection: it knows nothing of the bus, only slug, detail, status."""

    slug = "note-too-rude"
    status = 403

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.detail = f"{text!r} is too rude to note"


ROUTES = Routes("notes")
TAKE_NOTE = ROUTES.command("take_note", Note, Noted)
CRASH = ROUTES.command("crash", Note, Noted)
BUSY = ROUTES.command("busy", Note, Noted)
MISBUILT = ROUTES.command("misbuilt", Note, Noted)
SLOW = ROUTES.query("slow", Note, int)


class Deps:
    def __init__(self) -> None:
        self.notes: list[str] = []


async def take_note(deps: Deps, payload: Note, ctx: RequestContext) -> Noted:
    by = require_actor(ctx, "take notes")
    if "rude" in payload.text:
        raise NoteRejected(payload.text)
    deps.notes.append(payload.text)
    return Noted(text=payload.text, by=by)


async def crash(deps: Deps, payload: Note, ctx: RequestContext) -> Noted:
    return Noted(text=str(1 / 0), by="nobody")


async def misbuilt(deps: Deps, payload: Note, ctx: RequestContext) -> Noted:
    return Noted.model_validate({"text": payload.text})  # forgot "by": the handler's bug


async def contended(deps: Deps, payload: Note, ctx: RequestContext) -> Noted:
    raise TooMuchContention("the notebook")


def notes_router(deps: Deps) -> NatsRouter:
    router = route_router()
    serve(router, TAKE_NOTE, bind(deps, take_note), queue="notes")
    serve(router, CRASH, bind(deps, crash), queue="notes")
    serve(router, BUSY, bind(deps, contended, contended="the notebook"), queue="notes")
    serve(router, MISBUILT, bind(deps, misbuilt), queue="notes")
    return router


@pytest.fixture
def deps() -> Deps:
    return Deps()


@pytest.fixture
async def broker(nats_url: str, deps: Deps) -> AsyncIterator[NatsBroker]:
    broker = make_broker(nats_url, "problems-test")
    broker.include_router(notes_router(deps))
    await broker.start()
    await broker.connection.flush()  # subscribed before another connection sends
    yield broker
    await broker.stop()


@pytest.fixture
def client(broker: NatsBroker) -> BusClient:
    return BusClient(broker, timeout=5)


ALICE = RequestContext(actor="usr_alice")


async def test_a_bug_answers_a_500_problem_at_once(client: BusClient) -> None:
    started = time.perf_counter()
    with pytest.raises(DomainError) as raised:
        await client.call(CRASH, Note(text="hi"), ALICE)

    assert time.perf_counter() - started < 1.0  # not the 5 s bus timeout
    assert raised.value.to_problem() == {
        "type": "internal-error",
        "title": "Internal error",
        "status": 500,
        "detail": "the service failed to handle the request",
    }


async def test_a_model_the_handler_builds_wrongly_is_a_500_not_the_callers_422(
    client: BusClient,
) -> None:
    with pytest.raises(DomainError) as raised:
        await client.call(MISBUILT, Note(text="hi"), ALICE)

    assert raised.value.status == 500
    assert raised.value.type == "internal-error"
    assert "by" not in raised.value.detail  # nothing of the handler's model leaks


async def test_the_service_keeps_serving_after_a_bug(client: BusClient, deps: Deps) -> None:
    for _ in range(3):
        with pytest.raises(DomainError):
            await client.call(CRASH, Note(text="hi"), ALICE)

    assert await client.call(TAKE_NOTE, Note(text="still here"), ALICE) == Noted(
        text="still here", by="usr_alice"
    )
    assert deps.notes == ["still here"]


async def test_a_domain_rejection_keeps_its_status_slug_and_detail(
    client: BusClient, deps: Deps
) -> None:
    with pytest.raises(DomainError) as raised:
        await client.call(TAKE_NOTE, Note(text="a rude note"), ALICE)

    assert raised.value.status == 403
    assert raised.value.type == "note-too-rude"
    assert raised.value.detail == "'a rude note' is too rude to note"
    assert deps.notes == []


async def test_too_much_contention_is_a_409_busy(client: BusClient) -> None:
    with pytest.raises(Conflict) as raised:
        await client.call(BUSY, Note(text="x"), ALICE)

    assert raised.value.type == "busy"
    assert "the notebook" in raised.value.detail


async def test_no_actor_is_the_one_not_signed_in_problem(client: BusClient) -> None:
    with pytest.raises(Unauthorized) as raised:
        await client.call(TAKE_NOTE, Note(text="hi"), RequestContext())

    assert raised.value.status == 401
    assert raised.value.type == NOT_SIGNED_IN == "unauthenticated"
    assert raised.value.detail == "sign in to take notes"


def deeply_nested(depth: int) -> bytes:
    return b'{"text": "x", "tags": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'{"text": "caf\xe9"}', "invalid UTF-8"),
        (b'{"text": "unterminated', "invalid JSON"),
        (b"\xff\xfe\x00garbage", "binary garbage"),
        (b"", "empty body"),
        (b'["text", "a list"]', "JSON, but not an object"),
        (b'{"text": 42}', "JSON of the wrong shape"),
        (deeply_nested(5_000), "5,000-deep nesting"),
        (b'{"text": "' + b"x" * 200 + b'"}', "too long"),
    ],
)
async def test_a_body_that_is_not_the_payload_answers_422_at_once(
    broker: NatsBroker, nc: NATS, body: bytes, why: str
) -> None:
    started = time.perf_counter()
    reply = await nc.request(TAKE_NOTE.subject, body, timeout=3, headers=ALICE.headers())

    assert time.perf_counter() - started < 1.0, why
    assert (reply.headers or {}).get(PROBLEM_HEADER) == "422", why
    problem = json.loads(reply.data)
    assert problem["type"] == "invalid-input", why
    assert problem["status"] == 422, why


async def test_a_process_of_one_route_answers_many_requests_side_by_side(
    nats_url: str,
) -> None:
    in_handler = 0
    most = 0
    all_in = asyncio.Event()
    many = 40

    async def slow(payload: Note, ctx: RequestContext) -> int:
        nonlocal in_handler, most
        in_handler += 1
        most = max(most, in_handler)
        if most == many:
            all_in.set()
        await asyncio.wait_for(all_in.wait(), timeout=5)  # a serial server never gets here
        in_handler -= 1
        return most

    router = route_router()
    serve(router, SLOW, slow, queue="notes")
    broker = make_broker(nats_url, "concurrency-test")
    broker.include_router(router)
    await broker.start()
    try:
        client = BusClient(broker, timeout=10)
        answers = await asyncio.gather(
            *(client.call(SLOW, Note(text=str(i)), ALICE) for i in range(many))
        )
    finally:
        await broker.stop()

    assert answers == [many] * many


async def test_max_in_flight_bounds_the_requests_handled_at_once(nats_url: str) -> None:
    in_handler = 0
    most = 0

    async def slow(payload: Note, ctx: RequestContext) -> int:
        nonlocal in_handler, most
        in_handler += 1
        most = max(most, in_handler)
        await asyncio.sleep(0.1)
        in_handler -= 1
        return int(payload.text)

    router = route_router()
    serve(router, SLOW, slow, queue="notes", max_in_flight=3)
    broker = make_broker(nats_url, "bounded-test")
    broker.include_router(router)
    await broker.start()
    try:
        client = BusClient(broker, timeout=10)
        started = time.perf_counter()
        answers = await asyncio.gather(
            *(client.call(SLOW, Note(text=str(i)), ALICE) for i in range(12))
        )
        elapsed = time.perf_counter() - started
    finally:
        await broker.stop()

    assert answers == list(range(12))  # every one answered, each with its own result
    assert most == 3
    assert elapsed >= 0.35  # 12 requests, 3 at a time, 0.1 s each: at least 4 waves
