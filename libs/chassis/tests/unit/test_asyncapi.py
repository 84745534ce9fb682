"""A service's AsyncAPI document: FastStream's, completed with replies, policies' events and
the events of the streams the service owns. Built from routers alone: no server, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from faststream.nats import ConsumerConfig, JStream, NatsBroker, NatsMessage, NatsRouter, PullSub
from pydantic import BaseModel, Field

from parley.chassis.asyncapi import SERVER_HOST, SpecificationClash, render, service_document
from parley.chassis.bus import RequestContext, route_router, serve
from parley.chassis.health import HEALTH_STATUS
from parley.chassis.policies import Policy, subscribe_policy
from parley.chassis.service import health_subject
from parley.contracts import streams
from parley.contracts.events.identity import UserRegistered
from parley.contracts.events.room import ParticipantRemoved
from parley.contracts.live import LiveMessage
from parley.contracts.registry import events_of
from parley.contracts.routes import COMMON_PROBLEMS, PROBLEM_HEADER, Routes
from parley.contracts.subjects import snake_case

Json = dict[str, Any]


class Frob(BaseModel):
    thing_id: str = Field(description="The thing to frob")


class Frobbed(BaseModel):
    thing_id: str
    times: int = Field(description="How often it was frobbed")


ROUTES = Routes("asyncapi_test")
FROB = ROUTES.command("frob", Frob, Frobbed, problems=("thing-missing",), description="Frob it")
COUNT = ROUTES.query("count", Frob, Frobbed)


async def answer(payload: Frob, ctx: RequestContext) -> Frobbed:
    return Frobbed(thing_id=payload.thing_id, times=1)


async def react(event: ParticipantRemoved, stored: object) -> None:
    pass


async def on_suspension(message: NatsMessage) -> None:
    pass


def service_broker() -> NatsBroker:
    """The shape of a service's broker: routes on a route router, one served on a subject of
    its own too (a worker's), a policy, a plain subscription to stored events, a live publisher
    and the chassis' health subscriber."""
    broker = NatsBroker("nats://127.0.0.1:1")  # never connected
    routes = route_router()
    serve(routes, FROB, answer, queue="asyncapi_test")
    serve(routes, COUNT, answer, queue="asyncapi_test")
    serve(routes, FROB, answer, queue="asyncapi_test", subject="asyncapi_test.worker.w1.frob")
    policies = NatsRouter()
    policy = Policy("test_block", ParticipantRemoved, react, description="Reacts to removals")
    subscribe_policy(policies, policy, dead_letters=None)  # type: ignore[arg-type]
    policies.subscriber("identity.*.user_suspended", title="suspensions")(on_suspension)
    policies.subscriber("room.{space_id}.space_ended", title="endings")(on_suspension)
    some_events = ConsumerConfig(filter_subjects=["room.*.space_started", "room.*.space_ended"])
    policies.subscriber(
        "room.>",
        stream=JStream(streams.ROOM.name, declare=False),
        durable="watch_w1",  # the key becomes watch_{worker_id}
        pull_sub=PullSub(batch_size=1, timeout=1.0),
        config=some_events,
        title="watch_w1:room.>",
    )(on_suspension)
    live = NatsRouter()
    live.publisher("live.space.{space_id}", title="live", schema=LiveMessage)
    health = NatsRouter()

    @health.subscriber(health_subject("asyncapi_test"), title="health")
    async def on_health() -> dict[str, object]:
        return {}

    for router in (routes, policies, live, health):
        broker.include_router(router)
    return broker


@pytest.fixture(scope="module")
def document() -> Json:
    return service_document(
        "asyncapi_test",
        service_broker(),
        owned_streams=[streams.IDENTITY],
        routes=ROUTES.all,
        replica_tokens={"w1": "worker_id"},
    )


def resolve(document: Json, reference: Json) -> Json:
    node: Any = document
    for part in reference["$ref"].removeprefix("#/").split("/"):
        node = node[unquote(part).replace("~1", "/").replace("~0", "~")]
    assert isinstance(node, dict)
    return node


def references(node: Any) -> Iterator[Json]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def operation_on(document: Json, address: str) -> Json:
    for operation in document["operations"].values():
        if resolve(document, operation["channel"]).get("address") == address:
            return dict(operation)
    raise AssertionError(f"no operation on {address}")


def payload(document: Json, message: Json) -> Json:
    schema = message["payload"]
    return resolve(document, schema) if "$ref" in schema else dict(schema)


def test_it_is_asyncapi_3_with_a_fixed_server(document: Json) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] == "Parley asyncapi_test"
    assert [server["host"] for server in document["servers"].values()] == [SERVER_HOST]


def test_every_reference_resolves(document: Json) -> None:
    found = list(references(document))
    assert found
    for reference in found:
        resolve(document, reference)


@pytest.mark.parametrize("route", ROUTES.all, ids=lambda route: route.subject)
def test_a_route_has_its_request_and_both_replies(document: Json, route: Any) -> None:
    operation = operation_on(document, route.subject)
    assert operation["action"] == "receive"
    (request,) = [resolve(document, resolve(document, m)) for m in operation["messages"]]
    assert payload(document, request)["title"] == "Frob"
    assert "Parley-Actor" in request["headers"]["properties"]

    reply_channel = resolve(document, operation["reply"]["channel"])
    assert reply_channel["address"] is None  # the requester's inbox
    result, problem = (
        resolve(document, resolve(document, m)) for m in operation["reply"]["messages"]
    )
    assert payload(document, result)["properties"]["times"]["description"] == (
        "How often it was frobbed"
    )
    assert problem["headers"]["required"] == [PROBLEM_HEADER]
    problem_schema, slugs = problem["payload"]["allOf"]
    assert set(resolve(document, problem_schema)["required"]) == {
        "type",
        "title",
        "status",
        "detail",
    }
    assert slugs["properties"]["type"]["enum"] == [*route.problems, *COMMON_PROBLEMS]


def test_a_route_on_a_subject_of_its_own_is_documented_as_that_route(document: Json) -> None:
    operation = operation_on(document, "asyncapi_test.worker.{worker_id}.frob")
    assert set(resolve(document, operation["channel"])["parameters"]) == {"worker_id"}
    assert operation["summary"] == "Frob it"
    replies = [resolve(document, resolve(document, m)) for m in operation["reply"]["messages"]]
    assert [reply["name"] for reply in replies] == ["Frobbed", "Problem"]


def test_a_policy_reads_the_event_envelope(document: Json) -> None:
    operation = operation_on(document, "room.*.participant_removed")
    channel = resolve(document, operation["channel"])
    assert "Reacts to removals" in channel["description"]
    assert "stream ROOM" in channel["description"]
    assert "durable consumer" in channel["description"]
    (message,) = [resolve(document, resolve(document, m)) for m in operation["messages"]]
    envelope = payload(document, message)
    assert envelope["properties"]["event_type"]["const"] == "ParticipantRemoved"
    data = resolve(document, envelope["properties"]["data"])
    assert set(data["properties"]) == set(ParticipantRemoved.model_fields)
    assert message["headers"]["properties"]["Parley-Event-Type"]["const"] == "ParticipantRemoved"


def test_a_plain_subscription_to_stored_events_reads_the_envelope_too(document: Json) -> None:
    operation = operation_on(document, "identity.*.user_suspended")
    channel = resolve(document, operation["channel"])
    assert "core NATS subscription" in channel["description"]
    (message,) = [resolve(document, resolve(document, m)) for m in operation["messages"]]
    assert payload(document, message)["properties"]["event_type"]["const"] == "UserSuspended"


def test_a_path_parameter_matches_any_aggregate_and_is_declared(document: Json) -> None:
    operation = operation_on(document, "room.{space_id}.space_ended")
    channel = resolve(document, operation["channel"])
    assert set(channel["parameters"]) == {"space_id"}
    (message,) = [resolve(document, resolve(document, m)) for m in operation["messages"]]
    assert payload(document, message)["properties"]["event_type"]["const"] == "SpaceEnded"


def test_a_consumer_filtered_to_several_events_reads_one_of_their_envelopes(
    document: Json,
) -> None:
    operation = operation_on(document, "room.>")
    (message,) = [resolve(document, resolve(document, m)) for m in operation["messages"]]
    envelopes = [resolve(document, ref) for ref in message["payload"]["oneOf"]]
    assert [e["properties"]["event_type"]["const"] for e in envelopes] == [
        "SpaceStarted",
        "SpaceEnded",
    ]
    assert "SpaceStarted, SpaceEnded" in resolve(document, operation["channel"])["description"]


def test_a_replica_token_is_a_parameter_everywhere(document: Json) -> None:
    assert "w1" not in render(document)
    assert "watch_{worker_id}:room.>" in document["channels"]


def test_every_address_parameter_is_declared(document: Json) -> None:
    for channel in document["channels"].values():
        for name in re.findall(r"\{(\w+)\}", channel.get("address") or ""):
            assert name in channel["parameters"], channel["address"]


def test_no_schema_is_left_unused(document: Json) -> None:
    """The policy's raw-message schema went with it; everything else is referenced."""
    used = {unquote(ref["$ref"]).rsplit("/", 1)[-1] for ref in references(document)}
    assert set(document["components"]["schemas"]) <= used


def test_every_event_of_an_owned_stream_is_sent(document: Json) -> None:
    sent = {
        resolve(document, op["channel"])["address"]
        for op in document["operations"].values()
        if op["action"] == "send"
    }
    for name in events_of("identity"):
        assert f"identity.{{aggregate_id}}.{snake_case(name)}" in sent
    assert not any(address.startswith("room.") for address in sent)


def test_a_stored_event_carries_its_version_docstring_and_fields(document: Json) -> None:
    operation = operation_on(document, "identity.{aggregate_id}.user_registered")
    (message,) = [resolve(document, resolve(document, m)) for m in operation["messages"]]
    assert message["x-parley-event-version"] == UserRegistered.version
    assert message["summary"].startswith("A new account exists.")
    envelope = payload(document, message)
    assert envelope["properties"]["event_version"]["const"] == UserRegistered.version
    data = resolve(document, envelope["properties"]["data"])
    assert data["required"] == ["user_id", "handle", "display_name", "credential_ref"]
    assert set(message["headers"]["required"]) == {
        "Nats-Msg-Id",
        "Parley-Event-Type",
        "Parley-Event-Version",
    }


def test_publishers_and_health_keep_what_faststream_says(document: Json) -> None:
    live = operation_on(document, "live.space.{space_id}")
    assert live["action"] == "send"
    (message,) = [resolve(document, resolve(document, m)) for m in live["messages"]]
    assert payload(document, message)["title"] == "LiveMessage"
    health = operation_on(document, health_subject("asyncapi_test"))
    (status,) = [resolve(document, resolve(document, m)) for m in health["reply"]["messages"]]
    assert status["payload"]["required"] == HEALTH_STATUS["required"]
    assert {"service", "ready", "projections"} <= set(HEALTH_STATUS["required"])


def test_the_document_renders_the_same_every_time(document: Json) -> None:
    again = service_document(
        "asyncapi_test",
        service_broker(),
        owned_streams=[streams.IDENTITY],
        routes=ROUTES.all,
        replica_tokens={"w1": "worker_id"},
    )
    assert render(again) == render(document)
    assert render(document).endswith("}\n")


def test_two_channels_of_one_name_fail_loudly() -> None:
    """FastStream only warns, and keeps the second: the first would be missing."""
    router = NatsRouter()
    router.subscriber("media.workers", title="media.workers:heartbeat")(on_suspension)
    router.publisher("media.workers", title="media.workers:heartbeat", schema=Frob)
    broker = NatsBroker("nats://127.0.0.1:1")
    broker.include_router(router)

    with pytest.raises(SpecificationClash, match=re.escape("media.workers:heartbeat")):
        service_document("asyncapi_clash", broker, routes=())


def test_two_different_models_of_one_name_fail_loudly() -> None:
    class Frobbed(BaseModel):  # same name as the result, another shape
        other: int

    routes = Routes("asyncapi_clash")
    routes.command("frob", Frob, Frobbed)
    routes.query("count", Frob, globals()["Frobbed"])
    broker = NatsBroker("nats://127.0.0.1:1")
    router = route_router()
    for route in routes.all:
        serve(router, route, answer, queue="asyncapi_clash")  # type: ignore[arg-type]
    broker.include_router(router)
    with pytest.raises(ValueError, match="Frobbed"):
        service_document("asyncapi_clash", broker, routes=routes.all)
