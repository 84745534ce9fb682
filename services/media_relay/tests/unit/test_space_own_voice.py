"""A Space's mixing clock, tick by tick, through the real Opus encoders (no network): what a
speaker whose uplink loses frames around unmutes and mutes receives never holds their own
voice, while every listener gets the one program payload (issue 9, defect 6). Before the fix
the speaker heard their tone at up to -20 dBFS in 20 ms bursts (``tests/hearing.py`` says what
counts as hearing it)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any

import av
import numpy as np

from parley.bots.sources import Tone
from parley.media_relay.domain.mixing import FRAME_SAMPLES, SAMPLE_RATE, Pcm
from parley.media_relay.domain.roles import SpaceRoles
from parley.media_relay.engine.space import SpaceMedia

from ..hearing import loudest, tone_bursts

SPEAKER, OTHER, LISTENERS = "usr_speaker", "usr_other", ("usr_l1", "usr_l2")
OWN_TONE, OTHER_TONE = 660.0, 1320.0


class LossyVoice:
    """A stage member's uplink buffer: a tone, with a share of its frames missing the tick."""

    def __init__(self, frequency: float, loss: float, seed: int) -> None:
        self._tone = Tone(frequency)
        self._random = random.Random(seed)
        self.loss = loss

    def take(self) -> Pcm | None:
        frame = self._tone.read(FRAME_SAMPLES)
        return None if self._random.random() < self.loss else frame


@dataclass
class Received:
    payloads: list[bytes] = field(default_factory=list)

    async def send(self, payload: bytes, pts: int) -> bool:
        self.payloads.append(payload)
        return True


@dataclass
class FakeSession:
    user_id: str
    uplink: bool
    buffer: Any = None
    out: Received = field(default_factory=Received)


class NoFeeds:
    async def program(self, payload: bytes, pts: int, captured_at_ns: int) -> None:
        pass

    async def speaker(self, user_id: str, pcm16k: bytes, pts: int) -> None:
        pass


async def no_speaking(*_: object) -> None:
    pass


def decoded(payloads: list[bytes]) -> Pcm:
    decoder = av.CodecContext.create("opus", "r")
    decoder.sample_rate = SAMPLE_RATE
    decoder.layout = "mono"
    chunks = []
    for payload in payloads:
        for frame in decoder.decode(av.Packet(payload)):
            chunks.append(np.asarray(frame.to_ndarray()[0] * 32767, dtype=np.int16))
    return np.concatenate(chunks)


async def test_a_lossy_speaker_never_hears_themselves_and_listeners_share_one_payload() -> None:
    roles = SpaceRoles(
        space_id="sp_1",
        phase="live",
        host_id=OTHER,
        speakers=frozenset({SPEAKER}),
        open_mics=frozenset({OTHER}),
    )
    space = SpaceMedia("sp_1", roles, feeds=NoFeeds(), bitrate=32_000, on_speaking=no_speaking)  # type: ignore[arg-type]
    speaker_voice = LossyVoice(OWN_TONE, loss=0.35, seed=6)
    speaker = FakeSession(SPEAKER, uplink=True, buffer=speaker_voice)
    other = FakeSession(OTHER, uplink=True, buffer=LossyVoice(OTHER_TONE, loss=0.1, seed=7))
    listeners = [FakeSession(user, uplink=False) for user in LISTENERS]
    for session in (speaker, other, *listeners):
        space.add(session)  # type: ignore[arg-type]

    for tick in range(400):  # 8 s: muted for 0.8 s, unmuted for 0.6 s, and so on
        if tick % 70 == 40:
            space.roles = replace(space.roles, open_mics=space.roles.open_mics | {SPEAKER})
        elif tick % 70 == 0:
            space.roles = replace(space.roles, open_mics=space.roles.open_mics - {SPEAKER})
        await space.tick()

    first, second = (listener.out.payloads for listener in listeners)
    assert len(first) == 400
    assert all(a is b for a, b in zip(first, second, strict=True))  # encoded once, for all
    assert loudest(decoded(first), OWN_TONE) > -20.0  # the speaker was heard
    received = decoded(speaker.out.payloads)
    assert loudest(received, OTHER_TONE) > -20.0  # and heard the other
    heard_themselves = tone_bursts(received, OWN_TONE)
    assert not heard_themselves, (
        f"the speaker heard themselves in {len(heard_themselves)} windows of 20 ms "
        f"(offset s, dBFS, dB above the spectrum around it): {heard_themselves[:6]}"
    )
    assert loudest(received, OWN_TONE) < -35.0
