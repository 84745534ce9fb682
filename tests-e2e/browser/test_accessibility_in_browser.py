"""Every screen of the web client, at 1280x800 and at 390x844, checked with axe-core (no
serious or critical violation: names, roles, labels, contrast, landmarks) and, on a phone, for
sideways scrolling; then what axe cannot see: the keyboard's way through a live Space (focus
order, a visible focus ring) and the live regions that announce who speaks and who asks to."""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from accessibility import BLOCKING, requires_axe, violations
from accounts_api import register
from browsers import DESKTOP, PHONE
from playwright.sync_api import Page, expect
from replays import record_a_space, wait_until_ready
from room_installed import requires_room
from space_pages import create_and_start, has_class, listen
from spaces_api import live_space

from parley.cli.registry import Service, is_installed

pytestmark = [pytest.mark.e2e, requires_room]

AUDIENCE_SHOWN = 10  # audience.js's AUDIENCE_SHOWN: more than that is "+N more"

requires_replays = pytest.mark.skipif(
    not all(is_installed(Service(name)) for name in ("recording", "clipping", "media_relay")),
    reason="recording, clipping and the media relay must be installed",
)


@dataclass
class Audit:
    """What each screen of a tour showed wrong; read all at once at the end, so that one run
    lists every screen's findings."""

    on_a_phone: bool
    findings: list[str] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)

    def check(self, page: Page, screen: str) -> None:
        page.wait_for_timeout(300)  # entrance transitions: axe reads colours as drawn
        self.screens.append(screen)
        for rule in violations(page):
            if rule["impact"] in BLOCKING:
                where = "; ".join(node["html"] for node in rule["nodes"][:6])
                self.findings.append(
                    f"{screen}: {rule['impact']} {rule['id']} ({rule['help']}) at {where}"
                )
        if self.on_a_phone:
            wide, window = page.evaluate(
                "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
            )
            if wide > window:
                self.findings.append(f"{screen}: scrolls sideways, {wide} px in {window} px")

    def assert_clean(self) -> None:
        assert not self.findings, "\n".join(self.findings)


@requires_axe
@requires_replays
@pytest.mark.timeout(300)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_screen_passes_axe(open_person, api, stack, viewport) -> None:  # type: ignore[no-untyped-def]
    audit = Audit(on_a_phone=viewport is PHONE)
    recorded = record_a_space(stack.url, "A replay for everyone", [(440.0, 4.0)])
    tag = uuid.uuid4().hex[:6]
    elsewhere = register(api, display_name="Elle Elsewhere")
    live_space(api, elsewhere, f"Open mic {tag}")

    visitor = open_person("visitor", viewport=viewport, signed_up=False)
    page = visitor.open("/login")
    expect(page.get_by_role("heading", name="Log in to Parley")).to_be_visible()
    audit.check(page, "sign-in")
    visitor.open("/signup")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    audit.check(page, "sign-up")
    page = visitor.open("/")
    expect(page.locator(".space-card").first).to_be_visible()
    audit.check(page, "Spaces, signed out")

    host = open_person("host", viewport=viewport, display_name="Hana Host")
    page = host.open("/")
    expect(page.locator(".space-card").first).to_be_visible()
    audit.check(page, "Spaces")
    if viewport is DESKTOP:
        page.get_by_role("button", name="account menu").click()
        expect(page.get_by_role("menuitem", name="Log out")).to_be_visible()
        audit.check(page, "the account menu")
        page.keyboard.press("Escape")
    page.get_by_label("Search Spaces").fill(tag)
    expect(page.get_by_role("heading", name=f"Live now matching “{tag}”")).to_be_visible()
    audit.check(page, "Spaces, searching")
    page.get_by_role("tab", name="Transcripts").click()
    page.get_by_label("Search transcripts").fill("anything said")
    audit.check(page, "Spaces, searching transcripts")
    page = host.open("/new")
    expect(page.get_by_role("button", name="Create Space")).to_be_visible()
    audit.check(page, "create a Space")
    if is_installed(Service("scheduling")):
        page.get_by_placeholder("What do you want to talk about?").fill("Later on")
        page.get_by_text("Schedule for later").click()
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        page.get_by_label("Starts at (your time)").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
        audit.check(page, "schedule a Space")
        page.get_by_role("button", name="Schedule Space").click()
        expect(page.get_by_role("button", name="Cancel Space")).to_be_visible()
        audit.check(page, "a scheduled Space, its host")
        page.get_by_role("button", name="Edit").click()
        expect(page.get_by_role("dialog")).to_be_visible()
        audit.check(page, "a scheduled Space, editing")
        page.keyboard.press("Escape")
        scheduled = page.url

    space_id = create_and_start(host, "Everyone can take part")
    listener = open_person("listener", viewport=viewport, display_name="Lee Listener")
    listener_page = listen(listener, space_id)
    audit.check(listener_page, "a live Space, listening")
    listener_page.get_by_role("button", name="React", exact=True).click()
    audit.check(listener_page, "a live Space, the reactions")
    listener_page.keyboard.press("Escape")
    listener_page.get_by_role("button", name="Request to speak").click()

    page = host.page
    if viewport is PHONE:
        page.get_by_role("button", name="Requests, 1 waiting to speak").click()
        audit.check(page, "a live Space, the request queue")
        page.get_by_role("button", name="Close").click()
    else:
        expect(page.get_by_role("button", name=f"Accept @{listener.handle}")).to_be_visible()
    audit.check(page, "a live Space, hosting")
    page.locator(f'.audience .listener[data-user-id="{listener.user["id"]}"]').click()
    expect(page.get_by_role("menuitem", name="Invite to speak")).to_be_visible()
    audit.check(page, "a listener's card")
    page.keyboard.press("Escape")
    for n in range(AUDIENCE_SHOWN):
        crowd = register(api, display_name=f"Crowd {n}")
        joined = api.post(f"/api/v1/spaces/{space_id}/join", headers=crowd.auth)
        assert joined.is_success, joined.text
    page.get_by_role("button", name=re.compile(r"^\+\d+ more")).click()
    everyone = page.get_by_role("dialog", name="Listening").locator(".person-row")
    expect(everyone.first).to_be_visible()
    audit.check(page, "everyone listening")
    page.keyboard.press("Escape")

    if is_installed(Service("scheduling")):
        page = listener.open("/")
        expect(page.locator(".upcoming-item").first).to_be_visible()
        audit.check(page, "Spaces, upcoming")
        page = listener.open(scheduled.removeprefix(listener.base_url))
        expect(page.get_by_role("button", name="Remind me")).to_be_visible()
        audit.check(page, "a scheduled Space")

    visitors_view = visitor.open(f"/spaces/{space_id}")
    expect(visitors_view.get_by_role("heading", name="Everyone can take part")).to_be_visible()
    audit.check(visitors_view, "a live Space, signed out")

    page = host.page
    page.get_by_role("button", name="End", exact=True).click()
    audit.check(page, "ending a Space")
    page.get_by_role("button", name="End Space").click()
    expect(page.get_by_role("heading", name="This Space has ended")).to_be_visible()
    audit.check(page, "an ended Space")

    page = listener.open(f"/u/{host.handle}")
    expect(page.get_by_role("heading", name="Hana Host")).to_be_visible()
    audit.check(page, "a profile")
    page = host.open("/notifications")
    expect(page.locator(".notification").first).to_be_visible()
    audit.check(page, "notifications")

    wait_until_ready(stack.url, recorded)
    page = listener.open(f"/spaces/{recorded}/replay")
    expect(page.get_by_role("heading", name="A replay for everyone")).to_be_visible()
    audit.check(page, "a replay")
    clip = listener.context.request.post(
        f"{listener.base_url}/api/v1/spaces/{recorded}/clips", data={"start_s": 0}
    )
    assert clip.ok, clip.text()
    page = visitor.open(f"/clips/{clip.json()['clip_id']}")
    expect(page.get_by_role("heading", name="From “A replay for everyone”")).to_be_visible()
    audit.check(page, "a clip")
    page = listener.open("/me/recordings")
    audit.check(page, "my recordings")

    for person in (visitor, host, listener):
        person.assert_no_page_errors()
    audit.assert_clean()


FOCUS_SEEN = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const ringed = (node) => {
        const style = getComputedStyle(node);
        return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== "none";
    };
    const box = el.getBoundingClientRect();
    return {
        // its name, roughly (axe checks names properly): to say which control this is
        name: (el.getAttribute("aria-label")
            || document.getElementById(el.getAttribute("aria-labelledby"))?.innerText
            || el.labels?.[0]?.innerText || el.title || el.placeholder
            || el.innerText || "").trim().split("\\n")[0],
        // its own ring, or its field's (a search box draws the ring round the box)
        ring: ringed(el) || (el.matches("input, textarea") && ringed(el.parentElement)),
        shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
        middle: box.top + box.height / 2,
        inDialog: Boolean(el.closest("dialog[open]")),
    };
}"""


def focused(page: Page) -> dict[str, Any]:
    """Where the keyboard is: the element's name, whether its focus ring shows, and where."""
    seen: dict[str, Any] | None = page.evaluate(FOCUS_SEEN)
    assert seen is not None, "nothing has the focus"
    return seen


def tab_round(page: Page, first: str, most: int = 60) -> list[dict[str, Any]]:
    """One round of Tab presses through the page, from the stop named ``first`` until it is
    reached again."""
    stops: list[dict[str, Any]] = []
    for _ in range(2 * most):
        page.keyboard.press("Tab")
        here = page.evaluate(FOCUS_SEEN)
        if here is None:  # the browser's own controls, between two rounds
            continue
        if here["name"] == first:
            if stops:
                return stops
            stops.append(here)
        elif stops:
            stops.append(here)
    raise AssertionError(f"Tab never came back to {first!r}: {[s['name'] for s in stops]}")


def assert_every_stop_named_shown_and_ringed(stops: list[dict[str, Any]], screen: str) -> None:
    names = [stop["name"] for stop in stops]
    for stop in stops:
        assert stop["name"], f"{screen}: a control with no name among {names}"
        assert stop["shown"], f"{screen}: {stop['name']!r} has the focus off screen"
        assert stop["ring"], f"{screen}: {stop['name']!r} has the focus and no visible ring"


def test_the_keyboard_reaches_every_control_of_the_main_screens_visibly(open_person, api) -> None:  # type: ignore[no-untyped-def]
    someone = register(api, display_name="Sue Someone")
    live_space(api, someone, "Somebody's Space")
    person = open_person("person", display_name="Pat Person")
    for path, ready in [
        ("/", ".space-card"),
        ("/new", "form"),
        ("/notifications", ".notification, .empty-state"),
        (f"/u/{someone.handle}", ".profile-head, h1"),
    ]:
        page = person.open(path)
        expect(page.locator(ready).first).to_be_visible()
        stops = tab_round(page, "Skip to content", most=80)
        assert len(stops) > 3, f"{path}: only {[stop['name'] for stop in stops]}"
        assert_every_stop_named_shown_and_ringed(stops, path)
    person.assert_no_page_errors()


def test_the_keyboard_goes_through_a_live_space_in_order_and_shows_where(open_person) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", display_name="Hana Host")
    space_id = create_and_start(host, "Keys only")
    listener = open_person("listener", display_name="Lee Listener")
    page = listen(listener, space_id)

    stops = tab_round(page, "Skip to content")
    names = [stop["name"] for stop in stops]
    assert_every_stop_named_shown_and_ringed(stops, "a live Space")
    # The page's order: the way past the navigation, the navigation, the Space's header, the
    # stage, the audience, the listener's controls; and the Space's part from top to bottom.
    expected = [
        "Skip to content",
        "Spaces",
        "Back to Spaces",
        "Hana Host, Host, muted",
        "You, Lee Listener, Listener",
        "Leave",
        "Request to speak",
    ]
    positions = [names.index(name) for name in expected]
    assert positions == sorted(positions), f"focus order {names}"
    room = stops[names.index("Back to Spaces") :]
    middles = [stop["middle"] for stop in room]
    assert all(below >= above - 16 for above, below in itertools.pairwise(middles)), (
        f"the Space's focus order goes back up the page: {list(zip(names, middles, strict=False))}"
    )

    # "Skip to content" (where the round ended) skips the navigation.
    assert focused(page)["name"] == "Skip to content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Back to Spaces"

    # A card opened from the keyboard holds the focus, and gives it back when closed.
    page.locator(f'.tile[data-user-id="{host.user["id"]}"]').focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert focused(page)["name"] == "View profile"  # the card's first action
    for _ in range(6):
        page.keyboard.press("Tab")
        here = page.evaluate(FOCUS_SEEN)  # None: the browser's own controls
        assert here is None or here["inDialog"], f"the focus left the open card: {here}"
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert focused(page)["name"] == "Hana Host, Host, muted"

    # The host's card of a listener is a menu: the arrows move through it, round.
    host.page.locator(f'.audience .listener[data-user-id="{listener.user["id"]}"]').focus()
    host.page.keyboard.press("Enter")
    assert focused(host.page)["name"] == "Invite to speak"
    host.page.keyboard.press("ArrowDown")
    assert focused(host.page)["name"] == "Invite to co-host"
    host.page.keyboard.press("ArrowUp")
    host.page.keyboard.press("ArrowUp")
    assert focused(host.page)["name"] == "View profile"
    for person in (host, listener):
        person.assert_no_page_errors()


def announcements(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("log", name="What happens in the Space")


def test_a_screen_reader_is_told_who_speaks_and_who_asks_to(open_person) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", display_name="Hana Host")
    space_id = create_and_start(host, "Said out loud")
    listener = open_person("listener", display_name="Lee Listener")
    page = listen(listener, space_id)
    told = announcements(page)
    expect(told.locator("p")).to_have_count(0)

    # The host unmutes: their tone is heard, and the listener is told who speaks.
    host.page.get_by_role("button", name="Unmute your mic").click()
    expect(told).to_contain_text("Hana Host is speaking")
    # A pause and more words soon after are the same turn: not said again.
    host.page.get_by_role("button", name="Mute your mic").click()
    expect(page.locator(f'.tile[data-user-id="{host.user["id"]}"]')).to_have_class(
        has_class("muted")
    )
    host.page.get_by_role("button", name="Unmute your mic").click()
    expect(page.locator(f'.tile[data-user-id="{host.user["id"]}"]')).to_have_class(
        has_class("speaking")
    )
    page.wait_for_timeout(1_000)
    expect(told.locator("p", has_text="is speaking")).to_have_count(1)

    # The listener asks to speak: the host is told, the listener is not.
    page.get_by_role("button", name="Request to speak").click()
    expect(announcements(host.page)).to_contain_text("Lee Listener asks to speak")
    expect(told).not_to_contain_text("asks to speak")
    host.assert_no_page_errors()
    listener.assert_no_page_errors()
