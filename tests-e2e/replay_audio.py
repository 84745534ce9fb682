"""Reading recordings and clips back in the end-to-end tests: Ogg Opus decoded with ``av``,
the dominant tone of each window, and the live program as the relay stored it on ``RECFEED``
(what the replay must contain, 20 ms for 20 ms)."""

from __future__ import annotations

import bisect
import io
from dataclasses import dataclass

import av
import nats
import numpy as np
import numpy.typing as npt
from nats.js.api import DeliverPolicy

from parley.bots import dominant_frequency, is_silent
from parley.contracts.media import PROGRAM_SAMPLE_RATE, FeedHeaders, recording_feed_subject
from parley.contracts.ogg_opus import PRE_SKIP, read_packets

RATE = PROGRAM_SAMPLE_RATE
Pcm = npt.NDArray[np.int16]


def decode(ogg: bytes) -> Pcm:
    """A whole Ogg Opus file as 48 kHz mono samples (pre-skip removed, as a player plays it)."""
    chunks: list[Pcm] = []
    with av.open(io.BytesIO(ogg), format="ogg") as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1).astype(np.int16))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


def decode_packets(packets: list[bytes]) -> Pcm:
    """Raw Opus packets (20 ms each) as 48 kHz mono samples."""
    codec = av.CodecContext.create("libopus", "r")
    codec.sample_rate = RATE  # type: ignore[attr-defined]
    codec.layout = "mono"  # type: ignore[attr-defined]
    chunks = [
        frame.to_ndarray().reshape(-1)
        for packet in packets
        for frame in codec.decode(av.Packet(packet))  # type: ignore[attr-defined]
    ]
    samples = np.concatenate(chunks) if chunks else np.zeros(0)
    if samples.dtype.kind == "f":
        samples = np.clip(samples * 32767, -32768, 32767)
    return samples.astype(np.int16)


def decode_from(header_pages: bytes, piece: bytes) -> tuple[float, Pcm]:
    """Decode a piece of an Ogg Opus file cut anywhere (what a Range request returns): its
    whole pages, after the file's header pages. Where the decoded samples start in the
    recording (seconds, from the last page's granule), and the samples."""
    first = piece.find(b"OggS")
    last = piece.rfind(b"OggS")
    assert 0 <= first < last, "the range holds no whole Ogg page"
    pages = piece[first:last]
    final = pages.rfind(b"OggS")
    granule = int.from_bytes(pages[final + 6 : final + 14], "little")
    samples = decode_packets(read_packets(header_pages + pages))
    return (granule - samples.size) / RATE, samples


def header_pages(ogg: bytes) -> bytes:
    """The OpusHead and OpusTags pages at the start of a file."""
    third = ogg.find(b"OggS", ogg.find(b"OggS", 4) + 4)
    assert third > 0
    return ogg[:third]


def tone(samples: Pcm, start_s: float, length_s: float = 0.2) -> float:
    """The dominant frequency of ``samples`` from ``start_s`` (0.0 when silent)."""
    window = samples[int(start_s * RATE) : int((start_s + length_s) * RATE)]
    if window.size == 0 or is_silent(window):
        return 0.0
    return dominant_frequency(window, RATE)


def tones(samples: Pcm, step_s: float = 0.1) -> list[float]:
    """The dominant frequency of every ``step_s`` window."""
    count = int(samples.size / RATE / step_s)
    return [tone(samples, i * step_s, step_s) for i in range(count)]


def same_tone(a: float, b: float, tolerance_hz: float = 15.0) -> bool:
    return abs(a - b) <= tolerance_hz


@dataclass(frozen=True)
class LiveProgram:
    """The program of a recorded Space as the relay's origin stored it on RECFEED."""

    packets: int  # distinct (epoch, seq)
    first_captured_s: float  # wall clock (time.time()) of its first packet's tick
    last_captured_s: float
    # (wall clock of the tick, pts) of each packet of the first run of the mixing clock, by time
    ticks: tuple[tuple[float, int], ...] = ()
    # with_audio: the first run of the clock decoded, as a player of the recording hears it
    audio: Pcm | None = None

    @property
    def span_s(self) -> float:
        """From the first packet's tick to the end of the last packet."""
        return self.last_captured_s - self.first_captured_s + 0.02

    def offset_at(self, wall_s: float) -> float:
        """Where what was mixed at wall time ``wall_s`` lies in the recording (seconds), by the
        packets' pts: a mixer that fell behind on a busy machine made fewer ticks than the wall
        clock says, and the recording holds the ticks. Within the first run of the clock."""
        assert self.ticks, "no packets"
        index = bisect.bisect_left(self.ticks, (wall_s, -1))
        near = min(
            self.ticks[max(0, index - 1) : index + 1], key=lambda tick: abs(tick[0] - wall_s)
        )
        return (near[1] - self.ticks[0][1]) / RATE + (wall_s - near[0])


async def live_program(nats_url: str, space_id: str, *, with_audio: bool = False) -> LiveProgram:
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        subject = recording_feed_subject(space_id)
        sub = await js.subscribe(
            subject,
            ordered_consumer=True,
            headers_only=not with_audio,
            deliver_policy=DeliverPolicy.ALL,
        )
        seen: set[tuple[str, int]] = set()
        captured: list[int] = []
        ticks: list[tuple[float, int]] = []
        packets: list[tuple[int, bytes]] = []  # (pts, Opus) of the first run of the clock
        first_epoch: str | None = None
        try:
            while True:
                try:
                    message = await sub.next_msg(timeout=2.0)
                except TimeoutError:
                    break
                headers = FeedHeaders.from_headers(message.headers)
                if (headers.epoch, headers.seq) not in seen:
                    seen.add((headers.epoch, headers.seq))
                    captured.append(headers.captured_at_ns)
                    first_epoch = headers.epoch if first_epoch is None else first_epoch
                    if headers.epoch == first_epoch:
                        ticks.append((headers.captured_at_ns / 1e9, headers.pts))
                        if with_audio:
                            packets.append((headers.pts, message.data))
                if message.metadata.num_pending == 0:
                    break
        finally:
            await sub.unsubscribe()
    finally:
        await nc.close()
    assert captured, f"RECFEED holds nothing for {space_id}"
    audio = None
    if with_audio:  # the decoder's first PRE_SKIP samples are its delay, which a player drops
        audio = decode_packets([packet for _, packet in sorted(packets)])[PRE_SKIP:]
    return LiveProgram(
        len(seen), min(captured) / 1e9, max(captured) / 1e9, tuple(sorted(ticks)), audio
    )


def check_matches(
    samples: Pcm, source: Pcm, at_s: float, what: str, *, within_s: float = 0.0
) -> int:
    """Every 100 ms window of ``samples`` has the tone (or the silence) of ``source`` ``at_s``
    seconds further on, except where ``source`` changes tone within half a window, or within
    ``within_s`` (how far ``at_s`` may be off), of it: either may be heard there. How many
    windows were checked."""
    checked = 0
    wrong: list[str] = []
    for index, heard in enumerate(tones(samples)):
        offset = at_s + index * 0.1
        wanted = tone(source, offset, 0.1)
        near = 0.05 + within_s
        steady = all(same_tone(tone(source, offset + d, 0.1), wanted) for d in (-near, near))
        if not steady:
            continue
        checked += 1
        if not same_tone(heard, wanted):
            wrong.append(f"{index * 0.1:.1f}s: {heard:.0f} Hz, not {wanted:.0f}")
    assert not wrong, f"{what}: {len(wrong)} of {checked} windows wrong: {wrong[:12]}"
    assert checked >= 0.8 * len(tones(samples)), f"{what}: only {checked} windows steady"
    return checked
