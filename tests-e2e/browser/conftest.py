"""Browser tests: the web client in Debian's chromium, driven by Playwright (the PyPI package;
its own browser downloads are never used), against the real stack of ``tests-e2e/conftest.py``.

Each person in a test is a browser of their own with a fresh profile directory and a fake
microphone that plays a WAV file written by the test (a tone at a frequency of its own, so
whoever listens can tell who they hear).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules next to this file

from accounts_api import PASSWORD, new_handle
from browsers import DESKTOP, Person, launch, missing_browser
from parley_up import ParleyUp
from tones import write_tone


@pytest.fixture(scope="module")  # gone before the next module's (async) tests run
def playwright() -> Iterator[Any]:
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)  # a loaded 2-core machine runs four browsers and a stack
    with sync_playwright() as driver:
        yield driver


OpenPerson = Callable[..., Person]


@pytest.fixture
def open_person(playwright: Any, stack: ParleyUp, tmp_path: Path) -> Iterator[OpenPerson]:
    """``open_person("host", tone_hz=440)``: a browser of their own, signed up (by the API,
    through the browser's own cookie jar) unless ``signed_up=False``."""
    people: list[Person] = []

    def open_person(
        name: str,
        *,
        tone_hz: float = 440.0,
        viewport: dict[str, int] = DESKTOP,
        signed_up: bool = True,
        display_name: str | None = None,
    ) -> Person:
        wav = write_tone(tmp_path / f"{name}-{int(tone_hz)}hz.wav", tone_hz)
        context = launch(
            playwright, profile=tmp_path / f"profile-{name}", wav=wav, viewport=viewport
        )
        context.set_default_timeout(20_000)
        person = Person(name=name, context=context, base_url=stack.url)
        people.append(person)
        if signed_up:
            person.sign_up_by_api(new_handle(name[:6]), display_name or name.title(), PASSWORD)
        return person

    yield open_person
    for person in people:
        person.close()
