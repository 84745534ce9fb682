"""The Ogg Opus muxer: CRC, page layout, granule positions, and a file a decoder plays."""

from __future__ import annotations

import io
import struct

import av
import numpy as np

from parley.contracts import ogg_opus


def _pages(data: bytes) -> list[tuple[int, int, int, bytes]]:
    """(flags, granule, sequence, whole page) of each page."""
    out = []
    at = 0
    while at < len(data):
        assert data[at : at + 4] == b"OggS"
        _, _, flags, granule, _, sequence, _, count = struct.unpack_from("<4sBBqIIIB", data, at)
        size = 27 + count + sum(data[at + 27 : at + 27 + count])
        out.append((flags, granule, sequence, data[at : at + size]))
        at += size
    return out


def test_the_crc_is_oggs() -> None:
    # Ogg's CRC (poly 0x04C11DB7, unreflected, init 0, no xor) of "123456789" is 0x89A1897F.
    assert ogg_opus.ogg_crc(b"123456789") == 0x89A1897F
    page = ogg_opus.page([b"\x01\x02\x03"], serial=7, sequence=3, granule=960)
    stored = struct.unpack_from("<I", page, 22)[0]
    assert stored == ogg_opus.ogg_crc(page[:22] + b"\0\0\0\0" + page[26:])


def test_granules_count_every_packet_and_go_on_across_segments() -> None:
    packets = [bytes([n % 256]) * 90 for n in range(120)]
    first = ogg_opus.audio_pages(packets[:70], serial=1, first_sequence=2, start_granule=0)
    second = ogg_opus.audio_pages(
        packets[70:], serial=1, first_sequence=2 + first.count, start_granule=first.end_granule
    )
    pages = _pages(first.data + second.data)
    assert [granule for _, granule, _, _ in pages] == [48_000, 67_200, 115_200]
    assert [sequence for _, _, sequence, _ in pages] == [2, 3, 4]
    assert second.end_granule == 120 * 960


def test_a_page_never_overflows_its_lacing_table() -> None:
    big = [b"\x55" * 1000] * 50  # 4 lacing values each: 63 packets at most per page
    pages = _pages(ogg_opus.audio_pages(big, serial=1, first_sequence=2, start_granule=0).data)
    assert all(page[3][26] <= 255 for page in pages)
    assert len(pages) == 1
    assert pages[0][3][26] == 200


def test_the_header_pages_and_the_end_page() -> None:
    pages = _pages(ogg_opus.header_pages(9) + ogg_opus.end_page(serial=9, sequence=2, granule=5))
    (bos, _, seq0, head), (_, _, seq1, tags), (eos, granule, _, _) = pages
    assert (bos & 0x02, seq0, seq1, eos & 0x04, granule) == (2, 0, 1, 4, 5)
    assert b"OpusHead" in head
    assert struct.unpack_from("<H", head, head.index(b"OpusHead") + 10)[0] == ogg_opus.PRE_SKIP
    assert b"OpusTags" in tags


def test_a_muxed_recording_decodes_to_its_samples_and_its_silence() -> None:
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = 48_000, "mono", "s16"
    encoder.bit_rate = 32_000
    tone = (np.sin(2 * np.pi * 440 * np.arange(48_000) / 48_000) * 8000).astype(np.int16)
    packets = []
    for n in range(50):
        frame = av.AudioFrame.from_ndarray(
            tone[n * 960 : (n + 1) * 960].reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate, frame.pts = 48_000, n * 960
        packets.extend(bytes(packet) for packet in encoder.encode(frame))
    assert len(packets) == 50
    packets += [ogg_opus.SILENCE] * 50
    serial = ogg_opus.stream_serial("sp_1")
    audio = ogg_opus.audio_pages(packets, serial=serial, first_sequence=2, start_granule=0)
    data = (
        ogg_opus.header_pages(serial)
        + audio.data
        + ogg_opus.end_page(serial=serial, sequence=2 + audio.count, granule=audio.end_granule)
    )
    with av.open(io.BytesIO(data), format="ogg") as container:
        decoded = np.concatenate(
            [frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)]
        )
    assert decoded.size == 100 * 960 - ogg_opus.PRE_SKIP
    assert ogg_opus.duration_ms(audio.end_granule) == 1993
    assert np.sqrt(np.mean(decoded[4800:40_000] ** 2)) > 0.1  # the tone
    assert np.abs(decoded[-40_000:]).max() < 1e-3  # the silent frames
