"""Cut a requested clip: its packets (the program's last 30 s from the feed, or a window of
the finished recording), muxed into one Ogg Opus object without re-encoding, then
``ClipReady`` with where the audio starts on the recording's clock (or ``ClipFailed`` when
there is no audio for the window).

Runs at least once per ``ClipRequested`` (a policy): every step may be done again. The expiry
timer is armed before ``ClipReady`` is appended, so a clip never says ready without its
expiry; a clip deleted while it was being cut has its object deleted again at the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parley.chassis.decider import execute, load_state
from parley.chassis.event_store import EventMetadata
from parley.chassis.logs import get_logger
from parley.clipping.domain.clip import MarkFailed, MarkReady
from parley.clipping.domain.window import ClipAudio, live_window, replay_window
from parley.clipping.handlers.dependencies import ClippingDeps, clip_decider
from parley.clipping.queries.clips import recording_object
from parley.contracts import ogg_opus
from parley.contracts.events.clipping import ClipRequested

log = get_logger(__name__)


def clip_object_name(clip_id: str) -> str:
    return f"{clip_id}.ogg"


async def _audio(deps: ClippingDeps, requested: ClipRequested) -> ClipAudio | str:
    """The clip's packets and where they start on the recording's clock, or why there are
    none."""
    if requested.source == "live":
        start_ns = requested.requested_at_ns - int(requested.duration_s * 1e9)
        feed = await deps.feed.since(requested.space_id, start_ns)
        live = live_window(feed, requested.requested_at_ns, int(requested.duration_s))
        return live if live.packets else "the program feed holds no audio of the last 30 s"
    found = await recording_object(deps.sessions, requested.space_id)
    data = await deps.objects.recording(found[0]) if found else None
    if found is None or data is None:
        return "the recording is gone"
    window = replay_window(requested.start_s or 0.0, found[1])
    packets = ogg_opus.read_packets(data)
    chosen = packets[window.first_packet : window.first_packet + window.packets]
    return ClipAudio(chosen, window.start_ms) if chosen else "no audio"


async def cut_clip(deps: ClippingDeps, requested: ClipRequested, metadata: EventMetadata) -> None:
    clip_id = requested.clip_id
    state, _ = await load_state(deps.store, clip_decider, clip_id, deps.cache)
    if state.phase != "pending":
        return  # cut already (a redelivery), or deleted meanwhile
    audio = await _audio(deps, requested)
    if isinstance(audio, str):
        await execute(deps.store, clip_decider, clip_id, MarkFailed(clip_id, audio), metadata)
        log.info("clipping.clip_failed", clip=clip_id, reason=audio)
        return
    packets = audio.packets
    data = ogg_opus.mux(
        packets,
        serial=ogg_opus.stream_serial(clip_id),
        comments=[f"PARLEY_SPACE={requested.space_id}", f"PARLEY_CLIP={clip_id}"],
    )
    name = clip_object_name(clip_id)
    duration_ms = ogg_opus.duration_ms(len(packets) * ogg_opus.SAMPLES_PER_PACKET)
    size = await deps.objects.put_clip(
        name,
        data,
        headers={"Parley-Space": requested.space_id, "Parley-Duration-Ms": str(duration_ms)},
    )
    # The clip's time runs from its request, so a redelivered cut arms the same time again.
    requested_at = datetime.fromtimestamp(requested.requested_at_ns / 1e9, UTC)
    expires_at = requested_at + timedelta(seconds=deps.expiry_s)
    await deps.timers.arm(clip_id, expires_at)
    ready = MarkReady(clip_id, name, duration_ms, size, expires_at, audio.start_ms)
    outcome = await execute(deps.store, clip_decider, clip_id, ready, metadata, cache=deps.cache)
    if outcome.state.gone:  # deleted while being cut
        await deps.objects.delete_clip(name)
