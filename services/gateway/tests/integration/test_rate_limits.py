"""Register and login are rate limited per client IP; a limited request reaches nobody."""

from __future__ import annotations

import asyncio

REGISTRATION = {"handle": "ada", "display_name": "Ada", "password": "correct horse"}


async def test_register_is_limited_with_retry_after(start_gateway, fake_identity, assert_problem):
    gateway = await start_gateway(register_rate_limit=3, rate_limit_window_s=30)

    answers = [
        await gateway.client.post("/api/v1/auth/register", json=REGISTRATION) for _ in range(4)
    ]

    assert [r.status_code for r in answers[:3]] == [201, 201, 201]
    assert_problem(answers[3], 429, "rate-limited")
    assert 1 <= int(answers[3].headers["retry-after"]) <= 30
    assert len(fake_identity.requests("register")) == 3


async def test_login_has_its_own_budget(start_gateway, fake_identity, assert_problem):
    gateway = await start_gateway(register_rate_limit=1, login_rate_limit=2)
    credentials = {"handle": "ada", "password": "pw"}

    await gateway.client.post("/api/v1/auth/register", json=REGISTRATION)
    logins = [await gateway.client.post("/api/v1/auth/login", json=credentials) for _ in range(3)]

    assert [r.status_code for r in logins] == [200, 200, 429]
    assert "retry-after" in logins[2].headers
    assert_problem(logins[2], 429, "rate-limited")


async def test_the_limit_is_counted_before_the_body_is_read(
    start_gateway, fake_identity, assert_problem
):
    gateway = await start_gateway(login_rate_limit=1)

    await gateway.client.post("/api/v1/auth/login", content=b"not json")
    limited = await gateway.client.post("/api/v1/auth/login", content=b"not json")

    assert_problem(limited, 429, "rate-limited")


async def test_other_endpoints_are_not_limited(start_gateway, fake_identity):
    gateway = await start_gateway(register_rate_limit=1, login_rate_limit=1)

    answers = [await gateway.client.get("/api/v1/users/bob") for _ in range(5)]

    assert {r.status_code for r in answers} == {200}


async def test_the_limit_holds_across_gateways_sharing_one_nats(
    start_gateway, fake_identity, assert_problem
):
    """Issue 9, item 3: two gateways of one deployment count one budget per client."""
    shared = {"register_rate_limit": 3, "rate_limit_window_s": 30, "rate_limit_bucket": "shared"}
    first, second = await start_gateway(**shared), await start_gateway(**shared)
    elsewhere = await start_gateway(**shared | {"rate_limit_bucket": "other_deployment"})

    answers = [
        await gateway.client.post("/api/v1/auth/register", json=REGISTRATION)
        for gateway in (first, second, first, second, first)
    ]

    assert [r.status_code for r in answers] == [201, 201, 201, 429, 429]
    for refused in answers[3:]:
        assert_problem(refused, 429, "rate-limited")
        assert 1 <= int(refused.headers["retry-after"]) <= 30
    assert len(fake_identity.requests("register")) == 3
    other = await elsewhere.client.post("/api/v1/auth/register", json=REGISTRATION)
    assert other.status_code == 201  # another bucket, another budget


async def test_concurrent_hits_on_two_gateways_never_exceed_the_limit(start_gateway, fake_identity):
    shared = {"login_rate_limit": 5, "rate_limit_bucket": "concurrent"}
    gateways = [await start_gateway(**shared), await start_gateway(**shared)]
    credentials = {"handle": "ada", "password": "pw"}

    answers = await asyncio.gather(
        *(gateways[i % 2].client.post("/api/v1/auth/login", json=credentials) for i in range(16))
    )

    assert sorted(r.status_code for r in answers) == [200] * 5 + [429] * 11
    assert len(fake_identity.requests("login")) == 5


async def test_a_burst_from_one_client_within_its_limit_is_not_refused(
    start_gateway, fake_identity
):
    """A burst of one client's hits took turns only with other gateways' (not each other's
    compare-and-set): 40 at once used to be refused as contended, within a limit of 1,000."""
    gateway = await start_gateway(register_rate_limit=1000, rate_limit_window_s=30)

    answers = await asyncio.gather(
        *(gateway.client.post("/api/v1/auth/register", json=REGISTRATION) for _ in range(40))
    )

    assert [r.status_code for r in answers] == [201] * 40
