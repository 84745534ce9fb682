"""Negotiation over the bus, session facts in the MEDIA stream, speaking and the audio feeds.

Real relay worker, real aiortc peers, a private nats-server (``stack`` in conftest).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from itertools import pairwise
from typing import Any, TypeVar

import av
import numpy as np
import pytest
from aiortc import RTCPeerConnection
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg

from parley.bots.analysis import has_tone
from parley.bots.media import add_audio, make_offer, new_peer_connection
from parley.bots.sources import SAMPLE_RATE, ToneTrack
from parley.chassis.errors import DomainError
from parley.chassis.event_store import EventStore, StoredEvent, decode_message
from parley.chassis.messaging import connect
from parley.contracts.api.media import (
    ACTIVE_SPEAKERS,
    CLOSE_SESSION,
    NEGOTIATE,
    MediaSessionClosedReply,
    NegotiateMedia,
    SpaceRef,
)
from parley.contracts.events import media
from parley.contracts.events import room as ev
from parley.contracts.events.media import (
    MediaPublishRejected,
    MediaSessionClosed,
    MediaSessionOpened,
)
from parley.contracts.live import LiveMessage, space_subject
from parley.contracts.media import (
    SPEAKER_FEED_SAMPLE_RATE,
    FeedHeaders,
    program_feed_subject,
    speaker_feed_subject,
)
from parley.media_relay.engine.worker import RelayWorker

from ..conftest import Peer, Relay, Room, ctx, relay_worker

HOST, SPEAKER, LISTENER, OTHER = "usr_host", "usr_speaker", "usr_listener", "usr_other"
TONE = 660.0
T = TypeVar("T")


@pytest.fixture
async def nc(private_nats: str) -> AsyncIterator[NATS]:
    client = await connect(private_nats, name="test-observer")
    yield client
    await client.close()


# -- helpers --------------------------------------------------------------------------------


async def until(check: Callable[[], Awaitable[T]], what: str, timeout: float = 10.0) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def media_events(nc: NATS) -> list[StoredEvent]:
    """Everything in the MEDIA stream, decoded as events (anything else fails to decode)."""
    js = nc.jetstream()
    state = (await js.stream_info("MEDIA")).state
    events = []
    for seq in range(state.first_seq, state.last_seq + 1) if state.messages else ():
        msg = await js.get_msg("MEDIA", seq)
        events.append(decode_message(msg.data, msg.subject, seq))
    return events


async def session_events(nc: NATS, session_id: str) -> list[Any]:
    events, _ = await EventStore(nc, stream="MEDIA", context=media.CONTEXT).load(session_id)
    return [stored.event for stored in events]


def sessions_of(worker: RelayWorker, space_id: str) -> dict[str, str]:
    space = worker.spaces.get(space_id)
    return {} if space is None else {u: s.session_id for u, s in space.sessions.items()}


async def collect(nc: NATS, subject: str) -> list[Msg]:
    received: list[Msg] = []

    async def keep(msg: Msg) -> None:
        received.append(msg)

    await nc.subscribe(subject, cb=keep)
    return received


async def offer_of(pc: RTCPeerConnection) -> str:
    try:
        return await make_offer(pc)
    finally:
        await pc.close()


async def listener_offer() -> str:
    pc = new_peer_connection()
    add_audio(pc, None)
    return await offer_of(pc)


async def video_only_offer() -> str:
    pc = new_peer_connection()
    pc.addTransceiver("video", direction="recvonly")
    return await offer_of(pc)


async def data_only_offer() -> str:
    pc = new_peer_connection()
    pc.createDataChannel("chat")
    return await offer_of(pc)


async def wait_closed(peer: Peer) -> None:
    async def closed() -> bool:
        return peer.pc.connectionState in ("closed", "failed")

    await until(closed, f"{peer.user}'s connection to close")


# -- refusals -------------------------------------------------------------------------------


async def joined_listener(room: Room) -> str:
    await room.live_space(HOST)
    await room.join(LISTENER)
    return LISTENER


async def not_joined(room: Room) -> str:
    await room.live_space(HOST)
    await room.join(OTHER)
    return LISTENER


async def removed(room: Room) -> str:
    await room.live_space(HOST)
    await room.speaker(LISTENER)  # on stage, mic open, then removed
    await room.space_event(ev.ParticipantRemoved(space_id=room.space_id, user_id=LISTENER, by=HOST))
    return LISTENER


async def not_started(room: Room) -> str:
    s = room.space_id
    await room.append(s, ev.SpaceCreated(space_id=s, host_id=HOST, title="Soon"))
    await room.join(LISTENER)
    return LISTENER


async def ended_for_host(room: Room) -> str:
    await room.live_space(HOST)
    await room.space_event(ev.SpaceEnded(space_id=room.space_id, by=HOST, reason="host_ended"))
    return HOST


REFUSALS = {
    "no actor": (joined_listener, None, 401, "unauthenticated"),
    "not joined": (not_joined, "user", 403, "not-joined"),
    "removed": (removed, "user", 403, "removed"),
    "not started": (not_started, "user", 409, "space-not-live"),
    "ended": (ended_for_host, "user", 409, "space-not-live"),
}


@pytest.mark.parametrize(
    ("setup", "actor", "status", "problem"), REFUSALS.values(), ids=REFUSALS.keys()
)
async def test_refusals_are_problems_and_leave_no_session(
    stack: tuple[Room, Relay],
    nc: NATS,
    setup: Callable[[Room], Awaitable[str]],
    actor: str | None,
    status: int,
    problem: str,
) -> None:
    room, relay = stack
    user = await setup(room)
    payload = NegotiateMedia(space_id=room.space_id, sdp=await listener_offer())

    with pytest.raises(DomainError) as refused:
        await relay.bus.call(NEGOTIATE, payload, ctx(user if actor else None))

    assert (refused.value.status, refused.value.type) == (status, problem)
    assert refused.value.detail
    assert sessions_of(relay_worker(room.workers[0]), room.space_id) == {}
    assert await media_events(nc) == []


def _mangled(pattern: str, replacement: str) -> Callable[[], Awaitable[str]]:
    async def offer() -> str:
        mangled, count = re.subn(pattern, replacement, await listener_offer(), count=1)
        assert count == 1, f"{pattern!r} is not in the offer"
        return mangled

    return offer


def _without(prefix: str) -> Callable[[], Awaitable[str]]:
    """A listener's offer with every line starting with ``prefix`` removed."""

    async def offer() -> str:
        lines = (await listener_offer()).split("\r\n")
        kept = [line for line in lines if not line.startswith(prefix)]
        assert len(kept) < len(lines), f"no {prefix!r} line in the offer"
        return "\r\n".join(kept)

    return offer


async def not_sdp() -> str:
    return "this is not an SDP offer"


async def truncated() -> str:
    offer = await listener_offer()
    return offer[: len(offer) // 2]


BAD_OFFERS = {
    "not sdp": not_sdp,
    "truncated": truncated,
    "bad setup role": _mangled(r"a=setup:\w+", "a=setup:bogus"),
    "rtpmap without codec": _mangled(r"a=rtpmap:(\d+) [^\r]*", r"a=rtpmap:\1 "),
    "bad direction": _mangled(r"a=recvonly", "a=recvon"),
    "video only": video_only_offer,
    "data channel only": data_only_offer,
    "no dtls fingerprint": _without("a=fingerprint:"),
    "no ice credentials": _without("a=ice-ufrag:"),
    "no ice candidates (trickle)": _without("a=candidate:"),
}


@pytest.mark.parametrize("bad_offer", BAD_OFFERS.values(), ids=BAD_OFFERS.keys())
async def test_a_bad_offer_is_422_and_the_relay_keeps_serving(
    stack: tuple[Room, Relay], nc: NATS, bad_offer: Callable[[], Awaitable[str]]
) -> None:
    room, relay = stack
    await room.live_space(HOST)
    await room.join(LISTENER)
    payload = NegotiateMedia(space_id=room.space_id, sdp=await bad_offer())

    with pytest.raises(DomainError) as refused:
        await relay.bus.call(NEGOTIATE, payload, ctx(LISTENER))

    assert (refused.value.status, refused.value.type) == (422, "bad-offer")
    assert sessions_of(relay_worker(room.workers[0]), room.space_id) == {}
    assert await media_events(nc) == []
    peer = await relay.connect(room.space_id, LISTENER)  # the same user, a good offer
    assert peer.answer["can_publish"] is False
    await peer.recorder.wait_for_frames(5)


# -- sessions -------------------------------------------------------------------------------


async def test_a_second_offer_replaces_the_first_session(
    stack: tuple[Room, Relay], nc: NATS
) -> None:
    room, relay = stack
    await room.live_space(HOST)
    await room.join(LISTENER)
    first = await relay.connect(room.space_id, LISTENER)
    second = await relay.connect(room.space_id, LISTENER)
    old, new = first.answer["session_id"], second.answer["session_id"]
    assert old != new

    await wait_closed(first)
    worker = relay_worker(room.workers[0])
    assert sessions_of(worker, room.space_id) == {LISTENER: new}
    assert second.pc.connectionState == "connected"
    await second.recorder.wait_for_frames(len(second.recorder.frames) + 5)

    closed = await until(lambda: session_events(nc, old), "the old session's events")
    assert [type(event) for event in closed] == [MediaSessionOpened, MediaSessionClosed]
    assert closed[1].reason == "renegotiated"
    assert [type(event) for event in await session_events(nc, new)] == [MediaSessionOpened]


async def test_a_listener_offering_to_send_may_not_publish(
    stack: tuple[Room, Relay], nc: NATS
) -> None:
    room, relay = stack
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    await room.join(LISTENER)
    await room.join(OTHER)
    speaker = await relay.connect(room.space_id, SPEAKER, ToneTrack(TONE))
    rogue = await relay.connect(room.space_id, LISTENER, ToneTrack(440.0))
    quiet = await relay.connect(room.space_id, OTHER)

    assert speaker.answer["can_publish"] is True
    assert rogue.answer["can_publish"] is False
    assert re.search(r"^a=sendonly", rogue.answer["sdp"], re.MULTILINE)  # we never receive
    assert re.search(r"^a=sendrecv", speaker.answer["sdp"], re.MULTILINE)

    rogue_events = await session_events(nc, rogue.answer["session_id"])
    assert rogue_events == [
        MediaSessionOpened(
            session_id=rogue.answer["session_id"],
            space_id=room.space_id,
            user_id=LISTENER,
            worker_id="w1",
            can_publish=False,
        ),
        MediaPublishRejected(
            session_id=rogue.answer["session_id"],
            space_id=room.space_id,
            user_id=LISTENER,
            reason="not_on_stage",
        ),
    ]
    for peer, can_publish in ((speaker, True), (quiet, False)):
        (opened,) = await session_events(nc, peer.answer["session_id"])
        assert isinstance(opened, MediaSessionOpened)
        assert (opened.user_id, opened.can_publish) == (peer.user, can_publish)

    # a send-only offer (no wish to listen at all) is an attempt to publish too
    await room.join("usr_sendonly")
    pc = new_peer_connection()
    pc.addTransceiver(ToneTrack(440.0), direction="sendonly")
    payload = NegotiateMedia(space_id=room.space_id, sdp=await offer_of(pc))
    answer = await relay.bus.call(NEGOTIATE, payload, ctx("usr_sendonly"))
    assert answer.can_publish is False
    assert [type(event) for event in await session_events(nc, answer.session_id)] == [
        MediaSessionOpened,
        MediaPublishRejected,
    ]


async def test_closed_sessions_are_stored_with_their_reason(
    stack: tuple[Room, Relay], nc: NATS
) -> None:
    room, relay = stack
    space = room.space_id
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    for user in (LISTENER, OTHER, "usr_removed"):
        await room.join(user)
    speaker = await relay.connect(space, SPEAKER, ToneTrack(TONE))
    hanging_up = await relay.connect(space, LISTENER)
    staying = await relay.connect(space, OTHER)
    to_remove = await relay.connect(space, "usr_removed")

    reply = await relay.bus.call(CLOSE_SESSION, SpaceRef(space_id=space), ctx(LISTENER))
    assert reply == MediaSessionClosedReply(space_id=space, closed=True)
    await wait_closed(hanging_up)
    await room.space_event(ev.ParticipantRemoved(space_id=space, user_id="usr_removed", by=HOST))
    await wait_closed(to_remove)
    assert staying.pc.connectionState == "connected"
    await room.space_event(ev.SpaceEnded(space_id=space, by=HOST, reason="host_ended"))
    await wait_closed(staying)
    await wait_closed(speaker)

    expected = {
        hanging_up.answer["session_id"]: "hung_up",
        to_remove.answer["session_id"]: "removed",
        staying.answer["session_id"]: "space_ended",
        speaker.answer["session_id"]: "space_ended",
    }

    async def reasons() -> dict[str, str] | None:
        found = {
            stored.event.session_id: stored.event.reason
            for stored in await media_events(nc)
            if isinstance(stored.event, MediaSessionClosed)
        }
        return found if found == expected else None

    await until(reasons, f"closed sessions {expected}")
    for session_id in expected:
        opened, closed = await session_events(nc, session_id)
        assert isinstance(opened, MediaSessionOpened)
        assert opened.worker_id == "w1"
        assert isinstance(closed, MediaSessionClosed)
        assert closed.duration_s > 0
    assert sessions_of(relay_worker(room.workers[0]), space) == {}


# -- speaking and feeds ---------------------------------------------------------------------


async def speakers_listed(relay: Relay, space: str) -> list[str]:
    """What ``qry.media.active_speakers`` answers for ``space``."""
    answer = await relay.bus.call(ACTIVE_SPEAKERS, SpaceRef(space_id=space), ctx(None))
    assert answer.space_id == space
    return list(answer.user_ids)


def nobody_listed(relay: Relay, space: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await speakers_listed(relay, space) == []

    return check


async def test_who_is_speaking_follows_the_speaker_and_their_mute(
    stack: tuple[Room, Relay], nc: NATS
) -> None:
    room, relay = stack
    space = room.space_id
    live = await collect(nc, space_subject(space))
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    await relay.connect(space, SPEAKER, ToneTrack(TONE))

    def speaking() -> list[LiveMessage]:
        messages = [LiveMessage.model_validate_json(msg.data) for msg in live]
        return [message for message in messages if message.type == "speaking"]

    assert await until(lambda: speakers_listed(relay, space), "the speaker to be listed") == [
        SPEAKER
    ]
    first = speaking()[0]
    assert first.space_id == space
    assert first.data["user_ids"] == [SPEAKER]
    assert first.data["levels"][SPEAKER] > -42.0

    await room.space_event(ev.SpeakerMuted(space_id=space, user_id=SPEAKER, by=HOST))

    await until(nobody_listed(relay, space), "the muted speaker to be dropped", timeout=3.0)
    assert speaking()[-1].data == {"user_ids": [], "levels": {}}


async def test_nobody_is_speaking_once_the_space_has_ended(
    stack: tuple[Room, Relay], nc: NATS
) -> None:
    room, relay = stack
    space = room.space_id
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    await relay.connect(space, SPEAKER, ToneTrack(TONE))

    listed = await until(lambda: speakers_listed(relay, space), "the speaker to be listed")
    assert listed == [SPEAKER]

    # Ended mid-sentence: the speaker is hung up with the microphone still open.
    await room.space_event(ev.SpaceEnded(space_id=space, by=HOST, reason="host_ended"))

    await until(nobody_listed(relay, space), "an ended Space to list nobody", timeout=3.0)


async def test_program_and_speaker_feeds_carry_timed_audio_while_heard(
    stack: tuple[Room, Relay], nc: NATS
) -> None:
    room, relay = stack
    space = room.space_id
    program = await collect(nc, program_feed_subject(space))
    voice = await collect(nc, speaker_feed_subject(space, SPEAKER))
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    await relay.connect(space, SPEAKER, ToneTrack(TONE))

    async def a_second_of_voice() -> bool:
        return len(voice) >= 50

    await until(a_second_of_voice, "a second of the speaker's feed")
    await room.space_event(ev.SpeakerMuted(space_id=space, user_id=SPEAKER, by=HOST))
    muted_at_ns = time.time_ns()
    heard_program = len(program)
    await asyncio.sleep(0.6)

    # the program: one Opus packet per 20 ms, numbered and timed, going on after the mute
    headers = [FeedHeaders.from_headers(msg.headers) for msg in program]
    assert len(program) > heard_program + 15
    assert [h.seq for h in headers] == list(range(1, len(headers) + 1))
    assert steps(headers) == {960}
    assert {(h.codec, h.sample_rate) for h in headers} == {("opus", 48_000)}
    assert has_tone(decode_opus([msg.data for msg in program]), SAMPLE_RATE, TONE)

    # the speaker's feed: 20 ms of 16 kHz PCM per message, only while they may be heard
    headers = [FeedHeaders.from_headers(msg.headers) for msg in voice]
    assert {len(msg.data) for msg in voice} == {640}
    assert [h.seq for h in headers] == list(range(1, len(headers) + 1))
    # a tick that found no frame of theirs (network jitter) leaves a gap the pts shows
    gaps = steps(headers)
    assert all(step > 0 and step % 320 == 0 for step in gaps), gaps
    assert {(h.codec, h.sample_rate) for h in headers} == {("pcm_s16le", 16_000)}
    pcm = np.frombuffer(b"".join(msg.data for msg in voice), dtype="<i2")
    assert has_tone(pcm, SPEAKER_FEED_SAMPLE_RATE, TONE)
    late = [h.captured_at_ns - muted_at_ns for h in headers if h.captured_at_ns > muted_at_ns]
    assert all(delay < 100_000_000 for delay in late), f"fed {len(late)} frames after the mute"


def steps(headers: list[FeedHeaders]) -> set[int]:
    return {later.pts - h.pts for h, later in pairwise(headers)}


def decode_opus(packets: list[bytes]) -> np.ndarray[Any, np.dtype[np.int16]]:
    decoder = av.CodecContext.create("opus", "r")
    decoder.sample_rate = SAMPLE_RATE
    decoder.layout = "mono"
    chunks = []
    for packet in packets:
        for frame in decoder.decode(av.Packet(packet)):
            chunks.append(frame.to_ndarray().reshape(-1))
    pcm = np.concatenate(chunks)
    if pcm.dtype != np.int16:  # the decoder gives floats
        pcm = (pcm * 32767).astype(np.int16)
    return pcm
