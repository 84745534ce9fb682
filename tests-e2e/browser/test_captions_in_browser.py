"""Captions and transcripts in the web client (issue 12), in chromium against the real stack.

The words are put in as their owners put them, so that these tests need no speech model: live
captions are LiveMessages published on the Space's live subject of the stack's NATS (what the
captions service publishes; the gateway relays them verbatim), and a replay's transcript is
CaptionSegmentFinalized events appended to CAPTIONS (what captions appends), which the real
captions service projects and the real gateway serves.

- Live: a partial caption under the speaker's tile, replaced by its final, fading after a while;
  the viewer's Captions toggle hides them (remembered across a reload); the host turning
  captions off takes the toggle away.
- Replay: the transcript pane lists who said what when, highlights the line being played as the
  audio plays, and a click on a line plays from there.
- Search: the Transcripts tab finds a phrase; its hit opens the replay at that moment.
- Clip: a clip's page lists its transcript as timed lines (who, then the words; times from the
  clip's start), highlights the line being played, and a click on a line seeks the clip's audio
  there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
import pytest
from accessibility import AXE, assert_accessible
from accounts_api import Account, register
from browsers import Person
from playwright.sync_api import Page, expect
from polling import eventually
from replays import record_a_space, run_apart, wait_until_ready
from room_installed import requires_room
from second_gateway import stack_nats_url
from spaces_api import create_space

from parley.chassis.messaging import connect
from parley.cli.registry import Service, is_installed
from parley.contracts import streams
from parley.contracts.events.captions import CaptionSegmentFinalized, transcript_id
from parley.contracts.live import CaptionLine, LiveMessage, caption_segment_id, space_subject
from parley.testing.events import Appender

pytestmark = [
    pytest.mark.e2e,
    requires_room,
    pytest.mark.skipif(
        not is_installed(Service("captions")), reason="the captions service is not installed"
    ),
]
requires_replays = pytest.mark.skipif(
    not all(is_installed(Service(name)) for name in ("recording", "clipping", "media_relay")),
    reason="recording, clipping and the media relay must be installed",
)

REPLAY = 'audio[data-role="replay-audio"]'
CLIP = 'audio[data-role="clip-audio"]'
WORD = f"quokka{uuid4().hex[:6]}"  # said in one replay only, whatever else this stack holds
LINES = (  # (start_ms, end_ms, text) on the recording's clock
    (1_000, 5_000, "Welcome to the garden hour."),
    (7_000, 11_000, "Tomatoes like the sun."),
    (13_000, 18_000, f"Our secret word is {WORD} today."),
)
RECORDED_S = 22.0


# -- putting words in as their owners do ---------------------------------------------------------


@dataclass(frozen=True)
class LiveCaptions:
    """What the captions service publishes on a Space's live channel, published by the test."""

    nats_url: str
    space_id: str

    def publish(self, kind: str, line: CaptionLine) -> None:
        """``captions.partial`` or ``captions.final``."""
        data = line.model_dump()
        message = LiveMessage(type=f"captions.{kind}", space_id=self.space_id, data=data)

        async def publish() -> None:
            nc = await connect(self.nats_url, name="captions-stand-in")
            try:
                await nc.publish(space_subject(self.space_id), message.model_dump_json().encode())
                await nc.flush()
            finally:
                await nc.close()

        run_apart(publish())

    def publish_until_shown(self, kind: str, line: CaptionLine, shown: Any) -> None:
        """Publish ``line`` again and again until ``shown`` (a caption locator) says it: the
        first ones may come before the page's live channel has subscribed."""

        def once() -> None:
            self.publish(kind, line)
            expect(shown).to_have_text(line.text, timeout=1_000)

        eventually(once, timeout_s=30, interval_s=0.2)


def caption(speaker_id: str, start_ms: int, text: str) -> CaptionLine:
    return CaptionLine(
        segment_id=caption_segment_id(speaker_id, start_ms),
        speaker_id=speaker_id,
        start_ms=start_ms,
        end_ms=start_ms + 1_000,
        text=text,
    )


def append_transcript(nats_url: str, space_id: str, speaker_id: str) -> None:
    """LINES as the speaker's final segments, appended to CAPTIONS as captions appends them."""

    async def append() -> None:
        nc = await connect(nats_url, name="captions-stand-in")
        try:
            segments = [
                CaptionSegmentFinalized(
                    space_id=space_id, speaker_id=speaker_id, start_ms=start, end_ms=end, text=text
                )
                for start, end, text in LINES
            ]
            await Appender(nc, streams.CAPTIONS).append(
                transcript_id(space_id, speaker_id), *segments
            )
        finally:
            await nc.close()

    run_apart(append())


# -- live captions ---------------------------------------------------------------------------------


def captions_under(page: Page, user_id: str) -> Any:
    """The caption lines under ``user_id``'s tile."""
    slot = page.locator(".stage-slot", has=page.locator(f'.tile[data-user-id="{user_id}"]'))
    return slot.locator(".tile-caption")


def listen(viewer: Person, space_id: str) -> Page:
    page = viewer.open(f"/spaces/{space_id}")
    page.get_by_role("button", name=re.compile("^(Start listening|Rejoin)$")).click()
    expect(page.get_by_role("button", name="Request to speak")).to_be_visible()
    return page


def test_live_captions_replace_partials_fade_and_follow_the_toggle(
    open_person,  # type: ignore[no-untyped-def]
    stack,  # type: ignore[no-untyped-def]
    api: httpx.Client,
) -> None:
    host = register(api, display_name="Hana Host")
    space_id = start_a_captioned_space(api, host)
    host_id = host.user["id"]
    captions = LiveCaptions(stack_nats_url(stack), space_id)

    viewer = open_person("viewer")
    page = listen(viewer, space_id)
    witness = open_person("witness")  # keeps captions on: what the viewer would have seen
    witnessed = captions_under(listen(witness, space_id), host_id)
    toggle = page.get_by_role("button", name="Captions", exact=True)
    expect(toggle).to_have_attribute("aria-pressed", "true")  # on unless turned off
    shown = captions_under(page, host_id)

    # A partial under the speaker, then its final in its place: one line, the final words.
    captions.publish_until_shown("partial", caption(host_id, 1_000, "so the tomat"), shown)
    expect(shown).to_have_class(re.compile(r"\bpartial\b"))
    final = caption(host_id, 1_000, "So the tomatoes are ripe.")
    captions.publish("final", final)
    expect(shown).to_have_text(final.text)
    expect(shown).to_have_count(1)
    expect(shown).not_to_have_class(re.compile(r"\bpartial\b"))
    # Nothing new for a few seconds: the line fades away.
    expect(shown).to_have_count(0, timeout=20_000)

    # Hidden: the line goes at once, what is said next shows nothing (while the witness sees
    # it), and the choice outlives a reload.
    captions.publish_until_shown("partial", caption(host_id, 3_000, "and the basil"), shown)
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(shown).to_have_count(0, timeout=2_000)  # long before it would have faded
    captions.publish_until_shown("partial", caption(host_id, 5_000, "not for you"), witnessed)
    page.wait_for_timeout(1_000)  # the viewer's copy came through the same gateway
    expect(shown).to_have_count(0, timeout=1)
    page = listen(viewer, space_id)
    toggle = page.get_by_role("button", name="Captions", exact=True)
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    shown = captions_under(page, host_id)
    captions.publish_until_shown("partial", caption(host_id, 7_000, "back on"), shown)

    # The host turns captions off: the toggle and the line go.
    off = api.patch(f"/api/v1/spaces/{space_id}", headers=host.auth, json={"captions": False})
    assert off.status_code == 200, off.text
    expect(toggle).to_have_count(0)
    expect(shown).to_have_count(0, timeout=2_000)
    viewer.assert_no_page_errors()
    witness.assert_no_page_errors()


def start_a_captioned_space(api: httpx.Client, host: Account) -> str:
    space = create_space(api, host, title="Captions live", captions=True)
    started = api.post(f"/api/v1/spaces/{space['id']}/start", headers=host.auth)
    assert started.status_code == 200, started.text
    return str(space["id"])


# -- a replay's transcript, search, a clip ---------------------------------------------------------


@dataclass(frozen=True)
class CaptionedReplay:
    space_id: str
    title: str
    host_name: str


@pytest.fixture(scope="module")
def captioned_replay(stack) -> CaptionedReplay:  # type: ignore[no-untyped-def]
    """A recorded Space (a bot host's tone for RECORDED_S) whose transcript is LINES, said by
    its host."""
    title = f"Garden hour {uuid4().hex[:4]}"
    space_id = record_a_space(stack.url, title, [(440.0, RECORDED_S)])
    wait_until_ready(stack.url, space_id)
    host = httpx.get(f"{stack.url}/api/v1/spaces/{space_id}", timeout=10).json()["host"]
    append_transcript(stack_nats_url(stack), space_id, host["user_id"])

    def transcribed() -> None:
        answer = httpx.get(f"{stack.url}/api/v1/spaces/{space_id}/transcript", timeout=10)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["segments"]) == len(LINES), answer.text

    eventually(transcribed, timeout_s=30, interval_s=0.3)
    return CaptionedReplay(space_id, title, host["display_name"] or host["handle"])


def player_time(page: Page) -> float:
    return float(page.evaluate("(s) => document.querySelector(s).currentTime", REPLAY))


def wait_until_playing_within(
    page: Page, low_s: float, high_s: float, player: str = REPLAY
) -> None:
    page.wait_for_function(
        "([s, low, high]) => { const el = document.querySelector(s);"
        " return !el.paused && !el.seeking && el.currentTime >= low && el.currentTime < high; }",
        arg=[player, low_s, high_s],
        timeout=20_000,
    )


def transcript_lines(page: Page, host_name: str):  # type: ignore[no-untyped-def]
    """The page's transcript pane: one button per line of LINES, each with its time and words,
    the speaker's name once per turn; the lines' locator."""
    lines = page.get_by_role("region", name="Transcript").get_by_role("button")
    expect(lines).to_have_count(len(LINES))
    for line, (start_ms, _, text) in zip(lines.all(), LINES, strict=True):
        expect(line).to_contain_text(f"0:{start_ms // 1000:02d}")
        expect(line).to_contain_text(text)
    expect(lines.first).to_contain_text(host_name)  # who: once per turn
    expect(lines.nth(1)).not_to_contain_text(host_name)
    return lines


@requires_replays
def test_the_replay_transcript_follows_the_audio_and_seeks_on_click(
    open_person,  # type: ignore[no-untyped-def]
    captioned_replay: CaptionedReplay,
) -> None:
    fan = open_person("fan")
    page = fan.open(f"/spaces/{captioned_replay.space_id}/replay")
    lines = transcript_lines(page, captioned_replay.host_name)
    expect(page.locator("[aria-current=true]")).to_have_count(0)

    # A click on the first line plays from there, and that line is the one highlighted...
    lines.first.click()
    wait_until_playing_within(page, 1.0, 5.0)
    expect(lines.first).to_have_attribute("aria-current", "true")
    # ...until the audio reaches the next one.
    expect(lines.nth(1)).to_have_attribute("aria-current", "true", timeout=20_000)
    expect(lines.first).not_to_have_attribute("aria-current", "true")
    assert player_time(page) >= 7.0

    # A click on the last line seeks forward to it.
    lines.nth(2).click()
    wait_until_playing_within(page, 13.0, 18.0)
    expect(lines.nth(2)).to_have_attribute("aria-current", "true")
    expect(lines.nth(1)).not_to_have_attribute("aria-current", "true")
    fan.assert_no_page_errors()


@requires_replays
def test_a_search_hit_opens_the_replay_where_it_was_said(
    open_person,  # type: ignore[no-untyped-def]
    captioned_replay: CaptionedReplay,
) -> None:
    seeker = open_person("seeker", signed_up=False)  # no login: every replay is public
    page = seeker.open("/")
    page.get_by_role("tab", name="Transcripts").click()
    expect(page).to_have_url(re.compile(r"\?in=transcripts$"))
    expect(page.get_by_text("Search what was said in every replay")).to_be_visible()
    box = page.get_by_role("searchbox", name="Search transcripts")

    nonsense = f"zyzzyva{uuid4().hex[:6]}"
    box.fill(nonsense)
    expect(page.get_by_text(f"Nobody said “{nonsense}” in a replay yet.")).to_be_visible()

    box.fill(WORD)
    found = page.get_by_role("region", name=captioned_replay.title)
    expect(found).to_be_visible()
    hit = found.get_by_role("link", name=re.compile(WORD))
    expect(hit).to_have_count(1)
    expect(hit.locator("mark")).to_have_text(WORD)
    expect(hit).to_contain_text("0:13")
    expect(hit).to_contain_text(captioned_replay.host_name)
    expect(page).to_have_url(re.compile(rf"\?in=transcripts&q={WORD}$"))

    hit.click()
    expect(page).to_have_url(re.compile(rf"/spaces/{captioned_replay.space_id}/replay\?t=13$"))
    page.wait_for_function(
        "(s) => { const el = document.querySelector(s);"
        " return el && el.readyState >= 1 && !el.seeking && Math.abs(el.currentTime - 13) < 0.5; }",
        arg=REPLAY,
        timeout=20_000,
    )
    lines = page.get_by_role("region", name="Transcript").get_by_role("button")
    expect(lines.nth(2)).to_have_attribute("aria-current", "true")
    seeker.assert_no_page_errors()


@requires_replays
def test_a_clip_page_lists_the_timed_lines_and_seeks_on_click(
    open_person,  # type: ignore[no-untyped-def]
    stack,  # type: ignore[no-untyped-def]
    api: httpx.Client,
    captioned_replay: CaptionedReplay,
) -> None:
    clipper = register(api)
    made = api.post(
        f"/api/v1/spaces/{captioned_replay.space_id}/clips",
        headers=clipper.auth,
        json={"start_s": 0},  # the recording is shorter than a clip: the clip is all of it
    )
    assert made.status_code == 202, made.text
    clip_id = made.json()["clip_id"]

    def clip() -> dict[str, Any]:
        answer = api.get(f"/api/v1/clips/{clip_id}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def ready() -> None:
        assert clip()["state"] == "ready", clip()

    eventually(ready, timeout_s=60, interval_s=0.5)
    # clipping attaches the window's caption segments itself (one speaker's turn: one line)
    words = " ".join(text for _, _, text in LINES)
    host = httpx.get(f"{stack.url}/api/v1/spaces/{captioned_replay.space_id}").json()["host"]

    def attached() -> None:
        found = clip()
        assert found["transcript"] == words, found
        # the clip starts where the recording does: its clock is the recording's
        assert found["transcript_segments"] == [
            {"speaker_id": host["user_id"], "start_ms": start, "end_ms": end, "text": text}
            for start, end, text in LINES
        ], found

    eventually(attached, timeout_s=30, interval_s=0.3)

    visitor = open_person("visitor", signed_up=False)
    page = visitor.open(f"/clips/{clip_id}")
    lines = transcript_lines(page, captioned_replay.host_name)
    expect(page.get_by_role("button", name=re.compile(LINES[1][2]))).to_have_count(1)
    expect(page.locator("[aria-current=true]")).to_have_count(0)
    if AXE.is_file():  # the accessibility tour's clip has no transcript: its lines are here
        assert_accessible(page, "a clip with its transcript")

    # A click on the last line seeks the clip's audio there and plays; that line is highlighted.
    lines.nth(2).click()
    wait_until_playing_within(page, 13.0, 18.0, CLIP)
    expect(lines.nth(2)).to_have_attribute("aria-current", "true")
    # A click on the first seeks back to it.
    lines.first.click()
    wait_until_playing_within(page, 1.0, 5.0, CLIP)
    expect(lines.first).to_have_attribute("aria-current", "true")
    expect(lines.nth(2)).not_to_have_attribute("aria-current", "true")
    visitor.assert_no_page_errors()
