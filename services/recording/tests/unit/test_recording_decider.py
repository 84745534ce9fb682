"""A recording's states: started once, segments only in order, stopped, finalized, deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import reduce

import pytest

from parley.contracts.events.recording import (
    RecordingDeleted,
    RecordingFinalized,
    RecordingSegmentStored,
    RecordingStarted,
    RecordingStopped,
)
from parley.contracts.registry import DomainEvent
from parley.recording.domain.recording import (
    PLAY_WINDOW,
    DeleteRecording,
    FinalizeRecording,
    NotTheHost,
    Recording,
    RecordingGone,
    RecordingNotFound,
    RecordingNotReady,
    RecordPlay,
    SegmentOutOfOrder,
    StartRecording,
    StopRecording,
    StoreSegment,
    decide,
    evolve,
)

SPACE, HOST = "sp_1", "usr_host"
STARTED = RecordingStarted(space_id=SPACE, host_id=HOST, title="Talk")


def segment(index: int, first: int, last: int) -> RecordingSegmentStored:
    return RecordingSegmentStored(
        space_id=SPACE,
        index=index,
        object_name=f"segments/{SPACE}/{index}",
        first_feed_seq=first,
        last_feed_seq=last,
        packets=last - first + 1,
        bytes=100,
        pages=2,
        end_granule=(last + 1) * 960,
        epoch="e",
        last_pts=last * 960,
        last_captured_at_ns=0,
    )


def given(*events: DomainEvent) -> Recording:
    return reduce(evolve, events, Recording())


def test_a_recording_starts_once() -> None:
    start = StartRecording(SPACE, HOST, "Talk")
    assert decide(start, Recording()) == [STARTED]
    assert decide(start, given(STARTED)) == []


def test_segments_go_in_only_as_the_next_one() -> None:
    state = given(STARTED, segment(0, 1, 250))
    assert state.last_feed_seq == 250
    assert state.next_page == 4
    assert state.position.granule == 251 * 960
    assert decide(StoreSegment(segment(1, 251, 500)), state) == [segment(1, 251, 500)]
    assert decide(StoreSegment(segment(0, 1, 250)), state) == []  # stored already
    with pytest.raises(SegmentOutOfOrder):
        decide(StoreSegment(segment(1, 200, 450)), state)  # overlaps what is stored
    with pytest.raises(SegmentOutOfOrder):
        decide(StoreSegment(segment(2, 251, 500)), state)  # skips an index
    with pytest.raises(SegmentOutOfOrder):
        decide(StoreSegment(segment(0, 1, 250)), Recording())  # never started


def test_a_stopped_recording_takes_its_last_segments_then_finalizes_once() -> None:
    stopped = RecordingStopped(space_id=SPACE, ended_at_ns=1)
    state = given(STARTED, segment(0, 1, 250), stopped)
    assert decide(StopRecording(SPACE, 2), state) == []
    assert decide(StoreSegment(segment(1, 251, 300)), state) == [segment(1, 251, 300)]
    final = FinalizeRecording(SPACE, f"{SPACE}.ogg", duration_ms=6000, bytes=1234)
    events = decide(final, state)
    assert events == [
        RecordingFinalized(space_id=SPACE, object_name=f"{SPACE}.ogg", duration_ms=6000, bytes=1234)
    ]
    ready = given(STARTED, segment(0, 1, 250), stopped, *events)
    assert ready.phase == "ready"
    assert decide(final, ready) == []
    with pytest.raises(SegmentOutOfOrder):
        decide(StoreSegment(segment(1, 251, 300)), ready)


def test_an_unrecorded_space_ending_stops_nothing() -> None:
    assert decide(StopRecording(SPACE, 1), Recording()) == []


def test_only_the_host_deletes_a_ready_recording() -> None:
    stopped = RecordingStopped(space_id=SPACE, ended_at_ns=1)
    final = RecordingFinalized(space_id=SPACE, object_name="o", duration_ms=1, bytes=1)
    with pytest.raises(RecordingNotFound):
        decide(DeleteRecording(SPACE, HOST), Recording())
    with pytest.raises(RecordingNotReady):
        decide(DeleteRecording(SPACE, HOST), given(STARTED))
    ready = given(STARTED, stopped, final)
    with pytest.raises(NotTheHost):
        decide(DeleteRecording(SPACE, "usr_other"), ready)
    deleted = RecordingDeleted(space_id=SPACE, reason="host_deleted")
    assert decide(DeleteRecording(SPACE, HOST), ready) == [deleted]
    assert decide(DeleteRecording(SPACE, HOST), given(STARTED, stopped, final, deleted)) == []


# -- plays (ADR 22) ----------------------------------------------------------------------------


def _ready() -> Recording:
    state = Recording()
    for event in (
        RecordingStarted(space_id="sp_1", host_id="usr_host", title="T"),
        RecordingStopped(space_id="sp_1", ended_at_ns=1),
        RecordingFinalized(space_id="sp_1", object_name="sp_1.ogg", duration_ms=1000, bytes=10),
    ):
        state = evolve(state, event)
    return state


def _play(state: Recording, listener: str, at: datetime) -> tuple[Recording, bool]:
    events = decide(RecordPlay(space_id="sp_1", listener=listener, at=at), state)
    for event in events:
        state = evolve(state, event)
    return state, bool(events)


def test_a_play_counts_once_per_listener_within_the_window() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    state, counted = _play(_ready(), "usr:a", start)
    assert counted
    assert state.plays == 1
    state, counted = _play(state, "usr:a", start + timedelta(minutes=5))
    assert not counted
    assert state.plays == 1
    state, counted = _play(state, "usr:b", start + timedelta(minutes=6))
    assert counted
    assert state.plays == 2
    state, counted = _play(state, "usr:a", start + PLAY_WINDOW + timedelta(seconds=1))
    assert counted
    assert state.plays == 3
    assert len(state.recent_plays) == 2  # usr:a's first play left the window


def test_a_play_needs_a_ready_recording() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(RecordingNotFound):
        decide(RecordPlay(space_id="sp_1", listener="usr:a", at=at), Recording())
    started = evolve(Recording(), RecordingStarted(space_id="sp_1", host_id="usr_host"))
    with pytest.raises(RecordingNotReady):
        decide(RecordPlay(space_id="sp_1", listener="usr:a", at=at), started)
    deleted = evolve(_ready(), RecordingDeleted(space_id="sp_1", reason="expired"))
    with pytest.raises(RecordingGone) as gone:
        decide(RecordPlay(space_id="sp_1", listener="usr:a", at=at), deleted)
    assert (gone.value.status, gone.value.slug) == (410, "recording-deleted")


def test_an_expiry_deletes_without_a_host() -> None:
    events = decide(DeleteRecording(space_id="sp_1", actor="", reason="expired"), _ready())
    assert events == [RecordingDeleted(space_id="sp_1", reason="expired")]
