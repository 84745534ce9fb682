"""Record one Space: its feed packets, in order and as they are, into Ogg segments in the
object store, then the finished ``<space_id>.ogg`` once the Space has ended (ADR 21).

Nothing is acknowledged before it is stored: a segment's object is put, then its
``RecordingSegmentStored`` is appended (with the recording's expected version), and only that
event moves the recording on. A recorder killed at any point starts again after the last
segment the stream holds; the feed keeps every packet after it. A conflict (another recorder
stored the segment first) ends this run, and the supervisor starts a new one from the stream.
"""

from __future__ import annotations

import asyncio
import time

from parley.chassis.decider import execute, load_state
from parley.chassis.event_store import EventMetadata
from parley.chassis.logs import get_logger
from parley.contracts import ogg_opus
from parley.contracts.events.recording import RecordingSegmentStored
from parley.recording.domain.recording import FinalizeRecording, Recording, StoreSegment
from parley.recording.domain.timeline import FeedPacket, place
from parley.recording.handlers.dependencies import RecordingDeps, recording_decider

log = get_logger(__name__)

QUIET_POLL_S = 0.25


class CaptureRaced(Exception):
    """Another recorder stored this segment first: start again from the stream."""


def recording_object_name(space_id: str) -> str:
    return f"{space_id}.ogg"


def segment_object_name(space_id: str, index: int, first_seq: int, last_seq: int) -> str:
    # The feed range in the name: a racing recorder's segment never overwrites the stored one.
    return f"segments/{space_id}/{index:06d}-{first_seq}-{last_seq}"


def _metadata(space_id: str) -> EventMetadata:
    return EventMetadata(correlation_id=f"rec_{space_id}")


async def capture(deps: RecordingDeps, space_id: str) -> None:
    """Until the recording is finalized (or was already): returns, or raises to be restarted."""
    state, _ = await load_state(deps.store, recording_decider, space_id, deps.cache)
    if not state.capturing:
        return
    reader = await deps.feed.open(space_id, after_seq=state.last_feed_seq)
    buffer: list[FeedPacket] = []
    ended_seen_at: float | None = None
    try:
        while True:
            batch = await reader.next_batch(deps.segment_packets - len(buffer), QUIET_POLL_S)
            buffer.extend(batch)
            if len(buffer) >= deps.segment_packets:
                state = await store_segment(deps, space_id, state, buffer)
                buffer = []
                continue
            if batch:
                continue
            # The feed is quiet: not live yet, its origin gone, or the Space ended.
            if ended_seen_at is None:
                state, _ = await load_state(deps.store, recording_decider, space_id, deps.cache)
                if state.phase == "stopped":
                    ended_seen_at = time.monotonic()
                elif not state.capturing:
                    return
            elif time.monotonic() - ended_seen_at >= deps.end_quiet_s:
                if buffer:
                    state = await store_segment(deps, space_id, state, buffer)
                await finalize(deps, space_id, state)
                return
    finally:
        await reader.close()


async def store_segment(
    deps: RecordingDeps, space_id: str, state: Recording, feed: list[FeedPacket]
) -> Recording:
    placed = place(feed, state.position)
    pages = ogg_opus.audio_pages(
        placed.packets,
        serial=ogg_opus.stream_serial(space_id),
        first_sequence=state.next_page,
        start_granule=state.position.granule,
    )
    index = len(state.segments)
    name = segment_object_name(space_id, index, feed[0].stream_seq, feed[-1].stream_seq)
    size = await deps.objects.put(name, pages.data)
    segment = RecordingSegmentStored(
        space_id=space_id,
        index=index,
        object_name=name,
        first_feed_seq=feed[0].stream_seq,
        last_feed_seq=feed[-1].stream_seq,
        packets=len(feed),
        bytes=size,
        pages=pages.count,
        end_granule=pages.end_granule,
        epoch=placed.position.epoch,
        last_pts=placed.position.last_pts,
        last_captured_at_ns=placed.position.last_captured_at_ns,
        gaps=placed.gaps,
    )
    outcome = await execute(
        deps.store,
        recording_decider,
        space_id,
        StoreSegment(segment),
        _metadata(space_id),
        cache=deps.cache,
    )
    if not outcome.new_events:
        await deps.objects.delete(name)
        raise CaptureRaced(f"{space_id}: segment {index} was stored by another recorder")
    for gap in placed.gaps:
        log.warning("recording.feed_gap", space=space_id, at_ms=gap.at_ms, ms=gap.duration_ms)
    return outcome.state


async def finalize(deps: RecordingDeps, space_id: str, state: Recording) -> None:
    """The segments, between the Opus headers and the end page, as one object."""
    serial = ogg_opus.stream_serial(space_id)
    parts = [ogg_opus.header_pages(serial)]
    parts.extend(await asyncio.gather(*(deps.objects.get(name) for name in state.segments)))
    granule = state.position.granule
    parts.append(ogg_opus.end_page(serial=serial, sequence=state.next_page, granule=granule))
    audio = b"".join(parts)
    duration_ms = ogg_opus.duration_ms(granule)
    name = recording_object_name(space_id)
    size = await deps.objects.put(
        name,
        audio,
        headers={
            "Content-Type": "audio/ogg; codecs=opus",
            "Parley-Duration-Ms": str(duration_ms),
            "Parley-Bytes": str(len(audio)),
        },
    )
    command = FinalizeRecording(
        space_id=space_id, object_name=name, duration_ms=duration_ms, bytes=size
    )
    await execute(
        deps.store, recording_decider, space_id, command, _metadata(space_id), cache=deps.cache
    )
    for segment in state.segments:
        await deps.objects.delete(segment)
    log.info("recording.ready", space=space_id, duration_ms=duration_ms, bytes=size)
