"""A Space's recording: ``decide(command, state) -> events``, ``evolve(state, event) -> state``.

    (none) --start--> recording --segment*--> --stop--> stopped --segment*--> --finalize--> ready
    ready --play*--> --delete (the host, or its retention expired)--> deleted

A play counts once per listener within ``PLAY_WINDOW`` (ADR 22): the Range requests of one
playback, and a browser asking for the start again, are not more plays.

A segment is accepted only as the next one (its index, and feed packets after the last one
stored): two recorders racing on one Space cannot both store a segment, and a recorder that
stored one already (a re-run) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import ClassVar, Literal

from parley.contracts.events.recording import (
    FeedGap,
    RecordingDeleted,
    RecordingFinalized,
    RecordingPlayed,
    RecordingSegmentStored,
    RecordingStarted,
    RecordingStopped,
)
from parley.contracts.ogg_opus import FIRST_AUDIO_PAGE
from parley.contracts.registry import DomainEvent
from parley.recording.domain.timeline import Position

Phase = Literal["none", "recording", "stopped", "ready", "deleted"]

PLAY_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Recording:
    phase: Phase = "none"
    host_id: str = ""
    segments: tuple[str, ...] = ()  # object names, in order
    last_feed_seq: int = 0
    next_page: int = FIRST_AUDIO_PAGE
    position: Position = field(default_factory=Position)
    gaps: tuple[FeedGap, ...] = ()
    object_name: str | None = None
    plays: int = 0
    recent_plays: tuple[tuple[str, datetime], ...] = ()  # (listener, played_at) in the window

    @property
    def capturing(self) -> bool:
        return self.phase in ("recording", "stopped")


@dataclass(frozen=True)
class StartRecording:
    space_id: str
    host_id: str
    title: str


@dataclass(frozen=True)
class StoreSegment:
    segment: RecordingSegmentStored


@dataclass(frozen=True)
class StopRecording:
    space_id: str
    ended_at_ns: int


@dataclass(frozen=True)
class FinalizeRecording:
    space_id: str
    object_name: str
    duration_ms: int
    bytes: int


@dataclass(frozen=True)
class DeleteRecording:
    space_id: str
    actor: str
    reason: Literal["host_deleted", "expired"] = "host_deleted"


@dataclass(frozen=True)
class RecordPlay:
    space_id: str
    listener: str
    at: datetime


Command = (
    StartRecording | StoreSegment | StopRecording | FinalizeRecording | DeleteRecording | RecordPlay
)


class RecordingRejected(Exception):
    status: ClassVar[int] = 409
    slug: ClassVar[str] = "recording-rejected"

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


class RecordingNotFound(RecordingRejected):
    status = 404
    slug = "recording-not-found"


class NotTheHost(RecordingRejected):
    status = 403
    slug = "not-the-host"


class RecordingNotReady(RecordingRejected):
    slug = "recording-not-ready"


class RecordingGone(RecordingRejected):
    status = 410
    slug = "recording-deleted"


class SegmentOutOfOrder(RecordingRejected):
    slug = "segment-out-of-order"


def decide(command: Command, state: Recording) -> list[DomainEvent]:
    match command:
        case StartRecording(space_id=space_id, host_id=host_id, title=title):
            if state.phase != "none":
                return []
            return [RecordingStarted(space_id=space_id, host_id=host_id, title=title)]
        case StoreSegment(segment=segment):
            return _store(segment, state)
        case StopRecording(space_id=space_id, ended_at_ns=ended_at_ns):
            if state.phase != "recording":
                return []
            return [RecordingStopped(space_id=space_id, ended_at_ns=ended_at_ns)]
        case FinalizeRecording() as final:
            if state.phase != "stopped":
                return []
            return [
                RecordingFinalized(
                    space_id=final.space_id,
                    object_name=final.object_name,
                    duration_ms=final.duration_ms,
                    bytes=final.bytes,
                    gaps=list(state.gaps),
                )
            ]
        case DeleteRecording(space_id=space_id, actor=actor, reason=reason):
            return _delete(space_id, actor, reason, state)
        case RecordPlay() as play:
            return _play(play, state)
    return []


def _play(play: RecordPlay, state: Recording) -> list[DomainEvent]:
    if state.phase == "none":
        raise RecordingNotFound(f"{play.space_id} has no recording")
    if state.phase == "deleted":
        raise RecordingGone(f"the recording of {play.space_id} was deleted")
    if state.phase != "ready":
        raise RecordingNotReady("the recording is still being made")
    for listener, played_at in state.recent_plays:
        if listener == play.listener and play.at - played_at < PLAY_WINDOW:
            return []  # the same playback (or the same listener again within the window)
    return [RecordingPlayed(space_id=play.space_id, listener=play.listener, played_at=play.at)]


def _store(segment: RecordingSegmentStored, state: Recording) -> list[DomainEvent]:
    if not state.capturing:
        raise SegmentOutOfOrder(f"the recording is {state.phase}: no segment goes in")
    if segment.index < len(state.segments) or segment.last_feed_seq <= state.last_feed_seq:
        return []  # stored already (by this recorder before a restart, or another one)
    if segment.index != len(state.segments) or segment.first_feed_seq <= state.last_feed_seq:
        raise SegmentOutOfOrder(
            f"segment {segment.index} from feed seq {segment.first_feed_seq}: the recording "
            f"has {len(state.segments)} segments up to seq {state.last_feed_seq}"
        )
    return [segment]


def _delete(space_id: str, actor: str, reason: str, state: Recording) -> list[DomainEvent]:
    if state.phase == "none":
        raise RecordingNotFound(f"{space_id} has no recording")
    if reason == "host_deleted" and actor != state.host_id:
        raise NotTheHost("only the host deletes the recording")
    if state.phase == "deleted":
        return []  # deleted already: a re-run only deletes the audio again
    if state.phase != "ready":
        raise RecordingNotReady("the recording is still being made: delete it once it is ready")
    return [RecordingDeleted(space_id=space_id, reason=reason)]


def evolve(state: Recording, event: DomainEvent) -> Recording:
    match event:
        case RecordingStarted(host_id=host_id):
            return replace(state, phase="recording", host_id=host_id)
        case RecordingSegmentStored() as segment:
            return replace(
                state,
                segments=(*state.segments, segment.object_name),
                last_feed_seq=segment.last_feed_seq,
                next_page=state.next_page + segment.pages,
                position=Position(
                    granule=segment.end_granule,
                    epoch=segment.epoch,
                    last_pts=segment.last_pts,
                    last_captured_at_ns=segment.last_captured_at_ns,
                ),
                gaps=(*state.gaps, *segment.gaps),
            )
        case RecordingStopped():
            return replace(state, phase="stopped")
        case RecordingFinalized(object_name=object_name):
            return replace(state, phase="ready", object_name=object_name)
        case RecordingPlayed(listener=listener, played_at=played_at):
            recent = tuple(
                (who, at) for who, at in state.recent_plays if played_at - at < PLAY_WINDOW
            )
            return replace(
                state, plays=state.plays + 1, recent_plays=(*recent, (listener, played_at))
            )
        case RecordingDeleted():
            return replace(state, phase="deleted", object_name=None, recent_plays=())
    return state
