"""Screenshots of the web client's main screens for docs/screenshots/, at desktop (1280x800)
and phone (390x844) widths, from a fresh stack with a few people and Spaces in it.

    uv run python tests-e2e/browser/take_screenshots.py [--out docs/screenshots]

Not a test: it only stages scenes and takes pictures (the tests check behaviour).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import httpx  # noqa: E402
from accounts_api import PASSWORD, Account, register  # noqa: E402
from browsers import DESKTOP, PHONE, Person, launch, missing_browser  # noqa: E402
from parley_up import ParleyUp  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402
from tones import write_tone  # noqa: E402

ROOT = HERE.parent.parent
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


class Scene:
    def __init__(self, stack: ParleyUp, playwright: Any, workdir: Path) -> None:
        self.stack = stack
        self.playwright = playwright
        self.workdir = workdir
        self.api = httpx.Client(base_url=stack.url, timeout=15)
        self.people: list[Person] = []

    def account(self, handle: str, name: str) -> Account:
        return register(self.api, handle=handle, display_name=name)

    def call(self, method: str, path: str, who: Account, **body: Any) -> Any:
        response = self.api.request(method, f"/api/v1{path}", headers=who.auth, json=body or None)
        assert response.is_success, response.text
        return response.json() if response.content else None

    def live_space(self, host: Account, title: str, topics: list[str], **fields: Any) -> str:
        space = self.call("POST", "/spaces", host, title=title, topics=topics, **fields)
        self.call("POST", f"/spaces/{space['id']}/start", host)
        return str(space["id"])

    def browser(self, name: str, handle: str, width: str, tone_hz: float = 440.0) -> Person:
        wav = write_tone(self.workdir / f"{name}.wav", tone_hz)
        profile = self.workdir / f"profile-{name}-{width}-{time.monotonic_ns()}"
        context = launch(self.playwright, profile=profile, wav=wav, viewport=WIDTHS[width])
        context.set_default_timeout(20_000)
        person = Person(name=name, context=context, base_url=self.stack.url)
        response = context.request.post(
            f"{self.stack.url}/api/v1/auth/login", data={"handle": handle, "password": PASSWORD}
        )
        assert response.ok, response.text()
        self.people.append(person)
        return person

    def close(self) -> None:
        for person in self.people:
            person.close()
        self.api.close()


def shoot(page: Any, out: Path, name: str) -> None:
    page.mouse.move(0, 0)
    page.evaluate("document.getElementById('toasts').replaceChildren()")
    page.wait_for_timeout(400)  # let entrance animations finish
    page.screenshot(path=str(out / f"{name}.png"))
    print(f"  {name}.png")


def stage_world(scene: Scene) -> dict[str, Any]:
    """People, follows and Spaces for the pictures."""
    people = {
        handle: scene.account(handle, name)
        for handle, name in [
            ("ada", "Ada Lovelace"),
            ("grace", "Grace Hopper"),
            ("alan", "Alan Turing"),
            ("katherine", "Katherine Johnson"),
            ("linus", "Linus T"),
            ("margaret", "Margaret Hamilton"),
            ("tim", "Tim B-L"),
            ("radia", "Radia Perlman"),
            ("dennis", "Dennis R"),
            ("barbara", "Barbara Liskov"),
        ]
    }
    ada = people["ada"]
    for friend in ("grace", "margaret"):
        scene.call("PUT", f"/users/{friend}/follow", ada)
    spaces = {
        "compilers": scene.live_space(
            people["grace"], "Compilers are friends, not food", ["programming", "history"]
        ),
        "apollo": scene.live_space(
            people["margaret"], "Software that landed on the Moon", ["space", "engineering"]
        ),
        "crypto": scene.live_space(people["alan"], "Can machines think? Open mic", ["ai"]),
        "kernels": scene.live_space(people["linus"], "Kernel hacking AMA", ["programming"]),
    }
    for space, listeners in [("compilers", 5), ("apollo", 3), ("crypto", 2)]:
        for who in list(people.values())[3 : 3 + listeners]:
            scene.call("POST", f"/spaces/{spaces[space]}/join", who)
    soon = datetime.now(UTC) + timedelta(days=1, hours=2)
    scene.call(
        "POST",
        "/spaces",
        people["barbara"],
        title="Data abstraction, 50 years on",
        topics=["programming"],
        scheduled_start=soon.replace(minute=0, second=0, microsecond=0).isoformat(),
    )
    return {"people": people, "spaces": spaces}


def take(scene: Scene, world: dict[str, Any], width: str, out: Path) -> None:
    people = world["people"]
    print(f"{width}:")

    visitor = scene.browser("visitor", "dennis", width)
    visitor.context.clear_cookies()
    page = visitor.open("/login")
    expect(page.get_by_role("heading", name="Log in to Parley")).to_be_visible()
    shoot(page, out, f"{width}-1-sign-in")
    visitor.close()

    ada = scene.browser("ada", "ada", width)
    page = ada.open("/")
    expect(page.locator(".space-card").first).to_be_visible()
    expect(page.get_by_text("Live from people you follow")).to_be_visible()
    shoot(page, out, f"{width}-2-spaces")

    page = ada.open("/new")
    page.get_by_placeholder("What do you want to talk about?").fill("Building Parley in public")
    page.get_by_placeholder("Add a description (optional)").fill(
        "How an event-sourced audio platform comes together, one service at a time."
    )
    for topic in ("python", "webrtc"):
        page.get_by_label("Add a topic").fill(topic)
        page.get_by_label("Add a topic").press("Enter")
    page.get_by_text("Record Space").click()
    shoot(page, out, f"{width}-3-create")

    # Hosting: Ada starts her Space, people ask to speak, one is on stage already.
    page.get_by_role("button", name="Create Space").click()
    page.get_by_role("button", name="Start Space").click()
    expect(page.locator(".room-pills")).to_contain_text("LIVE")
    space_id = page.url.rsplit("/", 1)[-1]
    page.get_by_role("button", name="Unmute your mic").click()
    for handle in ("grace", "alan", "katherine"):
        scene.call("POST", f"/spaces/{space_id}/join", people[handle])
        scene.call("POST", f"/spaces/{space_id}/speaker-requests", people[handle])
    grace_id = people["grace"].user["id"]
    scene.call("POST", f"/spaces/{space_id}/speaker-requests/{grace_id}/accept", people["ada"])
    scene.call("POST", f"/spaces/{space_id}/mic", people["grace"], muted=False)
    for handle in ("tim", "linus", "margaret", "dennis", "barbara"):
        scene.call("POST", f"/spaces/{space_id}/join", people[handle])
    scene.call(
        "POST",
        f"/spaces/{space_id}/pins",
        people["ada"],
        url="https://github.com/parley/parley",
        text="The code, if you want to follow along",
    )
    expect(page.locator(".request-row")).to_have_count(2)
    expect(page.locator(".tile.me.speaking")).to_be_visible()
    if width == "phone":
        page.get_by_role("button", name="Requests, 2 waiting to speak").click()
        page.wait_for_timeout(400)
    shoot(page, out, f"{width}-4-host")
    if width == "phone":
        page.get_by_role("button", name="Close").click()

    # Listening: Radia hears Ada, and the room reacts.
    radia = scene.browser("radia", "radia", width, tone_hz=660)
    listener = radia.open(f"/spaces/{space_id}")
    listener.get_by_role("button", name="Start listening").click()
    expect(listener.locator(".audio-status")).to_contain_text("Live audio")
    listener.get_by_role("button", name="React", exact=True).click()
    for emoji in ("🔥", "👏", "💯"):
        listener.get_by_role("button", name=f"React {emoji}").click()
    for handle, emoji in [("tim", "😂"), ("linus", "🔥"), ("margaret", "❤️"), ("alan", "🙌")]:
        scene.call("POST", f"/spaces/{space_id}/reactions", people[handle], emoji=emoji)
    listener.evaluate("document.getElementById('toasts').replaceChildren()")
    listener.wait_for_timeout(900)  # mid-flight
    listener.screenshot(path=str(out / f"{width}-5-listener.png"))
    print(f"  {width}-5-listener.png")
    radia.close()

    # Notifications: Ada's inbox after all that.
    page.get_by_role("button", name="End", exact=True).click()
    page.get_by_role("button", name="End Space").click()
    expect(page.get_by_role("heading", name="This Space has ended")).to_be_visible()
    shoot(page, out, f"{width}-6-ended")
    page = ada.open("/notifications")
    expect(page.locator(".notification").first).to_be_visible()
    shoot(page, out, f"{width}-7-notifications")
    ada.close()


@contextmanager
def running_stack(workdir: Path) -> Iterator[ParleyUp]:
    stack = ParleyUp(workdir)
    try:
        stack.wait_until_ready()
        yield stack
    finally:
        stack.interrupt()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        sys.exit(reason)
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_stack(Path(tmp)) as stack,
        sync_playwright() as playwright,
    ):
        scene = Scene(stack, playwright, Path(tmp))
        try:
            world = stage_world(scene)
            for width in WIDTHS:
                take(scene, world, width, args.out)
        finally:
            scene.close()


if __name__ == "__main__":
    main()
