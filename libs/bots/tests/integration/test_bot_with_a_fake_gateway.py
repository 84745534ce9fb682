"""The bot against a stand-in gateway (httpx's MockTransport): the paths and bodies it sends,
problems turned into typed errors, and media negotiated with a real aiortc peer behind the
fake ``negotiateMedia``."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from peers import until

from parley.bots import ApiError, Bot, MediaRefused
from parley.bots.analysis import dominant_frequency
from parley.bots.media import add_audio, answer_offer, new_peer_connection
from parley.bots.sources import SAMPLE_RATE, ToneTrack

BASE = "http://gateway.test"
Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


def user(user_id: str = "u1", handle: str = "ada") -> dict[str, Any]:
    return {"id": user_id, "handle": handle, "display_name": handle}


def space(space_id: str = "s1", **fields: Any) -> dict[str, Any]:
    return {
        "id": space_id,
        "title": "T",
        "state": "live",
        "host": {"user_id": "u1", "handle": "ada"},
        "settings": {},
        "share_url": f"{BASE}/s/{space_id}",
        **fields,
    }


def problem(status: int, slug: str, detail: str) -> httpx.Response:
    body = {"type": f"https://parley.dev/errors/{slug}", "title": slug, "status": status}
    return httpx.Response(
        status,
        json={**body, "detail": detail},
        headers={"content-type": "application/problem+json"},
    )


class FakeGateway:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any, str]] = []  # method, path, body, authorization
        self.routes: dict[tuple[str, str], Handler] = {}

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        auth = request.headers.get("authorization", "")
        self.requests.append((request.method, request.url.path, body, auth))
        handler = self.routes.get((request.method, request.url.path))
        if handler is not None:
            return await handler(request)
        if request.url.path.startswith("/api/v1/spaces"):
            return httpx.Response(200, json=space())
        return problem(404, "not-found", "no such route")


@pytest.fixture
async def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
async def bot(gateway: FakeGateway) -> AsyncIterator[Bot]:
    client = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(gateway))
    bot = Bot(BASE, client=client, name="ada")

    async def registered(request: httpx.Request) -> httpx.Response:
        body = {"user": user(), "access_token": "tok", "expires_in": 3600}
        return httpx.Response(201, json=body)

    gateway.route("POST", "/api/v1/auth/register", registered)
    await bot.register("ada", "secret pass")
    yield bot
    await bot.close()
    await client.aclose()


async def test_commands_use_the_public_paths_with_the_bearer_token(
    bot: Bot, gateway: FakeGateway
) -> None:
    async def created(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json=space("s9"))

    gateway.route("POST", "/api/v1/spaces", created)
    assert bot.user_id == "u1"

    await bot.create_space("Bots", topics=["audio"])
    await bot.start_space()
    await bot.invite("u2", "cohost")
    await bot.accept_request("u3")
    await bot.set_mic(True)
    await bot.set_mic(False)
    await bot.mute_speaker("u3")
    await bot.remove("u4", block=True)
    await bot.request_to_speak(space_id="other")
    await bot.accept_invitation()
    await bot.leave()
    await bot.end_space()

    sent = [(method, path, body) for method, path, body, _ in gateway.requests[1:]]
    assert sent == [
        ("POST", "/api/v1/spaces", {"title": "Bots", "topics": ["audio"]}),
        ("POST", "/api/v1/spaces/s9/start", None),
        ("POST", "/api/v1/spaces/s9/invitations", {"user_id": "u2", "role": "cohost"}),
        ("POST", "/api/v1/spaces/s9/speaker-requests/u3/accept", None),
        ("POST", "/api/v1/spaces/s9/mic", {"muted": False}),
        ("POST", "/api/v1/spaces/s9/mic", {"muted": True}),
        ("POST", "/api/v1/spaces/s9/speakers/u3/mute", None),
        ("POST", "/api/v1/spaces/s9/participants/u4/remove", {"block": True}),
        ("POST", "/api/v1/spaces/other/speaker-requests", None),
        ("POST", "/api/v1/spaces/s9/invitations/accept", None),
        ("POST", "/api/v1/spaces/s9/leave", None),
        ("POST", "/api/v1/spaces/s9/end", None),
    ]
    assert {auth for *_, auth in gateway.requests[1:]} == {"Bearer tok"}


async def test_a_problem_becomes_an_api_error_carrying_it(bot: Bot, gateway: FakeGateway) -> None:
    async def full(request: httpx.Request) -> httpx.Response:
        return problem(409, "stage-full", "the stage has 13 people")

    gateway.route("POST", "/api/v1/spaces/s1/speaker-requests/u2/accept", full)

    with pytest.raises(ApiError) as raised:
        await bot.accept_request("u2", space_id="s1")

    assert (raised.value.status, raised.value.slug) == (409, "stage-full")
    assert raised.value.detail == "the stage has 13 people"


async def test_a_refused_offer_raises_media_refused(bot: Bot, gateway: FakeGateway) -> None:
    async def refused(request: httpx.Request) -> httpx.Response:
        return problem(403, "not-joined", "join the Space first")

    gateway.route("POST", "/api/v1/spaces/s1/media/offer", refused)

    with pytest.raises(MediaRefused) as raised:
        await bot.connect_media("s1")

    assert (raised.value.status, raised.value.slug) == (403, "not-joined")
    assert bot.media is None


async def test_media_is_negotiated_through_the_offer_endpoint(
    bot: Bot, gateway: FakeGateway
) -> None:
    relay = new_peer_connection()  # what the relay would be: it sends a 660 Hz tone
    add_audio(relay, ToneTrack(660))

    async def negotiate(request: httpx.Request) -> httpx.Response:
        offer = json.loads(request.content)
        assert offer["type"] == "offer"
        assert "a=recvonly" in offer["sdp"]
        answer = await answer_offer(relay, offer["sdp"])
        body = {"sdp": answer, "type": "answer", "session_id": "m1", "worker_id": "w1"}
        return httpx.Response(200, json={**body, "can_publish": False})

    gateway.route("POST", "/api/v1/spaces/s1/media/offer", negotiate)
    try:
        session = await bot.connect_media("s1")
        assert (session.session_id, session.can_publish, session.connection_state) == (
            "m1",
            False,
            "connected",
        )
        recorder = bot.recorder
        assert recorder is not None
        await until(lambda: recorder.duration_s >= 0.6, what="audio from the fake relay")
        assert dominant_frequency(recorder.last(0.4), SAMPLE_RATE) == pytest.approx(660, abs=3)

        await bot.hangup()

        assert gateway.requests[-1][:2] == ("DELETE", "/api/v1/spaces/s1/media")
        assert bot.media is None
        assert session.connection_state == "closed"
    finally:
        await relay.close()


async def test_reconnecting_sends_a_fresh_offer_with_the_same_source(
    bot: Bot, gateway: FakeGateway
) -> None:
    relays = []
    tone = ToneTrack(880)

    async def negotiate(request: httpx.Request) -> httpx.Response:
        relay = new_peer_connection()
        relays.append(relay)
        answer = await answer_offer(relay, json.loads(request.content)["sdp"])
        return httpx.Response(200, json={"sdp": answer, "type": "answer", "can_publish": True})

    gateway.route("POST", "/api/v1/spaces/s1/media/offer", negotiate)
    try:
        await bot.connect_media("s1", tone)
        first = bot.media
        session = await bot.reconnect_media()

        assert first is not None
        assert first.connection_state == "closed"
        assert session.source is tone
        assert session.can_publish
        assert tone.readyState == "live"  # closing the old connection left the source alone
        assert len(relays) == 2
        frames = tone.frames_sent
        await until(lambda: tone.frames_sent > frames + 10, what="the source is sent again")
    finally:
        for relay in relays:
            await relay.close()


async def test_refusals_the_relay_may_outgrow_are_retried_with_patience(
    bot: Bot, gateway: FakeGateway
) -> None:
    relays = []
    refusals = ["space-not-live", "not-joined"]

    async def negotiate(request: httpx.Request) -> httpx.Response:
        if refusals:
            return problem(403 if refusals[0] == "not-joined" else 409, refusals.pop(0), "not yet")
        relay = new_peer_connection()
        relays.append(relay)
        answer = await answer_offer(relay, json.loads(request.content)["sdp"])
        return httpx.Response(200, json={"sdp": answer, "type": "answer", "can_publish": False})

    gateway.route("POST", "/api/v1/spaces/s1/media/offer", negotiate)
    try:
        session = await bot.connect_media("s1", patience_s=10)
        assert session.connection_state == "connected"
        assert refusals == []
    finally:
        for relay in relays:
            await relay.close()


async def test_without_patience_a_refusal_is_raised_at_once(bot: Bot, gateway: FakeGateway) -> None:
    async def negotiate(request: httpx.Request) -> httpx.Response:
        return problem(403, "not-joined", "join first")

    gateway.route("POST", "/api/v1/spaces/s1/media/offer", negotiate)
    with pytest.raises(MediaRefused):
        await bot.connect_media("s1")
    assert len([r for r in gateway.requests if r[1].endswith("/media/offer")]) == 1


async def test_a_sender_offers_again_until_the_relay_lets_it_publish(
    bot: Bot, gateway: FakeGateway
) -> None:
    relays = []
    publish = [False, False, True]

    async def negotiate(request: httpx.Request) -> httpx.Response:
        relay = new_peer_connection()
        relays.append(relay)
        answer = await answer_offer(relay, json.loads(request.content)["sdp"])
        body = {"sdp": answer, "type": "answer", "can_publish": publish.pop(0)}
        return httpx.Response(200, json=body)

    gateway.route("POST", "/api/v1/spaces/s1/media/offer", negotiate)
    tone = ToneTrack(440)
    try:
        session = await bot.connect_media("s1", tone, patience_s=10)
        assert session.can_publish
        assert len(relays) == 3
        assert tone.readyState == "live"
    finally:
        for relay in relays:
            await relay.close()


async def test_login_takes_the_token_and_reads_who_it_is(gateway: FakeGateway) -> None:
    async def logged_in(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"access_token": "tok2", "expires_in": 60})

    async def me(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer tok2"
        return httpx.Response(200, json=user("u7", "bob"))

    gateway.route("POST", "/api/v1/auth/login", logged_in)
    gateway.route("GET", "/api/v1/me", me)
    async with httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(gateway)) as client:
        bot = Bot(BASE, client=client)
        await bot.login("bob", "secret pass")

    assert (bot.token, bot.user_id, bot.handle) == ("tok2", "u7", "bob")
    assert gateway.requests[0][2] == {"handle": "bob", "password": "secret pass"}


async def test_a_rate_limited_or_unapplied_registration_is_retried_after_the_pause(
    gateway: FakeGateway,
) -> None:
    answers = [
        problem(429, "rate-limited", "slow down"),
        problem(503, "overloaded", "too busy to start this request in time; nothing was applied"),
        None,
    ]

    async def register(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if answer is not None:
            answer.headers["Retry-After"] = "0"
            return answer
        return httpx.Response(201, json={"user": user(), "access_token": "t", "expires_in": 9})

    gateway.route("POST", "/api/v1/auth/register", register)
    async with httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(gateway)) as client:
        bot = Bot(BASE, client=client)
        await bot.register("ada", "secret pass")

    assert bot.token == "t"
    assert len(gateway.requests) == 3
