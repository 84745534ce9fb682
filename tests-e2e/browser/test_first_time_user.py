"""What tripped a first-time user of the web client (issue 13), at 1280x800 and 390x844: the
host's invite picker, the phone's audio status and request queue, an empty "Pinned" section,
the search's heading, signing up from a live Space on a phone, the Notifications badge for what
happens in the Space on screen. No sideways scrolling on a phone on any screen: checked with
axe-core's, on every screen, in test_accessibility_in_browser.py."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from accounts_api import Account, register
from browsers import PHONE, Person
from playwright.sync_api import Page, Route, expect
from polling import eventually
from room_installed import requires_room
from space_pages import create_and_start, listen
from spaces_api import live_space

pytestmark = [pytest.mark.e2e, requires_room]

ARROW_PX = 22  # base.css draws the select's arrow within 21 px of its right edge


def notification_kinds(person: Person) -> list[str]:
    response = person.context.request.get(f"{person.base_url}/api/v1/notifications")
    assert response.ok, response.text()
    return [item["kind"] for item in response.json()["items"]]


def wait_for_notification(person: Person, kind: str) -> None:
    """Until the server has a notification of ``kind`` for ``person`` (then it is on its way)."""

    def arrived() -> None:
        assert kind in notification_kinds(person)

    eventually(arrived, timeout_s=20)


def followed_by(api: httpx.Client, person: Person) -> Account:
    """Someone ``person`` follows (early in a test: room's copy of the follow must be in
    before they go live, or ``person`` is not told)."""
    friend = register(api, display_name="Elsewhere")
    followed = person.context.request.put(f"{person.base_url}/api/v1/users/{friend.handle}/follow")
    assert followed.ok, followed.text()
    return friend


def news_elsewhere(api: httpx.Client, friend: Account, person: Person) -> None:
    """``friend``, whom ``person`` follows, goes live: a notification about another Space,
    which must raise the badge (and, coming after the ones under test, shows those reached
    the page)."""
    live_space(api, friend, "Somewhere else")
    wait_for_notification(person, "followed_went_live")


def notifications_badge(page: Page):  # type: ignore[no-untyped-def]
    return page.locator(".rail [data-badge=notifications]")


def test_the_hosts_panel_and_an_empty_pinned_section_at_desktop(open_person) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", display_name="Hana Host")
    space_id = create_and_start(host, "A first time")
    page = host.page

    # The invite picker's arrow stays clear of its words.
    picker = page.get_by_role("combobox", name="Invite as")
    expect(picker).to_have_value("speaker")
    clearance = picker.evaluate(
        """(select) => {
            const style = getComputedStyle(select);
            const ruler = document.createElement("canvas").getContext("2d");
            ruler.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const words = ruler.measureText(select.selectedOptions[0].text).width;
            return select.clientWidth - parseFloat(style.paddingLeft) - words;
        }"""
    )
    assert clearance >= ARROW_PX, f"the arrow overlaps 'Speaker': {clearance:.1f} px to spare"

    # Nothing pinned: just a compact way to pin, no empty "Pinned" section.
    pin = page.get_by_role("button", name="Pin a post")
    expect(pin).to_be_visible()
    expect(page.get_by_role("heading", name="Pinned")).to_have_count(0)
    pins_box = page.locator(".pins").bounding_box()
    assert pins_box is not None
    assert pins_box["height"] <= 44, pins_box
    pinned = host.context.request.post(
        f"{host.base_url}/api/v1/spaces/{space_id}/pins",
        data={"url": "https://example.org/notes", "text": "Our notes"},
    )
    assert pinned.ok, pinned.text()
    expect(page.get_by_role("heading", name="Pinned")).to_be_visible()
    expect(page.locator(".pin-card")).to_contain_text("Our notes")
    expect(page.get_by_role("button", name="Pin a post")).to_be_visible()
    host.assert_no_page_errors()


def test_the_request_queue_and_audio_status_in_words_on_a_phone(open_person) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", viewport=PHONE, display_name="Hana Host")
    space_id = create_and_start(host, "Pocket stage")
    page = host.page
    listener = open_person("listener", display_name="Lee Listener")
    listener_page = listen(listener, space_id)

    # The audio status says what it is, in words, on the phone too.
    status = page.locator(".audio-status")
    expect(status).to_have_text(re.compile(r"\w{3,}"))
    expect(status.locator(".audio-text")).to_be_visible()

    # The request queue's button says what it opens, and how many wait.
    listener_page.get_by_role("button", name="Request to speak").click()
    queue = page.get_by_role("button", name="Requests, 1 waiting to speak")
    expect(queue).to_be_visible()
    expect(queue.get_by_text("Requests", exact=True)).to_be_visible()
    expect(queue.locator(".badge")).to_have_text("1")
    centres = page.evaluate(
        """() => [...document.querySelectorAll(".room-bar > button")]
            .map((button) => button.getBoundingClientRect())
            .filter((box) => box.height > 0)
            .map((box) => box.top + box.height / 2)"""
    )
    assert max(centres) - min(centres) < 10, f"the host's buttons take two rows: {centres}"
    queue.click()
    page.get_by_role("button", name=f"Accept @{listener.handle}").click()
    expect(listener_page.get_by_role("button", name="Unmute your mic")).to_be_visible()
    host.assert_no_page_errors()
    listener.assert_no_page_errors()


def test_the_heading_says_what_the_search_shows(open_person, api) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    host = register(api, display_name="Sam Search")
    space_id = live_space(api, host, f"Heading check {tag}")
    viewer = open_person("viewer")
    page = viewer.open("/")
    expect(page.get_by_role("heading", name="Trending")).to_be_visible()

    held: list[Route] = []
    searches = re.compile(rf"/api/v1/spaces\?.*q={tag}")

    released = False

    def hold(route: Route) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route(searches, hold)
    page.get_by_label("Search Spaces").fill(tag)
    # The search is on its way: the list is not called "Trending" meanwhile.
    expect(page.get_by_role("heading", name=f"Searching for “{tag}”…")).to_be_visible()
    expect(page.get_by_role("heading", name="Trending")).to_have_count(0)
    page.wait_for_timeout(500)  # the debounced search is sent and held
    assert held, "no search was sent"

    released = True
    for route in held:
        route.continue_()
    expect(page.get_by_role("heading", name=f"Live now matching “{tag}”")).to_be_visible()
    expect(page.locator(f'[data-space-id="{space_id}"]')).to_be_visible()
    viewer.assert_no_page_errors()


def test_signing_up_from_a_live_space_on_a_phone(open_person, api) -> None:  # type: ignore[no-untyped-def]
    host = register(api, display_name="Pho Host")
    space_id = live_space(api, host, "Come on in")
    visitor = open_person("visitor", viewport=PHONE, signed_up=False)
    page = visitor.open(f"/spaces/{space_id}")
    expect(page.get_by_role("heading", name="Come on in")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("Handle").fill(f"nia_{uuid.uuid4().hex[:8]}")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    # Back in the Space, signed in.
    expect(page).to_have_url(re.compile(rf"/spaces/{space_id}$"))
    page.get_by_role("button", name="Start listening").click()
    expect(page.get_by_role("button", name="Request to speak")).to_be_visible()
    visitor.assert_no_page_errors()


def test_requests_to_speak_and_answers_in_the_space_on_screen_leave_the_badge_alone(
    open_person,  # type: ignore[no-untyped-def]
    api,  # type: ignore[no-untyped-def]
) -> None:
    host = open_person("host", display_name="Hana Host")
    space_id = create_and_start(host, "Not news here")
    host_page = host.page
    listener = open_person("listener", display_name="Lee Listener")
    hosts_friend, listeners_friend = followed_by(api, host), followed_by(api, listener)
    listener_page = listen(listener, space_id)

    # The request shows in the host's panel; it does not also raise the host's badge.
    listener_page.get_by_role("button", name="Request to speak").click()
    accept = host_page.get_by_role("button", name=f"Accept @{listener.handle}")
    expect(accept).to_be_visible()
    wait_for_notification(host, "speaker_request")
    news_elsewhere(api, hosts_friend, host)
    expect(notifications_badge(host_page)).to_have_text("1")  # only the news from elsewhere

    # Nor does its acceptance the listener's, who is on stage now and sees it.
    accept.click()
    expect(listener_page.get_by_role("button", name="Unmute your mic")).to_be_visible()
    wait_for_notification(listener, "request_accepted")
    news_elsewhere(api, listeners_friend, listener)
    expect(notifications_badge(listener_page)).to_have_text("1")
    # Away from the Space, what was seen there stays seen.
    listener_page.get_by_role("link", name="Spaces").first.click()
    expect(listener_page.get_by_role("heading", name="Spaces", exact=True)).to_be_visible()
    listener_page.reload()
    expect(listener_page.locator(".space-card").first).to_be_visible()
    expect(notifications_badge(listener_page)).to_have_text("1")
    for person in (host, listener):
        person.assert_no_page_errors()
