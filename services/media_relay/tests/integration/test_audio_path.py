"""Real aiortc peers through a real relay worker: who hears what (spec §3, issue 4)."""

from __future__ import annotations

import asyncio
import time

import pytest

from parley.bots.analysis import has_tone, is_silent
from parley.bots.sources import SAMPLE_RATE, ToneTrack
from parley.contracts.events import room as ev

HOST, SPEAKER, OTHER_SPEAKER = "usr_host", "usr_speaker", "usr_speaker2"
LISTENERS = ("usr_l1", "usr_l2")


async def heard(peer, frequency: float, seconds: float = 0.6, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``peer`` hears ``frequency`` in its latest audio within ``timeout``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
        recent = peer.recorder.samples(start=time.perf_counter() - seconds)
        if recent.size > SAMPLE_RATE * seconds * 0.6 and has_tone(recent, SAMPLE_RATE, frequency):
            return True
    return False


async def test_a_speakers_tone_is_heard_by_every_listener(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    for listener in LISTENERS:
        await room.join(listener)
    await relay.connect(room.space_id, SPEAKER, ToneTrack(660.0))
    listeners = [await relay.connect(room.space_id, user) for user in LISTENERS]

    for listener in listeners:
        assert listener.answer["can_publish"] is False
        assert await heard(listener, 660.0), f"{listener.user} did not hear the speaker"


async def test_a_speaker_hears_the_others_but_never_themselves(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    await room.speaker(OTHER_SPEAKER)
    first = await relay.connect(room.space_id, SPEAKER, ToneTrack(660.0))
    second = await relay.connect(room.space_id, OTHER_SPEAKER, ToneTrack(880.0))
    assert first.answer["can_publish"]
    assert second.answer["can_publish"]

    assert await heard(first, 880.0)
    assert await heard(second, 660.0)
    for _ in range(5):  # over a while, never their own voice
        await asyncio.sleep(0.3)
        assert not has_tone(first.recorder.last(0.5), SAMPLE_RATE, 660.0)
        assert not has_tone(second.recorder.last(0.5), SAMPLE_RATE, 880.0)


async def test_a_listener_sending_audio_is_heard_by_nobody(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    for listener in LISTENERS:
        await room.join(listener)
    speaker = await relay.connect(room.space_id, SPEAKER, ToneTrack(660.0))
    rogue = await relay.connect(room.space_id, LISTENERS[0], ToneTrack(440.0))
    other = await relay.connect(room.space_id, LISTENERS[1])

    assert rogue.answer["can_publish"] is False
    assert await heard(other, 660.0)  # the stream works...
    await asyncio.sleep(1.0)
    for peer in (speaker, other):  # ...and the rogue tone is in nobody's audio
        assert not has_tone(peer.recorder.last(1.5), SAMPLE_RATE, 440.0)


@pytest.mark.parametrize("silencing", ["mute", "move_to_audience", "remove"])
async def test_a_silenced_speaker_goes_quiet_within_200_ms(stack, silencing: str) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    space = room.space_id
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    for listener in LISTENERS:
        await room.join(listener)
    await relay.connect(space, SPEAKER, ToneTrack(660.0))
    listeners = [await relay.connect(space, user) for user in LISTENERS]
    for listener in listeners:
        assert await heard(listener, 660.0)

    event = {
        "mute": ev.SpeakerMuted(space_id=space, user_id=SPEAKER, by=HOST),
        "move_to_audience": ev.MovedToAudience(space_id=space, user_id=SPEAKER, by=HOST),
        "remove": ev.ParticipantRemoved(space_id=space, user_id=SPEAKER, by=HOST),
    }[silencing]
    silenced_at = time.perf_counter()
    await room.space_event(event)
    await asyncio.sleep(1.0)

    for listener in listeners:
        last_tone = max(
            (
                frame.arrived_at
                for frame in listener.recorder.frames
                if has_tone(frame.samples.astype("float32") / 32768, SAMPLE_RATE, 660.0)
            ),
            default=0.0,
        )
        print(f"{silencing}: last tone {1000 * (last_tone - silenced_at):.0f} ms after the event")
        assert last_tone - silenced_at < 0.2, f"heard {last_tone - silenced_at:.3f}s after"
        assert is_silent(listener.recorder.last(0.5))


async def test_removal_and_the_end_of_the_space_hang_up(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    space = room.space_id
    await room.live_space(HOST)
    for listener in LISTENERS:
        await room.join(listener)
    removed, staying = [await relay.connect(space, user) for user in LISTENERS]

    await room.space_event(ev.ParticipantRemoved(space_id=space, user_id=LISTENERS[0], by=HOST))
    await wait_for_state(removed, "closed", "failed")
    assert staying.pc.connectionState == "connected"

    await room.space_event(ev.SpaceEnded(space_id=space, by=HOST, reason="host_ended"))
    await wait_for_state(staying, "closed", "failed")


async def test_audio_continues_while_listeners_come_and_go(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    space = room.space_id
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    await room.join("usr_steady")
    await relay.connect(space, SPEAKER, ToneTrack(660.0))
    steady = await relay.connect(space, "usr_steady")
    assert await heard(steady, 660.0)
    started = time.perf_counter()

    for round_ in range(4):
        user = f"usr_churn{round_}"
        await room.join(user)
        churn = await relay.connect(space, user)
        assert await heard(churn, 660.0)
        await churn.close()
        relay.peers.remove(churn)

    during = steady.recorder.samples(start=started)
    assert has_tone(during, SAMPLE_RATE, 660.0)
    assert steady.recorder.audible_share(start=started) > 0.9


async def wait_for_state(peer, *states: str, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while peer.pc.connectionState not in states:
        assert time.perf_counter() < deadline, f"still {peer.pc.connectionState}"
        await asyncio.sleep(0.05)
