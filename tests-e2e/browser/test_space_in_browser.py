"""A Space in the web client, each person in a browser of their own: hosting, listening,
asking to speak, reacting, pinning, removing, ending — and real audio both ways."""

from __future__ import annotations

import pytest
from audio_probe import wait_until_hears
from browsers import Person
from playwright.sync_api import Page, expect
from room_installed import requires_room
from space_pages import create_and_start, has_class, listen, tile

from parley.cli.registry import Service, is_installed

pytestmark = [pytest.mark.e2e, requires_room]

requires_media_relay = pytest.mark.skipif(
    not is_installed(Service("media_relay")),
    reason="the media relay is not installed (services/media_relay has no parley.media_relay)",
)

REMOVED = "You were removed from this Space"
HOST_HZ = 440.0
SPEAKER_HZ = 660.0


def ask_and_get_accepted(host_page: Page, speaker: Person, speaker_page: Page) -> None:
    speaker_page.get_by_role("button", name="Request to speak").click()
    expect(speaker_page.get_by_role("button", name="Cancel request")).to_be_visible()
    accept = host_page.get_by_role("button", name=f"Accept @{speaker.handle}")
    expect(accept).to_be_visible()
    accept.click()
    expect(tile(host_page, speaker)).to_be_visible()
    expect(speaker_page.get_by_role("button", name="Unmute your mic")).to_be_visible()


def test_hosting_reacting_pinning_and_removing(open_person) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", tone_hz=HOST_HZ, display_name="Hana Host")
    guest = open_person("guest", tone_hz=SPEAKER_HZ, display_name="Gus Guest")
    space_id = create_and_start(host, "Browsers on stage", recording=True)
    host_page = host.page
    expect(host_page.locator(".pill-rec")).to_be_visible()

    guest_page = listen(guest, space_id)
    expect(guest_page.get_by_role("heading", name="Browsers on stage")).to_be_visible()
    expect(guest_page.locator(".pill-rec")).to_be_visible()
    expect(tile(guest_page, host)).to_contain_text("Hana Host")
    expect(host_page.locator(".listener-count")).to_have_attribute("data-count", "1")

    # Asking to speak, changing one's mind, asking again: the host's queue follows live.
    guest_page.get_by_role("button", name="Request to speak").click()
    expect(host_page.get_by_role("button", name=f"Accept @{guest.handle}")).to_be_visible()
    guest_page.get_by_role("button", name="Cancel request").click()
    expect(host_page.get_by_role("button", name=f"Accept @{guest.handle}")).to_have_count(0)
    expect(host_page.get_by_text("No requests right now.")).to_be_visible()
    ask_and_get_accepted(host_page, guest, guest_page)
    # ... without raising the Notifications badge: the host is looking at that Space
    expect(host_page.locator('.rail [data-badge="notifications"]')).to_be_hidden()

    # Reactions float on everyone's screen.
    guest_page.get_by_role("button", name="React", exact=True).click()
    guest_page.get_by_role("button", name="React 🔥").click()
    expect(host_page.locator(".float-emoji", has_text="🔥").first).to_be_attached()
    host_page.get_by_role("button", name="React", exact=True).click()
    host_page.get_by_role("button", name="React 👏").click()
    expect(guest_page.locator(".float-emoji", has_text="👏").first).to_be_attached()

    # A pin and a new title reach the other side live.
    host_page.get_by_role("button", name="Pin a post").click()
    host_page.get_by_label("Link to pin").fill("https://example.org/notes")
    host_page.get_by_label("Text").fill("Show notes")
    host_page.get_by_role("button", name="Pin", exact=True).click()
    expect(guest_page.locator(".pin-card")).to_contain_text("Show notes")
    host_page.get_by_role("button", name="More options").click()
    host_page.get_by_role("menuitem", name="Edit title").click()
    host_page.get_by_role("textbox", name="Title").fill("Browsers on stage, renamed")
    host_page.get_by_role("button", name="Save").click()
    expect(guest_page.get_by_role("heading", name="Browsers on stage, renamed")).to_be_visible()

    # The host mutes the speaker, then removes and blocks them: they see it at once.
    guest_tile = tile(host_page, guest)
    guest_page.get_by_role("button", name="Unmute your mic").click()
    expect(guest_tile).not_to_have_class(has_class("muted"))
    guest_tile.click()
    host_page.get_by_role("menuitem", name="Mute Gus Guest").click()
    expect(guest_page.get_by_role("button", name="Unmute your mic")).to_be_visible()
    guest_tile.click()
    host_page.get_by_role("menuitem", name="Remove from Space…").click()
    host_page.get_by_text(f"Also block @{guest.handle}").click()
    host_page.get_by_role("button", name="Remove", exact=True).click()
    expect(guest_page.get_by_role("heading", name=REMOVED)).to_be_visible()
    expect(guest_tile).to_have_count(0)

    # Coming back by the share link does not let them in again.
    guest_page.goto(f"{guest.base_url}/spaces/{space_id}")
    expect(guest_page.get_by_role("heading", name=REMOVED)).to_be_visible()
    for person in (host, guest):
        person.assert_no_page_errors()


@requires_media_relay
def test_audio_from_the_stage_to_the_audience_and_back(open_person) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", tone_hz=HOST_HZ, display_name="Hana Host")
    listener = open_person("listener", tone_hz=SPEAKER_HZ, display_name="Lee Listener")
    space_id = create_and_start(host, "Can you hear me")
    host_page = host.page
    expect(host_page.locator(".audio-status")).to_contain_text("Live audio")
    host_page.get_by_role("button", name="Unmute your mic").click()
    expect(host_page.get_by_role("button", name="Mute your mic")).to_be_visible()

    # The listener hears the host's tone from their microphone, through the relay.
    listener_page = listen(listener, space_id)
    expect(listener_page.locator(".audio-status")).to_contain_text("Live audio")
    wait_until_hears(listener_page, HOST_HZ, not_hz=(SPEAKER_HZ,))
    expect(tile(listener_page, host)).to_have_class(has_class("speaking"))

    # On stage and unmuted, the listener is heard by the host (who never hears themselves).
    host_page.get_by_role("button", name="Mute your mic").click()
    ask_and_get_accepted(host_page, listener, listener_page)
    listener_page.get_by_role("button", name="Unmute your mic").click()
    expect(listener_page.get_by_role("button", name="Mute your mic")).to_be_visible()
    wait_until_hears(host_page, SPEAKER_HZ, not_hz=(HOST_HZ,))
    expect(tile(host_page, listener)).to_have_class(has_class("speaking"))

    # The host ends it: both pages say so.
    host_page.get_by_role("button", name="End", exact=True).click()
    host_page.get_by_role("button", name="End Space").click()
    for page in (host_page, listener_page):
        expect(page.get_by_role("heading", name="This Space has ended")).to_be_visible()
    expect(listener_page.locator('audio[data-role="space-audio"]')).to_have_count(0)
    for person in (host, listener):
        person.assert_no_page_errors()


def test_an_invitation_notifications_and_a_network_loss(open_person) -> None:  # type: ignore[no-untyped-def]
    host = open_person("host", display_name="Hana Host")
    guest = open_person("guest", display_name="Ivy Invitee")
    space_id = create_and_start(host, "Invitations only")
    host_page = host.page
    guest_page = listen(guest, space_id)

    # Invited by handle from the hosts' panel: a live banner, then on stage as co-host.
    host_page.get_by_label("Handle to invite").fill(f"@{guest.handle}")
    host_page.get_by_label("Invite as").select_option("cohost")
    host_page.get_by_role("button", name="Invite", exact=True).click()
    guest_page.get_by_role("button", name="Accept", exact=True).click()
    expect(tile(host_page, guest)).to_contain_text("Co-host")
    expect(guest_page.get_by_role("heading", name="Requests to speak")).to_be_visible()
    expect(guest_page.locator('.rail [data-badge="notifications"]')).to_have_text("1")

    # The network goes away: the page says so, and catches up by itself when it is back.
    guest.context.set_offline(True)
    expect(guest_page.get_by_text("Connection lost. Reconnecting…")).to_be_visible()
    expect(guest_page.get_by_text("You're offline.", exact=False)).to_be_visible()
    host_page.get_by_role("button", name="More options").click()
    host_page.get_by_role("menuitem", name="Edit title").click()
    host_page.get_by_role("textbox", name="Title").fill("Invitations only, after the outage")
    host_page.get_by_role("button", name="Save").click()
    live_path = f"/spaces/{space_id}/live"
    with guest_page.expect_websocket(lambda socket: socket.url.endswith(live_path)):
        guest.context.set_offline(False)  # a new socket, with a fresh snapshot
    expect(
        guest_page.get_by_role("heading", name="Invitations only, after the outage")
    ).to_be_visible()
    expect(guest_page.get_by_text("Connection lost. Reconnecting…")).to_be_hidden()

    # The invitation is in the inbox.
    guest_page.get_by_role("link", name="Notifications").first.click()
    expect(guest_page.locator(".notification").first).to_contain_text("co-host")
    expect(guest_page.locator('.rail [data-badge="notifications"]')).to_be_hidden()
    # Read on the server, not just in this tab: a fresh load shows no badge either.
    guest_page.reload()
    expect(guest_page.locator(".notification").first).to_contain_text("co-host")
    expect(guest_page.locator('.rail [data-badge="notifications"]')).to_be_hidden()
    for person in (host, guest):
        person.assert_no_page_errors()
