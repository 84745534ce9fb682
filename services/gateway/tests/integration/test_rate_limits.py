"""Register and login are rate limited per client IP; a limited request reaches nobody."""

from __future__ import annotations

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
