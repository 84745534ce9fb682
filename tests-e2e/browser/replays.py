"""Recorded Spaces for the browser tests of replays (moved here from test_replay_in_browser.py,
which the captions tests share them with): a bot hosts a recorded Space playing tones and ends
it; waiting until its replay is ready; playing a page's <audio> element."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
from audio_probe import wait_until_element_plays
from media_bots import bot

from parley.bots import Tone, ToneTrack

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on an event loop in a thread of its own: out of Playwright's way."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def record_a_space(url: str, title: str, tones: Sequence[tuple[float, float]]) -> str:
    """A bot hosts a recorded Space (clips allowed) playing each ``(hz, seconds)`` of ``tones``
    in turn with its mic on, then ends it; the Space's id."""

    async def run() -> str:
        host = await bot(url, "host")
        try:
            space = await host.create_space(title, recording=True, clipping=True)
            await host.start_space()
            (first_hz, _), *_ = tones
            track = ToneTrack(first_hz)
            await host.connect_media(space.id, track, patience_s=10)
            await host.set_mic(True)
            for hz, seconds in tones:
                track.set_source(Tone(hz))
                await asyncio.sleep(seconds)
            await host.end_space()
            return space.id
        finally:
            await host.close()

    return run_apart(run())


def wait_until_ready(url: str, space_id: str, timeout_s: float = 60) -> dict[str, object]:
    """The Space's recording, once it is ready to play."""
    deadline = time.monotonic() + timeout_s
    while True:
        recording = httpx.get(f"{url}/api/v1/spaces/{space_id}/recording", timeout=10).json()
        if recording.get("state") == "ready":
            return dict(recording)
        assert time.monotonic() < deadline, recording
        time.sleep(0.3)


def start_playing(page, selector: str, hz: float) -> None:  # type: ignore[no-untyped-def]
    """A click in the page (what lets it play sound), then play the element and wait until
    the tone is heard in the page."""
    page.get_by_role("heading", level=1).click()
    page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            window.__parleyPlayed = el.play().then(() => "playing", (e) => String(e));
        }""",
        selector,
    )
    wait_until_element_plays(page, selector, hz)
