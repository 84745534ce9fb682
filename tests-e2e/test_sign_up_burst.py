"""80 simultaneous sign-ups against the real stack (``parley up``): every 2xx made its account,
every refusal made none, an unknown outcome (504, on a slow machine) either, and every retry
with the same ``Idempotency-Key`` is idempotent.

Before commands were idempotent and refused before being applied, this burst answered 48 of
80 with ``503 identity service did not answer`` after 5.1 s, and all 48 accounts existed."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from uuid import uuid4

import httpx
import pytest
from accounts_api import PASSWORD, new_handle
from parley_up import ParleyUp

pytestmark = pytest.mark.e2e

BURST = 80


async def sign_up(client: httpx.AsyncClient, handle: str, key: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/register",
        json={"handle": handle, "display_name": handle, "password": PASSWORD},
        headers={"Idempotency-Key": key},
    )


async def exists(client: httpx.AsyncClient, handle: str) -> bool:
    response = await client.get(f"/api/v1/users/{handle}")
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


async def burst(url: str) -> None:
    handles = [new_handle("Burst") for _ in range(BURST)]
    keys = {handle: str(uuid4()) for handle in handles}
    limits = httpx.Limits(max_connections=BURST)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        started = time.perf_counter()
        answers = await asyncio.gather(*(sign_up(client, h, keys[h]) for h in handles))
        elapsed = time.perf_counter() - started
        by_status = Counter(answer.status_code for answer in answers)
        created = {h for h, a in zip(handles, answers, strict=True) if a.status_code == 201}
        # 504: an attempt got no answer in time (a slow machine): the outcome is unknown, and
        # a retry with the same key tells it
        unknown = {h for h, a in zip(handles, answers, strict=True) if a.status_code == 504}
        refused = {
            h: a
            for h, a in zip(handles, answers, strict=True)
            if a.status_code != 201 and h not in unknown
        }

        applied = {h for h in handles if await exists(client, h)}
        print(
            f"\nsign-up burst of {BURST} in {elapsed:.1f} s: {dict(sorted(by_status.items()))};"
            f" 2xx {len(created)}, refused {len(refused)}, unknown {len(unknown)},"
            f" accounts made {len(applied)}"
        )
        for handle in unknown:
            assert answers[handles.index(handle)].json()["type"].endswith("/outcome-unknown")
        for answer in refused.values():  # refused before anything was applied, and says so
            assert answer.status_code in (429, 503), answer.text
            assert answer.headers["Retry-After"], answer.text
            assert answer.json()["type"].endswith(("/overloaded", "/rate-limited")), answer.text
        # every 2xx applied, every refusal applied nothing (an unknown outcome: either)
        assert created <= applied <= created | unknown

        # Retries with the same key: a success answers the same account again; a refusal
        # runs now (after its Retry-After), once.
        retried = 0
        for handle, answer in zip(handles, answers, strict=True):
            if handle in created and retried < 10:
                again = await sign_up(client, handle, keys[handle])
                assert again.status_code == 201, again.text
                assert again.json()["user"]["id"] == answer.json()["user"]["id"]
                retried += 1
        for handle in [*refused, *unknown]:
            for _ in range(20):
                again = await sign_up(client, handle, keys[handle])
                if again.status_code == 201:
                    break
                await asyncio.sleep(float(again.headers.get("Retry-After", "1")))
            assert again.status_code == 201, again.text
            repeat = await sign_up(client, handle, keys[handle])
            assert repeat.json()["user"]["id"] == again.json()["user"]["id"]
        print(
            f"retried {retried} successes, {len(refused)} refusals and {len(unknown)} unknown"
            " outcomes with their keys: all 201"
        )


def test_a_sign_up_burst_applies_exactly_what_it_acknowledges(stack: ParleyUp) -> None:
    asyncio.run(burst(stack.url))
