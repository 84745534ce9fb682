"""The AsyncAPI 3.0 document of Parley's messaging contract, generated from the code.

    uv run python -m parley.contracts.asyncapi           # writes docs/asyncapi/
    uv run python -m parley.contracts.asyncapi --check   # exits 1 when docs/asyncapi/ is stale

Sources, so that the document cannot drift from what services really send:

- stored domain events: every :class:`DomainEvent` defined in ``parley.contracts.events.*``,
  one channel per event type (``<context>.{aggregate_id}.<event_name>``) carrying the
  :class:`EventEnvelope` whose ``data`` is the event's own schema;
- commands and queries: the ``parley.contracts.api.<context>`` modules, whose docstring lists
  ``name(Request) -> Reply`` lines under "Commands" and "Queries";
- ephemeral core-NATS traffic is described in prose (not stored, no schema yet).
"""

from __future__ import annotations

import argparse
import copy
import importlib
import inspect
import json
import pkgutil
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

import parley.contracts.api
import parley.contracts.events
from parley.contracts.envelope import EventEnvelope
from parley.contracts.registry import DomainEvent, registered_events
from parley.contracts.subjects import command_subject, query_subject, snake_case

JsonObject = dict[str, Any]

SCHEMAS = "#/components/schemas/"
REPLY_CHANNEL = "reply"
EVENT_MODULES = parley.contracts.events.__name__ + "."

EVENT_HEADERS: JsonObject = {
    "Nats-Msg-Id": "The event id: JetStream stores a re-sent event once (dedup window)",
    "Parley-Event-Type": "Past-tense event name, as in the envelope's event_type",
    "Parley-Event-Version": "Schema version of the payload's data, as in event_version",
    "Parley-Correlation-Id": "Id shared by everything one request caused",
    "traceparent": "W3C trace context of the command that caused the event, when traced",
    "tracestate": "W3C tracestate, when the caller had one",
}
REQUIRED_EVENT_HEADERS = ["Nats-Msg-Id", "Parley-Event-Type", "Parley-Event-Version"]

REQUEST_HEADERS: JsonObject = {
    "Parley-Actor": "Id of the acting user; absent for anonymous and system requests",
    "Parley-Correlation-Id": "Id shared by everything one request caused (generated if absent)",
    "traceparent": "W3C trace context of the caller",
    "tracestate": "W3C tracestate of the caller",
}

PROBLEM_SCHEMA: JsonObject = {
    "title": "Problem",
    "description": "A refused request as RFC 9457 problem details (a domain error).",
    "type": "object",
    "properties": {
        "type": {"type": "string", "description": "Stable slug, e.g. handle-taken"},
        "title": {"type": "string", "description": "Short human-readable summary"},
        "status": {"type": "integer", "description": "HTTP status the gateway answers with"},
        "detail": {"type": "string", "description": "What exactly was wrong"},
    },
    "required": ["type", "title", "status", "detail"],
}

EPHEMERAL = [
    ("reactions", "room", "emoji reactions of listeners, fanned out to the Space"),
    ("speaking levels / active speakers", "media_relay", "audio levels of stage members"),
    ("partial captions", "captions", "words recognised so far, replaced by the final segment"),
    ("listener counts", "room", "current audience size of a live Space"),
    ("audio feeds", "media_relay", "mixed Opus program and per-speaker PCM, with timestamps"),
    ("relay worker heartbeats", "media_relay", "load and origins of each worker, for placement"),
]

INTRO = """\
Parley's messaging contract on NATS, generated from `parley.contracts` by
`uv run python -m parley.contracts.asyncapi`. Do not edit by hand.

**Stored domain events** (JetStream): one stream per bounded context (`IDENTITY` holds
`identity.>`), subjects `<context>.<aggregate_id>.<event_name>`. The body is an event envelope
(ids, type, version, aggregate, actor, correlation/causation, trace context) whose `data` is
the event itself. Events are versioned: a change adds fields or a new version with an
upcaster, never a silent change. The owning service appends with optimistic concurrency per
aggregate (`Nats-Expected-Last-Subject-Sequence` over `<context>.<aggregate_id>.>`) and dedup
(`Nats-Msg-Id`); such JetStream control headers (`Nats-Expected-*`, `Nats-Batch-*`) are stored
with the message but are not part of the contract.

**Commands and queries** (core NATS request/reply): `cmd.<context>.<name>` and
`qry.<context>.<name>`, served by the owning service in a queue group named after it. The reply
is `{"ok": true, "data": ...}` or `{"ok": false, "error": <RFC 9457 problem>}`.

**Ephemeral live data** (core NATS, at most once, never stored, no schema here yet):
"""


@dataclass(frozen=True)
class Route:
    """One request/reply endpoint listed in an ``api`` module's docstring."""

    kind: str  # "command" or "query"
    context: str
    name: str
    request: type[BaseModel]
    reply: type[BaseModel]
    note: str

    @property
    def subject(self) -> str:
        if self.kind == "command":
            return command_subject(self.context, self.name)
        return query_subject(self.context, self.name)


# -- sources ---------------------------------------------------------------------------------


def contract_events() -> list[type[DomainEvent]]:
    """Every event of the public contract, by context, in definition order."""
    events = [
        cls
        for cls in registered_events().values()
        if cls.__module__.startswith(EVENT_MODULES)  # not test-only or service-private events
    ]
    contexts = sorted({cls.context for cls in events})
    return [cls for context in contexts for cls in events if cls.context == context]


_ROUTE_LINE = re.compile(
    r"^\s+(?P<names>[a-z_]+(?:\s*/\s*[a-z_]+)*)\((?P<request>\w+)\)\s*->\s*(?P<reply>\w+)"
    r"(?P<note>.*)$"
)


def routes_of(module: ModuleType) -> list[Route]:
    """The ``name(Request) -> Reply  note`` lines under "Commands"/"Queries" of a docstring."""
    context = str(module.CONTEXT)
    routes: list[Route] = []
    kind = ""
    for line in (module.__doc__ or "").splitlines():
        if line.startswith("Commands"):
            kind = "command"
        elif line.startswith("Queries"):
            kind = "query"
        elif line and not line[0].isspace():
            kind = ""
        match = _ROUTE_LINE.match(line)
        if not (kind and match):
            continue
        request = _model(module, match["request"])
        reply = _model(module, match["reply"])
        note = match["note"].strip()
        for name in re.split(r"\s*/\s*", match["names"]):
            routes.append(Route(kind, context, name, request, reply, note))
    return routes


def _model(module: ModuleType, name: str) -> type[BaseModel]:
    found = getattr(module, name, None)
    if not (inspect.isclass(found) and issubclass(found, BaseModel)):
        raise LookupError(f"{module.__name__} docstring names {name}, not a model of the module")
    return found


def contract_routes() -> list[Route]:
    routes: list[Route] = []
    for info in sorted(pkgutil.iter_modules(parley.contracts.api.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{parley.contracts.api.__name__}.{info.name}")
        routes.extend(routes_of(module))
    return routes


# -- schemas ---------------------------------------------------------------------------------


class _Schemas:
    """``components.schemas``: nested models hoisted out of pydantic's ``$defs``."""

    def __init__(self) -> None:
        self.schemas: JsonObject = {}

    def of(self, model: type[BaseModel], prefix: str = "") -> JsonObject:
        """The model's JSON schema; its nested models become named component schemas."""
        schema = _markdown(model.model_json_schema(ref_template=f"{SCHEMAS}{prefix}{{model}}"))
        for name, nested in schema.pop("$defs", {}).items():
            self.add(prefix + name, nested)
        return schema

    def ref(self, model: type[BaseModel], prefix: str = "") -> JsonObject:
        self.add(prefix + model.__name__, self.of(model, prefix))
        return {"$ref": SCHEMAS + prefix + model.__name__}

    def add(self, name: str, schema: JsonObject) -> None:
        existing = self.schemas.setdefault(name, schema)
        if existing != schema:
            raise ValueError(f"two different schemas are both named {name}")


def _markdown(schema: JsonObject) -> JsonObject:
    """Docstring-born descriptions use reST ``code``; AsyncAPI renders Markdown `code`."""
    for key, value in schema.items():
        if key == "description" and isinstance(value, str):
            schema[key] = value.replace("``", "`")
        elif isinstance(value, dict):
            _markdown(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _markdown(item)
    return schema


def _headers(descriptions: JsonObject, required: list[str], **constants: str) -> JsonObject:
    properties: JsonObject = {}
    for name, description in descriptions.items():
        properties[name] = {"type": "string", "description": description}
        if name in constants:
            properties[name]["const"] = constants[name]
    return {"type": "object", "properties": properties, "required": required}


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n", 1)[0].split())


def _docstring(cls: type) -> str:
    """The class's own docstring (not an inherited one), with reST ``code`` as Markdown."""
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc).replace("``", "`") if isinstance(doc, str) else ""


def _words(event_type: str) -> str:
    return snake_case(event_type).replace("_", " ").capitalize()


# -- the document ----------------------------------------------------------------------------


def event_message(event: type[DomainEvent], schemas: _Schemas) -> JsonObject:
    event_type, version = event.event_type(), event.version
    payload = copy.deepcopy(schemas.of(EventEnvelope))
    payload["title"] = f"{event_type} v{version} envelope"
    properties = payload["properties"]
    properties["event_type"] = properties["event_type"] | {"const": event_type}
    properties["event_version"] = properties["event_version"] | {"const": version}
    properties["data"] = schemas.of(event, f"{event.context}.")
    payload["required"] = list(properties)  # the chassis always writes every envelope field
    doc = _docstring(event)
    return {
        "name": event_type,
        "title": f"{_words(event_type)} (v{version})",
        "summary": _first_paragraph(doc) if doc else f"{_words(event_type)}.",
        "description": doc or f"{_words(event_type)} (no description yet).",
        "contentType": "application/json",
        "headers": _headers(
            EVENT_HEADERS,
            REQUIRED_EVENT_HEADERS,
            **{"Parley-Event-Type": event_type, "Parley-Event-Version": str(version)},
        ),
        "payload": payload,
        "tags": [{"name": event.context}],
        "x-parley-event-version": version,
    }


def _event_parts(events: Iterable[type[DomainEvent]], schemas: _Schemas) -> tuple[JsonObject, ...]:
    channels: JsonObject = {}
    operations: JsonObject = {}
    messages: JsonObject = {}
    for event in events:
        event_type, context = event.event_type(), event.context
        channel_id = f"{context}.{snake_case(event_type)}"
        messages[event_type] = event_message(event, schemas)
        channels[channel_id] = {
            "address": f"{context}.{{aggregate_id}}.{snake_case(event_type)}",
            "title": f"{event_type} events",
            "description": (
                f"{event_type} v{event.version}, stored in JetStream stream "
                f"{context.upper()} by the {context} service."
            ),
            "parameters": {
                "aggregate_id": {"description": f"Id of the {context} aggregate the event is on"}
            },
            "messages": {event_type: {"$ref": f"#/components/messages/{event_type}"}},
            "tags": [{"name": context}],
        }
        operations[f"append{event_type}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "title": f"Append {event_type}",
            "summary": f"The {context} service stores it; consumers read the stream.",
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{event_type}"}],
            "tags": [{"name": context}],
        }
    return channels, operations, messages


def _route_parts(routes: Iterable[Route], schemas: _Schemas) -> tuple[JsonObject, ...]:
    channels: JsonObject = {}
    operations: JsonObject = {}
    messages: JsonObject = {}
    replies: JsonObject = {}
    for route in routes:
        prefix = f"{route.context}."
        request_id = f"{prefix}{route.request.__name__}"
        reply_id = f"{prefix}{route.reply.__name__}.reply"
        messages.setdefault(
            request_id,
            {
                "name": route.request.__name__,
                "title": f"{route.request.__name__} request",
                "contentType": "application/json",
                "headers": _headers(REQUEST_HEADERS, []),
                "payload": schemas.ref(route.request, prefix),
            },
        )
        messages.setdefault(
            reply_id,
            {
                "name": route.reply.__name__,
                "title": f"{route.reply.__name__} reply (or a problem)",
                "contentType": "application/json",
                "payload": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {
                                "ok": {"const": True},
                                "data": schemas.ref(route.reply, prefix),
                            },
                            "required": ["ok", "data"],
                        },
                        {"$ref": f"{SCHEMAS}ErrorReply"},
                    ]
                },
            },
        )
        replies[reply_id] = {"$ref": f"#/components/messages/{reply_id}"}
        channels[route.subject] = {
            "address": route.subject,
            "title": f"{route.kind} {route.context}.{route.name}",
            "messages": {request_id: {"$ref": f"#/components/messages/{request_id}"}},
            "tags": [{"name": route.context}],
        }
        operations[route.subject] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{route.subject}"},
            "title": f"{route.name} ({route.kind})",
            **({"summary": route.note} if route.note else {}),
            "messages": [{"$ref": f"#/channels/{route.subject}/messages/{request_id}"}],
            "reply": {
                "channel": {"$ref": f"#/channels/{REPLY_CHANNEL}"},
                "messages": [{"$ref": f"#/channels/{REPLY_CHANNEL}/messages/{reply_id}"}],
            },
            "bindings": {"nats": {"queue": route.context, "bindingVersion": "0.1.0"}},
            "tags": [{"name": route.context}, {"name": route.kind}],
        }
    if replies:
        channels[REPLY_CHANNEL] = {
            "address": None,
            "title": "Replies",
            "description": "The requester's inbox (the NATS reply subject of the request).",
            "messages": dict(sorted(replies.items())),
        }
        schemas.add(
            "ErrorReply",
            {
                "type": "object",
                "properties": {"ok": {"const": False}, "error": {"$ref": f"{SCHEMAS}Problem"}},
                "required": ["ok", "error"],
            },
        )
        schemas.add("Problem", PROBLEM_SCHEMA)
    return channels, operations, messages


def _contract_version() -> str:
    try:
        return package_version("parley-contracts")
    except PackageNotFoundError:
        return "0.0.0"


def build_document() -> JsonObject:
    events = contract_events()
    routes = contract_routes()
    schemas = _Schemas()
    event_channels, event_operations, event_messages = _event_parts(events, schemas)
    route_channels, route_operations, route_messages = _route_parts(routes, schemas)
    ephemeral = "\n".join(f"- {what} ({owner}): {why}" for what, owner, why in EPHEMERAL)
    contexts = sorted({event.context for event in events} | {route.context for route in routes})
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Parley messaging contract",
            "version": _contract_version(),
            "description": INTRO + ephemeral + "\n",
            "tags": [{"name": context} for context in contexts]
            + [{"name": "command"}, {"name": "query"}],
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "localhost:4222",
                "protocol": "nats",
                "description": "NATS_URL; `parley up` starts an embedded server on a free port",
            }
        },
        "channels": event_channels | route_channels,
        "operations": event_operations | route_operations,
        "components": {
            "messages": event_messages | route_messages,
            "schemas": dict(sorted(schemas.schemas.items())),
        },
    }


def catalog(document: JsonObject) -> str:
    """The human catalog: one row per event and per command/query."""
    lines = [
        "# Parley messaging contract",
        "",
        "> Generated by `uv run python -m parley.contracts.asyncapi`, do not edit.",
        "> The full AsyncAPI 3.0 document is [asyncapi.json](asyncapi.json);",
        "> `uv run python -m parley.contracts.asyncapi --check` fails when it is out of date.",
        "",
        "## Domain events (JetStream)",
        "",
        "| event | version | subject | description |",
        "|---|---:|---|---|",
    ]
    channels = document["channels"]
    messages = document["components"]["messages"]
    for operation in document["operations"].values():
        if operation["action"] != "send":
            continue
        channel = channels[operation["channel"]["$ref"].rsplit("/", 1)[1]]
        for name in channel["messages"]:
            message = messages[name]
            lines.append(
                f"| {message['name']} | {message['x-parley-event-version']} "
                f"| `{channel['address']}` | {_cell(message['summary'])} |"
            )
    lines += [
        "",
        "## Commands and queries (request/reply)",
        "",
        "| subject | request | reply | note |",
        "|---|---|---|---|",
    ]
    for subject, operation in document["operations"].items():
        if operation["action"] != "receive":
            continue
        request = operation["messages"][0]["$ref"].rsplit("/", 1)[1]
        reply = operation["reply"]["messages"][0]["$ref"].rsplit("/", 1)[1]
        lines.append(
            f"| `{subject}` | {messages[request]['name']} "
            f"| {messages[reply]['name']} | {_cell(operation.get('summary', ''))} |"
        )
    lines += ["", "## Ephemeral (core NATS, not stored)", ""]
    lines += [f"- **{what}** ({owner}): {why}" for what, owner, why in EPHEMERAL]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rendered(document: JsonObject) -> dict[str, str]:
    """File name -> content, exactly as committed under ``docs/asyncapi/``."""
    return {
        "asyncapi.json": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        "README.md": catalog(document),
    }


def default_output_dir() -> Path:
    """``docs/asyncapi`` of the workspace the command runs in (found from the current dir)."""
    here = Path.cwd().resolve()
    for directory in (here, *here.parents):
        if (directory / "libs" / "contracts").is_dir():
            return directory / "docs" / "asyncapi"
    return here / "docs" / "asyncapi"


def stale_files(output_dir: Path) -> list[str]:
    files = rendered(build_document())
    return [
        name
        for name, content in files.items()
        if not (output_dir / name).exists() or (output_dir / name).read_text() != content
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/asyncapi from parley.contracts.")
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    parser.add_argument("--out", type=Path, default=None, help="default: docs/asyncapi")
    args = parser.parse_args(argv)
    output_dir: Path = args.out or default_output_dir()
    if args.check:
        stale = stale_files(output_dir)
        for name in stale:
            print(f"{output_dir / name} is out of date", file=sys.stderr)
        if stale:
            print("regenerate: uv run python -m parley.contracts.asyncapi", file=sys.stderr)
            return 1
        print(f"{output_dir} is up to date")
        return 0
    output_dir.mkdir(parents=True, exist_ok=True)
    for name, content in rendered(build_document()).items():
        (output_dir / name).write_text(content)
        print(f"wrote {output_dir / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
