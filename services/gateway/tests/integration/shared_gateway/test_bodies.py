"""Issue 9, defects 1 and 2: whatever bytes a JSON body holds, every route answers a 4xx
problem and nothing reaches a service; never a 500. One request class decodes every body
(``parley.gateway.bodies``), so these routes stand for all of them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared gateway's loop

# The bytes from the issue: invalid UTF-8 inside JSON strings.
INVALID_UTF8 = b'{"handle": "\xc0\xaf", "password": "\xff\xff\xff\xff\xff\xff\xff\xff"}'
JSON = {"Content-Type": "application/json"}

# (method, path, signed in?)
BODY_ROUTES = [
    ("POST", "/api/v1/auth/login", False),
    ("POST", "/api/v1/auth/register", False),
    ("POST", "/api/v1/spaces", True),
    ("PATCH", "/api/v1/me", True),
    ("POST", "/api/v1/spaces/sp_1/pins", True),
    ("POST", "/api/v1/spaces/sp_1/reactions", True),
    ("PATCH", "/api/v1/spaces/sp_1", True),
    ("POST", "/api/v1/notifications/read", True),
    ("POST", "/api/v1/moderation/users/bob/suspend", True),
]


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def headers_for(keys, signed_in: bool) -> dict[str, str]:
    token = {"Authorization": f"Bearer {keys.token()}"} if signed_in else {}
    return JSON | token


def nothing_was_asked(fake_identity, fake_room) -> bool:
    return fake_identity.requests() == [] and fake_room.requests() == []


@pytest.mark.parametrize(("method", "path", "signed_in"), BODY_ROUTES)
async def test_invalid_utf8_in_a_json_body_is_400_malformed_json(
    api, keys, fake_identity, fake_room, assert_problem, method, path, signed_in
):
    response = await api.request(
        method, path, content=INVALID_UTF8, headers=headers_for(keys, signed_in)
    )

    body = assert_problem(response, 400, "malformed-json")
    assert "UTF-8" in body["detail"]
    assert nothing_was_asked(fake_identity, fake_room)


@pytest.mark.parametrize(("method", "path", "signed_in"), BODY_ROUTES)
async def test_invalid_utf8_outside_strings_is_400_too(
    api, keys, fake_identity, fake_room, assert_problem, method, path, signed_in
):
    response = await api.request(
        method, path, content=b'{"title": 1\xff}', headers=headers_for(keys, signed_in)
    )

    assert_problem(response, 400, "malformed-json")
    assert nothing_was_asked(fake_identity, fake_room)


@pytest.mark.parametrize(("method", "path", "signed_in"), BODY_ROUTES)
@pytest.mark.parametrize("depth", [33, 1_000])
async def test_json_nested_deeply_is_400_json_too_deep(
    api, keys, fake_identity, fake_room, assert_problem, method, path, signed_in, depth
):
    response = await api.request(
        method, path, content=nested(depth), headers=headers_for(keys, signed_in)
    )

    assert_problem(response, 400, "json-too-deep")
    assert nothing_was_asked(fake_identity, fake_room)


async def test_30000_deep_arrays_on_unauthenticated_register_are_400(
    api, fake_identity, fake_room, assert_problem
):
    response = await api.post("/api/v1/auth/register", content=nested(30_000), headers=JSON)

    assert_problem(response, 400, "json-too-deep")
    assert nothing_was_asked(fake_identity, fake_room)


async def test_deep_nesting_inside_a_field_is_refused_too(
    api, keys, fake_identity, fake_room, assert_problem
):
    body = b'{"title": "Deep", "topics": ' + nested(200) + b"}"

    response = await api.post("/api/v1/spaces", content=body, headers=headers_for(keys, True))

    assert_problem(response, 400, "json-too-deep")
    assert nothing_was_asked(fake_identity, fake_room)


async def test_brackets_inside_strings_are_just_text(api, keys, fake_room):
    title = "[" * 40 + "{" * 40

    response = await api.post(
        "/api/v1/spaces", json={"title": title}, headers=headers_for(keys, True)
    )

    assert response.status_code == 201, response.text
    assert fake_room.requests("create_space")[0].payload["title"] == title


async def test_a_lone_surrogate_escape_is_a_problem_not_a_crash(api, fake_identity):
    body = b'{"handle": "\\ud800", "password": "\\udfff\\ud800 long enough"}'

    response = await api.post("/api/v1/auth/login", content=body, headers=JSON)

    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/spaces/sp_1/mic", {"muted": 0}),
        ("POST", "/api/v1/spaces", {"title": "T", "recording": "yes"}),
        ("POST", "/api/v1/spaces", {"title": "T", "max_listeners": "5"}),
        ("POST", "/api/v1/spaces", {"title": 5}),
        ("PATCH", "/api/v1/me", {"bio": 5}),
        ("POST", "/api/v1/spaces/sp_1/participants/usr_b/remove", {"block": 1}),
    ],
)
async def test_values_must_have_the_documented_type_not_one_that_converts(
    api, keys, fake_identity, fake_room, assert_problem, method, path, body
):
    """Found by schemathesis: ``{"muted": 0}`` was taken for false, so the server accepted
    what its own document refuses."""
    response = await api.request(method, path, json=body, headers=headers_for(keys, True))

    assert_problem(response, 422, "invalid-input")
    assert nothing_was_asked(fake_identity, fake_room)


async def test_a_scheduled_start_is_an_rfc3339_string(api, keys, fake_room, assert_problem):
    """Parsed by the gateway; a scheduled create is scheduling's, never room's (ADR 20; with
    the real scheduling service: tests/integration/test_scheduled_spaces.py)."""
    later = {"title": "Later", "scheduled_start": "2031-01-02T03:04:05Z"}
    not_a_time = {"title": "Later", "scheduled_start": "next tuesday"}

    refused = await api.post("/api/v1/spaces", json=not_a_time, headers=headers_for(keys, True))
    forwarded = await api.post("/api/v1/spaces", json=later, headers=headers_for(keys, True))

    assert_problem(refused, 422, "invalid-input")
    assert forwarded.status_code == 503, forwarded.text  # no scheduling service in this module
    assert fake_room.requests("create_space") == []
