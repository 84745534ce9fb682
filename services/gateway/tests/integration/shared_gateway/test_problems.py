"""Every error is RFC 9457 problem details; bad requests never reach the bus."""

from __future__ import annotations

import json

import pytest

from parley.chassis.tokens import TokenSigner, generate_key_pair

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared gateway's loop


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("status", "slug"),
    [
        (403, "not-a-moderator"),
        (404, "user-not-found"),
        (409, "already-blocked"),
        (422, "handle-invalid"),
        (500, "internal-error"),
    ],
)
async def test_domain_errors_keep_their_status_and_slug(
    api, fake_identity, keys, assert_problem, status, slug
):
    fake_identity.fail("follow", status, slug, detail="because")

    response = await api.put("/api/v1/users/bob/follow", headers=bearer(keys.token()))

    body = assert_problem(response, status, slug)
    assert body["detail"] == "because"
    assert body["instance"] == "/api/v1/users/bob/follow"
    assert body["request_id"] == response.headers["x-request-id"]


async def test_missing_token_is_401_and_nothing_is_asked(api, fake_identity, assert_problem):
    response = await api.patch("/api/v1/me", json={"bio": "x"})

    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert fake_identity.requests() == []


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-jwt", "Basic YWRhOnB3", "Bearer", "Bearer a.b.c"],
)
async def test_bad_credentials_are_401(api, fake_identity, assert_problem, authorization):
    response = await api.get("/api/v1/me", headers={"Authorization": authorization})

    assert_problem(response, 401, "invalid-token")
    assert fake_identity.requests() == []


async def test_token_signed_by_another_key_is_401(api, fake_identity, assert_problem, tmp_path):
    private, _ = generate_key_pair(tmp_path)
    forged = TokenSigner(private.read_bytes()).issue("usr_ada", "ada")

    response = await api.get("/api/v1/me", headers=bearer(forged))

    assert_problem(response, 401, "invalid-token")
    assert fake_identity.requests() == []


async def test_expired_token_is_401_token_expired(api, fake_identity, keys, assert_problem):
    expired = TokenSigner(keys.private_pem, ttl_s=-60).issue("usr_ada", "ada")

    response = await api.get("/api/v1/me", headers=bearer(expired))

    assert_problem(response, 401, "token-expired")


async def test_bad_cookie_is_401_too(api, fake_identity, assert_problem):
    api.cookies.set("parley_token", "garbage")

    response = await api.get("/api/v1/me")

    assert_problem(response, 401, "invalid-token")


async def test_a_bad_token_on_an_optional_endpoint_is_401(api, fake_identity, assert_problem):
    response = await api.get("/api/v1/users/bob", headers=bearer("garbage"))

    assert_problem(response, 401, "invalid-token")


async def test_oversized_body_is_413_and_nothing_is_sent(
    start_gateway, fake_identity, assert_problem
):
    gateway = await start_gateway(max_body_bytes=1024)
    big = {"handle": "ada", "display_name": "x" * 2000, "password": "correct horse"}

    response = await gateway.client.post("/api/v1/auth/register", json=big)

    body = assert_problem(response, 413, "payload-too-large")
    assert "1024" in body["detail"]
    assert fake_identity.requests() == []


async def test_oversized_chunked_body_is_413_and_nothing_is_sent(
    start_gateway, fake_identity, assert_problem
):
    gateway = await start_gateway(max_body_bytes=1024)

    async def chunks():  # no Content-Length: the limit must count the bytes themselves
        yield b'{"handle": "ada", "display_name": "'
        for _ in range(10):
            yield b"x" * 200
        yield b'", "password": "correct horse"}'

    response = await gateway.client.post(
        "/api/v1/auth/register", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert_problem(response, 413, "payload-too-large")
    assert fake_identity.requests() == []


async def test_default_body_limit_is_64_kib(api, fake_identity, keys, assert_problem):
    response = await api.patch(
        "/api/v1/me", json={"bio": "x" * 70_000}, headers=bearer(keys.token())
    )

    assert_problem(response, 413, "payload-too-large")
    assert fake_identity.requests() == []


async def test_malformed_json_is_400(api, fake_identity, assert_problem):
    response = await api.post(
        "/api/v1/auth/login",
        content=b'{"handle": "ada", "password": ',
        headers={"Content-Type": "application/json"},
    )

    assert_problem(response, 400, "malformed-json")
    assert fake_identity.requests() == []


async def test_missing_and_unknown_fields_are_422_naming_them(api, fake_identity, assert_problem):
    response = await api.post(
        "/api/v1/auth/register", json={"handle": "ada", "display_name": "Ada", "admin": True}
    )

    body = assert_problem(response, 422, "invalid-input")
    fields = {error["field"] for error in body["errors"]}
    assert {"password", "admin"} <= fields, body
    assert "password" in body["detail"]
    assert fake_identity.requests() == []


async def test_wrong_type_is_422(api, fake_identity, keys, assert_problem):
    response = await api.patch("/api/v1/me", json={"bio": 5}, headers=bearer(keys.token()))

    body = assert_problem(response, 422, "invalid-input")
    assert body["errors"][0]["field"] == "bio"


async def test_out_of_range_query_parameter_is_422(api, fake_identity, assert_problem):
    response = await api.get("/api/v1/users/bob/followers", params={"limit": 0})

    body = assert_problem(response, 422, "invalid-input")
    assert body["errors"][0]["field"] == "limit"
    assert body["errors"][0]["source"] == "query"
    assert fake_identity.requests() == []


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/nope/deeper", "/nope", "/api/v1/me/x"])
async def test_unknown_route_is_a_404_problem(api, assert_problem, path):
    response = await api.get(path, headers={"X-Request-Id": "abc-123"})

    body = assert_problem(response, 404, "not-found")
    assert body["instance"] == path
    assert response.headers["x-request-id"] == "abc-123"


async def test_wrong_method_is_a_405_problem(api, assert_problem):
    response = await api.delete("/api/v1/me")

    assert_problem(response, 405, "method-not-allowed")
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PATCH"}


async def test_identity_down_is_503(api, fake_identity, keys, assert_problem):
    await fake_identity.stop()  # nobody answers identity's subjects
    try:
        response = await api.get("/api/v1/me", headers=bearer(keys.token()))
    finally:
        await fake_identity.start()

    body = assert_problem(response, 503, "service-unavailable")
    assert "identity" in body["detail"]


async def test_identity_not_answering_in_time_is_503(
    start_gateway, fake_identity, keys, assert_problem
):
    fake_identity.silent = True
    gateway = await start_gateway(bus_timeout_s=0.2)

    response = await gateway.client.get("/api/v1/me", headers=bearer(keys.token()))

    assert_problem(response, 503, "service-unavailable")


async def test_an_answer_breaking_the_contract_is_a_bare_500(
    api, fake_identity, keys, assert_problem
):
    fake_identity.answers["get_me"] = lambda payload: {"id": "usr_ada"}  # no handle...

    response = await api.get("/api/v1/me", headers=bearer(keys.token()))

    body = assert_problem(response, 500, "internal-error")
    assert "Field required" not in json.dumps(body)  # nothing of the internals leaks


async def test_request_ids_are_generated_or_honoured(api):
    generated = await api.get("/healthz")
    honoured = await api.get("/healthz", headers={"X-Request-Id": "client-id.1"})
    refused = await api.get("/healthz", headers={"X-Request-Id": "bad id\twith spaces"})

    assert generated.headers["x-request-id"].startswith("req_")
    assert honoured.headers["x-request-id"] == "client-id.1"
    assert refused.headers["x-request-id"].startswith("req_")


async def test_an_empty_body_is_a_problem_not_a_crash(api, fake_identity, assert_problem):
    response = await api.post("/api/v1/auth/register")

    body = assert_problem(response, 422, "invalid-input")
    assert body["detail"] == "body: a JSON body is required"
    assert fake_identity.requests() == []


async def test_a_json_array_body_is_422(api, fake_identity, assert_problem):
    response = await api.post("/api/v1/auth/login", json=["ada", "pw"])

    assert_problem(response, 422, "invalid-input")


async def test_a_service_answering_a_non_error_status_is_a_500(
    api, fake_identity, keys, assert_problem
):
    fake_identity.fail("get_me", 200, "confused")

    response = await api.get("/api/v1/me", headers=bearer(keys.token()))

    assert_problem(response, 500, "confused")
