"""A clip: ``decide(command, state) -> events``, ``evolve(state, event) -> state``.

    (none) --request--> pending --ready--> ready --expire--> expired
                               \\-fail--> failed
    pending | ready | failed --recording deleted--> deleted

Who may clip what is decided here, on the facts clipping keeps of the Space
(:class:`SpaceFacts`, from room's and recording's events): anyone in a recorded, live Space
with clipping on clips its last 30 s; once the recording is ready, anyone who was not removed
from the Space clips a 30 s window of it.

A ready clip knows its window on the recording's clock, and takes the caption segments that
overlap it as they are offered (``domain/transcript.py``): its transcript only grows, and an
offer that adds nothing appends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from parley.clipping.domain import errors
from parley.clipping.domain.transcript import (
    Segment,
    Window,
    in_window,
    merged,
    transcript_text,
)
from parley.clipping.domain.window import replay_window
from parley.contracts.api.clipping import CLIP_SECONDS
from parley.contracts.events.clipping import (
    ClipDeleted,
    ClipExpired,
    ClipFailed,
    ClipReady,
    ClipRequested,
    ClipTranscriptAttached,
    ClipTranscriptSegment,
)
from parley.contracts.registry import DomainEvent

Phase = Literal["none", "pending", "ready", "failed", "expired", "deleted"]
SpaceState = Literal["created", "live", "ended"]
RecordingState = Literal["none", "recording", "processing", "ready", "deleted"]


@dataclass(frozen=True)
class SpaceFacts:
    """What clipping knows of a Space and of the one asking, when a clip is asked for."""

    space_id: str
    known: bool
    recording: bool = False
    clipping: bool = True
    state: SpaceState = "created"
    host_id: str = ""
    actor_in_space: bool = False  # joined and not left (or the host)
    actor_removed: bool = False
    recording_state: RecordingState = "none"
    recording_ms: int = 0


@dataclass(frozen=True)
class Clip:
    phase: Phase = "none"
    space_id: str = ""
    object_name: str | None = None
    expires_at: datetime | None = None
    # On the recording's clock: a replay clip's from its request, a live clip's once it is cut.
    window: Window | None = None
    transcript: tuple[Segment, ...] = ()

    @property
    def gone(self) -> bool:
        return self.phase in ("expired", "deleted")


@dataclass(frozen=True)
class RequestClip:
    clip_id: str
    actor: str
    start_s: float | None
    requested_at_ns: int
    space: SpaceFacts


@dataclass(frozen=True)
class MarkReady:
    clip_id: str
    object_name: str
    duration_ms: int
    bytes: int
    expires_at: datetime
    window_start_ms: int  # where the audio starts on the recording's clock


@dataclass(frozen=True)
class MarkFailed:
    clip_id: str
    reason: str


@dataclass(frozen=True)
class AttachTranscript:
    """Caption segments offered to a clip: those in its window join its transcript."""

    clip_id: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Expire:
    clip_id: str
    due_at: datetime  # the timer's time: a stale firing (another time) changes nothing


@dataclass(frozen=True)
class DeleteForRecording:
    clip_id: str


Command = RequestClip | MarkReady | MarkFailed | AttachTranscript | Expire | DeleteForRecording


def check_may_clip(actor: str, start_s: float | None, space: SpaceFacts) -> None:
    """Raises the rejection that refuses this clip, if one does."""
    sid = space.space_id
    if not space.known:
        raise errors.space_not_found(sid)
    if not space.recording:
        raise errors.recording_off(sid)
    if not space.clipping:
        raise errors.clipping_off(sid)
    if start_s is None:
        if space.state != "live":
            raise errors.space_not_live(sid)
        if actor != space.host_id and not space.actor_in_space:
            raise errors.not_in_space(sid)
        return
    if space.actor_removed:
        raise errors.not_in_space(sid)
    if space.recording_state != "ready":
        raise errors.recording_not_ready(sid, space.recording_state)
    replay_window(start_s, space.recording_ms)


def decide(command: Command, state: Clip) -> list[DomainEvent]:
    match command:
        case RequestClip() as request:
            if state.phase != "none":
                return []  # a re-run of the same command (same clip id)
            check_may_clip(request.actor, request.start_s, request.space)
            window_start = (
                None
                if request.start_s is None
                else replay_window(request.start_s, request.space.recording_ms).start_s
            )
            return [
                ClipRequested(
                    clip_id=request.clip_id,
                    space_id=request.space.space_id,
                    by=request.actor,
                    source="live" if request.start_s is None else "replay",
                    start_s=window_start,
                    duration_s=CLIP_SECONDS,
                    requested_at_ns=request.requested_at_ns,
                )
            ]
        case MarkReady() as ready:
            if state.phase != "pending":
                return []
            return [
                ClipReady(
                    clip_id=ready.clip_id,
                    space_id=state.space_id,
                    object_name=ready.object_name,
                    duration_ms=ready.duration_ms,
                    bytes=ready.bytes,
                    expires_at=ready.expires_at,
                    window_start_ms=ready.window_start_ms,
                )
            ]
        case MarkFailed(clip_id=clip_id, reason=reason):
            if state.phase != "pending":
                return []
            return [ClipFailed(clip_id=clip_id, space_id=state.space_id, reason=reason)]
        case AttachTranscript(clip_id=clip_id, segments=offered):
            return _attach(clip_id, offered, state)
        case Expire(clip_id=clip_id, due_at=due_at):
            if state.phase != "ready" or state.expires_at is None:
                return []
            if abs((state.expires_at - due_at).total_seconds()) > 0.001:
                return []  # a stale firing
            return [ClipExpired(clip_id=clip_id, space_id=state.space_id)]
        case DeleteForRecording(clip_id=clip_id):
            if state.phase == "none" or state.gone:
                return []
            return [ClipDeleted(clip_id=clip_id, space_id=state.space_id)]
    return []


def _attach(clip_id: str, offered: tuple[Segment, ...], state: Clip) -> list[DomainEvent]:
    """Only a ready clip has a window (a live clip's is known once it is cut)."""
    if state.phase != "ready" or state.window is None:
        return []
    transcript = merged(state.transcript, in_window(state.window, offered))
    if transcript == state.transcript:
        return []  # nothing new: a repeat, or segments of another window
    return [
        ClipTranscriptAttached(
            clip_id=clip_id,
            text=transcript_text(transcript),
            segments=[
                ClipTranscriptSegment(
                    speaker_id=each.speaker_id,
                    start_ms=each.start_ms,
                    end_ms=each.end_ms,
                    text=each.text,
                )
                for each in transcript
            ],
        )
    ]


def evolve(state: Clip, event: DomainEvent) -> Clip:
    match event:
        case ClipRequested(space_id=space_id, start_s=start_s, duration_s=duration_s):
            # A replay clip's window is known from the request (it starts at start_s); a live
            # clip's once it is cut (ClipReady).
            window = (
                None
                if start_s is None
                else Window.of(round(start_s * 1000), round(duration_s * 1000))
            )
            return replace(state, phase="pending", space_id=space_id, window=window)
        case ClipReady() as ready:
            return replace(
                state,
                phase="ready",
                object_name=ready.object_name,
                expires_at=ready.expires_at,
                window=_ready_window(ready, state.window),
            )
        case ClipTranscriptAttached(segments=segments):
            transcript = tuple(
                Segment(each.speaker_id, each.start_ms, each.end_ms, each.text) for each in segments
            )
            return replace(state, transcript=transcript)
        case ClipFailed():
            return replace(state, phase="failed")
        case ClipExpired():
            return replace(state, phase="expired", object_name=None)
        case ClipDeleted():
            return replace(state, phase="deleted", object_name=None)
    return state


def _ready_window(ready: ClipReady, requested: Window | None) -> Window | None:
    """The cut audio's window: where it starts (a ClipReady from before ``window_start_ms``
    has none: a replay clip's request still says), as long as it plays."""
    start_ms = ready.window_start_ms
    if start_ms is None and requested is not None:
        start_ms = requested.start_ms
    return None if start_ms is None else Window.of(start_ms, ready.duration_ms)
