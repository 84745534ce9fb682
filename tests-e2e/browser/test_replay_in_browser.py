"""A recorded Space's replay and a clip in the web client (issue 11): a bot hosts a recorded
Space with a tone (440 Hz, then 660 Hz), and ends it; in chromium the replay page plays it
(the tone measured in the page), seeks (the player jumps to the asked second and goes on
playing the tone spoken there), and "Clip from here" makes a clip whose link plays for a
signed-out visitor."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from audio_probe import wait_until_element_plays
from playwright.sync_api import expect
from replays import record_a_space, start_playing, wait_until_ready
from room_installed import requires_room

from parley.cli.registry import Service, is_installed

pytestmark = [
    pytest.mark.e2e,
    requires_room,
    pytest.mark.skipif(
        not all(is_installed(Service(name)) for name in ("recording", "clipping", "media_relay")),
        reason="recording, clipping and the media relay must be installed",
    ),
]

TITLE = "Replay in the browser"
FIRST_HZ, SECOND_HZ = 440.0, 660.0
FIRST_S, SECOND_S = 6.0, 28.0  # 34 s: a clip of 30 s from 2 s fits
SEEK_TO_S = 20.0
CLIP_FROM_S = 2.0
REPLAY = 'audio[data-role="replay-audio"]'
CLIP = 'audio[data-role="clip-audio"]'


def test_the_replay_plays_and_seeks_and_a_clip_link_plays_signed_out(
    open_person,  # type: ignore[no-untyped-def]
    stack,  # type: ignore[no-untyped-def]
) -> None:
    space_id = record_a_space(stack.url, TITLE, [(FIRST_HZ, FIRST_S), (SECOND_HZ, SECOND_S)])
    recording = wait_until_ready(stack.url, space_id)
    assert float(recording["duration_s"]) >= FIRST_S + SECOND_S - 1  # type: ignore[arg-type]

    # The ended Space's page leads to its replay.
    fan = open_person("fan")
    page = fan.open(f"/spaces/{space_id}")
    expect(page.get_by_text("This Space has ended")).to_be_visible()
    page.get_by_role("link", name="Play the recording").click()
    expect(page).to_have_url(re.compile(rf"/spaces/{space_id}/replay$"))
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    player = page.locator(REPLAY)
    expect(player).to_have_attribute("src", re.compile(rf"/spaces/{space_id}/recording/audio"))

    # It plays: the first tone is heard in the page.
    start_playing(page, REPLAY, FIRST_HZ)
    # It seeks: the player goes to the asked second, plays on from there, and what it plays
    # is the tone spoken then.
    page.evaluate("([s, t]) => { document.querySelector(s).currentTime = t; }", [REPLAY, SEEK_TO_S])
    page.wait_for_function(
        "([s, t]) => { const el = document.querySelector(s);"
        " return !el.seeking && !el.paused && el.currentTime > t + 1; }",
        arg=[REPLAY, SEEK_TO_S],
        timeout=15_000,
    )
    wait_until_element_plays(page, REPLAY, SECOND_HZ, not_hz=(FIRST_HZ,))
    assert page.evaluate("(s) => document.querySelector(s).currentTime", REPLAY) > SEEK_TO_S

    # The play was counted.
    deadline = time.monotonic() + 15
    while int(httpx.get(f"{stack.url}/api/v1/spaces/{space_id}/recording").json()["plays"]) < 1:
        assert time.monotonic() < deadline, "the play was never counted"
        time.sleep(0.3)

    # Clip from here: 30 s from CLIP_FROM_S (the first tone); its link, once ready.
    page.evaluate(
        "([s, t]) => { const el = document.querySelector(s); el.pause(); el.currentTime = t; }",
        [REPLAY, CLIP_FROM_S],
    )
    page.wait_for_function("(s) => !document.querySelector(s).seeking", arg=REPLAY, timeout=10_000)
    page.get_by_role("button", name="Clip from here").click()
    dialog = page.get_by_role("dialog", name="Your clip is ready")
    expect(dialog).to_be_visible(timeout=30_000)
    link = dialog.locator("a.clip-link")
    href = link.get_attribute("href")
    assert href is not None
    assert re.search(r"/clips/[^/]+$", href), href
    clip_id = href.rsplit("/", 1)[-1]
    clip = httpx.get(f"{stack.url}/api/v1/clips/{clip_id}").json()
    assert clip["state"] == "ready", clip
    assert clip["start_s"] == CLIP_FROM_S, clip
    fan.assert_no_page_errors()

    # The share link plays for someone who is not signed in.
    visitor = open_person("visitor", signed_up=False)
    clip_page = visitor.open(href.removeprefix(stack.url))
    expect(clip_page.get_by_role("heading", name=f"From “{TITLE}”")).to_be_visible()
    expect(clip_page.locator(CLIP)).to_be_visible()
    start_playing(clip_page, CLIP, FIRST_HZ)
    visitor.assert_no_page_errors()


def test_the_client_pages_of_recordings_and_clips_are_served(stack) -> None:  # type: ignore[no-untyped-def]
    for path in ("/spaces/sp_x/replay", "/me/recordings", "/clips/clp_x"):
        response = httpx.get(stack.url + path)
        assert response.status_code == 200, path
        assert '<script type="module" src="/assets/js/main.js">' in response.text
