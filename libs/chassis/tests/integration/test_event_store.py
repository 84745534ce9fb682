"""The event store against a real nats-server: concurrency, dedup, atomic batches, retries."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.decider import Decider, StateCache, execute, load_state
from parley.chassis.errors import Conflict
from parley.chassis.event_store import (
    ConcurrencyConflict,
    EventMetadata,
    EventStore,
    StoredEvent,
)
from parley.testing.counter import (
    CounterClosed,
    CounterIncremented,
    CounterState,
    Increment,
    counter_decider,
    evolve,
)

META = EventMetadata(correlation_id="cor_test", actor="usr_tester")


async def test_load_of_unknown_aggregate_is_empty_at_version_zero(store: EventStore) -> None:
    assert await store.load("nobody") == ([], 0)


async def test_appended_events_load_back_in_order_with_their_envelope(store: EventStore) -> None:
    version = await store.append(
        "c1", [CounterIncremented(counter_id="c1", by=2)], expected_version=0, metadata=META
    )
    await store.append(
        "c1", [CounterIncremented(counter_id="c1", by=3)], expected_version=version, metadata=META
    )
    await store.append(
        "other", [CounterIncremented(counter_id="other", by=7)], expected_version=0, metadata=META
    )

    events, loaded_version = await store.load("c1")

    assert [item.event for item in events] == [
        CounterIncremented(counter_id="c1", by=2),
        CounterIncremented(counter_id="c1", by=3),
    ]
    assert loaded_version == events[-1].stream_seq
    envelope = events[0].envelope
    assert envelope.aggregate_id == "c1"
    assert envelope.actor == "usr_tester"
    assert envelope.correlation_id == "cor_test"
    assert envelope.event_type == "CounterIncremented"
    assert events[0].subject == f"{store.context}.c1.counter_incremented"


async def test_a_load_after_a_version_reads_only_what_came_after(store: EventStore) -> None:
    first = await store.append(
        "c1", [CounterIncremented(counter_id="c1", by=2)], expected_version=0, metadata=META
    )
    await store.append(
        "other", [CounterIncremented(counter_id="other", by=7)], expected_version=0, metadata=META
    )

    assert await store.load("c1", after_version=first) == ([], first)  # nothing new

    last = await store.append(
        "c1", [CounterIncremented(counter_id="c1", by=3)], expected_version=first, metadata=META
    )
    newer, version = await store.load("c1", after_version=first)
    assert [item.event for item in newer] == [CounterIncremented(counter_id="c1", by=3)]
    assert version == last


async def test_stale_expected_version_is_a_conflict_and_stores_nothing(store: EventStore) -> None:
    await store.append(
        "c1", [CounterIncremented(counter_id="c1")], expected_version=0, metadata=META
    )

    with pytest.raises(ConcurrencyConflict):
        await store.append(
            "c1", [CounterIncremented(counter_id="c1", by=9)], expected_version=0, metadata=META
        )

    events, _ = await store.load("c1")
    assert len(events) == 1


async def test_multi_event_append_is_all_or_nothing(store: EventStore) -> None:
    version = await store.append(
        "c1", [CounterIncremented(counter_id="c1")], expected_version=0, metadata=META
    )
    two = [CounterIncremented(counter_id="c1", by=5), CounterClosed(counter_id="c1")]

    with pytest.raises(ConcurrencyConflict):
        await store.append("c1", two, expected_version=0, metadata=META)
    assert len((await store.load("c1"))[0]) == 1

    new_version = await store.append("c1", two, expected_version=version, metadata=META)
    events, loaded = await store.load("c1")
    assert [type(item.event).__name__ for item in events] == [
        "CounterIncremented",
        "CounterIncremented",
        "CounterClosed",
    ]
    assert loaded == new_version


async def test_a_duplicated_publish_is_stored_once(store: EventStore) -> None:
    event = [CounterIncremented(counter_id="c1", by=4)]
    first = await store.append(
        "c1", event, expected_version=0, metadata=META, event_ids=["evt_same"]
    )
    # The same event re-sent (a retry after a lost ack): same Nats-Msg-Id, same expectation.
    again = await store.append(
        "c1", event, expected_version=0, metadata=META, event_ids=["evt_same"]
    )

    events, _ = await store.load("c1")
    assert len(events) == 1
    assert again == first


async def test_a_duplicated_batch_is_stored_once(store: EventStore) -> None:
    batch = [CounterIncremented(counter_id="c1"), CounterClosed(counter_id="c1")]
    ids = ["evt_b1", "evt_b2"]
    await store.append("c1", batch, expected_version=0, metadata=META, event_ids=ids)
    await store.append("c1", batch, expected_version=0, metadata=META, event_ids=ids)

    assert len((await store.load("c1"))[0]) == 2


async def test_concurrent_commands_retry_on_conflict_and_none_is_lost(store: EventStore) -> None:
    commands = [Increment("c1", by=1) for _ in range(20)]

    outcomes = await asyncio.gather(
        *(execute(store, counter_decider, "c1", command, META) for command in commands)
    )

    state, version = await load_state(store, counter_decider, "c1")
    assert state.value == 20
    assert sorted(outcome.state.value for outcome in outcomes) == list(range(1, 21))
    assert max(outcome.version for outcome in outcomes) == version


async def test_a_rejected_command_appends_nothing(store: EventStore) -> None:
    await store.append("c1", [CounterClosed(counter_id="c1")], expected_version=0, metadata=META)

    with pytest.raises(Conflict):
        await execute(store, counter_decider, "c1", Increment("c1"), META)

    assert len((await store.load("c1"))[0]) == 1


async def test_loading_a_long_aggregate_pages_through_batches(store: EventStore) -> None:
    version = 0
    for start in range(0, 1200, 100):
        batch = [CounterIncremented(counter_id="c1", by=1) for _ in range(start, start + 100)]
        version = await store.append("c1", batch, expected_version=version, metadata=META)

    state, loaded = await load_state(store, counter_decider, "c1")

    assert state.value == 1200
    assert loaded == version


async def test_cached_states_catch_up_with_writes_from_other_replicas(store: EventStore) -> None:
    replica_a, replica_b = StateCache(), StateCache()

    await execute(store, counter_decider, "c1", Increment("c1", by=2), META, cache=replica_a)
    await execute(store, counter_decider, "c1", Increment("c1", by=3), META, cache=replica_b)
    outcome = await execute(
        store, counter_decider, "c1", Increment("c1", by=4), META, cache=replica_a
    )  # replica A's cached state is stale by one event

    assert outcome.state.value == 9
    state, version = await load_state(store, counter_decider, "c1", replica_b)
    assert state.value == 9
    assert version == outcome.version
    assert (await load_state(store, counter_decider, "c1"))[0].value == 9


class LoadCounting(EventStore):
    loads = 0

    async def load(
        self, aggregate_id: str, *, after_version: int = 0
    ) -> tuple[list[StoredEvent], int]:
        self.loads += 1
        return await super().load(aggregate_id, after_version=after_version)


def _even_only(command: Increment, state: CounterState) -> list[CounterIncremented]:
    """Refuses while the value is odd: a stale cached state refuses what the stored one allows."""
    if state.value % 2:
        raise Conflict("odd", type="odd")
    return [CounterIncremented(counter_id=command.counter_id, by=command.by)]


async def test_a_command_on_a_current_cached_state_reads_nothing_before_its_append(
    nc: NATS, store: EventStore
) -> None:
    counting = LoadCounting(nc, stream=store.stream, context=store.context)
    cache = StateCache()
    await execute(counting, counter_decider, "c1", Increment("c1"), META, cache=cache)
    loads = counting.loads

    outcome = await execute(counting, counter_decider, "c1", Increment("c1"), META, cache=cache)

    assert counting.loads == loads
    assert outcome.state.value == 2
    assert (await load_state(store, counter_decider, "c1"))[0].value == 2


async def test_a_refusal_on_a_stale_cached_state_is_decided_again_on_the_stored_one(
    store: EventStore,
) -> None:
    even_only = Decider(CounterState(), _even_only, evolve)
    replica_a, replica_b = StateCache(), StateCache()
    await execute(store, even_only, "c1", Increment("c1", by=1), META, cache=replica_a)
    await load_state(store, even_only, "c1", replica_b)
    await execute(store, counter_decider, "c1", Increment("c1", by=1), META)  # now even

    outcome = await execute(store, even_only, "c1", Increment("c1", by=2), META, cache=replica_a)

    assert outcome.state.value == 4  # replica A's cache (1: odd) would have refused
    later = await execute(store, even_only, "c1", Increment("c1", by=1), META, cache=replica_b)
    assert later.state.value == 5  # likewise replica B's
    with pytest.raises(Conflict):  # a refusal on the stored state stands
        await execute(store, even_only, "c1", Increment("c1", by=1), META, cache=replica_b)
