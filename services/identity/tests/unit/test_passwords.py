"""argon2id hashing: memory-hard by default, verifiable, rehash when the cost changes."""

from __future__ import annotations

import asyncio

from argon2 import extract_parameters

from parley.identity.adapters.passwords import HashingCost, PasswordHasher

CHEAP = HashingCost(time_cost=1, memory_kib=1024, parallelism=1)


def test_the_default_cost_is_memory_hard() -> None:
    assert HashingCost().memory_kib >= 64 * 1024
    assert HashingCost().time_cost >= 2


async def test_hash_and_verify() -> None:
    hasher = PasswordHasher(CHEAP)
    hashed = await hasher.hash("correct horse")
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert await hasher.verify(hashed, "correct horse")
    assert not await hasher.verify(hashed, "correct horsE")
    assert not await hasher.verify("not a hash", "correct horse")
    assert await hasher.hash("correct horse") != hashed  # salted


async def test_hashes_carry_their_cost_and_old_costs_need_a_rehash() -> None:
    hashed = await PasswordHasher(CHEAP).hash("pw-pw-pw-pw")
    parameters = extract_parameters(hashed)
    assert (parameters.memory_cost, parameters.time_cost) == (1024, 1)
    stronger = PasswordHasher(HashingCost(time_cost=2, memory_kib=2048, parallelism=1))
    assert stronger.needs_rehash(hashed)
    assert not PasswordHasher(CHEAP).needs_rehash(hashed)
    assert await stronger.verify(hashed, "pw-pw-pw-pw")  # old hashes still verify


async def test_hashing_runs_off_the_event_loop() -> None:
    hasher = PasswordHasher(HashingCost(time_cost=2, memory_kib=32 * 1024, parallelism=1))
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    ticker = asyncio.create_task(tick())
    await hasher.hash("correct horse")
    ticker.cancel()
    assert ticks > 1  # the loop kept turning while the hash was computed


async def test_decoy_verification_never_matches() -> None:
    hasher = PasswordHasher(CHEAP)
    await hasher.verify_decoy("decoy password, never matches")  # no error, no result
