"""Versioned events: an old envelope found in a stream decodes as the current class."""

from __future__ import annotations

from typing import Any

import pytest

from parley.contracts import registry
from parley.contracts.envelope import EventEnvelope
from parley.contracts.registry import DomainEvent, UnknownEvent, decode_event, upcaster


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

    @upcaster("RegistryTestNameSplit", from_version=1)
    def split_name(data: dict[str, Any]) -> dict[str, Any]:
        first, _, last = data.pop("name").partition(" ")
        return data | {"first_name": first, "last_name": last}

    stored_v1 = envelope("RegistryTestNameSplit", 1, {"user_id": "usr_1", "name": "Ada Lovelace"})

    assert decode_event(stored_v1) == RegistryTestNameSplit(
        user_id="usr_1", first_name="Ada", last_name="Lovelace"
    )
    assert stored_v1.data == {"user_id": "usr_1", "name": "Ada Lovelace"}  # not mutated


def test_upcasters_chain_from_any_old_version() -> None:
    class RegistryTestCounter(DomainEvent, context="registry_test", version=3):
        count: int
        unit: str

    @upcaster("RegistryTestCounter", from_version=1)
    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        return {"count": int(data["count"])}

    @upcaster("RegistryTestCounter", from_version=2)
    def v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
        return data | {"unit": "items"}

    assert decode_event(envelope("RegistryTestCounter", 1, {"count": "7"})) == (
        RegistryTestCounter(count=7, unit="items")
    )
    assert decode_event(envelope("RegistryTestCounter", 2, {"count": 7})) == (
        RegistryTestCounter(count=7, unit="items")
    )
    assert decode_event(envelope("RegistryTestCounter", 3, {"count": 7, "unit": "kg"})) == (
        RegistryTestCounter(count=7, unit="kg")
    )


def test_a_missing_upcaster_is_an_error_not_a_guess() -> None:
    class RegistryTestNoPath(DomainEvent, context="registry_test", version=2):
        value: str

    with pytest.raises(UnknownEvent, match="no upcaster for RegistryTestNoPath v1"):
        decode_event(envelope("RegistryTestNoPath", 1, {"value": "x"}))


def test_an_unknown_event_type_is_reported() -> None:
    with pytest.raises(UnknownEvent):
        decode_event(envelope("RegistryTestNeverDefined", 1, {}))


def test_test_events_do_not_leak_into_the_registry() -> None:
    assert not any(name.startswith("RegistryTest") for name in registry.registered_events())
