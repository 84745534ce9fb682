"""Real aiortc peers, no relay: what one sends, the other's recorder hears, on time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from peers import linked, until

from parley.bots.analysis import dominant_frequency, has_tone, is_silent
from parley.bots.sources import SAMPLE_RATE, ClickTrack, ToneTrack


async def test_a_660_hz_tone_is_heard_as_660_hz() -> None:
    async with linked(ToneTrack(660)) as link:
        recorder = link.recorder
        await until(lambda: recorder.duration_s >= 1.0, what="1 s of audio received")

        heard = recorder.last(0.5)

        assert dominant_frequency(heard, SAMPLE_RATE) == pytest.approx(660, abs=3)
        assert has_tone(heard, SAMPLE_RATE, 660)
        assert not has_tone(heard, SAMPLE_RATE, 440)
        assert not has_tone(heard, SAMPLE_RATE, 880)


async def test_muting_the_source_makes_the_other_side_hear_silence() -> None:
    track = ToneTrack(440)
    async with linked(track) as link:
        recorder = link.recorder
        await until(lambda: recorder.duration_s >= 0.5, what="audio received")
        track.mute()
        muted_at = recorder.duration_s
        await until(
            lambda: recorder.duration_s > muted_at + 0.3 and is_silent(recorder.last(0.1)),
            what="silence after muting",
        )


async def test_clicks_arrive_after_they_were_sent_and_within_200_ms() -> None:
    track = ClickTrack(interval_s=0.24)
    async with linked(track) as link:
        recorder = link.recorder
        await until(lambda: len(recorder.click_times()) >= 6, what="6 clicks received")

        received = recorder.click_times()
        latencies = []
        for arrival in received[1:]:  # the first may have been cut by the connection's start
            sent = [time for time in track.click_times if time <= arrival]
            assert sent, f"a click arrived at {arrival} before any was sent"
            latencies.append(arrival - sent[-1])

        assert all(0 < latency < 0.2 for latency in latencies), latencies
