"""Versioned domain events: one pydantic model per (event_type, version), plus upcasting.

An event class declares its bounded context and schema version::

    class UserFollowed(DomainEvent, context="identity", version=1):
        follower_id: str
        followee_id: str

Events are registered by context and name. A context's events live in
``parley.contracts.events.<context>``, imported on first use: :func:`events_of` for a context
with no such module is an :class:`UnknownContext` error, raised when a service starts to read
that context's stream, not a dead letter at run time.

Old versions found in a stream are upgraded on read by upcasters registered with
:func:`upcaster`, so handlers only ever see the current class.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from parley.contracts.envelope import EventEnvelope

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

EventKey = tuple[str, str]  # (context, event type)

_EVENTS: dict[EventKey, type[DomainEvent]] = {}
_UPCASTERS: dict[tuple[str, str, int], Upcaster] = {}


class UnknownEvent(LookupError):
    pass


class UnknownContext(UnknownEvent):
    """No events are declared for this context: every event of it is unknown."""


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
        key = (context, cls.__name__)
        existing = _EVENTS.get(key)
        if existing is not None and existing.__module__ != cls.__module__:
            raise TypeError(f"event type {context}.{cls.__name__} is defined twice")
        _EVENTS[key] = cls

    @classmethod
    def event_type(cls) -> str:
        return cls.__name__


def upcaster(context: str, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function turning ``data`` of ``from_version`` into ``from_version + 1``."""

    def register(fn: Upcaster) -> Upcaster:
        _UPCASTERS[(context, event_type, from_version)] = fn
        return fn

    return register


def events_of(context: str) -> dict[str, type[DomainEvent]]:
    """Every event type of ``context`` by name, importing its contract module if needed.

    A context with neither a contract module nor any event class defined elsewhere (a test's
    own) is an :class:`UnknownContext`."""
    module = f"parley.contracts.events.{context}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as missing:
        if missing.name != module:  # the module exists but imports something missing
            raise
        missing_module: ModuleNotFoundError | None = missing
    else:
        missing_module = None
    found = {name: cls for (ctx, name), cls in _EVENTS.items() if ctx == context}
    if not found and missing_module is not None:
        raise UnknownContext(
            f"no events are declared for context {context!r} (expected the module {module})"
        ) from missing_module
    return found


def event_class(context: str, event_type: str) -> type[DomainEvent]:
    found = _EVENTS.get((context, event_type)) or events_of(context).get(event_type)
    if found is None:
        raise UnknownEvent(f"{context}.{event_type}")
    return found


def registered_events() -> dict[EventKey, type[DomainEvent]]:
    return dict(_EVENTS)


def upcast(context: str, event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    target = event_class(context, event_type).version
    while version < target:
        step = _UPCASTERS.get((context, event_type, version))
        if step is None:
            raise UnknownEvent(f"no upcaster for {context}.{event_type} v{version}")
        data = step(data)
        version += 1
    return data


def decode_event(context: str, envelope: EventEnvelope) -> DomainEvent:
    """The current-version event carried by an envelope (upcasting older versions)."""
    cls = event_class(context, envelope.event_type)
    data = upcast(context, envelope.event_type, envelope.event_version, dict(envelope.data))
    return cls.model_validate(data)
