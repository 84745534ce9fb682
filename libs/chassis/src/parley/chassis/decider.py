"""Deciders and the command loop: load → decide → append, retried on concurrency conflicts.

A decider is three pure things: an initial state, ``decide(command, state) -> [events]``
(raising :class:`DomainError` for a command that cannot be applied) and
``evolve(state, event) -> state``. All domain rules live in ``decide``.
"""

from __future__ import annotations

import asyncio
import random
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from parley.chassis.event_store import ConcurrencyConflict, EventMetadata, EventStore
from parley.contracts.registry import DomainEvent

S = TypeVar("S")
C = TypeVar("C")
E = TypeVar("E", bound=DomainEvent)


@dataclass(frozen=True)
class Decider(Generic[C, S]):
    initial_state: S
    decide: Callable[[C, S], Sequence[DomainEvent]]
    evolve: Callable[[S, DomainEvent], S]

    def fold(self, events: Sequence[DomainEvent], state: S | None = None) -> S:
        current = self.initial_state if state is None else state
        for event in events:
            current = self.evolve(current, event)
        return current


@dataclass(frozen=True)
class Outcome(Generic[S]):
    state: S
    new_events: list[DomainEvent]
    version: int


class TooMuchContention(ConcurrencyConflict):
    pass


class StateCache:
    """Recently used aggregate states with their version, so a command reads only the events
    appended since (by anyone, any replica) instead of the whole history. States must be
    immutable (deciders return new states), which is what makes sharing them safe."""

    def __init__(self, max_aggregates: int = 10_000) -> None:
        self._max = max_aggregates
        self._entries: OrderedDict[tuple[int, str], tuple[Any, int]] = OrderedDict()

    def get(self, decider: Decider[C, S], aggregate_id: str) -> tuple[S, int] | None:
        key = (id(decider), aggregate_id)
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, decider: Decider[C, S], aggregate_id: str, state: S, version: int) -> None:
        key = (id(decider), aggregate_id)
        current = self._entries.get(key)
        if current is not None and current[1] > version:
            return  # never go back to an older state
        self._entries[key] = (state, version)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


async def load_state(
    store: EventStore,
    decider: Decider[C, S],
    aggregate_id: str,
    cache: StateCache | None = None,
) -> tuple[S, int]:
    """The aggregate's current state and version (from the cache plus newer events if given)."""
    cached = cache.get(decider, aggregate_id) if cache else None
    base_state, base_version = cached if cached else (decider.initial_state, 0)
    stored, version = await store.load(aggregate_id, after_version=base_version)
    state = decider.fold([item.event for item in stored], base_state)
    if cache is not None:
        cache.put(decider, aggregate_id, state, version)
    return state, version


async def execute(
    store: EventStore,
    decider: Decider[C, S],
    aggregate_id: str,
    command: C,
    metadata: EventMetadata,
    *,
    attempts: int = 30,
    cache: StateCache | None = None,
) -> Outcome[S]:
    """Apply ``command`` to the aggregate; on a concurrency conflict, reload and decide again.

    With a cache, the first attempt decides on the cached state without reading the store:
    the append's expected version is the check that it was current (another replica may have
    written since), and a stale one is a conflict like any other. Only an outcome the append
    cannot check (a refusal, or nothing to append) is decided again on the stored state.

    Retries back off with jitter so that a burst of writers to one aggregate spreads out
    instead of colliding round after round.
    """
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
        cached = cache.get(decider, aggregate_id) if cache is not None and not attempt else None
        state, version, events = await _decide(store, decider, aggregate_id, command, cache, cached)
        try:
            new_version = await store.append(
                aggregate_id, events, expected_version=version, metadata=metadata
            )
        except ConcurrencyConflict:
            continue
        new_state = decider.fold(events, state)
        if cache is not None and events:
            cache.put(decider, aggregate_id, new_state, new_version)
        return Outcome(new_state, events, new_version)
    raise TooMuchContention(f"{aggregate_id}: still conflicting after {attempts} attempts")


async def _decide(
    store: EventStore,
    decider: Decider[C, S],
    aggregate_id: str,
    command: C,
    cache: StateCache | None,
    cached: tuple[S, int] | None,
) -> tuple[S, int, list[DomainEvent]]:
    """The state decided on, its version and the events: on the cached state when it yields
    events to append (the append checks it), else on the stored one."""
    if cached is not None:
        state, version = cached
        try:
            events = list(decider.decide(command, state))
        except Exception:  # maybe refused for being stale: decided again on the stored state
            events = []
        if events:
            return state, version, events
    state, version = await load_state(store, decider, aggregate_id, cache)
    return state, version, list(decider.decide(command, state))
