"""A bot: one account using the gateway's public HTTP API, as a client app would, plus its
WebRTC audio through the media relay (``negotiateMedia``).

Commands on a Space take ``space_id`` as a keyword; left out, it is the Space the bot last
created or joined.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from typing import Any, Literal
from urllib.parse import quote

import httpx
from aiortc.mediastreams import MediaStreamTrack

from parley.bots.errors import ApiError, MediaRefused
from parley.bots.live import LiveChannel
from parley.bots.media import (
    CONNECT_TIMEOUT_S,
    MediaAnswer,
    MediaSession,
    add_audio,
    make_offer,
    new_peer_connection,
    record_tracks,
    take_answer,
)
from parley.bots.recorder import Recorder
from parley.contracts.api.identity import AccessToken, Registered, UserView
from parley.contracts.api.room import JoinResult, SpaceView

API = "/api/v1"
RATE_LIMIT_PATIENCE_S = 90.0  # how long register/login keep retrying a 429 or 503
# Media refusals that may only mean the relay has not yet seen what room already decided.
RELAY_MAY_LAG = frozenset({"not-joined", "space-not-live"})


class _Keep(enum.Enum):
    SOURCE = "the source of the previous connection"


class Bot:
    def __init__(
        self,
        base_url: str,
        *,
        name: str = "",
        timeout_s: float = 15.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.http = client or httpx.AsyncClient(base_url=self.base_url, timeout=timeout_s)
        self._owns_client = client is None
        self.token: str | None = None
        self.user: UserView | None = None
        self.space_id: str | None = None
        self.media: MediaSession | None = None
        self.recorder: Recorder | None = None

    def __repr__(self) -> str:
        return f"Bot({self.name or self.handle!r})"

    @property
    def handle(self) -> str:
        return self.user.handle if self.user else ""

    @property
    def user_id(self) -> str:
        if self.user is None:
            raise RuntimeError("the bot has not registered or logged in")
        return self.user.id

    # -- accounts -------------------------------------------------------------------------

    async def register(
        self, handle: str, password: str, display_name: str | None = None
    ) -> Registered:
        """Create the account (and log in). 429s are waited out (``Retry-After``)."""
        body = {"handle": handle, "display_name": display_name or handle, "password": password}
        response = await self._patient("POST", f"{API}/auth/register", json=body)
        registered = Registered.model_validate(self._ok(response))
        self.token, self.user = registered.access_token, registered.user
        return registered

    async def login(self, handle: str, password: str) -> AccessToken:
        body = {"handle": handle, "password": password}
        response = await self._patient("POST", f"{API}/auth/login", json=body)
        token = AccessToken.model_validate(self._ok(response))
        self.token = token.access_token
        self.user = UserView.model_validate(await self._call("GET", f"{API}/me"))
        return token

    # -- Spaces ---------------------------------------------------------------------------

    async def create_space(self, title: str, **fields: Any) -> SpaceView:
        """Create a Space hosted by this bot (``fields``: description, topics, speak_policy,
        recording, clipping, captions, max_listeners, scheduled_start)."""
        space = await self._space("POST", f"{API}/spaces", json={"title": title, **fields})
        self.space_id = space.id
        return space

    async def get_space(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("GET", self._path(space_id))

    async def start_space(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("POST", self._path(space_id, "/start"))

    async def end_space(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("POST", self._path(space_id, "/end"))

    async def join(self, space_id: str) -> JoinResult:
        joined = JoinResult.model_validate(await self._call("POST", self._path(space_id, "/join")))
        self.space_id = space_id
        return joined

    async def leave(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("POST", self._path(space_id, "/leave"))

    async def request_to_speak(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("POST", self._path(space_id, "/speaker-requests"))

    async def withdraw_request(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("DELETE", self._path(space_id, "/speaker-requests"))

    async def accept_request(self, user_id: str, *, space_id: str | None = None) -> SpaceView:
        path = self._path(space_id, f"/speaker-requests/{_segment(user_id)}/accept")
        return await self._space("POST", path)

    async def decline_request(self, user_id: str, *, space_id: str | None = None) -> SpaceView:
        path = self._path(space_id, f"/speaker-requests/{_segment(user_id)}/decline")
        return await self._space("POST", path)

    async def invite(
        self, user_id: str, role: str = "speaker", *, space_id: str | None = None
    ) -> SpaceView:
        body = {"user_id": user_id, "role": role}
        return await self._space("POST", self._path(space_id, "/invitations"), json=body)

    async def accept_invitation(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("POST", self._path(space_id, "/invitations/accept"))

    async def decline_invitation(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("POST", self._path(space_id, "/invitations/decline"))

    async def set_mic(self, on: bool, *, space_id: str | None = None) -> SpaceView:
        """Unmute (``on``) or mute this bot's own mic."""
        return await self._space("POST", self._path(space_id, "/mic"), json={"muted": not on})

    async def mute_speaker(self, user_id: str, *, space_id: str | None = None) -> SpaceView:
        path = self._path(space_id, f"/speakers/{_segment(user_id)}/mute")
        return await self._space("POST", path)

    async def mute_all(self, *, space_id: str | None = None) -> SpaceView:
        return await self._space("POST", self._path(space_id, "/mute-all"))

    async def move_to_audience(self, user_id: str, *, space_id: str | None = None) -> SpaceView:
        path = self._path(space_id, f"/speakers/{_segment(user_id)}")
        return await self._space("DELETE", path)

    async def remove(
        self, user_id: str, *, block: bool = False, space_id: str | None = None
    ) -> SpaceView:
        path = self._path(space_id, f"/participants/{_segment(user_id)}/remove")
        return await self._space("POST", path, json={"block": block})

    async def react(self, emoji: str, *, space_id: str | None = None) -> dict[str, Any]:
        return await self._call("POST", self._path(space_id, "/reactions"), json={"emoji": emoji})

    async def ws_ticket(self) -> str:
        return str((await self._call("POST", f"{API}/ws-tickets"))["ticket"])

    async def live(self, *, space_id: str | None = None) -> LiveChannel:
        """Open the Space's live channel (authenticated with this bot's token)."""
        return await LiveChannel.open(self.base_url, self._space_id(space_id), self.token)

    # -- media ----------------------------------------------------------------------------

    async def connect_media(
        self,
        space_id: str | None = None,
        source: MediaStreamTrack | None = None,
        *,
        record: bool = True,
        timeout_s: float = CONNECT_TIMEOUT_S,
        patience_s: float = 0.0,
    ) -> MediaSession:
        """Offer WebRTC audio to the relay: send ``source`` (stage members) or only receive,
        record what arrives (``self.recorder``, kept across reconnects), and wait until the
        connection is up. An earlier connection of this bot is closed first.

        MediaRefused when the gateway says no. The relay learns of joins, starts and
        promotions from room's events, a moment after the API answered them: for
        ``patience_s``, a refusal that may only mean that (not joined, not live) is retried
        with a fresh offer, and so is an answer that does not let a sending bot publish
        (after that, the session is returned as it is: see ``can_publish``)."""
        space_id = self._space_id(space_id)
        await self._drop_media()
        deadline = time.monotonic() + patience_s
        delay = 0.1
        while True:
            try:
                session = await self._connect_once(space_id, source, record, timeout_s)
            except MediaRefused as refused:
                if refused.slug not in RELAY_MAY_LAG or time.monotonic() + delay > deadline:
                    raise
            else:
                if source is None or session.can_publish or time.monotonic() + delay > deadline:
                    self.media = session
                    return session
                await session.close()
            await asyncio.sleep(delay)
            delay = min(1.0, 2 * delay)

    async def reconnect_media(
        self,
        source: MediaStreamTrack | Literal[_Keep.SOURCE] | None = _Keep.SOURCE,
        *,
        record: bool = True,
        patience_s: float = 0.0,
    ) -> MediaSession:
        """A fresh offer for the same Space (after a role change: the relay replaces the old
        session), sending ``source`` (default: the same as before)."""
        old = self.media
        if old is None:
            raise RuntimeError("the bot has no media connection to renew")
        if source is _Keep.SOURCE:
            source = old.source
        return await self.connect_media(old.space_id, source, record=record, patience_s=patience_s)

    async def _connect_once(
        self, space_id: str, source: MediaStreamTrack | None, record: bool, timeout_s: float
    ) -> MediaSession:
        if record and self.recorder is None:
            self.recorder = Recorder()
        pc = new_peer_connection()
        session = MediaSession(space_id, pc, source, self.recorder if record else None)
        try:
            add_audio(pc, source)
            if session.recorder is not None:
                record_tracks(pc, session.recorder)
            session.answer = await self._negotiate(space_id, await make_offer(pc))
            await take_answer(pc, session.answer.sdp)
            await session.wait_connected(timeout_s)
        except BaseException:
            await session.close()
            raise
        return session

    async def _drop_media(self) -> None:
        """Close the current connection without telling the relay (a new offer replaces it);
        first, so that a source is never read by two connections."""
        session, self.media = self.media, None
        if session is not None:
            await session.close()

    async def hangup(self) -> None:
        """Tell the relay the session is over, then close the peer connection."""
        session, self.media = self.media, None
        if session is None:
            return
        try:
            with contextlib.suppress(httpx.HTTPError):
                await self._call("DELETE", self._path(session.space_id, "/media"))
        finally:
            await session.close()

    async def _negotiate(self, space_id: str, sdp: str) -> MediaAnswer:
        response = await self.http.post(
            self._path(space_id, "/media/offer"),
            json={"sdp": sdp, "type": "offer"},
            headers=self._auth(),
        )
        if response.status_code >= 400:
            error = ApiError.from_response(response)
            raise MediaRefused(error.method, error.path, error.status, error.problem)
        body = response.json()
        return MediaAnswer(
            sdp=str(body["sdp"]),
            type=str(body.get("type", "answer")),
            session_id=str(body.get("session_id", "")),
            worker_id=str(body.get("worker_id", "")),
            can_publish=bool(body.get("can_publish", False)),
        )

    # -- the end --------------------------------------------------------------------------

    async def close(self) -> None:
        """Hang up and stop recording (the recording stays), close the HTTP client."""
        with contextlib.suppress(Exception):
            await self.hangup()
        if self.recorder is not None:
            await self.recorder.stop()
        if self._owns_client:
            await self.http.aclose()

    # -- plumbing -------------------------------------------------------------------------

    def _space_id(self, space_id: str | None) -> str:
        space_id = space_id or self.space_id
        if space_id is None:
            raise RuntimeError("no Space: pass space_id, or create or join one first")
        return space_id

    def _path(self, space_id: str | None, rest: str = "") -> str:
        return f"{API}/spaces/{_segment(self._space_id(space_id))}{rest}"

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def _space(self, method: str, path: str, **kwargs: Any) -> SpaceView:
        return SpaceView.model_validate(await self._call(method, path, **kwargs))

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.http.request(method, path, headers=self._auth(), **kwargs)
        return self._ok(response)

    @staticmethod
    def _ok(response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        if not response.content:
            return {}
        body = response.json()
        return body if isinstance(body, dict) else {"items": body}

    async def _patient(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The request, repeated after ``Retry-After`` while it is rate limited (429) or
        refused unapplied (503: the service was away or too busy to start it; nothing was
        applied, so sending it again is safe)."""
        deadline = time.monotonic() + RATE_LIMIT_PATIENCE_S
        while True:
            response = await self.http.request(method, path, **kwargs)
            if response.status_code not in (429, 503) or time.monotonic() > deadline:
                return response
            await asyncio.sleep(_retry_after(response))


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(30.0, max(0.5, float(response.headers.get("Retry-After", "1"))))
    except ValueError:
        return 1.0


def _segment(value: str) -> str:
    return quote(value, safe="")
