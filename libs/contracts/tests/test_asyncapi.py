"""The AsyncAPI document is generated from the code and the committed copy is current."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import parley.contracts.events
from parley.contracts import asyncapi, registry
from parley.contracts.api import identity as identity_api
from parley.contracts.registry import DomainEvent
from parley.contracts.subjects import snake_case

REPO_ROOT = Path(__file__).resolve().parents[3]
COMMITTED = REPO_ROOT / "docs" / "asyncapi"


def contract_event_classes() -> list[type[DomainEvent]]:
    """Found independently of the generator: every event class in parley.contracts.events.*."""
    found = []
    for info in pkgutil.iter_modules(parley.contracts.events.__path__):
        module = importlib.import_module(f"parley.contracts.events.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DomainEvent) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi.build_document()


def test_every_contract_event_appears_with_its_version(document: dict[str, Any]) -> None:
    events = contract_event_classes()
    assert events, "no events found"
    messages = document["components"]["messages"]
    for event in events:
        message = messages[event.event_type()]
        assert message["x-parley-event-version"] == event.version
        payload = message["payload"]["properties"]
        assert payload["event_type"]["const"] == event.event_type()
        assert payload["event_version"]["const"] == event.version
        assert message["headers"]["properties"]["Parley-Event-Version"]["const"] == str(
            event.version
        )
        channel = document["channels"][f"{event.context}.{snake_case(event.event_type())}"]
        assert channel["address"] == (
            f"{event.context}.{{aggregate_id}}.{snake_case(event.event_type())}"
        )


def test_event_count_matches_the_registry(document: dict[str, Any]) -> None:
    sent = [op for op in document["operations"].values() if op["action"] == "send"]
    assert len(sent) == len(contract_event_classes())


def test_field_descriptions_and_docstrings_come_from_the_models(document: dict[str, Any]) -> None:
    message = document["components"]["messages"]["UserRegistered"]
    data = message["payload"]["properties"]["data"]
    assert data["properties"]["handle"]["description"].startswith("Handle as typed")
    assert data["required"] == ["user_id", "handle", "display_name", "credential_ref"]
    assert message["summary"].startswith("A new account exists.")
    assert set(message["headers"]["properties"]) >= {
        "Nats-Msg-Id",
        "Parley-Event-Type",
        "Parley-Event-Version",
        "Parley-Correlation-Id",
        "traceparent",
    }


def test_commands_and_queries_come_from_the_api_docstrings(document: dict[str, Any]) -> None:
    routes = {route.subject: route for route in asyncapi.routes_of(identity_api)}
    assert routes["cmd.identity.register"].request is identity_api.Register
    assert routes["cmd.identity.register"].reply is identity_api.Registered
    assert routes["cmd.identity.unblock"].request is identity_api.TargetUser
    assert routes["qry.identity.list_following"].reply is identity_api.UserPage
    for subject in routes:
        operation = document["operations"][subject]
        assert operation["action"] == "receive"
        assert operation["reply"]["channel"] == {"$ref": "#/channels/reply"}


def test_a_docstring_naming_a_missing_model_fails_loudly() -> None:
    module = type(identity_api)("parley_fake_api", "Commands:\n    frob(Nothing) -> Nowhere\n")
    module.CONTEXT = "fake"  # type: ignore[attr-defined]
    with pytest.raises(LookupError, match="Nothing"):
        asyncapi.routes_of(module)


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        assert ref.startswith("#/"), ref
        node: Any = document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]


def test_test_only_events_stay_out_of_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_EVENTS", dict(registry._EVENTS))

    class AsyncapiTestProbeHappened(DomainEvent, context="asyncapi_test", version=1):
        value: str

    assert ("asyncapi_test", "AsyncapiTestProbeHappened") in registry.registered_events()
    assert AsyncapiTestProbeHappened not in asyncapi.contract_events()


def test_the_committed_document_is_up_to_date() -> None:
    stale = asyncapi.stale_files(COMMITTED)
    assert not stale, (
        f"docs/asyncapi/{', '.join(stale)} out of date: "
        "run `uv run python -m parley.contracts.asyncapi` and commit the result"
    )


def test_check_fails_on_a_stale_copy_and_passes_on_a_fresh_one(tmp_path: Path) -> None:
    assert asyncapi.main(["--check", "--out", str(tmp_path)]) == 1
    assert asyncapi.main(["--out", str(tmp_path)]) == 0
    assert asyncapi.main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "asyncapi.json").write_text("{}\n")
    assert asyncapi.main(["--check", "--out", str(tmp_path)]) == 1
