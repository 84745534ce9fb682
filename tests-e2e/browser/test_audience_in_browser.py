"""The audience under the stage, in the web client: who is listening follows joins and leaves
live (other accounts join and leave by the API), the people the viewer follows come first, a
listener's card gives the host the stage invitations and removal (and a listener just the
profile), and a big audience shows "+N more", which opens everyone."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from accounts_api import Account, new_handle, register
from playwright.sync_api import Locator, Page, expect
from room_installed import requires_room
from space_pages import create_and_start, listen, tile

pytestmark = [pytest.mark.e2e, requires_room]

SHOWN = 10  # audience.js's AUDIENCE_SHOWN: more than that is "+N more"


def join(api: httpx.Client, space_id: str, account: Account) -> None:
    response = api.post(f"/api/v1/spaces/{space_id}/join", headers=account.auth)
    assert response.status_code == 200, response.text


def leave(api: httpx.Client, space_id: str, account: Account) -> None:
    response = api.post(f"/api/v1/spaces/{space_id}/leave", headers=account.auth)
    assert response.status_code in (200, 204), response.text


class DroppedDeltas:
    """The page's live channel through a proxy (reloading the page to route it) that keeps
    ``audience.changed`` from the page until ``reconnect()`` closes the socket; the page then
    opens a new one, which the proxy leaves alone."""

    def __init__(self, page: Page, space_id: str) -> None:
        self.page = page
        self.dropping = True
        self.dropped: list[str] = []
        self.sockets: list[Any] = []
        page.route_web_socket(re.compile(rf"/spaces/{space_id}/live"), self.relay)
        page.reload()
        expect(page.locator(".audience")).to_be_visible()

    def relay(self, socket: Any) -> None:
        server = socket.connect_to_server()
        self.sockets.append(socket)

        def to_page(message: str | bytes) -> None:
            if self.dropping and '"audience.changed"' in str(message):
                self.dropped.append(str(message))
            else:
                socket.send(message)

        server.on_message(to_page)

    def wait_until_dropped(self, *user_ids: str, timeout_s: float = 20) -> None:
        """Until the deltas naming each of ``user_ids`` were kept from the page."""
        deadline = time.monotonic() + timeout_s
        while not all(any(user_id in message for message in self.dropped) for user_id in user_ids):
            assert time.monotonic() < deadline, f"not dropped: {user_ids} in {self.dropped}"
            self.page.wait_for_timeout(100)  # lets Playwright deliver the proxy's messages

    def reconnect(self) -> None:
        self.dropping = False
        self.sockets[-1].close(code=1012, reason="restarting")


def listener(page: Page, user_id: str) -> Locator:
    """Someone's place in the audience grid, as ``page`` shows it."""
    return page.locator(f'.audience .listener[data-user-id="{user_id}"]')


def test_the_grid_follows_joins_and_leaves_followed_first(open_person, api) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", display_name="Hana Host")
    space_id = create_and_start(host, "Who is listening")
    host_page = host.page
    expect(host_page.locator(".audience")).to_contain_text("No one is listening yet.")

    ada = register(api, new_handle("ada"), "Ada Listener")
    bo = register(api, new_handle("bo"), "Bo Listener")
    join(api, space_id, ada)
    join(api, space_id, bo)
    expect(listener(host_page, ada.user["id"])).to_contain_text("Ada Listener")
    expect(listener(host_page, bo.user["id"])).to_contain_text("Bo Listener")
    expect(host_page.locator(".audience-count")).to_have_text("2 listening")
    expect(host_page.locator(".listener-count")).to_have_attribute("data-count", "2")

    leave(api, space_id, bo)
    expect(listener(host_page, bo.user["id"])).to_have_count(0)
    expect(listener(host_page, ada.user["id"])).to_be_visible()
    expect(host_page.locator(".audience-count")).to_have_text("1 listening")
    expect(host_page.locator(".listener-count")).to_have_attribute("data-count", "1")

    # Deltas the page missed (its socket dropped them) are healed by the next connection,
    # which reads the list again.
    live = DroppedDeltas(host_page, space_id)
    dee = register(api, new_handle("dee"), "Dee Meanwhile")
    join(api, space_id, dee)
    leave(api, space_id, ada)
    live.wait_until_dropped(dee.user["id"], ada.user["id"])
    expect(listener(host_page, dee.user["id"])).to_have_count(0)
    expect(listener(host_page, ada.user["id"])).to_be_visible()
    live.reconnect()
    expect(listener(host_page, dee.user["id"])).to_contain_text("Dee Meanwhile")
    expect(listener(host_page, ada.user["id"])).to_have_count(0)
    leave(api, space_id, dee)
    expect(listener(host_page, dee.user["id"])).to_have_count(0)

    # Someone the host follows comes first, though they joined last.
    join(api, space_id, ada)
    expect(listener(host_page, ada.user["id"])).to_be_visible()
    cy = register(api, new_handle("cy"), "Cy Followed")
    join(api, space_id, cy)
    expect(listener(host_page, cy.user["id"])).to_be_visible()
    followed = host.context.request.put(f"{host.base_url}/api/v1/users/{cy.handle}/follow")
    assert followed.ok, followed.text()
    host_page.reload()
    first = host_page.locator(".audience .listener").first
    expect(first).to_have_attribute("data-user-id", cy.user["id"])
    expect(first).to_have_accessible_name("Cy Followed, Listener, you follow them")
    expect(host_page.locator(".audience .listener")).to_have_count(2)
    host.assert_no_page_errors()


def test_the_host_invites_and_removes_from_a_listeners_card(open_person, api) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", display_name="Hana Host")
    guest = open_person("guest", display_name="Ivy Invitee")
    space_id = create_and_start(host, "Invited from the audience")
    host_page = host.page
    guest_page = listen(guest, space_id)
    olive = register(api, new_handle("olive"), "Olive Other")
    join(api, space_id, olive)

    # A listener's card, seen by another listener: their profile, nothing else.
    listener(guest_page, olive.user["id"]).click()
    expect(guest_page.get_by_role("menuitem", name="View profile")).to_be_visible()
    expect(guest_page.get_by_role("menuitem", name="Invite to speak")).to_have_count(0)
    expect(guest_page.get_by_role("menuitem", name="Remove from Space…")).to_have_count(0)
    guest_page.keyboard.press("Escape")

    # The host's: invitations and removal. The invitation reaches the listener live.
    listener(host_page, guest.user["id"]).click()
    expect(host_page.get_by_role("menuitem", name="Invite to co-host")).to_be_visible()
    expect(host_page.get_by_role("menuitem", name="View profile")).to_be_visible()
    host_page.get_by_role("menuitem", name="Invite to speak").click()
    expect(guest_page.get_by_text("You're invited to speak.")).to_be_visible()
    guest_page.get_by_role("button", name="Join the stage").click()
    expect(tile(host_page, guest)).to_contain_text("Speaker")
    expect(listener(host_page, guest.user["id"])).to_have_count(0)
    expect(listener(guest_page, guest.user["id"])).to_have_count(0)
    expect(host_page.locator(".audience-count")).to_have_text("1 listening")

    listener(host_page, olive.user["id"]).click()
    host_page.get_by_role("menuitem", name="Remove from Space…").click()
    host_page.get_by_role("button", name="Remove", exact=True).click()
    expect(listener(host_page, olive.user["id"])).to_have_count(0)
    expect(host_page.locator(".audience-count")).to_have_text("0 listening")
    for person in (host, guest):
        person.assert_no_page_errors()


def test_a_big_audience_shows_the_first_and_how_many_more(open_person, api) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", display_name="Hana Host")
    space_id = create_and_start(host, "A full room")
    host_page = host.page
    crowd = [register(api, new_handle(f"l{n}"), f"Listener {n}") for n in range(SHOWN + 2)]
    for account in crowd:
        join(api, space_id, account)
    expect(host_page.locator(".audience-count")).to_have_text(f"{SHOWN + 2} listening")
    expect(host_page.locator(".audience .listener")).to_have_count(SHOWN)
    expect(host_page.locator(".audience-more")).to_contain_text("+2 more")
    expect(host_page.locator(".audience-more")).to_have_attribute("data-more", "2")

    # "+2 more" opens everyone; anyone there opens their card.
    host_page.get_by_role("button", name=re.compile(r"^\+2 more")).click()
    everyone = host_page.get_by_role("dialog", name="Listening").locator(".person-row")
    expect(everyone).to_have_count(SHOWN + 2)
    last = crowd[-1]
    everyone.filter(has_text=f"@{last.handle}").click()
    expect(host_page.get_by_role("dialog", name="Listening")).to_have_count(0)
    card = host_page.get_by_role("dialog", name=f"Listener {SHOWN + 1}")
    expect(card).to_contain_text(f"@{last.handle}")
    expect(host_page.get_by_role("menuitem", name="Invite to speak")).to_be_visible()
    host_page.keyboard.press("Escape")

    for account in crowd[:2]:
        leave(api, space_id, account)
    expect(host_page.locator(".audience-count")).to_have_text(f"{SHOWN} listening")
    expect(host_page.locator(".audience-more")).to_have_count(0)
    expect(host_page.locator(".audience .listener")).to_have_count(SHOWN)
    host.assert_no_page_errors()
