"""The durable program feed of recorded Spaces (ADR 21) on a real nats-server: what the origin
stores on RECFEED next to the core NATS program feed, numbered per run of its mixing clock,
and stored once when a publish is sent again."""

from __future__ import annotations

import asyncio

from parley.chassis.messaging import connect, ensure_stream
from parley.contracts import media, streams
from parley.media_relay.adapters.feeds import Feeds


async def test_recorded_packets_are_stored_in_order_with_their_headers(private_nats: str) -> None:
    nc = await connect(private_nats, name="relay-stand-in")
    try:
        await ensure_stream(nc, streams.RECORDING_FEED)
        heard: list[int] = []

        async def on_core(msg: object) -> None:
            heard.append(1)

        await nc.subscribe(media.program_feed_subject("sp_rec"), cb=on_core)
        feeds = Feeds(nc)
        first, second = feeds.publisher("sp_rec"), feeds.publisher("sp_rec")
        for n in range(100):
            await first.program(bytes([n]) * 80, n * 960, 1_000 + n)
            await first.recorded(bytes([n]) * 80)
        for n in range(10):  # a new origin: its own epoch, numbering from 1 again
            await second.program(b"\x01" * 80, n * 960, 5_000 + n)
            await second.recorded(b"\x01" * 80)
        await feeds.drain()

        js = nc.jetstream()
        info = await js.stream_info(streams.RECORDING_FEED.name)
        assert info.state.messages == 110
        first_msg = await js.get_msg(streams.RECORDING_FEED.name, 1)
        assert first_msg.subject == media.recording_feed_subject("sp_rec")
        headers = media.FeedHeaders.from_headers(first_msg.headers)
        assert (headers.seq, headers.pts, headers.epoch) == (1, 0, first.epoch)
        last = media.FeedHeaders.from_headers((await js.get_msg("RECFEED", 110)).headers)
        assert (last.seq, last.epoch) == (10, second.epoch)
        assert second.epoch != first.epoch

        # A publish sent again (an unanswered acknowledgement) is stored once.
        again = first_msg.headers or {}
        await js.publish(first_msg.subject, first_msg.data or b"", headers=dict(again))
        assert (await js.stream_info("RECFEED")).state.messages == 110

        for _ in range(50):  # the core feed is unchanged: every packet, recorded or not
            if len(heard) == 110:
                break
            await asyncio.sleep(0.02)
        assert len(heard) == 110
    finally:
        await nc.close()


async def test_a_space_not_recorded_stores_nothing(private_nats: str) -> None:
    nc = await connect(private_nats, name="relay-stand-in")
    try:
        await ensure_stream(nc, streams.RECORDING_FEED)
        publisher = Feeds(nc).publisher("sp_plain")
        for n in range(20):
            await publisher.program(b"\x02" * 80, n * 960, n)
        await nc.flush()
        info = await nc.jetstream().stream_info(streams.RECORDING_FEED.name)
        assert info.state.messages == 0
    finally:
        await nc.close()
