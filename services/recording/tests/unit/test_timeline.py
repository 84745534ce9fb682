"""Feed packets placed on the recording's timeline: in order, duplicates dropped, gaps silent."""

from __future__ import annotations

from parley.contracts.events.recording import FeedGap
from parley.contracts.ogg_opus import SILENCE
from parley.recording.domain.timeline import FeedPacket, Position, place


def packets(epoch: str, first: int, count: int, *, at_ns: int = 0) -> list[FeedPacket]:
    return [
        FeedPacket(
            stream_seq=first + n,
            epoch=epoch,
            pts=(first + n) * 960,
            captured_at_ns=at_ns + n * 20_000_000,
            payload=bytes([n + 1]),
        )
        for n in range(count)
    ]


def test_a_steady_feed_goes_in_as_it_is() -> None:
    placed = place(packets("a", 0, 5), Position())
    assert placed.packets == [b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"]
    assert placed.gaps == []
    assert placed.position.granule == 5 * 960
    assert (placed.position.epoch, placed.position.last_pts) == ("a", 4 * 960)


def test_packets_already_in_the_recording_are_dropped() -> None:
    first = place(packets("a", 0, 5), Position())
    again = place(packets("a", 3, 4), first.position)  # 3 and 4 again, then 5 and 6
    assert again.packets == [b"\x03", b"\x04"]
    assert again.position.granule == 7 * 960


def test_packets_the_feed_lost_become_silence() -> None:
    feed = packets("a", 0, 2) + packets("a", 5, 1)
    placed = place(feed, Position())
    assert placed.packets == [b"\x01", b"\x02", SILENCE, SILENCE, SILENCE, b"\x01"]
    assert placed.gaps == [FeedGap(at_ms=40, duration_ms=60)]


def test_a_new_origin_is_placed_by_its_capture_time() -> None:
    old = place(packets("a", 0, 2, at_ns=0), Position())  # last packet captured at 20 ms
    # The new origin's first packet is captured 1 s after the old one's last.
    placed = place(packets("b", 0, 1, at_ns=1_020_000_000), old.position)
    assert placed.packets == [SILENCE] * 49 + [b"\x01"]
    assert placed.gaps == [FeedGap(at_ms=40, duration_ms=980)]
    assert placed.position.epoch == "b"
