"""The Spaces tab: live now from people you follow, trending, upcoming, a topic filter and a
search; a card (or a share link) opens the Space. At desktop and phone widths."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from accounts_api import register
from browsers import PHONE
from playwright.sync_api import expect
from polling import eventually
from room_installed import requires_room
from spaces_api import create_space

pytestmark = [pytest.mark.e2e, requires_room]


def live_space(api: httpx.Client, host, title: str, topics: list[str]) -> str:  # type: ignore[no-untyped-def]
    space = create_space(api, host, title=title, topics=topics)
    started = api.post(f"/api/v1/spaces/{space['id']}/start", headers=host.auth)
    assert started.status_code == 200, started.text
    return str(space["id"])


def test_spaces_tab_following_topics_search_and_upcoming(api: httpx.Client, open_person) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]  # other tests' Spaces share this stack: look for ours only
    friend, stranger = register(api, display_name="Fran Friend"), register(api, display_name="Stan")
    jazz = live_space(api, friend, f"Jazz night {tag}", [f"music{tag}"])
    rust = live_space(api, stranger, f"Rust talk {tag}", [f"tech{tag}"])
    later = datetime.now(UTC) + timedelta(days=2)
    create_space(api, stranger, title=f"Tomorrow's AMA {tag}", scheduled_start=later.isoformat())

    viewer = open_person("viewer")
    followed = viewer.context.request.put(f"{viewer.base_url}/api/v1/users/{friend.handle}/follow")
    assert followed.ok, followed.text()

    def friend_shows_as_followed() -> None:
        following = viewer.context.request.get(f"{viewer.base_url}/api/v1/spaces?following=true")
        assert jazz in [item["id"] for item in following.json()["items"]]

    eventually(friend_shows_as_followed)

    page = viewer.open("/")
    followed_rail = page.locator(".spaces-section", has_text="Live from people you follow")
    expect(followed_rail.locator(f'[data-space-id="{jazz}"]')).to_be_visible()
    trending = page.locator(".spaces-section", has_text="Trending")
    expect(trending.locator(f'[data-space-id="{rust}"]')).to_contain_text("LIVE")
    expect(page.locator(".spaces-section", has_text="Upcoming")).to_contain_text(
        f"Tomorrow's AMA {tag}"
    )

    # Filtered, only what matches is listed (and the "following" rail steps aside).
    chips = page.get_by_role("toolbar", name="Topics")
    chips.get_by_role("button", name=f"tech{tag}").click()
    expect(page.locator(f'[data-space-id="{jazz}"]')).to_have_count(0)
    expect(page.locator(f'[data-space-id="{rust}"]')).to_be_visible()
    chips.get_by_role("button", name="All", exact=True).click()
    expect(followed_rail.locator(f'[data-space-id="{jazz}"]')).to_be_visible()

    page.get_by_label("Search Spaces").fill(f"jazz night {tag}")
    expect(page.locator(f'[data-space-id="{rust}"]')).to_have_count(0)
    expect(page.locator(f'[data-space-id="{jazz}"]')).to_have_count(1)

    page.locator(f'[data-space-id="{jazz}"]').click()
    expect(page.get_by_role("heading", name=f"Jazz night {tag}")).to_be_visible()
    expect(page.get_by_role("button", name="Start listening")).to_be_visible()
    viewer.assert_no_page_errors()


def test_a_share_link_opens_the_space_on_a_phone(api: httpx.Client, open_person) -> None:  # type: ignore[no-untyped-def]
    host = register(api, display_name="Pho Host")
    space_id = live_space(api, host, "Pocket-sized", ["mobile"])
    visitor = open_person("visitor", viewport=PHONE, signed_up=False)
    page = visitor.open(f"/#/spaces/{space_id}")  # the hash form of a share link works too
    expect(page.get_by_role("heading", name="Pocket-sized")).to_be_visible()
    assert page.url.endswith(f"/spaces/{space_id}")
    page.get_by_role("link", name="Log in to listen").click()
    expect(page.get_by_role("heading", name="Log in to Parley")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Name").fill("Phoebe")
    page.get_by_label("Handle").fill(f"ph_{uuid.uuid4().hex[:8]}")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    # Back where the link pointed, signed in.
    page.get_by_role("button", name="Start listening").click()
    expect(page.get_by_role("button", name="Request to speak")).to_be_visible()
    visitor.assert_no_page_errors()


def test_clear_states_for_unknown_and_forbidden_spaces(api: httpx.Client, open_person) -> None:  # type: ignore[no-untyped-def]
    host = register(api, display_name="Blocky Host")
    space_id = live_space(api, host, "Not for everyone", [])
    outsider = open_person("outsider")
    page = outsider.open("/spaces/sp_does_not_exist")
    expect(page.get_by_role("heading", name="This Space doesn't exist")).to_be_visible()

    blocked = api.put(f"/api/v1/users/{outsider.handle}/block", headers=host.auth)
    assert blocked.status_code in (200, 204), blocked.text
    page = outsider.open(f"/spaces/{space_id}")
    page.get_by_role("button", name="Start listening").click()
    expect(page.get_by_role("heading", name="You can't join this Space")).to_be_visible()
    expect(page.get_by_text("blocked", exact=False)).to_be_visible()
    outsider.assert_no_page_errors()
