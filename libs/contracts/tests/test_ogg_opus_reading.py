"""Reading an Ogg Opus file back (``parley.contracts.ogg_opus``): what ``mux`` writes,
``read_packets`` returns packet for packet; damage is refused, not misread."""

from __future__ import annotations

import pytest

from parley.contracts import ogg_opus


def test_muxed_packets_read_back_the_same() -> None:
    # Sizes that need several lacing values (255, 256, 600) and a full lacing table per page.
    packets = [bytes([n % 251]) * size for n, size in enumerate([3, 255, 256, 600, 0, 90] * 40)]
    data = ogg_opus.mux(packets, serial=ogg_opus.stream_serial("sp_x"))
    assert ogg_opus.read_packets(data) == packets
    pages = ogg_opus.read_pages(data)
    assert pages[-1].flags & 0x04  # EOS
    assert pages[-1].granule == len(packets) * ogg_opus.SAMPLES_PER_PACKET


def test_a_packet_split_across_pages_is_joined() -> None:
    big = bytes(range(256)) * 300  # 76,800 bytes: more than one page's 255 lacing values hold
    serial = 5
    lacing_first = 255  # the first page: 255 values of 255, the packet goes on
    first = ogg_opus._HEADER.pack(b"OggS", 0, 0, -1, serial, 2, 0, lacing_first)
    first += b"\xff" * lacing_first + big[: 255 * 255]
    first = first[:22] + ogg_opus.ogg_crc(first).to_bytes(4, "little") + first[26:]
    rest = big[255 * 255 :]
    lacing = b"\xff" * (len(rest) // 255) + bytes([len(rest) % 255])
    second = ogg_opus._HEADER.pack(b"OggS", 0, 0x01, 960, serial, 3, 0, len(lacing))
    second += lacing + rest
    second = second[:22] + ogg_opus.ogg_crc(second).to_bytes(4, "little") + second[26:]
    data = ogg_opus.header_pages(serial) + first + second
    assert ogg_opus.read_packets(data) == [big]


def test_damage_is_refused() -> None:
    data = bytearray(ogg_opus.mux([b"\xf8\xff\xfe"] * 10, serial=1))
    data[-5] ^= 0xFF
    with pytest.raises(ogg_opus.NotOggOpus):
        ogg_opus.read_packets(bytes(data))
    with pytest.raises(ogg_opus.NotOggOpus):
        ogg_opus.read_packets(b"RIFF....")
