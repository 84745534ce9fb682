"""A service's AsyncAPI 3.0 document: FastStream's own, plus what FastStream cannot know.

FastStream documents the broker of a running service: a channel and a ``receive`` operation per
subscriber (routes, policies, health) with the payload type of its handler, and a ``send``
operation per publisher. It cannot know three things, added here from ``parley.contracts``:

- the replies of request/reply routes: the route's result type, or a problem (RFC 9457, header
  ``Parley-Problem``) whose ``type`` is one of the route's declared problems or a common one;
- the stored events a policy reads: FastStream sees a raw JetStream message, the contract is
  the event's envelope;
- the stored domain events of the streams the service owns, so that other teams can subscribe.

:func:`service_document` only reads the broker; :mod:`parley.cli.asyncapi` starts each service
to get one (``parley asyncapi``, ``make asyncapi``).
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import pkgutil
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any
from urllib.parse import quote, unquote

from faststream.nats import NatsBroker
from faststream.specification import AsyncAPI
from faststream.specification.asyncapi.utils import clear_key, ref
from pydantic import BaseModel, Field, TypeAdapter

import parley.contracts.api
from parley.chassis.bus import (
    ACTOR_HEADER,
    CORRELATION_HEADER,
    REPLY_BY_HEADER,
    START_BY_HEADER,
)
from parley.chassis.health import HEALTH_STATUS
from parley.chassis.idempotency import COMMAND_ID_HEADER
from parley.chassis.service import health_subject
from parley.contracts.envelope import EventEnvelope
from parley.contracts.registry import DomainEvent, events_of
from parley.contracts.routes import COMMON_PROBLEMS, PROBLEM_HEADER, Route
from parley.contracts.streams import ALL as ALL_STREAMS
from parley.contracts.streams import StreamSpec, stream_of
from parley.contracts.subjects import event_type_filter, snake_case

Json = dict[str, Any]

_PARAMETER = re.compile(r"\{(\w+)\}")  # a subject token FastStream passes as a handler argument

SERVER_HOST = "localhost:4222"
SERVER_DESCRIPTION = (
    "The suite's NATS server with JetStream (NATS_URL; `parley up` runs an embedded one)."
)

REQUEST_HEADERS = {
    ACTOR_HEADER: "Id of the acting user; absent for anonymous and system requests",
    CORRELATION_HEADER: "Id shared by everything one request caused (generated when absent)",
    COMMAND_ID_HEADER: "A command's id (the client's Idempotency-Key scoped to the caller, or"
    " one the caller made): a repeat is answered with the first attempt's outcome",
    START_BY_HEADER: "Epoch seconds: a request not started by then is refused (503"
    " overloaded) before anything is applied",
    REPLY_BY_HEADER: "Epoch seconds: when the caller stops waiting for this attempt's reply",
    "traceparent": "W3C trace context of the caller",
    "tracestate": "W3C tracestate of the caller",
}
EVENT_HEADERS = {
    "Nats-Msg-Id": "The event id: JetStream stores a re-sent event once (dedup window)",
    "Parley-Event-Type": "Past-tense event name, as in the envelope's event_type",
    "Parley-Event-Version": "Schema version of the envelope's data, as in event_version",
    "Parley-Correlation-Id": "Id shared by everything one request caused",
    "traceparent": "W3C trace context of the command that caused the event, when traced",
    "tracestate": "W3C tracestate, when the caller had one",
}
REQUIRED_EVENT_HEADERS = ("Nats-Msg-Id", "Parley-Event-Type", "Parley-Event-Version")

INTRO = """\
Generated from the running service by `parley asyncapi` (`make asyncapi`): FastStream's
document of its subscribers and publishers, completed from `parley.contracts`. Do not edit.

**Commands and queries** (core NATS request/reply, `cmd.<context>.<name>` /
`qry.<context>.<name>`, in a queue group named after the service): the request is the payload
as JSON, the acting user in the `Parley-Actor` header. The reply goes to the requester's inbox:
the result as JSON, or an RFC 9457 problem marked by the `Parley-Problem` header (its value is
the HTTP status; `type` is a stable slug).

**Stored domain events** (JetStream, one stream per context, subjects
`<context>.<aggregate_id>.<event_name>`): the body is an event envelope whose `data` is the
event. Policies read other contexts' events through durable consumers (at least once, explicit
ack). JetStream control headers (`Nats-Expected-*`, `Nats-Batch-*`) are not part of the contract.
"""


class Problem(BaseModel):
    """A request the service refused (a domain rule, 4xx) or failed to handle (500), as an
    RFC 9457 problem. The gateway answers it with ``status`` and a problem type URI."""

    type: str = Field(description="Stable slug, e.g. handle-taken")
    title: str = Field(description="Short human-readable summary of the kind of problem")
    status: int = Field(description="HTTP status the gateway answers with")
    detail: str = Field(description="What exactly was wrong, for a human")


def contracts_version() -> str:
    try:
        return package_version("parley-contracts")
    except PackageNotFoundError:  # pragma: no cover - the workspace installs it
        return "0.0.0"


def declared_routes() -> list[Route[Any, Any]]:
    """Every route of every context (``parley.contracts.api.<context>.ROUTES``)."""
    routes: list[Route[Any, Any]] = []
    for info in sorted(pkgutil.iter_modules(parley.contracts.api.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{parley.contracts.api.__name__}.{info.name}")
        catalog = getattr(module, "ROUTES", None)
        if catalog is not None:
            routes.extend(catalog.all)
    return routes


def stored_events(streams: Iterable[StreamSpec] = ALL_STREAMS) -> list[type[DomainEvent]]:
    """The events held by ``streams``, in declaration order per stream."""
    return [event for spec in streams for event in events_of(spec.context).values()]


def service_document(
    service: str,
    broker: NatsBroker,
    *,
    owned_streams: Sequence[StreamSpec] = (),
    routes: Sequence[Route[Any, Any]] | None = None,
    replica_tokens: Mapping[str, str] | None = None,
) -> Json:
    """The AsyncAPI 3.0 document of ``service``, whose subscribers and publishers are
    ``broker``'s; the events of ``owned_streams`` are added as what the service sends.

    ``replica_tokens`` maps a value that differs between replicas (a worker id the service was
    started with) to the name of the address parameter it becomes: ``{worker_id}``."""
    document = _faststream_document(service, broker)
    jetstream, filtered = _jetstream_channels(broker), _filter_subjects(broker)
    for token, parameter in (replica_tokens or {}).items():
        document, jetstream, filtered = _substituted(
            (document, jetstream, filtered), token, f"{{{parameter}}}"
        )
    builder = _Completion(
        document,
        declared_routes() if routes is None else routes,
        jetstream_channels=jetstream,
        subjects_read=filtered,
    )
    builder.fix_servers()
    builder.complete_receivers()
    builder.complete_health(health_subject(service))
    for event in stored_events(owned_streams):
        builder.add_stored_event(event)
    builder.declare_parameters()
    return builder.finished()


class SpecificationClash(ValueError):
    """Two subscribers or publishers of a service would have one channel or operation name."""


def _faststream_document(service: str, broker: NatsBroker) -> Json:
    """FastStream's document of ``broker``. FastStream names a channel by its subscriber's or
    publisher's title (else its subject) and only warns when two have one name: the second
    replaces the first, and the document loses it. That is an error here."""
    factory = AsyncAPI(
        broker,
        title=f"Parley {service}",
        version=contracts_version(),
        description=INTRO,
        schema_version="3.0.0",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = factory.to_specification()
    for warning in caught:
        if "Overwrit" in str(warning.message):
            raise SpecificationClash(
                f"{service}: {warning.message}. Give each subscriber and publisher of the "
                "service a title of its own (a subscriber and a publisher on one subject too)."
            )
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    document: Json = json.loads(spec.to_json())
    return document


def render(document: Json) -> str:
    """The document as committed: stable key order, UTF-8, one trailing newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class _Completion:
    """Adds to FastStream's document what it cannot know (see the module docstring)."""

    def __init__(
        self,
        document: Json,
        routes: Sequence[Route[Any, Any]],
        *,
        jetstream_channels: set[str],
        subjects_read: dict[str, list[str]],
    ) -> None:
        self.doc = document
        self.jetstream_channels = jetstream_channels
        self.subjects_read = subjects_read
        self.channels: Json = document.setdefault("channels", {})
        self.operations: Json = document.setdefault("operations", {})
        components: Json = document.setdefault("components", {})
        self.messages: Json = components.setdefault("messages", {})
        self.schemas: Json = components.setdefault("schemas", {})
        self.routes = list(routes)
        self.events = {
            event_type_filter(event.context, event.event_type()): event for event in stored_events()
        }

    # -- servers -------------------------------------------------------------------------------

    def fix_servers(self) -> None:
        """FastStream names the URL the broker was started with (a free port): name the
        default one instead, so that the document does not change from run to run."""
        for server in self.doc.get("servers", {}).values():
            server["host"] = SERVER_HOST
            server["description"] = SERVER_DESCRIPTION

    # -- what the service receives ---------------------------------------------------------------

    def complete_receivers(self) -> None:
        for operation in self.operations.values():
            if operation.get("action") != "receive":
                continue
            channel_id = _target(operation["channel"])
            channel = self.channels[channel_id]
            route = self._route_of(channel_id, channel)
            if route is not None:
                self._complete_route(operation, channel_id, channel, route)
                continue
            events = self._events_at(self.subjects_read.get(channel_id, [channel["address"]]))
            if events:
                self._complete_event_reader(channel_id, channel, events)

    def _events_at(self, subjects: Sequence[str]) -> list[type[DomainEvent]]:
        """The stored events delivered on ``subjects`` (FastStream's ``{name}`` tokens match
        any one token), or none when any of them is not (only) stored events."""
        found: list[type[DomainEvent]] = []
        contexts = {spec.context for spec in ALL_STREAMS}
        for subject in subjects:
            pattern = _PARAMETER.sub("*", subject)
            context = pattern.removesuffix(".>")
            if pattern in self.events:
                found.append(self.events[pattern])
            elif pattern.endswith(".>") and context in contexts:
                found.extend(events_of(context).values())
            else:
                return []
        return list(dict.fromkeys(found))

    def _route_of(self, channel_id: str, channel: Json) -> Route[Any, Any] | None:
        """The route a subscriber serves: by its subject, or, on a subject of its own (one
        worker's), by the chassis' title ``<subject>:<kind>`` ending in the route's name and
        the route's payload type."""
        address = channel.get("address", "")
        for route in self.routes:
            if route.subject == address:
                return route
        payloads = {self._payload_title(message) for message in self._channel_messages(channel)}
        for route in self.routes:
            if (
                channel_id == f"{address}:{route.kind}"
                and address.rsplit(".", 1)[-1] == route.name
                and payloads == {route.payload.__name__}
            ):
                return route
        return None

    def _complete_route(
        self,
        operation: Json,
        channel_id: str,
        channel: Json,
        route: Route[Any, Any],
    ) -> None:
        for message in self._channel_messages(channel):
            message["name"] = route.payload.__name__
            message["title"] = f"{route.name} {route.kind}"
            message["contentType"] = "application/json"
            message["headers"] = _headers(REQUEST_HEADERS)
        reply_id = f"{channel_id}:reply"
        result_id = f"{route.subject}:result"
        problem_id = f"{route.subject}:problem"
        self.messages[result_id] = {
            "name": _type_name(route.result),
            "title": f"{route.name} result",
            "summary": f"What {route.subject} answers when it succeeds.",
            "contentType": "application/json",
            "payload": self.schema_of(route.result),
        }
        self.messages[problem_id] = self._problem_message(route)
        self.channels[reply_id] = {
            "address": None,
            "title": f"Replies of {route.subject}",
            "description": "The requester's inbox: the reply subject of the NATS request.",
            "messages": {
                "result": ref("components", "messages", result_id),
                "problem": ref("components", "messages", problem_id),
            },
        }
        operation["title"] = f"{route.name} ({route.kind} of {route.context})"
        if route.description:
            operation["summary"] = route.description
        operation["reply"] = {
            "channel": ref("channels", reply_id),
            "messages": [
                ref("channels", reply_id, "messages", "result"),
                ref("channels", reply_id, "messages", "problem"),
            ],
        }
        operation["tags"] = [{"name": route.context}, {"name": route.kind}]

    def _problem_message(self, route: Route[Any, Any]) -> Json:
        slugs = list(dict.fromkeys((*route.problems, *COMMON_PROBLEMS)))
        declared = ", ".join(f"`{slug}`" for slug in route.problems) or "none"
        common = ", ".join(f"`{slug}`" for slug in COMMON_PROBLEMS)
        return {
            "name": "Problem",
            "title": f"{route.name} problem",
            "summary": f"{route.subject} refused or failed the request.",
            "description": f"Declared problems: {declared}. Any route may also answer {common}.",
            "contentType": "application/problem+json",
            "headers": {
                "type": "object",
                "properties": {
                    PROBLEM_HEADER: {
                        "type": "string",
                        "pattern": "^[45][0-9][0-9]$",
                        "description": "The problem's HTTP status; present only on a problem",
                    }
                },
                "required": [PROBLEM_HEADER],
            },
            "payload": {
                "allOf": [
                    self.schema_of(Problem),
                    {"type": "object", "properties": {"type": {"enum": slugs}}},
                ]
            },
        }

    def _complete_event_reader(
        self, channel_id: str, channel: Json, events: Sequence[type[DomainEvent]]
    ) -> None:
        """A subscriber to stored events (a policy's durable consumer, or a plain subscription
        to the subjects they are stored under): FastStream sees a raw message; the contract is
        the event's envelope."""
        names = ", ".join(event.event_type() for event in events)
        stores = " and ".join(sorted({_stream_words(stream_of(event.context)) for event in events}))
        channel["title"] = f"{names} events" if len(events) == 1 else "Stored events"
        if channel_id in self.jetstream_channels:
            reading = (
                f"Reads the {names} events stored in {stores} through a durable consumer: "
                "at least once, explicit ack."
            )
        else:
            reading = (
                f"Receives {names} events as {stores} stores them, on a core NATS "
                "subscription: nothing is replayed after a disconnect."
            )
        description = channel.get("description")
        channel["description"] = f"{description}\n\n{reading}" if description else reading
        for message in self._channel_messages(channel):
            orphan = message.get("payload", {}).get("$ref")
            message.clear()
            message.update(self._events_message(events))
            self._drop_if_unused(orphan)

    def _events_message(self, events: Sequence[type[DomainEvent]]) -> Json:
        if len(events) == 1:
            return self.event_message(events[0])
        return {
            "name": "StoredEvent",
            "title": "Stored events",
            "summary": "One of: " + ", ".join(event.event_type() for event in events) + ".",
            "contentType": "application/json",
            "headers": _headers(EVENT_HEADERS, required=REQUIRED_EVENT_HEADERS),
            "payload": {"oneOf": [self._envelope_schema(event) for event in events]},
        }

    def complete_health(self, subject: str) -> None:
        """The chassis' health request (``parley up`` waits for ``ready``)."""
        for channel_id, channel in list(self.channels.items()):
            if channel.get("address") != subject:
                continue
            channel["description"] = "Health and readiness of one replica of the service."
            reply_id = f"{channel_id}:reply"
            self.messages[reply_id] = {
                "name": "HealthStatus",
                "title": "health status",
                "contentType": "application/json",
                "payload": HEALTH_STATUS,
            }
            self.channels[reply_id] = {
                "address": None,
                "title": f"Replies of {subject}",
                "description": "The requester's inbox: the reply subject of the NATS request.",
                "messages": {"status": ref("components", "messages", reply_id)},
            }
            for operation in self.operations.values():
                if operation["channel"] == ref("channels", channel_id):
                    operation["reply"] = {
                        "channel": ref("channels", reply_id),
                        "messages": [ref("channels", reply_id, "messages", "status")],
                    }

    # -- what the service stores -----------------------------------------------------------------

    def add_stored_event(self, event: type[DomainEvent]) -> None:
        stream = stream_of(event.context)
        name, context = event.event_type(), event.context
        key = f"{context}.{name}"
        self.messages[key] = self.event_message(event)
        self.channels[key] = {
            "address": f"{context}.{{aggregate_id}}.{snake_case(name)}",
            "title": f"{name} events",
            "description": (
                f"{name} v{event.version}, stored in JetStream stream {stream.name}; subscribe "
                f"with the subject filter `{event_type_filter(context, name)}` (or "
                f"`{context}.>` for every event of the context, in order)."
            ),
            "parameters": {
                "aggregate_id": {"description": f"Id of the {context} aggregate the event is on"}
            },
            "messages": {name: ref("components", "messages", key)},
        }
        self.operations[f"{key}:append"] = {
            "action": "send",
            "channel": ref("channels", key),
            "title": f"Append {name}",
            "summary": (
                "Stored by this service with optimistic concurrency per aggregate and "
                "Nats-Msg-Id dedup; consumers read the stream."
            ),
            "messages": [ref("channels", key, "messages", name)],
            "tags": [{"name": context}, {"name": "event"}],
        }

    def event_message(self, event: type[DomainEvent]) -> Json:
        name, version = event.event_type(), event.version
        doc = _docstring(event)
        words = snake_case(name).replace("_", " ").capitalize()
        return {
            "name": name,
            "title": f"{name} v{version}",
            "summary": _first_paragraph(doc) if doc else f"{words}.",
            **({"description": doc} if doc else {}),
            "contentType": "application/json",
            "headers": _headers(
                EVENT_HEADERS,
                required=REQUIRED_EVENT_HEADERS,
                constants={"Parley-Event-Type": name, "Parley-Event-Version": str(version)},
            ),
            "payload": self._envelope_schema(event),
            "x-parley-event-version": version,
        }

    def _envelope_schema(self, event: type[DomainEvent]) -> Json:
        key = f"{event.context}.{event.event_type()}.envelope"
        if key not in self.schemas:
            envelope = copy.deepcopy(self._inline_schema(EventEnvelope))
            envelope["title"] = f"{event.event_type()} v{event.version} envelope"
            properties = envelope["properties"]
            properties["event_type"] = properties["event_type"] | {"const": event.event_type()}
            properties["event_version"] = properties["event_version"] | {"const": event.version}
            properties["data"] = self.schema_of(event, key=f"{event.context}.{event.event_type()}")
            envelope["required"] = list(properties)  # the event store writes every field
            self._add_schema(key, envelope)
        return ref("components", "schemas", key)

    # -- schemas ---------------------------------------------------------------------------------

    def schema_of(self, kind: Any, key: str | None = None) -> Json:
        """A reference to ``kind``'s JSON schema (validation mode: what a receiver checks);
        nested models become component schemas named as pydantic names them."""
        schema = self._inline_schema(kind)
        if inspect.isclass(kind) and issubclass(kind, BaseModel):
            name = key or kind.__name__
            self._add_schema(name, schema)
            return ref("components", "schemas", name)
        return schema

    def _inline_schema(self, kind: Any) -> Json:
        schema: Json = TypeAdapter(kind).json_schema(ref_template="#/components/schemas/{model}")
        for name, nested in schema.pop("$defs", {}).items():
            self._add_schema(name, nested)
        return schema

    def _add_schema(self, name: str, schema: Json) -> None:
        existing = self.schemas.setdefault(name, schema)
        if existing != schema:
            raise ValueError(
                f"two different schemas are both named {name!r}: rename one of the models"
            )

    def _drop_if_unused(self, reference: str | None) -> None:
        if not reference or not reference.startswith("#/components/schemas/"):
            return
        name = _target({"$ref": reference})
        if not any(found == reference for found in _references(self.doc)):
            self.schemas.pop(name, None)

    def declare_parameters(self) -> None:
        """Every ``{name}`` of an address is a parameter of its channel (FastStream leaves
        them undeclared)."""
        for channel in self.channels.values():
            names = _PARAMETER.findall(channel.get("address") or "")
            parameters = channel.setdefault("parameters", {}) if names else {}
            for name in names:
                parameters.setdefault(
                    name, {"description": f"One subject token: the {name.replace('_', ' ')}"}
                )

    # -- helpers ---------------------------------------------------------------------------------

    def _channel_messages(self, channel: Json) -> Iterator[Json]:
        for reference in channel.get("messages", {}).values():
            yield self.messages[_target(reference)]

    def _payload_title(self, message: Json) -> str:
        payload = message.get("payload", {})
        if "$ref" in payload:
            return _target(payload)
        return str(payload.get("title", ""))

    def finished(self) -> Json:
        for section in (self.channels, self.operations, self.messages, self.schemas):
            ordered = dict(sorted(section.items()))
            section.clear()
            section.update(ordered)
        return self.doc


def _stream_words(spec: StreamSpec) -> str:
    return f"stream {spec.name} (owned by {spec.owner})"


def _jetstream_channels(broker: NatsBroker) -> set[str]:
    """The channels of the broker's JetStream subscribers (FastStream's channel keys)."""
    return {
        clear_key(key)
        for subscriber in broker.subscribers
        if getattr(subscriber, "stream", None) is not None
        for key in subscriber.schema()
    }


def _filter_subjects(broker: NatsBroker) -> dict[str, list[str]]:
    """Channel -> the subjects a JetStream consumer is filtered to, where it has several (its
    channel's address is then the stream's wildcard)."""
    found: dict[str, list[str]] = {}
    for subscriber in broker.subscribers:
        config = getattr(subscriber, "config", None)
        subjects = list(getattr(config, "filter_subjects", None) or ())
        if subjects:
            for key in subscriber.schema():
                found[clear_key(key)] = subjects
    return found


def _substituted(node: Any, token: str, parameter: str) -> Any:
    """``node`` with ``token`` replaced by ``parameter`` in every key and string (encoded as
    FastStream encodes references in a ``$ref``)."""
    if isinstance(node, dict):
        return {
            key.replace(token, parameter): (
                value.replace(token, quote(parameter))
                if key == "$ref" and isinstance(value, str)
                else _substituted(value, token, parameter)
            )
            for key, value in node.items()
        }
    if isinstance(node, list | tuple | set):
        return type(node)(_substituted(value, token, parameter) for value in node)
    if isinstance(node, str):
        return node.replace(token, parameter)
    return node


def _target(reference: Json) -> str:
    """The last part of a local ``$ref`` (FastStream percent-encodes ``*``)."""
    return unquote(str(reference["$ref"]).rsplit("/", 1)[-1]).replace("~1", "/").replace("~0", "~")


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _headers(
    descriptions: dict[str, str],
    *,
    required: Sequence[str] = (),
    constants: dict[str, str] | None = None,
) -> Json:
    properties: Json = {}
    for name, description in descriptions.items():
        properties[name] = {"type": "string", "description": description}
        if constants and name in constants:
            properties[name]["const"] = constants[name]
    schema: Json = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def _type_name(kind: Any) -> str:
    return kind.__name__ if inspect.isclass(kind) else str(kind)


def _docstring(cls: type) -> str:
    """The class's own docstring (not an inherited one), with reST ``code`` as Markdown."""
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc).replace("``", "`") if isinstance(doc, str) else ""


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n", 1)[0].split())
