"""Versioned domain events: one pydantic model per (event_type, version), plus upcasting.

An event class declares its bounded context and schema version::

    class UserFollowed(DomainEvent, context="identity", version=1):
        follower_id: str
        followee_id: str

Old versions found in a stream are upgraded on read by upcasters registered with
:func:`upcaster`, so handlers only ever see the current class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from parley.contracts.envelope import EventEnvelope

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

_EVENTS: dict[str, type[DomainEvent]] = {}
_UPCASTERS: dict[tuple[str, int], Upcaster] = {}


class UnknownEvent(LookupError):
    pass


class DomainEvent(BaseModel):
    """Base of every stored domain event. Subclasses are immutable and past-tense."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    context: ClassVar[str]
    version: ClassVar[int]

    def __init_subclass__(cls, *, context: str = "", version: int = 1, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not context:
            return
        cls.context = context
        cls.version = version
        existing = _EVENTS.get(cls.__name__)
        if existing is not None and existing.__module__ != cls.__module__:
            raise TypeError(f"event type {cls.__name__} is defined twice")
        _EVENTS[cls.__name__] = cls

    @classmethod
    def event_type(cls) -> str:
        return cls.__name__


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function turning ``data`` of ``from_version`` into ``from_version + 1``."""

    def register(fn: Upcaster) -> Upcaster:
        _UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


def event_class(event_type: str) -> type[DomainEvent]:
    try:
        return _EVENTS[event_type]
    except KeyError:
        raise UnknownEvent(event_type) from None


def registered_events() -> dict[str, type[DomainEvent]]:
    return dict(_EVENTS)


def upcast(event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    target = event_class(event_type).version
    while version < target:
        step = _UPCASTERS.get((event_type, version))
        if step is None:
            raise UnknownEvent(f"no upcaster for {event_type} v{version}")
        data = step(data)
        version += 1
    return data


def decode_event(envelope: EventEnvelope) -> DomainEvent:
    """The current-version event carried by an envelope (upcasting older versions)."""
    cls = event_class(envelope.event_type)
    data = upcast(envelope.event_type, envelope.event_version, dict(envelope.data))
    return cls.model_validate(data)
