"""Ogg Opus muxing and demuxing (RFC 3533 pages, RFC 7845 Opus in Ogg): pure, no I/O, no
re-encoding. The format of the recordings and clips objects, shared by the recording service
(which writes recordings) and clipping (which reads a recording's packets back with
:func:`read_packets` and writes clips with :func:`mux`).

The relay's Opus packets go into Ogg pages as they are. A recording is laid out so that it can
be written in segments, each a run of whole pages, and joined at the end by concatenation:

    header_pages()  (page 0: OpusHead, BOS; page 1: OpusTags)
    audio_pages() of segment 0, 1, ... (page numbers and granules go on across segments)
    end_page()      (an empty page with EOS: the segments never know which one is last)

A granule position is the number of 48 kHz samples of every packet that ends on the page,
pre-skip included; every packet of the feed is 20 ms (960 samples). Pages hold up to a second
of audio (a seek lands within one second and reads one page).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

SAMPLE_RATE = 48_000
SAMPLES_PER_PACKET = 960  # 20 ms: the feed's contract (parley.contracts.media.FRAME_MS)
# libopus' encoder look-ahead at 48 kHz (6.5 ms): the decoder drops it from the start.
PRE_SKIP = 312
PACKETS_PER_PAGE = 50
# 20 ms of silence: a CELT-only, fullband, 20 ms, mono frame (TOC 0xF8) that decodes to zeros.
SILENCE = b"\xf8\xff\xfe"

_MAX_LACING = 255
_HEADER = struct.Struct("<4sBBqIIIB")  # capture, version, flags, granule, serial, seq, crc, n
_CONTINUED, _BOS, _EOS = 0x01, 0x02, 0x04


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        value = byte << 24
        for _ in range(8):
            value = ((value << 1) ^ 0x04C11DB7) if value & 0x80000000 else value << 1
        table.append(value & 0xFFFFFFFF)
    return tuple(table)


_TABLE = _crc_table()


def ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial 0, no final xor."""
    crc = 0
    table = _TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[(crc >> 24) ^ byte]
    return crc


def stream_serial(space_id: str) -> int:
    """The logical stream's serial number: stable for a Space, so segments agree on it."""
    return zlib.crc32(space_id.encode())


def page(
    packets: Sequence[bytes],
    *,
    serial: int,
    sequence: int,
    granule: int,
    bos: bool = False,
    eos: bool = False,
) -> bytes:
    """One page of whole packets (each packet ends on this page)."""
    lacing = bytearray()
    for packet in packets:
        lacing.extend(b"\xff" * (len(packet) // 255))
        lacing.append(len(packet) % 255)
    if len(lacing) > _MAX_LACING:
        raise ValueError(f"{len(lacing)} lacing values do not fit one page")
    flags = (_BOS if bos else 0) | (_EOS if eos else 0)
    header = _HEADER.pack(b"OggS", 0, flags, granule, serial, sequence, 0, len(lacing))
    body = b"".join(packets)
    unsigned = header + bytes(lacing) + body
    crc = ogg_crc(unsigned)
    return unsigned[:22] + struct.pack("<I", crc) + unsigned[26:]


def opus_head(*, pre_skip: int = PRE_SKIP, channels: int = 1) -> bytes:
    """RFC 7845 §5.1: version 1, channel mapping family 0, the input rate for information."""
    return b"OpusHead" + struct.pack("<BBHIhB", 1, channels, pre_skip, SAMPLE_RATE, 0, 0)


def opus_tags(vendor: str, comments: Sequence[str] = ()) -> bytes:
    """RFC 7845 §5.2: a vendor string and ``KEY=value`` comments."""
    parts = [b"OpusTags", struct.pack("<I", len(vendor.encode())), vendor.encode()]
    parts.append(struct.pack("<I", len(comments)))
    for comment in comments:
        encoded = comment.encode()
        parts.extend((struct.pack("<I", len(encoded)), encoded))
    return b"".join(parts)


def header_pages(serial: int, *, comments: Sequence[str] = ()) -> bytes:
    """Pages 0 and 1; audio pages start at page 2."""
    head = page([opus_head()], serial=serial, sequence=0, granule=0, bos=True)
    tags = page([opus_tags("parley recording", comments)], serial=serial, sequence=1, granule=0)
    return head + tags


FIRST_AUDIO_PAGE = 2


@dataclass(frozen=True)
class Pages:
    data: bytes
    count: int  # pages written
    end_granule: int  # the granule after the last packet


def audio_pages(
    packets: Sequence[bytes],
    *,
    serial: int,
    first_sequence: int,
    start_granule: int,
    packets_per_page: int = PACKETS_PER_PAGE,
) -> Pages:
    """``packets`` (20 ms each) as pages numbered from ``first_sequence``, granules going on
    from ``start_granule``. A page ends after ``packets_per_page`` packets or before its
    lacing table would overflow."""
    out: list[bytes] = []
    granule = start_granule
    run: list[bytes] = []
    lacing = 0
    for packet in packets:
        needed = len(packet) // 255 + 1
        if run and (len(run) == packets_per_page or lacing + needed > _MAX_LACING):
            out.append(
                page(run, serial=serial, sequence=first_sequence + len(out), granule=granule)
            )
            run, lacing = [], 0
        run.append(packet)
        lacing += needed
        granule += SAMPLES_PER_PACKET
    if run:
        out.append(page(run, serial=serial, sequence=first_sequence + len(out), granule=granule))
    return Pages(b"".join(out), len(out), granule)


def end_page(*, serial: int, sequence: int, granule: int) -> bytes:
    """The last page: no packet, the EOS flag, the recording's final granule."""
    return page([], serial=serial, sequence=sequence, granule=granule, eos=True)


def duration_ms(granule: int) -> int:
    """What a player plays: every packet's samples less the pre-skip."""
    return max(0, granule - PRE_SKIP) * 1000 // SAMPLE_RATE


def mux(packets: Sequence[bytes], *, serial: int, comments: Sequence[str] = ()) -> bytes:
    """A whole Ogg Opus file of ``packets`` (20 ms each): header pages, audio pages, end page."""
    audio = audio_pages(packets, serial=serial, first_sequence=FIRST_AUDIO_PAGE, start_granule=0)
    end = end_page(
        serial=serial, sequence=FIRST_AUDIO_PAGE + audio.count, granule=audio.end_granule
    )
    return header_pages(serial, comments=comments) + audio.data + end


# -- reading (demuxing) ------------------------------------------------------------------------


class NotOggOpus(ValueError):
    """The bytes are not an Ogg Opus stream this module can read."""


@dataclass(frozen=True)
class OggPage:
    flags: int
    granule: int
    serial: int
    sequence: int
    segments: tuple[bytes, ...]  # the page's body cut at its lacing values' packet ends
    ends: tuple[bool, ...]  # whether each segment ends its packet (False: it goes on)

    @property
    def continued(self) -> bool:
        return bool(self.flags & _CONTINUED)


def read_pages(data: bytes) -> list[OggPage]:
    """Every page of ``data``, checked (capture pattern, CRC)."""
    out: list[OggPage] = []
    at = 0
    while at < len(data):
        if len(data) - at < _HEADER.size or data[at : at + 4] != b"OggS":
            raise NotOggOpus(f"no Ogg page at byte {at}")
        _, _, flags, granule, serial, sequence, crc, count = _HEADER.unpack_from(data, at)
        lacing = data[at + _HEADER.size : at + _HEADER.size + count]
        size = _HEADER.size + count + sum(lacing)
        whole = data[at : at + size]
        if len(whole) != size or ogg_crc(whole[:22] + b"\0\0\0\0" + whole[26:]) != crc:
            raise NotOggOpus(f"a damaged Ogg page at byte {at}")
        body_at = at + _HEADER.size + count
        segments: list[bytes] = []
        ends: list[bool] = []
        start = length = 0
        for value in lacing:
            length += value
            if value < _MAX_LACING:
                segments.append(data[body_at + start : body_at + start + length])
                ends.append(True)
                start, length = start + length, 0
        if length:  # the last packet goes on on the next page
            segments.append(data[body_at + start : body_at + start + length])
            ends.append(False)
        out.append(OggPage(flags, granule, serial, sequence, tuple(segments), tuple(ends)))
        at += size
    return out


def read_packets(data: bytes) -> list[bytes]:
    """The audio packets of an Ogg Opus file, in order (OpusHead and OpusTags left out)."""
    packets: list[bytes] = []
    partial = b""
    for each in read_pages(data):
        for segment, ends in zip(each.segments, each.ends, strict=True):
            partial += segment
            if ends:
                packets.append(partial)
                partial = b""
    if len(packets) < 2 or not packets[0].startswith(b"OpusHead"):
        raise NotOggOpus("no OpusHead: not an Ogg Opus stream")
    return packets[2:]
