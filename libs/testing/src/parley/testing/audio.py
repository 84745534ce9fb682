"""Test audio: 20 ms Opus packets of tones (as the relay's program encoder makes them) and
decoding an Ogg Opus object back to samples."""

from __future__ import annotations

import io
from collections.abc import Sequence

import av
import numpy as np

RATE = 48_000
FRAME = 960  # 20 ms at 48 kHz


def tone_packets(
    parts: Sequence[tuple[float, float]], *, bit_rate: int = 32_000, application: str = "audio"
) -> list[bytes]:
    """20 ms Opus packets of ``[(hz, seconds), ...]``, one tone after the other."""
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = RATE, "mono", "s16"
    encoder.bit_rate = bit_rate
    encoder.options = {"application": application, "frame_duration": "20"}
    pcm = np.concatenate(
        [np.sin(2 * np.pi * hz * np.arange(round(s * RATE)) / RATE) for hz, s in parts]
    )
    samples = (pcm * 8000).astype(np.int16)
    packets: list[bytes] = []
    for n in range(len(samples) // FRAME):
        frame = av.AudioFrame.from_ndarray(
            samples[n * FRAME : (n + 1) * FRAME].reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate, frame.pts = RATE, n * FRAME
        packets.extend(bytes(packet) for packet in encoder.encode(frame))
    return packets


def decode_ogg(data: bytes) -> np.ndarray:
    """Every sample of an Ogg Opus object, mono, 48 kHz."""
    with av.open(io.BytesIO(data), mode="r", format="ogg") as container:
        return np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
