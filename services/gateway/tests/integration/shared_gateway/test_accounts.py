"""Each accounts endpoint sends the right request to identity, as the right actor."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared gateway's loop


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_register_creates_the_account_and_logs_in(api, fake_identity):
    response = await api.post(
        "/api/v1/auth/register",
        json={"handle": "ada", "display_name": "Ada", "password": "correct horse"},
        headers={"X-Request-Id": "req-register-1"},
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["user"]["handle"] == "ada"
    assert body["access_token"]
    assert (body["token_type"], body["expires_in"]) == ("bearer", 3600)
    cookie = response.headers["set-cookie"]
    assert f"parley_token={body['access_token']}" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    [call] = fake_identity.requests()
    assert (call.kind, call.name) == ("cmd", "register")
    assert call.payload == {"handle": "ada", "display_name": "Ada", "password": "correct horse"}
    assert call.actor is None
    assert call.correlation_id == "req-register-1"
    assert response.headers["x-request-id"] == "req-register-1"


async def test_login_answers_a_token_and_sets_the_cookie_that_then_authenticates(
    api, fake_identity
):
    response = await api.post("/api/v1/auth/login", json={"handle": "ada", "password": "pw"})

    assert response.status_code == 200, response.text
    assert set(response.json()) == {"access_token", "token_type", "expires_in"}
    assert "parley_token=" in response.headers["set-cookie"]
    me = await api.get("/api/v1/me")  # the client's cookie jar now holds parley_token
    assert me.status_code == 200, me.text
    assert fake_identity.requests("get_me")[0].actor == "usr_ada"


async def test_logout_clears_the_cookie(api, fake_identity):
    await api.post("/api/v1/auth/login", json={"handle": "ada", "password": "pw"})

    response = await api.post("/api/v1/auth/logout")

    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert (await api.get("/api/v1/me")).status_code == 401


async def test_get_me_asks_as_the_token_holder(api, fake_identity, keys):
    response = await api.get("/api/v1/me", headers=bearer(keys.token("usr_ada", "ada")))

    assert response.status_code == 200, response.text
    assert response.json()["handle"] == "ada"
    [call] = fake_identity.requests()
    assert (call.kind, call.name, call.actor, call.payload) == ("qry", "get_me", "usr_ada", {})
    assert call.correlation_id == response.headers["x-request-id"]


async def test_ping_asks_identity_as_the_token_holder_and_answers_who_asked(
    api, fake_identity, keys
):
    fake_identity.answers["ping"] = lambda p: {"user_id": "usr_ada"}

    response = await api.get("/api/v1/ping", headers=bearer(keys.token("usr_ada", "ada")))

    assert response.status_code == 200, response.text
    assert response.json() == {"user_id": "usr_ada"}
    [call] = fake_identity.requests()
    assert (call.kind, call.name, call.actor, call.payload) == ("qry", "ping", "usr_ada", {})


async def test_ping_without_a_token_is_refused_before_the_bus(api, fake_identity):
    response = await api.get("/api/v1/ping")

    assert response.status_code == 401
    assert response.json()["type"].endswith("/unauthenticated")
    assert fake_identity.requests() == []


async def test_update_me_sends_only_the_given_fields(api, fake_identity, keys):
    response = await api.patch(
        "/api/v1/me", json={"bio": "hi"}, headers=bearer(keys.token("usr_ada", "ada"))
    )

    assert response.status_code == 200, response.text
    assert response.json()["bio"] == "hi"
    [call] = fake_identity.requests()
    assert (call.name, call.actor) == ("update_profile", "usr_ada")
    assert call.payload == {"display_name": None, "bio": "hi"}


async def test_get_user_works_anonymously_and_as_someone(api, fake_identity, keys):
    anonymous = await api.get("/api/v1/users/bob")
    known = await api.get("/api/v1/users/bob", headers=bearer(keys.token("usr_ada", "ada")))

    assert anonymous.status_code == known.status_code == 200
    assert anonymous.json()["handle"] == "bob"
    first, second = fake_identity.requests("get_user")
    assert (first.payload, first.actor) == ({"handle": "bob"}, None)
    assert (second.payload, second.actor) == ({"handle": "bob"}, "usr_ada")


@pytest.mark.parametrize(
    ("method", "path", "command"),
    [
        ("PUT", "/api/v1/users/bob/follow", "follow"),
        ("DELETE", "/api/v1/users/bob/follow", "unfollow"),
        ("PUT", "/api/v1/users/bob/block", "block"),
        ("DELETE", "/api/v1/users/bob/block", "unblock"),
    ],
)
async def test_graph_commands_target_the_handle(api, fake_identity, keys, method, path, command):
    response = await api.request(method, path, headers=bearer(keys.token("usr_ada", "ada")))

    assert response.status_code == 200, response.text
    assert response.json()["handle"] == "bob"
    [call] = fake_identity.requests()
    assert (call.kind, call.name, call.actor, call.payload) == (
        "cmd",
        command,
        "usr_ada",
        {"handle": "bob"},
    )


@pytest.mark.parametrize(
    ("path", "query"), [("followers", "list_followers"), ("following", "list_following")]
)
async def test_lists_page_with_limit_and_cursor(api, fake_identity, path, query):
    default = await api.get(f"/api/v1/users/bob/{path}")
    paged = await api.get(f"/api/v1/users/bob/{path}", params={"limit": 2, "cursor": "c1"})

    assert default.status_code == paged.status_code == 200
    page = paged.json()
    assert [item["handle"] for item in page["items"]] == ["b"]
    assert page["next_cursor"] == "c2"
    first, second = fake_identity.requests(query)
    assert first.payload == {"handle": "bob", "limit": 50, "cursor": None}
    assert second.payload == {"handle": "bob", "limit": 2, "cursor": "c1"}


@pytest.mark.parametrize(
    ("action", "command"), [("suspend", "suspend"), ("reinstate", "reinstate")]
)
async def test_moderation_commands_carry_the_reason(api, fake_identity, keys, action, command):
    headers = bearer(keys.token("usr_mod", "mod", moderator=True))
    path = f"/api/v1/moderation/users/bob/{action}"

    with_reason = await api.post(path, json={"reason": "spam"}, headers=headers)
    without_body = await api.post(path, headers=headers)

    assert with_reason.status_code == without_body.status_code == 200, with_reason.text
    first, second = fake_identity.requests(command)
    assert (first.actor, first.payload) == ("usr_mod", {"handle": "bob", "reason": "spam"})
    assert second.payload == {"handle": "bob", "reason": ""}
