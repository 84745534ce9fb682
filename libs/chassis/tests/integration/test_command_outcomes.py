"""Command outcomes in NATS KV: a repeat of a finished command gets its outcome, concurrent
repeats run it once, and a claim left by an attempt that died is taken over."""

from __future__ import annotations

import asyncio
import json

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.errors import Conflict, InvalidInput
from parley.chassis.idempotency import Command, CommandOutcomes, Outcome


def C(command_id: str, subject: str = "cmd.test.thing", fingerprint: str = "") -> Command:
    return Command(command_id, subject, fingerprint)


async def test_a_repeat_gets_the_stored_outcome(nc: NATS) -> None:
    outcomes = await CommandOutcomes.open(nc, "test")
    assert await outcomes.claim(C("usr_1:key-1")) is None
    await outcomes.finish(C("usr_1:key-1"), Outcome(b'{"id": "usr_2"}'))

    assert await outcomes.claim(C("usr_1:key-1")) == Outcome(b'{"id": "usr_2"}')
    assert await outcomes.claim(C("usr_2:key-1")) is None  # another caller's key: another command
    assert await outcomes.claim(C("usr_1:key-1", "cmd.x.other")) is None  # another route too


async def test_a_key_reused_for_another_payload_is_refused(nc: NATS) -> None:
    outcomes = await CommandOutcomes.open(nc, "test")
    assert await outcomes.claim(C("k", fingerprint="a")) is None
    with pytest.raises(InvalidInput) as pending:
        await outcomes.claim(C("k", fingerprint="b"))
    await outcomes.finish(C("k", fingerprint="a"), Outcome(b"1"))
    with pytest.raises(InvalidInput) as done:
        await outcomes.claim(C("k", fingerprint="b"))
    assert pending.value.type == done.value.type == "idempotency-key-reused"


async def test_a_refusal_is_stored_with_its_status(nc: NATS) -> None:
    outcomes = await CommandOutcomes.open(nc, "test")
    problem = json.dumps({"type": "handle-taken", "status": 409}).encode()
    assert await outcomes.claim(C("k")) is None
    await outcomes.finish(C("k"), Outcome(problem, 409))
    assert await outcomes.claim(C("k")) == Outcome(problem, 409)


async def test_concurrent_repeats_run_the_command_once(nc: NATS) -> None:
    outcomes = await CommandOutcomes.open(nc, "test")
    runs = 0

    async def attempt() -> bytes:
        nonlocal runs
        stored = await outcomes.claim(C("burst"))
        if stored is not None:
            return stored.body
        runs += 1
        await asyncio.sleep(0.2)  # the command takes a while; the repeats wait for it
        await outcomes.finish(C("burst"), Outcome(b"done"))
        return b"done"

    answers = await asyncio.gather(*(attempt() for _ in range(20)))
    assert runs == 1
    assert set(answers) == {b"done"}


async def test_a_claim_left_by_an_attempt_that_died_is_taken_over(nc: NATS) -> None:
    short = CommandOutcomes((await CommandOutcomes.open(nc, "test"))._kv, pending_s=0.3)
    assert await short.claim(C("orphan")) is None  # ... and that attempt never finishes
    await asyncio.sleep(0.4)
    assert await short.claim(C("orphan")) is None  # taken over: this attempt runs it


async def test_a_repeat_waits_for_the_first_attempt_then_says_it_is_in_progress(
    nc: NATS,
) -> None:
    outcomes = CommandOutcomes((await CommandOutcomes.open(nc, "test"))._kv, wait_s=0.2)
    assert await outcomes.claim(C("slow")) is None
    with pytest.raises(Conflict) as refused:
        await outcomes.claim(C("slow"))
    assert refused.value.type == "command-in-progress"


async def test_released_claims_can_run_again(nc: NATS) -> None:
    outcomes = await CommandOutcomes.open(nc, "test")
    assert await outcomes.claim(C("bug")) is None
    await outcomes.release(C("bug"))
    assert await outcomes.claim(C("bug")) is None
