"""The window arithmetic: which packets a replay clip and a live clip hold, and a window of a
recording's pages re-muxed without re-encoding plays exactly that window."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest

from parley.clipping.domain.window import (
    CLIP_PACKETS,
    FeedPacket,
    live_window,
    replay_window,
)
from parley.contracts import ogg_opus
from parley.contracts.rejections import Rejected

S = 1_000_000_000


def test_a_replay_window_is_30_s_inside_the_recording() -> None:
    assert replay_window(0, 60_000) == replay_window(0.0, 60_000)
    window = replay_window(10, 60_000)
    assert (window.first_packet, window.packets, window.start_s) == (500, CLIP_PACKETS, 10.0)
    assert replay_window(30, 60_000).first_packet == 1500  # the last 30 s: allowed
    assert replay_window(0.019, 60_000).first_packet == 1  # rounds to a packet
    for start in (30.02, 60, 3600):
        with pytest.raises(Rejected) as refused:
            replay_window(start, 60_000)
        assert (refused.value.status, refused.value.slug) == (422, "window-out-of-range")


def test_a_recording_shorter_than_a_clip_is_clipped_whole() -> None:
    assert replay_window(0, 12_000).packets == 600
    with pytest.raises(Rejected):
        replay_window(1, 12_000)


def feed(count: int, *, end_ns: int, epoch: str = "e1", first_seq: int = 1) -> list[FeedPacket]:
    return [
        FeedPacket(
            stream_seq=first_seq + n,
            epoch=epoch,
            pts=n * 960,
            captured_at_ns=end_ns - (count - 1 - n) * 20_000_000,
            payload=n.to_bytes(4, "big"),
        )
        for n in range(count)
    ]


def test_a_live_clip_is_the_last_30_s_by_capture_time() -> None:
    end = 1_000 * S
    packets = feed(2500, end_ns=end)  # 50 s of program
    clip = live_window(packets, end)
    assert len(clip.packets) == CLIP_PACKETS
    assert clip.packets[0] == (2500 - CLIP_PACKETS).to_bytes(4, "big")
    assert clip.packets[-1] == (2499).to_bytes(4, "big")
    # asked 10 s earlier: the 30 s before then
    earlier = live_window(packets, end - 10 * S)
    assert earlier.packets[-1] == (2499 - 500).to_bytes(4, "big")
    # asked a second after the newest packet stored (the relay's latency): still 30 s
    assert live_window(packets, end + S) == clip
    # a Space live for 12 s: 12 s
    assert len(live_window(feed(600, end_ns=end), end).packets) == 600
    assert live_window([], end).packets == []


def test_a_live_clip_starts_at_its_packets_media_time_on_the_recordings_clock() -> None:
    end = 1_000 * S
    packets = feed(2500, end_ns=end)  # the program's 0..50 s
    assert live_window(packets, end).start_ms == 20_000  # its last 30 s: 20..50 s
    assert live_window(packets, end - 10 * S).start_ms == 10_000  # asked 10 s earlier
    assert live_window(feed(600, end_ns=end), end).start_ms == 0  # live for 12 s: from 0
    assert replay_window(10, 60_000).start_ms == 10_000
    assert replay_window(0.019, 60_000).start_ms == 20  # on a packet


def test_a_live_clip_keeps_the_timeline() -> None:
    end = 1_000 * S
    packets = feed(100, end_ns=end)
    duplicated = [*packets, packets[40]]  # a retried publish stored twice
    holed = [p for p in duplicated if p.stream_seq not in (50, 51, 52)]  # three lost packets
    clip = live_window(holed, end)
    assert len(clip.packets) == 100
    assert clip.packets[49:52] == [ogg_opus.SILENCE] * 3
    assert clip.start_ms == 0  # the holes are the timeline's: the start does not move
    # a new origin (another epoch, its own pts from 0) goes straight on; the window is placed
    # on the new origin's clock (the one captions place the words on from then on)
    after = feed(50, end_ns=end + 1 * S, epoch="e2", first_seq=200)
    across = live_window(packets + after, end + S)
    assert len(across.packets) == 150
    assert across.start_ms == 0  # 3 s ending 1 s into the new clock: not before its 0


def tone_packets(freqs: list[float], seconds_each: float) -> list[bytes]:
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = 48_000, "mono", "s16"
    encoder.options = {"application": "audio", "frame_duration": "20"}
    per = int(seconds_each * 50)
    t = np.arange(per * 960) / 48_000
    pcm = np.concatenate([np.sin(2 * np.pi * hz * t) * 8000 for hz in freqs]).astype(np.int16)
    packets: list[bytes] = []
    for n in range(len(pcm) // 960):
        frame = av.AudioFrame.from_ndarray(
            pcm[n * 960 : (n + 1) * 960].reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate, frame.pts = 48_000, n * 960
        packets.extend(bytes(packet) for packet in encoder.encode(frame))
    return packets


def decode(data: bytes) -> np.ndarray:
    with av.open(io.BytesIO(data), format="ogg") as container:
        return np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])


def dominant_hz(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    return float(np.argmax(spectrum) * 48_000 / len(pcm))


def test_a_window_of_a_recordings_pages_re_muxed_plays_that_window() -> None:
    # A 6 s "recording": 2 s at 300 Hz, 2 s at 600 Hz, 2 s at 1200 Hz.
    packets = tone_packets([300, 600, 1200], 2)
    recording = ogg_opus.mux(packets, serial=ogg_opus.stream_serial("sp_1"))
    read = ogg_opus.read_packets(recording)
    assert read == packets
    window = read[100:200]  # 2..4 s
    clip = ogg_opus.mux(window, serial=ogg_opus.stream_serial("clp_1"))
    pcm = decode(clip)
    assert pcm.size == 100 * 960 - ogg_opus.PRE_SKIP
    assert abs(dominant_hz(pcm[4800:-4800]) - 600) < 5
    assert np.sqrt(np.mean(pcm[4800:].astype(np.float64) ** 2)) > 0.1  # not silence (float)
