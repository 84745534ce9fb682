"""Placement: one origin per Space, stage on the origin, listeners overflow to edges."""

from __future__ import annotations

from collections import Counter

import pytest

from parley.media_relay.domain.placement import (
    NoWorkers,
    WorkerLoad,
    origin_of,
    place,
    rendezvous,
)

WORKERS = ["w1", "w2", "w3", "w4"]
SPACE = "sp_place"


def loads(*items: WorkerLoad) -> dict[str, WorkerLoad]:
    return {load.worker_id: load for load in items}


def idle(capacity: int = 10, **listeners: int) -> dict[str, WorkerLoad]:
    return loads(*(WorkerLoad(w, listeners.get(w, 0), capacity) for w in WORKERS))


def test_rendezvous_is_deterministic_and_ignores_the_order_of_workers() -> None:
    for key in (f"sp_{i}" for i in range(50)):
        winner = rendezvous(key, WORKERS)
        assert winner in WORKERS
        assert rendezvous(key, list(reversed(WORKERS))) == winner
        assert rendezvous(key, [WORKERS[2], WORKERS[0], WORKERS[3], WORKERS[1]]) == winner


def test_rendezvous_spreads_keys_across_workers() -> None:
    counts = Counter(rendezvous(f"sp_{i}", WORKERS) for i in range(2000))
    assert set(counts) == set(WORKERS)
    for count in counts.values():  # 500 each on average
        assert 400 < count < 600, counts


def test_losing_a_worker_moves_only_its_own_keys() -> None:
    keys = [f"sp_{i}" for i in range(500)]
    before = {key: rendezvous(key, WORKERS) for key in keys}
    after = {key: rendezvous(key, WORKERS[:-1]) for key in keys}
    for key in keys:
        if before[key] != WORKERS[-1]:
            assert after[key] == before[key]


def test_no_workers() -> None:
    with pytest.raises(NoWorkers):
        rendezvous(SPACE, [])
    with pytest.raises(NoWorkers):
        origin_of(SPACE, {})
    with pytest.raises(NoWorkers):
        place(SPACE, "usr_a", on_stage=False, workers={})


def test_the_origin_is_the_rendezvous_winner_unless_one_is_announced() -> None:
    workers = idle()
    hashed = rendezvous(SPACE, WORKERS)
    assert origin_of(SPACE, workers) == hashed

    other = next(w for w in WORKERS if w != hashed)
    workers[other] = WorkerLoad(other, 0, 10, origins=frozenset({SPACE, "sp_else"}))
    assert origin_of(SPACE, workers) == other
    assert origin_of("sp_else", workers) == other


def test_an_origin_announced_elsewhere_is_ignored() -> None:
    workers = idle()
    workers["w1"] = WorkerLoad("w1", 0, 10, origins=frozenset({"sp_other"}))
    assert origin_of(SPACE, workers) == rendezvous(SPACE, WORKERS)


def test_stage_members_always_go_to_the_origin_even_when_it_is_full() -> None:
    origin = rendezvous(SPACE, WORKERS)
    workers = idle(capacity=2, **{origin: 2})
    assert not workers[origin].has_room
    for user in ("usr_host", "usr_speaker", "usr_cohost"):
        assert place(SPACE, user, on_stage=True, workers=workers) == origin


def test_listeners_go_to_the_origin_while_it_has_room() -> None:
    origin = rendezvous(SPACE, WORKERS)
    workers = idle(capacity=2, **{origin: 1})
    for i in range(20):
        assert place(SPACE, f"usr_{i}", on_stage=False, workers=workers) == origin


def test_then_to_the_least_loaded_worker_with_room() -> None:
    origin = rendezvous(SPACE, WORKERS)
    edges = [w for w in WORKERS if w != origin]
    counts = {origin: 5, edges[0]: 3, edges[1]: 1, edges[2]: 4}
    workers = loads(*(WorkerLoad(w, n, 5) for w, n in counts.items()))
    for i in range(20):
        assert place(SPACE, f"usr_{i}", on_stage=False, workers=workers) == edges[1]


def test_a_full_edge_is_skipped_even_if_least_loaded_overall() -> None:
    origin = rendezvous(SPACE, WORKERS)
    edges = [w for w in WORKERS if w != origin]
    workers = loads(
        WorkerLoad(origin, 5, 5),
        WorkerLoad(edges[0], 1, 1),  # full, and the least loaded
        WorkerLoad(edges[1], 3, 10),
        WorkerLoad(edges[2], 4, 10),
    )
    assert place(SPACE, "usr_a", on_stage=False, workers=workers) == edges[1]


def test_ties_between_edges_are_spread_by_user() -> None:
    origin = rendezvous(SPACE, WORKERS)
    workers = idle(capacity=5, **{origin: 5})
    chosen = Counter(place(SPACE, f"usr_{i}", on_stage=False, workers=workers) for i in range(300))
    assert set(chosen) == set(WORKERS) - {origin}
    assert place(SPACE, "usr_7", on_stage=False, workers=workers) == place(
        SPACE, "usr_7", on_stage=False, workers=workers
    )


def test_when_everyone_is_full_the_origin_takes_it() -> None:
    origin = rendezvous(SPACE, WORKERS)
    workers = idle(capacity=3, **dict.fromkeys(WORKERS, 3))
    assert place(SPACE, "usr_a", on_stage=False, workers=workers) == origin


def test_a_lone_worker_serves_everyone() -> None:
    workers = loads(WorkerLoad("solo", 50, 10))
    assert place(SPACE, "usr_a", on_stage=False, workers=workers) == "solo"
    assert place(SPACE, "usr_b", on_stage=True, workers=workers) == "solo"
