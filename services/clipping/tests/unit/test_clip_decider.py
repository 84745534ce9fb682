"""Who may clip what, and a clip's life: requested once, ready or failed, expired on its own
time only, deleted with its recording."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import reduce

import pytest

from parley.clipping.domain.clip import (
    AttachTranscript,
    Clip,
    DeleteForRecording,
    Expire,
    MarkFailed,
    MarkReady,
    RequestClip,
    SpaceFacts,
    decide,
    evolve,
)
from parley.clipping.domain.transcript import Segment, Window
from parley.contracts.events.clipping import (
    ClipDeleted,
    ClipExpired,
    ClipReady,
    ClipRequested,
    ClipTranscriptAttached,
)
from parley.contracts.registry import DomainEvent
from parley.contracts.rejections import Rejected

LIVE = SpaceFacts(
    space_id="sp_1",
    known=True,
    recording=True,
    clipping=True,
    state="live",
    host_id="usr_host",
    actor_in_space=True,
    recording_state="recording",
)
REPLAY = replace(LIVE, state="ended", actor_in_space=False, recording_state="ready",
                 recording_ms=120_000)  # fmt: skip
AT = datetime(2030, 1, 1, tzinfo=UTC)


def request(space: SpaceFacts, start_s: float | None = None, actor: str = "usr_l") -> RequestClip:
    return RequestClip("clp_1", actor, start_s, 1_000, space)


def refused(command: RequestClip) -> tuple[int, str]:
    with pytest.raises(Rejected) as rejection:
        decide(command, Clip())
    return rejection.value.status, rejection.value.slug


def fold(events: list[DomainEvent], state: Clip | None = None) -> Clip:
    return reduce(evolve, events, state or Clip())


def test_anyone_in_a_live_recorded_space_clips_its_last_30_s() -> None:
    [event] = decide(request(LIVE), Clip())
    assert isinstance(event, ClipRequested)
    assert (event.source, event.start_s, event.duration_s, event.by) == ("live", None, 30, "usr_l")
    # the host needs no membership
    host = replace(LIVE, actor_in_space=False)
    assert decide(request(host, actor="usr_host"), Clip())


def test_refusals_are_clear_4xx_problems() -> None:
    assert refused(request(SpaceFacts("sp_x", known=False))) == (404, "space-not-found")
    assert refused(request(replace(LIVE, recording=False))) == (409, "recording-off")
    assert refused(request(replace(LIVE, clipping=False))) == (409, "clipping-off")
    assert refused(request(replace(REPLAY, clipping=False), 5)) == (409, "clipping-off")
    assert refused(request(replace(LIVE, actor_in_space=False))) == (403, "not-in-space")
    assert refused(request(replace(LIVE, state="ended"))) == (409, "space-not-live")
    assert refused(request(replace(LIVE, state="created"))) == (409, "space-not-live")
    processing = replace(REPLAY, recording_state="processing")
    assert refused(request(processing, 0)) == (409, "recording-not-ready")
    assert refused(request(replace(REPLAY, actor_removed=True), 0)) == (403, "not-in-space")
    assert refused(request(REPLAY, 90.1)) == (422, "window-out-of-range")


def test_a_replay_window_is_clipped_by_anyone_not_removed() -> None:
    [event] = decide(request(REPLAY, 12.345), Clip())
    assert isinstance(event, ClipRequested)
    assert (event.source, event.start_s) == ("replay", 12.34)  # on a 20 ms packet
    [last] = decide(request(REPLAY, 90), Clip())
    assert isinstance(last, ClipRequested)


def test_a_clip_is_requested_once_and_readied_once() -> None:
    pending = fold(decide(request(LIVE), Clip()))
    assert pending.phase == "pending"
    assert decide(request(LIVE), pending) == []  # the same command again
    ready_events = decide(MarkReady("clp_1", "clp_1.ogg", 30_000, 100, AT, 0), pending)
    assert isinstance(ready_events[0], ClipReady)
    ready = fold(ready_events, pending)
    assert decide(MarkReady("clp_1", "clp_1.ogg", 30_000, 100, AT, 0), ready) == []
    assert decide(MarkFailed("clp_1", "x"), ready) == []
    assert fold(decide(MarkFailed("clp_1", "no audio"), pending), pending).phase == "failed"


def test_expiry_only_at_the_clips_own_time() -> None:
    pending = fold(decide(request(LIVE), Clip()))
    ready = fold(decide(MarkReady("clp_1", "clp_1.ogg", 30_000, 100, AT, 0), pending), pending)
    assert decide(Expire("clp_1", AT + timedelta(seconds=5)), ready) == []  # stale firing
    [expired] = decide(Expire("clp_1", AT), ready)
    assert isinstance(expired, ClipExpired)
    gone = fold([expired], ready)
    assert (gone.phase, gone.object_name) == ("expired", None)
    assert decide(Expire("clp_1", AT), gone) == []
    assert decide(Expire("clp_1", AT), pending) == []


def test_deleting_the_recording_deletes_its_clips_once() -> None:
    pending = fold(decide(request(LIVE), Clip()))
    [deleted] = decide(DeleteForRecording("clp_1"), pending)
    assert isinstance(deleted, ClipDeleted)
    gone = fold([deleted], pending)
    assert decide(DeleteForRecording("clp_1"), gone) == []
    assert decide(MarkReady("clp_1", "clp_1.ogg", 30_000, 100, AT, 0), gone) == []
    assert decide(DeleteForRecording("clp_9"), Clip()) == []


def ready_clip(start_s: float | None, window_start_ms: int) -> Clip:
    space = LIVE if start_s is None else REPLAY
    pending = fold(decide(request(space, start_s), Clip()))
    ready = MarkReady("clp_1", "clp_1.ogg", 29_993, 100, AT, window_start_ms)
    return fold(decide(ready, pending), pending)


def test_a_ready_clip_knows_its_window_on_the_recordings_clock() -> None:
    pending = fold(decide(request(REPLAY, 12.345), Clip()))
    assert pending.window == Window(12_340, 42_340)  # a replay clip's: from its request
    assert fold(decide(request(LIVE), Clip())).window is None  # a live clip's: once cut
    assert ready_clip(None, 61_000).window == Window(61_000, 61_000 + 29_993)
    assert ready_clip(12, 12_000).window == Window(12_000, 12_000 + 29_993)
    # A ClipReady from before window_start_ms: a replay clip's request still says.
    old_ready = ClipReady(
        clip_id="clp_1", space_id="sp_1", object_name="clp_1.ogg", duration_ms=29_993,
        bytes=100, expires_at=AT,
    )  # fmt: skip
    assert fold([old_ready], pending).window == Window(12_340, 12_340 + 29_993)
    assert fold([old_ready], fold(decide(request(LIVE), Clip()))).window is None


A = Segment("usr_a", 62_000, 64_000, "Hello there.")
B = Segment("usr_b", 64_500, 66_000, "Hi!")
OUTSIDE = Segment("usr_a", 50_000, 61_000, "Before the clip.")


def test_a_ready_clip_takes_the_segments_of_its_window() -> None:
    ready = ready_clip(None, 61_000)
    [attached] = decide(AttachTranscript("clp_1", (B, OUTSIDE, A)), ready)
    assert isinstance(attached, ClipTranscriptAttached)
    assert attached.text == "Hello there.\nHi!"
    assert [(s.speaker_id, s.start_ms, s.end_ms) for s in attached.segments] == [
        ("usr_a", 62_000, 64_000),
        ("usr_b", 64_500, 66_000),
    ]
    assert fold([attached], ready).transcript == (A, B)


def test_an_offer_that_adds_nothing_appends_nothing() -> None:
    ready = ready_clip(None, 61_000)
    with_a = fold(decide(AttachTranscript("clp_1", (A,)), ready), ready)
    assert decide(AttachTranscript("clp_1", (A,)), with_a) == []  # a redelivery
    assert decide(AttachTranscript("clp_1", (OUTSIDE,)), with_a) == []  # not its window
    assert decide(AttachTranscript("clp_1", ()), ready) == []  # no captions yet: ""
    [more] = decide(AttachTranscript("clp_1", (B,)), with_a)  # B came later: A stays
    assert isinstance(more, ClipTranscriptAttached)
    assert more.text == "Hello there.\nHi!"


def test_only_a_ready_clip_takes_a_transcript() -> None:
    pending = fold(decide(request(REPLAY, 61), Clip()))
    assert decide(AttachTranscript("clp_1", (A,)), pending) == []  # not cut yet
    assert decide(AttachTranscript("clp_9", (A,)), Clip()) == []
    ready = ready_clip(61, 61_000)
    gone = fold(decide(DeleteForRecording("clp_1"), ready), ready)
    assert decide(AttachTranscript("clp_1", (A,)), gone) == []
