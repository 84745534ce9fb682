"""``ReadCache``: an answer is kept exactly while the read models it came from stay where they
were, and only for read models this process applies."""

from __future__ import annotations

from typing import Any, cast

import pytest

from parley.chassis.projections import Positions
from parley.room.queries.read_cache import ReadCache


class Reads:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> int:
        self.count += 1
        return self.count


def positions(*applied_here: str) -> Positions:
    found = Positions(cast(Any, None))
    for name in applied_here:
        found.applied_here(name, 10)
    return found


async def test_an_answer_is_kept_until_its_read_models_move() -> None:
    here = positions("a", "b")
    cache, read = ReadCache(here), Reads()
    assert [await cache.get("k", ("a", "b"), read) for _ in range(3)] == [1, 1, 1]
    here.advanced("b", 11)
    assert await cache.get("k", ("a", "b"), read) == 2
    cache.forget("k")
    assert await cache.get("k", ("a", "b"), read) == 3


async def test_nothing_is_kept_for_a_read_model_another_replica_applies() -> None:
    elsewhere = positions("a")
    cache, read = ReadCache(elsewhere), Reads()
    assert [await cache.get("k", ("a", "b"), read) for _ in range(2)] == [1, 2]
    assert [await ReadCache(None).get("k", ("a",), read) for _ in range(2)] == [3, 4]


async def test_a_read_that_fails_keeps_nothing() -> None:
    cache, read = ReadCache(positions("a")), Reads()

    async def refused() -> int:
        raise LookupError("not there")

    with pytest.raises(LookupError):
        await cache.get("k", ("a",), refused)
    assert await cache.get("k", ("a",), read) == 1
