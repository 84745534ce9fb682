"""Sources, tracks and the recorder without any network: frames, pacing, muting, swapping,
WAV resampling, and mapping click onsets back to arrival times."""

from __future__ import annotations

import asyncio
import time
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamError

from parley.bots.analysis import dominant_frequency, is_silent
from parley.bots.recorder import Recorder, mono_48k
from parley.bots.sources import (
    FRAME_SAMPLES,
    SAMPLE_RATE,
    Clicks,
    ClickTrack,
    Silence,
    SilenceTrack,
    SpeechTrack,
    Tone,
    ToneTrack,
    Utterances,
    WavAudio,
    WavTrack,
    resampled_to_48k,
)


def test_a_tone_continues_its_phase_across_reads() -> None:
    tone = Tone(440, amplitude=0.5)
    joined = np.concatenate([tone.read(FRAME_SAMPLES) for _ in range(10)])
    whole = Tone(440, amplitude=0.5).read(10 * FRAME_SAMPLES)
    assert np.array_equal(joined, whole)
    assert np.abs(whole).max() == pytest.approx(0.5 * 32767, rel=0.01)


def test_clicks_come_every_interval_and_may_straddle_reads() -> None:
    clicks = Clicks(interval_s=0.05, burst_s=0.002)  # 2400 samples apart, 96 long
    reads = [clicks.read(1000) for _ in range(10)]
    whole = np.concatenate(reads)
    assert np.flatnonzero(np.abs(whole) > 3000)[0] == 1
    expected = Clicks(interval_s=0.05).read(10_000)
    assert np.array_equal(whole, expected)
    starts = [i * 1000 + offset for i in range(10) for offset in _onsets_of(i)]
    assert starts == [0, 2400, 4800, 7200, 9600]


def _onsets_of(read_index: int) -> list[int]:
    clicks = Clicks(interval_s=0.05)
    for _ in range(read_index):
        clicks.read(1000)
    clicks.read(1000)
    return clicks.onsets


def write_wav(path: Path, samples: np.ndarray, rate: int, channels: int) -> None:
    with wave.open(str(path), "wb") as file:
        file.setnchannels(channels)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(np.repeat(samples, channels).astype("<i2").tobytes())


def test_a_wav_file_is_resampled_to_48k_mono_and_loops(tmp_path: Path) -> None:
    t = np.arange(16_000 // 2) / 16_000  # half a second at 16 kHz, stereo
    write_wav(tmp_path / "a.wav", (0.4 * 32767 * np.sin(2 * np.pi * 500 * t)), 16_000, 2)

    audio = WavAudio(tmp_path / "a.wav", loop=True)

    assert audio.pcm.size == pytest.approx(SAMPLE_RATE // 2, abs=200)
    assert dominant_frequency(audio.pcm, SAMPLE_RATE) == pytest.approx(500, abs=2)
    looped = audio.read(3 * audio.pcm.size)
    assert np.array_equal(looped[audio.pcm.size : 2 * audio.pcm.size], audio.pcm)


def test_a_wav_file_played_once_ends_in_silence(tmp_path: Path) -> None:
    write_wav(tmp_path / "a.wav", np.full(4800, 1000), SAMPLE_RATE, 1)
    audio = WavAudio(tmp_path / "a.wav", loop=False)
    played = audio.read(9600)
    assert np.all(played[:4800] == 1000)
    assert not np.any(played[4800:])
    assert not np.any(audio.read(960))


async def test_a_track_gives_20ms_mono_frames_paced_in_real_time() -> None:
    track = ToneTrack(660)
    started = time.perf_counter()
    frames = [await track.recv() for _ in range(10)]
    elapsed = time.perf_counter() - started

    assert elapsed >= 9 * 0.02 - 0.005  # the first frame is due at once
    for index, frame in enumerate(frames):
        assert isinstance(frame, av.AudioFrame)
        assert (frame.sample_rate, frame.samples, frame.layout.name) == (SAMPLE_RATE, 960, "mono")
        assert frame.format.name == "s16"
        assert frame.pts == index * FRAME_SAMPLES
    pcm = np.concatenate([mono_48k(frame) for frame in frames])
    assert dominant_frequency(pcm, SAMPLE_RATE) == pytest.approx(660, abs=2)


async def test_a_track_can_be_muted_and_its_source_swapped() -> None:
    track = ToneTrack(440)
    assert not is_silent(mono_48k(await track.recv()))
    track.mute()
    assert is_silent(mono_48k(await track.recv()))
    track.unmute()
    track.set_source(Tone(880))
    assert dominant_frequency(mono_48k(await track.recv()), SAMPLE_RATE) == pytest.approx(
        880, abs=30
    )
    track.set_source(Silence())
    assert is_silent(mono_48k(await track.recv()))


async def test_a_stopped_track_gives_no_more_frames(tmp_path: Path) -> None:
    write_wav(tmp_path / "a.wav", np.full(480, 1000), SAMPLE_RATE, 1)
    for track in (SilenceTrack(), WavTrack(tmp_path / "a.wav")):
        await track.recv()
        track.stop()
        with pytest.raises(MediaStreamError):
            await track.recv()


async def test_a_click_track_notes_when_each_click_is_handed_over() -> None:
    track = ClickTrack(interval_s=0.06)  # every third frame
    handed: list[float] = []
    frames = []
    for _ in range(7):
        frames.append(await track.recv())
        handed.append(time.perf_counter())
    assert len(track.click_times) == 3
    for click_time, frame_index in zip(track.click_times, (0, 3, 6), strict=True):
        assert handed[frame_index] - 0.05 < click_time <= handed[frame_index]
        assert not is_silent(mono_48k(frames[frame_index]))
    track.mute()
    await track.recv()
    await track.recv()
    await track.recv()
    assert len(track.click_times) == 3  # a muted click is not a click sent


def test_utterances_play_queued_pieces_in_order_then_silence() -> None:
    utterances = Utterances()
    assert not np.any(utterances.read(100))
    first = utterances.queue(np.full(150, 1, dtype=np.int16))
    second = utterances.queue(np.full(30, 2, dtype=np.int16))
    read = utterances.read(100)
    assert np.all(read == 1)
    assert (utterances.began, utterances.ended) == ([(first, 0)], [])
    read = utterances.read(100)
    assert list(read[:50]) == [1] * 50
    assert list(read[50:80]) == [2] * 30
    assert not np.any(read[80:])
    assert utterances.began == [(second, 50)]
    assert utterances.ended == [(first, 50), (second, 80)]
    assert not np.any(utterances.read(100))
    assert (utterances.began, utterances.ended) == ([], [])


def test_16k_speech_is_resampled_to_three_times_as_many_samples_in_place() -> None:
    second = np.arange(16_000)
    pcm = (np.sin(2 * np.pi * 440 * second / 16_000) * 10_000).astype(np.int16)
    pcm[:8000] = 0
    resampled = resampled_to_48k(pcm, 16_000)
    assert resampled.size == 48_000
    onset = np.flatnonzero(np.abs(resampled) > 1000)[0]
    assert abs(onset - 24_000) <= 3
    assert dominant_frequency(resampled[30_000:], SAMPLE_RATE) == pytest.approx(440, abs=2)


async def test_a_speech_track_notes_when_each_piece_went_out() -> None:
    track = SpeechTrack()
    assert is_silent(mono_48k(await track.recv()))
    said = track.say(np.full(700, 5000, dtype=np.int16), rate=16_000)
    assert said.samples == 2100  # two frames and 180 samples of a third
    handed: list[float] = []
    frames = []
    for _ in range(4):
        frames.append(await track.recv())
        handed.append(time.perf_counter())
    await asyncio.wait_for(said.wait(), 1)
    assert said.started_at is not None
    assert said.ended_at is not None
    assert handed[0] - 0.05 < said.started_at <= handed[0]
    assert said.ended_at == pytest.approx(said.started_at + said.samples / SAMPLE_RATE, abs=0.01)
    assert [is_silent(mono_48k(frame)) for frame in frames] == [False, False, False, True]

    track.mute()
    unheard = track.say(np.full(100, 5000, dtype=np.int16))
    await track.recv()
    assert (unheard.started_at, unheard.ended_at) == (None, None)  # nobody heard it


def stereo_frame(left: np.ndarray, right: np.ndarray) -> av.AudioFrame:
    interleaved = np.stack([left, right], axis=1).reshape(1, -1).astype(np.int16)
    frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout="stereo")
    frame.sample_rate = SAMPLE_RATE
    return frame


def test_received_stereo_is_averaged_to_mono() -> None:
    frame = stereo_frame(np.full(960, 1000), np.full(960, 3000))
    assert np.all(mono_48k(frame) == 2000)
    assert mono_48k(frame).size == 960


def test_other_rates_are_resampled_to_48k() -> None:
    frame = av.AudioFrame.from_ndarray(np.zeros((1, 320), dtype=np.int16), layout="mono")
    frame.sample_rate = 16_000
    assert mono_48k(frame).size == pytest.approx(960, abs=64)


async def test_the_recorder_maps_clicks_to_the_arrival_of_their_frame() -> None:
    recorder = Recorder()
    clicks = Clicks(interval_s=0.1)
    for index in range(20):
        recorder.add(1000.0 + index * 0.02 + (0.5 if index >= 10 else 0.0), clicks.read(960))

    times = recorder.click_times()

    assert times == pytest.approx([1000.0, 1000.1, 1000.7, 1000.8], abs=1e-4)  # one sample
    assert recorder.duration_s == pytest.approx(0.4)
    assert recorder.pcm(1000.09, 1000.19).size == 5 * 960  # by arrival time
    assert recorder.last(0.1).size == 4800
    assert recorder.last(10).size == 20 * 960
    assert recorder.audible_share() == pytest.approx(4 / 20)


async def test_the_recorder_follows_a_track_until_stopped() -> None:
    recorder = Recorder(ToneTrack(440))
    await recorder.wait_for_frames(5, timeout_s=10)
    assert recorder.running
    await recorder.stop()
    count = len(recorder.frames)
    await asyncio.sleep(0.05)
    assert len(recorder.frames) == count
    assert not recorder.running
    assert dominant_frequency(recorder.pcm(), SAMPLE_RATE) == pytest.approx(440, abs=5)


async def test_the_recorder_stops_by_itself_when_the_track_ends() -> None:
    track = ToneTrack(440)
    recorder = Recorder(track)
    await recorder.wait_for_frames(2, timeout_s=10)
    track.stop()
    assert recorder._reader is not None
    await asyncio.wait_for(recorder._reader, timeout=10)
    assert not recorder.running
