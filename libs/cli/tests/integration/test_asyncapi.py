"""The committed AsyncAPI documents (docs/asyncapi/) are what the services really serve: each
is regenerated here from the running service and compared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from parley.chassis.asyncapi import declared_routes
from parley.cli.asyncapi import REGENERATE, rendered_files, stale_files
from parley.contracts import streams
from parley.contracts.registry import events_of

WORKSPACE = Path(__file__).resolve().parents[4]
COMMITTED = WORKSPACE / "docs" / "asyncapi"

# Generating starts every service: a minute or more on a loaded machine.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def fresh() -> dict[str, str]:
    return rendered_files()


def test_the_committed_documents_are_current(fresh: dict[str, str]) -> None:
    stale = stale_files(COMMITTED, fresh)
    assert not stale, (
        f"docs/asyncapi/: {', '.join(stale)} out of date: run `{REGENERATE}` and commit the result"
    )


def test_every_service_has_a_document_named_in_the_readme(fresh: dict[str, str]) -> None:
    services = {path.name for path in (WORKSPACE / "services").iterdir() if path.is_dir()}
    assert {f"{name}.json" for name in services} <= set(fresh)
    readme = (COMMITTED / "README.md").read_text()
    for name in fresh:
        assert f"]({name})" in readme, f"docs/asyncapi/README.md does not link {name}"


def test_a_service_answers_every_route_of_its_context_with_both_replies(
    fresh: dict[str, str],
) -> None:
    checked = 0
    for name, content in fresh.items():
        document = json.loads(content)
        contexts = {spec.context for spec in streams.owned_by(name.removesuffix(".json"))}
        for route in declared_routes():
            if route.context not in contexts:
                continue
            operation = operation_on(document, route.subject)
            assert operation["action"] == "receive", route
            replies = [m["$ref"].rsplit("/", 1)[-1] for m in operation["reply"]["messages"]]
            assert replies == ["result", "problem"], route
            checked += 1
    assert checked == len(declared_routes())


def test_a_service_documents_every_event_of_the_streams_it_owns(fresh: dict[str, str]) -> None:
    for spec in streams.ALL:
        document = json.loads(fresh[f"{spec.owner}.json"])
        messages = document["components"]["messages"]
        for event in events_of(spec.context).values():
            message = messages[f"{spec.context}.{event.event_type()}"]
            assert message["x-parley-event-version"] == event.version


def operation_on(document: dict[str, Any], address: str) -> dict[str, Any]:
    for operation in document["operations"].values():
        channel_id = unquote(operation["channel"]["$ref"].removeprefix("#/channels/"))
        if document["channels"][channel_id].get("address") == address:
            return dict(operation)
    raise AssertionError(f"no operation on {address}")
