"""The Space page as the browser tests drive it (moved here from test_space_in_browser.py,
which the audience tests share them with): starting a Space through the UI, listening by its
share link, finding someone's tile on the stage."""

from __future__ import annotations

import re

from browsers import Person
from playwright.sync_api import Page, expect


def create_and_start(host: Person, title: str, *, recording: bool = False) -> str:
    """Through the UI: the create form, then "Start Space"; the Space's id."""
    page = host.open("/")
    page.get_by_role("link", name="Start a Space").first.click()
    page.get_by_placeholder("What do you want to talk about?").fill(title)
    page.get_by_placeholder("Add a description (optional)").fill("The web client, end to end")
    topics = page.get_by_label("Add a topic")
    for topic in ("tech", "audio"):
        topics.fill(topic)
        topics.press("Enter")
    if recording:
        page.get_by_text("Record Space").click()
    page.get_by_role("button", name="Create Space").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("Not started")).to_be_visible()
    page.get_by_role("button", name="Start Space").click()
    expect(page.locator(".room-pills")).to_contain_text("LIVE")
    expect(tile(page, host)).to_have_class(has_class("muted"))  # the host starts with the mic off
    expect(page.get_by_role("button", name="Unmute your mic")).to_be_visible()
    return page.url.rsplit("/", 1)[-1]


def listen(person: Person, space_id: str) -> Page:
    """Open the share link and start listening."""
    page = person.open(f"/spaces/{space_id}")
    page.get_by_role("button", name="Start listening").click()
    expect(page.get_by_role("button", name="Request to speak")).to_be_visible()
    return page


def has_class(name: str) -> re.Pattern[str]:
    """Matches a class attribute that has the class ``name``."""
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def tile(page: Page, person: Person):  # type: ignore[no-untyped-def]
    """``person``'s place on the stage, as ``page`` shows it."""
    return page.locator(f'.tile[data-user-id="{person.user["id"]}"]')
