"""Tick after tick, who is sent the shared program and who a mix of their own (issue 9,
defect 6): nobody on stage ever hears themselves, whatever their uplink, mic or role does.

The program's Opus encoder carries a little of each tick into the next (look-ahead, pitch
history). The model below says a packet carries the voices fed to its encoder in the last
``CODEC_MEMORY_TICKS`` inputs (the real figure is under two ticks, see ``domain/mixing.py``),
and checks, over thousands of random ticks, that what each user is sent never carries their own
voice, that listeners share the one program encoding, and that members do not switch encoders
while they may be heard.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import pytest

from parley.media_relay.domain.mixing import (
    ENCODER_MEMORY_TICKS,
    FRAME_SAMPLES,
    Mixer,
    Pcm,
    Tick,
)

CODEC_MEMORY_TICKS = 2
STAGE = ("host", "s1", "s2", "s3", "s4")
AUDIENCE = ("l1", "l2", "l3")


def voice(rng: np.random.Generator) -> Pcm:
    """A distinct frame, quiet enough that six of them never clip (sums are exact)."""
    return rng.integers(-4000, 4000, FRAME_SAMPLES).astype(np.int16)


def total(frames: dict[str, Pcm], without: str | None = None) -> Pcm:
    summed = np.zeros(FRAME_SAMPLES, dtype=np.int32)
    for user, frame in frames.items():
        if user != without:
            summed += frame
    return summed.astype(np.int16)


@dataclass
class Stream:
    """An encoder, as far as voices go: the voices of its last few inputs."""

    inputs: deque[frozenset[str]] = field(default_factory=lambda: deque(maxlen=CODEC_MEMORY_TICKS))

    def encode(self, voices: frozenset[str]) -> frozenset[str]:
        self.inputs.append(voices)
        return frozenset().union(*self.inputs)


@dataclass
class Space:
    """A Space as the origin's engine drives the mixer: sessions come and go, mics open and
    close, an open mic's frame is sometimes missing."""

    seed: int
    loss: float
    rng: random.Random = field(init=False)
    samples: np.random.Generator = field(init=False)
    connected: set[str] = field(default_factory=lambda: {*STAGE, *AUDIENCE})
    open_mics: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.samples = np.random.default_rng(self.seed)
        self.open_mics = {user for user in STAGE if self.rng.random() < 0.5}

    def step(self) -> tuple[dict[str, Pcm], set[str]]:
        for user in (*STAGE, *AUDIENCE):
            if self.rng.random() < 0.02:
                self.connected ^= {user}  # hang up, or come back
        for user in STAGE:
            if self.rng.random() < 0.08:
                self.open_mics ^= {user}  # mute, unmute, demote, promote
        may_be_heard = self.open_mics & self.connected
        frames = {
            user: voice(self.samples)
            for user in sorted(may_be_heard)
            if self.rng.random() >= self.loss
        }
        return frames, may_be_heard


@pytest.mark.parametrize("seed", range(40))
def test_nobody_is_ever_sent_their_own_voice(seed: int) -> None:
    space = Space(seed=seed, loss=random.Random(seed).choice([0.0, 0.1, 0.35, 0.7]))
    mixer = Mixer()
    program = Stream()
    own_streams: dict[str, Stream] = {}
    history: deque[frozenset[str]] = deque(maxlen=ENCODER_MEMORY_TICKS + 1)
    previous: Tick | None = None
    previous_voices: frozenset[str] = frozenset()

    for _ in range(300):
        frames, may_be_heard = space.step()
        tick = mixer.tick(frames, connected=frozenset(space.connected), may_be_heard=may_be_heard)
        voices = frozenset(frames)
        history.append(voices)
        recently_heard = frozenset().union(*history)

        np.testing.assert_array_equal(tick.program, total(frames))
        assert set(tick.own) <= space.connected
        for user in list(own_streams):
            if user not in space.connected:
                del own_streams[user]  # the engine drops a session's encoder with it

        in_program = program.encode(voices)
        for user in space.connected:
            if user in tick.own:
                # The mix of the others, exactly, through an encoder of their own.
                np.testing.assert_array_equal(tick.own[user], total(frames, without=user))
                stream = own_streams.setdefault(user, Stream())
                if user in tick.warm_up:
                    assert previous is not None
                    assert user not in previous.own
                    np.testing.assert_array_equal(tick.warm_up[user], previous.program)
                    stream.encode(previous_voices)
                sent = stream.encode(voices - {user})
            else:
                sent = in_program
            assert user not in sent, f"{user} was sent their own voice"

            # Cost: members who may be heard never switch encoders (each switch is a click);
            # those whose voice is long gone, and listeners, share the one program encoding.
            if user in frames or user in may_be_heard:
                assert user in tick.own
            if user in tick.own:
                assert user in may_be_heard or user in recently_heard
            if user in AUDIENCE:
                assert user not in tick.own
        assert set(tick.warm_up) <= set(tick.own)
        previous, previous_voices = tick, voices


def test_a_missing_frame_still_gets_the_mix_of_the_others() -> None:
    mixer = Mixer()
    everyone = frozenset({"a", "b", "listener"})
    rng = np.random.default_rng(1)
    a, b = voice(rng), voice(rng)
    mixer.tick({"a": a, "b": b}, connected=everyone, may_be_heard={"a", "b"})

    tick = mixer.tick({"b": b}, connected=everyone, may_be_heard={"a", "b"})

    assert set(tick.own) == {"a", "b"}
    np.testing.assert_array_equal(tick.own["a"], b)  # the others: b alone
    assert not tick.own["b"].any()  # nobody else spoke
    assert tick.warm_up == {}  # a's stream goes on, no switch


def test_a_muted_member_keeps_their_own_mix_until_their_voice_is_out_of_the_program() -> None:
    mixer = Mixer()
    everyone = frozenset({"a", "b"})
    rng = np.random.default_rng(2)
    mixer.tick({"a": voice(rng), "b": voice(rng)}, connected=everyone, may_be_heard={"a", "b"})

    owns = [
        set(mixer.tick({"b": voice(rng)}, connected=everyone, may_be_heard={"b"}).own)
        for _ in range(ENCODER_MEMORY_TICKS + 2)
    ]

    assert ENCODER_MEMORY_TICKS >= CODEC_MEMORY_TICKS
    assert all("a" in own for own in owns[:ENCODER_MEMORY_TICKS])
    assert owns[ENCODER_MEMORY_TICKS:] == [{"b"}, {"b"}]  # then a shares the program


def test_an_unmuted_member_without_a_frame_yet_gets_their_own_mix_warmed_up() -> None:
    mixer = Mixer()
    everyone = frozenset({"a", "b", "listener"})
    rng = np.random.default_rng(3)
    b = voice(rng)
    before = mixer.tick({"b": b}, connected=everyone, may_be_heard={"b"})
    assert set(before.own) == {"b"}  # a (muted) and the listener share the program

    tick = mixer.tick({"b": voice(rng)}, connected=everyone, may_be_heard={"a", "b"})

    assert set(tick.own) == {"a", "b"}
    np.testing.assert_array_equal(tick.own["a"], tick.program)  # none of a's voice in it yet
    assert set(tick.warm_up) == {"a"}
    np.testing.assert_array_equal(tick.warm_up["a"], before.program)


def test_someone_whose_voice_is_in_the_program_is_never_warmed_up_on_it() -> None:
    """A member heard last tick through a session that has just been replaced (renegotiated):
    they were not sent a mix of their own last tick, but last tick's program holds their
    voice, so their new stream starts cold."""
    mixer = Mixer()
    rng = np.random.default_rng(4)
    mixer.tick({"a": voice(rng), "b": voice(rng)}, connected={"b"}, may_be_heard={"a", "b"})

    tick = mixer.tick({"b": voice(rng)}, connected={"a", "b"}, may_be_heard={"b"})

    assert "a" in tick.own
    assert "a" not in tick.warm_up


def test_listeners_share_the_program_whatever_happens_on_stage() -> None:
    mixer = Mixer()
    rng = np.random.default_rng(5)
    for n in range(50):
        frames = {"a": voice(rng)} if n % 3 else {}
        tick = mixer.tick(frames, connected={"a", "l1", "l2"}, may_be_heard={"a"})
        assert set(tick.own) == {"a"}


def test_nothing_heard_is_a_silent_program() -> None:
    tick = Mixer().tick({}, connected={"l1"})
    assert not tick.program.any()
    assert tick.own == {}
    assert tick.warm_up == {}
