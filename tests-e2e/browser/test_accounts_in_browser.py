"""Accounts in the web client: sign up, log out, log in; a profile with follow and block."""

from __future__ import annotations

import pytest
from accounts_api import PASSWORD, new_handle
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_sign_up_log_out_and_log_in_again(open_person) -> None:  # type: ignore[no-untyped-def]
    ada = open_person("ada", signed_up=False)
    page = ada.open("/")
    page.get_by_role("link", name="Create account").first.click()
    handle = new_handle("ada")
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("8")  # the rule, in identity's words

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Spaces")).to_be_visible()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text(f"@{handle}")

    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.reload()  # the cookie is gone too, not only the page's idea of it
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("Ada Lovelace")
    ada.assert_no_page_errors()


def test_a_profile_follow_and_block(open_person) -> None:  # type: ignore[no-untyped-def]
    bob = open_person("bob", display_name="Bob Builder")
    cleo = open_person("cleo", display_name="Cleo")
    page = cleo.open(f"/u/{bob.handle}")
    expect(page.get_by_role("heading", name="Bob Builder")).to_be_visible()
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("button", name=f"Unfollow @{bob.handle}")).to_be_visible()
    expect(page.locator(".profile-counts")).to_contain_text("1 Followers")
    page.get_by_role("tab", name="Followers").click()
    expect(page.locator(".people-list")).to_contain_text(f"@{cleo.handle}")

    bob_page = bob.open(f"/u/{cleo.handle}")
    expect(bob_page.get_by_text("Follows you")).to_be_visible()

    page.get_by_role("button", name="More").click()
    page.get_by_role("menuitem", name=f"Block @{bob.handle}").click()
    page.get_by_role("button", name="Block", exact=True).click()
    expect(page.get_by_text("Blocked", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Unblock")).to_be_visible()
    page.get_by_role("button", name="Unblock").click()
    expect(page.get_by_role("button", name="Follow", exact=True)).to_be_visible()
    for person in (bob, cleo):
        person.assert_no_page_errors()


def test_a_lost_answer_is_retried_with_the_same_key_and_signs_up_once(open_person) -> None:  # type: ignore[no-untyped-def]
    """The first sign-up reaches the server and is applied, but its answer is lost (the page
    gets a 504 outcome-unknown instead): the web client retries with the same Idempotency-Key
    and is answered with the first attempt's outcome, not "handle taken"."""
    ada = open_person("ada", signed_up=False)
    page = ada.open("/")
    keys: list[str] = []

    def lose_the_first_answer(route) -> None:  # type: ignore[no-untyped-def]
        keys.append(route.request.headers.get("idempotency-key", ""))
        applied = route.fetch()  # the server applies it...
        if len(keys) > 1:
            route.fulfill(response=applied)
            return
        route.fulfill(  # ... and the answer is lost on the way back
            status=504,
            content_type="application/problem+json",
            headers={"Retry-After": "1"},
            body='{"type": "https://parley.dev/errors/outcome-unknown", "title": "Outcome'
            ' unknown", "status": 504, "detail": "no answer in time"}',
        )

    page.route("**/api/v1/auth/register", lose_the_first_answer)
    page.get_by_role("link", name="Create account").first.click()
    handle = new_handle("ada")
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("button", name="Account menu")).to_contain_text(f"@{handle}")
    assert len(keys) == 2
    assert keys[0]
    assert keys[0] == keys[1]
    ada.assert_no_page_errors()
