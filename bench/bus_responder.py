"""The answering side of the bus benchmark, one process per variant (so that its CPU is its own):

    python bench/bus_responder.py MODE URL

with MODE one of raw, raw_typed, faststream, faststream_serial, faststream_idempotent,
faststream_stock:


- ``raw``: a nats-py queue subscription answering with ``msg.respond``, JSON in and out;
- ``raw_typed``: the same, validating the payload and serialising the result with the route's
  pydantic types (what the hand-written chassis bus did);
- ``faststream``: the chassis route (``route_router`` + ``serve``) on a broker made by
  ``make_broker``, with the tracing a service configures: what every service runs;
- ``faststream_serial``: the same with ``max_in_flight=1``: one request at a time;
- ``faststream_idempotent``: the chassis route with the service's command-outcome store, as
  every service serves its commands since issue 9 (each command id claimed and its outcome
  stored in NATS KV: two more JetStream writes per command);
- ``faststream_stock``: the same route on FastStream's own pieces, as the chassis served it
  before it trimmed them: FastStream's NATS telemetry middleware on the broker (no tracer
  provider installed, as above), its concurrent core subscriber (``max_workers=64``), the
  payload validated by FastDepends from the decoded JSON; ``ProblemReplies`` as in the chassis.

Prints ``ready`` once it serves; stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys

import nats
from faststream.nats import NatsBroker, NatsRouter
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.aio.msg import Msg
from pydantic import BaseModel, Field

from parley.chassis.bus import (
    MAX_IN_FLIGHT,
    ProblemReplies,
    RequestContext,
    route_router,
    serve,
    tolerant_json,
)
from parley.chassis.bus import _current_request as _current_request  # as serve()'s handlers get it
from parley.chassis.idempotency import CommandOutcomes
from parley.chassis.messaging import make_broker
from parley.chassis.tracing import configure_tracing
from parley.contracts.routes import Routes

QUEUE = "bench"


class JoinRequest(BaseModel):
    """A payload the size and shape of a real command's (~200 bytes of JSON)."""

    space_id: str = Field(pattern=r"^sp_[a-z0-9]+$")
    note: str = Field(max_length=200)
    tags: list[str] = Field(max_length=10)
    muted: bool = False


class Joined(BaseModel):
    space_id: str
    role: str
    listeners: int
    actor: str | None


ROUTES = Routes("benchbus")
JOIN = ROUTES.command("join", JoinRequest, Joined)

PAYLOAD = JoinRequest(
    space_id="sp_0123456789abcdef",
    note="a note long enough to look like a real request body, with some words in it",
    tags=["music", "late-night", "ambient"],
)


def subject_of(mode: str) -> str:
    """Each variant on a subject of its own: all three responders run through every round."""
    return f"{JOIN.subject}.{mode}"


def answer(space_id: str, actor: str | None) -> dict[str, object]:
    return {"space_id": space_id, "role": "listener", "listeners": 42, "actor": actor}


async def serve_raw(url: str, *, typed: bool) -> None:
    nc = await nats.connect(url, name=f"bench-responder-{'raw_typed' if typed else 'raw'}")

    async def on_request(msg: Msg) -> None:
        actor = (msg.headers or {}).get("Parley-Actor")
        if typed:
            payload = JoinRequest.model_validate_json(msg.data)
            reply = Joined.model_validate(answer(payload.space_id, actor)).model_dump_json()
            await msg.respond(reply.encode())
        else:
            body = json.loads(msg.data)
            await msg.respond(json.dumps(answer(body["space_id"], actor)).encode())

    await nc.subscribe(subject_of("raw_typed" if typed else "raw"), queue=QUEUE, cb=on_request)
    await nc.flush()
    await until_terminated("ready")
    await nc.drain()


async def serve_faststream(url: str, mode: str) -> None:
    configure_tracing("bench-responder", "none")  # as run_service does

    async def join(payload: JoinRequest, ctx: RequestContext) -> Joined:
        return Joined.model_validate(answer(payload.space_id, ctx.actor))

    broker = make_broker(url, f"bench-responder-{mode}")
    await broker.connect()
    outcomes = None
    if mode == "faststream_idempotent":
        outcomes = await CommandOutcomes.open(broker.connection, "bench")
    router = route_router()
    in_flight = 1 if mode == "faststream_serial" else MAX_IN_FLIGHT
    serve(
        router,
        JOIN,
        join,
        queue=QUEUE,
        subject=subject_of(mode),
        max_in_flight=in_flight,
        outcomes=outcomes,
    )
    broker.include_router(router)
    await broker.start()
    await broker.connection.flush()
    await until_terminated("ready")
    await broker.stop()


async def serve_faststream_stock(url: str) -> None:
    configure_tracing("bench-responder", "none")
    broker = NatsBroker(
        url,
        name="bench-responder-faststream_stock",
        middlewares=(NatsTelemetryMiddleware(),),
        logger=None,
    )
    router = NatsRouter(middlewares=(ProblemReplies,), decoder=tolerant_json)

    @router.subscriber(subject_of("faststream_stock"), queue=QUEUE, max_workers=MAX_IN_FLIGHT)
    async def join(payload: JoinRequest) -> bytes:
        actor = _current_request.get().actor  # what ProblemReplies read from the headers
        return JOIN.result_adapter.dump_json(Joined.model_validate(answer(payload.space_id, actor)))

    broker.include_router(router)
    await broker.start()
    await broker.connection.flush()
    await until_terminated("ready")
    await broker.stop()


async def until_terminated(announce: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print(announce, flush=True)
    await stop.wait()


def main() -> None:
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "faststream_stock":
        asyncio.run(serve_faststream_stock(url))
    elif mode.startswith("faststream"):
        asyncio.run(serve_faststream(url, mode))
    else:
        asyncio.run(serve_raw(url, typed=mode == "raw_typed"))


if __name__ == "__main__":
    main()
