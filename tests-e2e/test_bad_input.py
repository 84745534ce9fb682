"""Bad requests get the right 4xx as problem+json and change nothing (checked by reading back)."""

from __future__ import annotations

import httpx
import pytest
from accounts_api import PASSWORD, assert_problem, get_user, handles_in, new_handle, register

pytestmark = pytest.mark.e2e


def login(api: httpx.Client, handle: str, password: str = PASSWORD) -> httpx.Response:
    return api.post("/api/v1/auth/login", json={"handle": handle, "password": password})


@pytest.mark.parametrize("handle", ["ab", "has space", "dash-ed", "x" * 16, "émile"])
def test_a_bad_handle_is_422_and_creates_no_account(api: httpx.Client, handle: str) -> None:
    response = api.post(
        "/api/v1/auth/register",
        json={"handle": handle, "display_name": "X", "password": PASSWORD},
    )

    assert_problem(response, 422, "invalid-handle")
    assert_problem(login(api, handle), 401)


def test_a_short_password_is_422_and_creates_no_account(api: httpx.Client) -> None:
    handle = new_handle()

    response = api.post(
        "/api/v1/auth/register", json={"handle": handle, "display_name": "X", "password": "short"}
    )

    assert_problem(response, 422, "password-too-short")
    assert_problem(api.get(f"/api/v1/users/{handle}"), 404, "user-not-found")
    assert_problem(login(api, handle, "short"), 401)


def test_a_taken_handle_in_other_case_is_409_and_keeps_the_first_account(
    api: httpx.Client,
) -> None:
    first = register(api, display_name="First")

    response = api.post(
        "/api/v1/auth/register",
        json={"handle": first.handle.upper(), "display_name": "Second", "password": "other pass 1"},
    )

    assert_problem(response, 409, "handle-taken")
    assert get_user(api, first.handle)["display_name"] == "First"
    assert_problem(login(api, first.handle.upper(), "other pass 1"), 401)
    assert login(api, first.handle).status_code == 200


def test_a_wrong_password_is_401(api: httpx.Client) -> None:
    account = register(api)

    assert_problem(login(api, account.handle, "not the password"), 401, "invalid-credentials")
    assert_problem(login(api, new_handle(), PASSWORD), 401, "invalid-credentials")
    assert login(api, account.handle).status_code == 200


def test_no_token_or_a_bad_one_is_401_and_nothing_is_followed(api: httpx.Client) -> None:
    target = register(api)

    assert_problem(api.get("/api/v1/me"), 401)
    assert_problem(api.get("/api/v1/me", headers={"Authorization": "Bearer not.a.token"}), 401)
    assert_problem(api.put(f"/api/v1/users/{target.handle}/follow"), 401)
    assert_problem(api.patch("/api/v1/me", json={"bio": "hacked"}), 401)

    assert get_user(api, target.handle)["followers_count"] == 0
    assert handles_in(api, target.handle, "followers") == []


def test_an_unknown_user_is_404_everywhere(api: httpx.Client) -> None:
    me, nobody = register(api), new_handle("nobody")

    assert_problem(api.get(f"/api/v1/users/{nobody}"), 404, "user-not-found")
    assert_problem(api.get(f"/api/v1/users/{nobody}/followers"), 404)
    assert_problem(api.put(f"/api/v1/users/{nobody}/follow", headers=me.auth), 404)
    assert_problem(api.put(f"/api/v1/users/{nobody}/block", headers=me.auth), 404)

    assert get_user(api, me.handle)["following_count"] == 0


def test_an_oversized_body_is_413_and_changes_nothing(api: httpx.Client) -> None:
    me = register(api, display_name="Small")
    huge = "x" * (1024 * 1024)

    assert_problem(api.patch("/api/v1/me", headers=me.auth, json={"bio": huge}), 413)
    handle = new_handle()
    register_huge = api.post(
        "/api/v1/auth/register",
        json={"handle": handle, "display_name": huge, "password": PASSWORD},
    )

    assert_problem(register_huge, 413)
    profile = get_user(api, me.handle)
    assert (profile["display_name"], profile["bio"]) == ("Small", "")
    assert_problem(api.get(f"/api/v1/users/{handle}"), 404)


def test_following_or_blocking_yourself_is_refused(api: httpx.Client) -> None:
    me = register(api)

    assert_problem(api.put(f"/api/v1/users/{me.handle}/follow", headers=me.auth), 422)
    assert_problem(api.put(f"/api/v1/users/{me.handle}/block", headers=me.auth), 422)

    profile = get_user(api, me.handle, viewer=me)
    assert (profile["followers_count"], profile["following_count"]) == (0, 0)
    assert profile["blocked_by_me"] is False
    assert handles_in(api, me.handle, "following") == []


def test_malformed_json_and_unknown_fields_are_4xx(api: httpx.Client) -> None:
    handle = new_handle()

    not_json = api.post(
        "/api/v1/auth/register",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    extra_field = api.post(
        "/api/v1/auth/register",
        json={"handle": handle, "display_name": "X", "password": PASSWORD, "admin": True},
    )

    assert not_json.status_code in (400, 422), not_json.text
    assert_problem(not_json, not_json.status_code)
    assert_problem(extra_field, 422)
    assert_problem(api.get(f"/api/v1/users/{handle}"), 404)
