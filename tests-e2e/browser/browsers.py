"""Launching Debian's chromium for a test person, and what a test does with their page."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing: `make deps` installs Debian's chromium with apt-get"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing: `make deps` (uv sync) installs it"
    return None


def launch(playwright: Any, *, profile: Path, wav: Path, viewport: dict[str, int]) -> Any:
    """A browser with its own fresh profile directory and a microphone playing ``wav``."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={wav}"],
        viewport=viewport,
        permissions=["microphone"],
        locale="en-US",
        timezone_id="UTC",
    )


@dataclass
class Person:
    name: str
    context: Any
    base_url: str
    handle: str = ""
    display_name: str = ""
    user: dict[str, Any] = field(default_factory=dict)
    page_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def sign_up_by_api(self, handle: str, display_name: str, password: str) -> None:
        """Register through the browser's own cookie jar: the page is then signed in."""
        response = self.context.request.post(
            f"{self.base_url}/api/v1/auth/register",
            data={"handle": handle, "display_name": display_name, "password": password},
        )
        assert response.status == 201, response.text()
        self.handle, self.display_name = handle, display_name
        self.user = response.json()["user"]

    def open(self, path: str) -> Any:
        self.page.goto(self.base_url + path)
        return self.page

    def assert_no_page_errors(self) -> None:
        assert not self.page_errors, f"{self.name}'s page threw: {self.page_errors}"

    def close(self) -> None:
        self.context.close()
