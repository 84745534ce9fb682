"""The mixer's per-speaker buffer: bounded delay, and a cushion only when the link is jittery."""

from __future__ import annotations

import numpy as np

from parley.media_relay.domain.mixing import FRAME_SAMPLES
from parley.media_relay.engine.session import (
    JITTERY_TICKS,
    MAX_BUFFERED,
    TRIM_TO,
    WINDOW_TICKS,
    UplinkBuffer,
)


def frame(n: int) -> np.ndarray:
    return np.full(FRAME_SAMPLES, n, dtype=np.int16)


def test_frames_come_out_in_order() -> None:
    buffer = UplinkBuffer()
    for n in range(3):
        buffer.push(frame(n))
    taken = [buffer.take() for _ in range(4)]
    assert [int(f[0]) for f in taken[:3] if f is not None] == [0, 1, 2]
    assert taken[3] is None


def test_a_burst_is_trimmed_at_once() -> None:
    buffer = UplinkBuffer()
    for n in range(MAX_BUFFERED + 1):
        buffer.push(frame(n))
    assert buffer.depth == TRIM_TO
    first = buffer.take()
    assert first is not None
    assert int(first[0]) == MAX_BUFFERED + 1 - TRIM_TO  # the newest frames were kept


def test_standing_delay_on_a_steady_link_is_dropped_within_a_window() -> None:
    buffer = UplinkBuffer()
    buffer.push(frame(0))
    buffer.push(frame(1))  # one frame of standing delay
    for n in range(2, 2 + WINDOW_TICKS):
        buffer.take()
        buffer.push(frame(n))  # steady: one in, one out
    assert buffer.frames_dropped == 1
    assert buffer.depth == 1
    assert buffer.underruns == 0


def test_after_an_underrun_one_frame_of_cushion_is_kept() -> None:
    buffer = UplinkBuffer()
    buffer.push(frame(0))
    buffer.take()
    assert buffer.take() is None  # they were talking: a late frame
    assert buffer.underruns == 1
    buffer.push(frame(1))
    buffer.push(frame(2))  # the late one and the next: one of cushion now
    for n in range(3, 3 + WINDOW_TICKS * 2):
        buffer.take()
        buffer.push(frame(n))
    assert buffer.frames_dropped == 0  # the cushion stays while the link is jittery
    assert buffer.cushion == 1


def test_the_cushion_goes_once_the_link_has_been_steady_a_while() -> None:
    buffer = UplinkBuffer()
    buffer.push(frame(0))
    buffer.take()
    buffer.take()  # an underrun
    buffer.push(frame(1))
    buffer.push(frame(2))
    for n in range(3, 3 + JITTERY_TICKS + WINDOW_TICKS * 2):
        buffer.take()
        buffer.push(frame(n))
    assert buffer.cushion == 0
    assert buffer.frames_dropped == 1


def test_silence_from_a_quiet_client_is_not_an_underrun() -> None:
    buffer = UplinkBuffer()
    for _ in range(10):
        assert buffer.take() is None  # never sent anything
    assert buffer.underruns == 0
