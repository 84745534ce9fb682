"""Accounts and the social graph over the public HTTP API of the real stack."""

from __future__ import annotations

import httpx
import pytest
from accounts_api import PASSWORD, get_user, handles_in, new_handle, register
from polling import eventually

pytestmark = pytest.mark.e2e


def test_register_then_log_in_and_read_and_edit_my_profile(api: httpx.Client) -> None:
    handle = new_handle("Ada")
    registered = api.post(
        "/api/v1/auth/register",
        json={"handle": handle, "display_name": "Ada L", "password": PASSWORD},
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["user"]["handle"] == handle
    assert registered.json()["access_token"]

    login = api.post("/api/v1/auth/login", json={"handle": handle.lower(), "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()
    assert token["token_type"].lower() == "bearer"
    assert token["expires_in"] > 0
    auth = {"Authorization": f"Bearer {token['access_token']}"}

    me = api.get("/api/v1/me", headers=auth)
    assert me.status_code == 200, me.text
    assert (me.json()["handle"], me.json()["display_name"]) == (handle, "Ada L")

    edited = api.patch("/api/v1/me", headers=auth, json={"bio": "Counts things."})
    assert edited.status_code == 200, edited.text

    def bio_is_visible() -> None:
        profile = get_user(api, handle)
        assert profile["bio"] == "Counts things."
        assert profile["display_name"] == "Ada L"

    eventually(bio_is_visible)


def test_a_browser_is_signed_in_by_the_login_cookie(browser: httpx.Client) -> None:
    account = register(browser)
    browser.cookies.clear()
    assert browser.get("/api/v1/me").status_code == 401

    login = browser.post(
        "/api/v1/auth/login", json={"handle": account.handle, "password": PASSWORD}
    )

    assert login.status_code == 200, login.text
    me = browser.get("/api/v1/me")  # no Authorization header: the cookie alone
    assert me.status_code == 200, me.text
    assert me.json()["handle"] == account.handle


def test_follow_shows_in_counts_flags_and_lists(api: httpx.Client) -> None:
    alice, bob = register(api), register(api)

    followed = api.put(f"/api/v1/users/{bob.handle}/follow", headers=alice.auth)
    assert followed.status_code == 200, followed.text
    assert followed.json()["followed_by_me"] is True

    def follow_is_visible() -> None:
        bob_seen_by_alice = get_user(api, bob.handle, viewer=alice)
        assert bob_seen_by_alice["followed_by_me"] is True
        assert bob_seen_by_alice["follows_me"] is False
        assert bob_seen_by_alice["followers_count"] == 1
        alice_seen_by_bob = get_user(api, alice.handle, viewer=bob)
        assert alice_seen_by_bob["follows_me"] is True
        assert alice_seen_by_bob["following_count"] == 1
        assert handles_in(api, bob.handle, "followers") == [alice.handle]
        assert handles_in(api, alice.handle, "following") == [bob.handle]

    eventually(follow_is_visible)

    again = api.put(f"/api/v1/users/{bob.handle}/follow", headers=alice.auth)
    assert again.status_code == 200, again.text  # idempotent
    eventually(lambda: _assert_equal(get_user(api, bob.handle)["followers_count"], 1))

    unfollowed = api.delete(f"/api/v1/users/{bob.handle}/follow", headers=alice.auth)
    assert unfollowed.status_code == 200, unfollowed.text
    eventually(lambda: _assert_equal(handles_in(api, bob.handle, "followers"), []))


def test_a_block_ends_the_follow_and_prevents_a_new_one_until_unblocked(
    api: httpx.Client,
) -> None:
    alice, bob = register(api), register(api)
    assert api.put(f"/api/v1/users/{bob.handle}/follow", headers=alice.auth).status_code == 200
    eventually(lambda: _assert_equal(handles_in(api, bob.handle, "followers"), [alice.handle]))

    blocked = api.put(f"/api/v1/users/{alice.handle}/block", headers=bob.auth)
    assert blocked.status_code == 200, blocked.text
    assert blocked.json()["blocked_by_me"] is True

    def block_is_visible() -> None:
        assert get_user(api, alice.handle, viewer=bob)["blocked_by_me"] is True
        bob_seen_by_alice = get_user(api, bob.handle, viewer=alice)
        assert bob_seen_by_alice["followed_by_me"] is False
        assert bob_seen_by_alice["followers_count"] == 0
        assert handles_in(api, bob.handle, "followers") == []
        assert handles_in(api, alice.handle, "following") == []

    eventually(block_is_visible)

    refused = api.put(f"/api/v1/users/{bob.handle}/follow", headers=alice.auth)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")

    unblocked = api.delete(f"/api/v1/users/{alice.handle}/block", headers=bob.auth)
    assert unblocked.status_code == 200, unblocked.text
    eventually(
        lambda: _assert_equal(get_user(api, alice.handle, viewer=bob)["blocked_by_me"], False)
    )
    assert api.put(f"/api/v1/users/{bob.handle}/follow", headers=alice.auth).status_code == 200
    eventually(lambda: _assert_equal(handles_in(api, bob.handle, "followers"), [alice.handle]))


def _assert_equal(actual: object, expected: object) -> None:
    assert actual == expected
