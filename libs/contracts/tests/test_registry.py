"""Versioned events keyed by (context, name): an old envelope found in a stream decodes as the
current class of its context; a context nobody declared is a clear error."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from parley.contracts import registry
from parley.contracts.envelope import EventEnvelope
from parley.contracts.registry import (
    DomainEvent,
    UnknownContext,
    UnknownEvent,
    decode_event,
    event_class,
    events_of,
    upcaster,
)


@pytest.fixture(autouse=True)
def isolated_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry is global: events and upcasters defined here vanish after each test."""
    monkeypatch.setattr(registry, "_EVENTS", dict(registry._EVENTS))
    monkeypatch.setattr(registry, "_UPCASTERS", dict(registry._UPCASTERS))


def envelope(event_type: str, version: int, data: dict[str, Any]) -> EventEnvelope:
    return EventEnvelope(
        event_type=event_type,
        event_version=version,
        aggregate_id="usr_1",
        correlation_id="cor_1",
        data=data,
    )


def test_a_v1_envelope_is_upcast_to_the_current_version() -> None:
    class RegistryTestNameSplit(DomainEvent, context="registry_test", version=2):
        user_id: str
        first_name: str
        last_name: str

    @upcaster("registry_test", "RegistryTestNameSplit", from_version=1)
    def split_name(data: dict[str, Any]) -> dict[str, Any]:
        first, _, last = data.pop("name").partition(" ")
        return data | {"first_name": first, "last_name": last}

    stored_v1 = envelope("RegistryTestNameSplit", 1, {"user_id": "usr_1", "name": "Ada Lovelace"})

    assert decode_event("registry_test", stored_v1) == RegistryTestNameSplit(
        user_id="usr_1", first_name="Ada", last_name="Lovelace"
    )
    assert stored_v1.data == {"user_id": "usr_1", "name": "Ada Lovelace"}  # not mutated


def test_upcasters_chain_from_any_old_version() -> None:
    class RegistryTestCounter(DomainEvent, context="registry_test", version=3):
        count: int
        unit: str

    @upcaster("registry_test", "RegistryTestCounter", from_version=1)
    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        return {"count": int(data["count"])}

    @upcaster("registry_test", "RegistryTestCounter", from_version=2)
    def v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
        return data | {"unit": "items"}

    assert decode_event("registry_test", envelope("RegistryTestCounter", 1, {"count": "7"})) == (
        RegistryTestCounter(count=7, unit="items")
    )
    assert decode_event("registry_test", envelope("RegistryTestCounter", 2, {"count": 7})) == (
        RegistryTestCounter(count=7, unit="items")
    )
    assert decode_event(
        "registry_test", envelope("RegistryTestCounter", 3, {"count": 7, "unit": "kg"})
    ) == (RegistryTestCounter(count=7, unit="kg"))


def test_a_missing_upcaster_is_an_error_not_a_guess() -> None:
    class RegistryTestNoPath(DomainEvent, context="registry_test", version=2):
        value: str

    with pytest.raises(UnknownEvent, match=r"no upcaster for registry_test\.RegistryTestNoPath v1"):
        decode_event("registry_test", envelope("RegistryTestNoPath", 1, {"value": "x"}))


def test_an_unknown_event_type_is_reported() -> None:
    with pytest.raises(UnknownEvent):
        decode_event("registry_test", envelope("RegistryTestNeverDefined", 1, {}))


def test_test_events_do_not_leak_into_the_registry() -> None:
    assert not any(name.startswith("RegistryTest") for _, name in registry.registered_events())
    assert not any(context == "registry_test" for context, _ in registry.registered_events())


def test_events_of_two_contexts_with_the_same_name_do_not_collide() -> None:
    class Greeted(DomainEvent, context="registry_test_a", version=1):
        by: str

    first = Greeted

    class Greeted(DomainEvent, context="registry_test_b", version=2):  # type: ignore[no-redef]
        to: str
        loudly: bool

    second = Greeted
    assert event_class("registry_test_a", "Greeted") is first
    assert event_class("registry_test_b", "Greeted") is second
    assert events_of("registry_test_a") == {"Greeted": first}
    assert events_of("registry_test_b") == {"Greeted": second}
    assert decode_event("registry_test_a", envelope("Greeted", 1, {"by": "ada"})) == first(by="ada")
    assert decode_event(
        "registry_test_b", envelope("Greeted", 2, {"to": "ada", "loudly": True})
    ) == second(to="ada", loudly=True)
    with pytest.raises(ValidationError):  # b's envelope is not a's event
        decode_event("registry_test_a", envelope("Greeted", 1, {"to": "ada", "loudly": True}))


def test_one_name_defined_twice_in_one_context_is_refused() -> None:
    class RegistryTestTwice(DomainEvent, context="registry_test", version=1):
        value: str

    namespace = {"__module__": "somewhere.else", "__annotations__": {"value": str}}
    with pytest.raises(TypeError, match=r"registry_test\.RegistryTestTwice is defined twice"):
        type("RegistryTestTwice", (DomainEvent,), namespace, context="registry_test")


def test_a_context_without_declared_events_is_an_unknown_context() -> None:
    with pytest.raises(UnknownContext, match=r"parley\.contracts\.events\.nosuchcontext"):
        events_of("nosuchcontext")
    with pytest.raises(UnknownContext):
        event_class("nosuchcontext", "SomethingHappened")
    with pytest.raises(UnknownContext):
        decode_event("nosuchcontext", envelope("SomethingHappened", 1, {}))


def test_the_suite_contexts_are_known_by_their_contract_modules() -> None:
    for context in ("identity", "room", "media"):
        events = events_of(context)
        assert events
        assert all(cls.context == context for cls in events.values())
    assert event_class("identity", "UserSuspended").context == "identity"
    with pytest.raises(UnknownEvent):
        event_class("identity", "SpaceStarted")  # a room event is not identity's
