"""[clipping] events. Stream ``CLIPPING``, subjects ``clipping.<clip_id>.<event>``: one
aggregate per clip (its id, ``clp_…``, is made from the createClip command's id), from the
request to its expiry or deletion.

A clip is 30 s of a recorded Space's program, cut without re-encoding: the last 30 s while the
Space is live (from the relay's durable program feed, ``RECFEED``), or a window of the finished
recording (``<space_id>.ogg``). Its audio is one Ogg Opus object in the ``clips`` bucket of
the JetStream object store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from parley.contracts.registry import DomainEvent

CONTEXT = "clipping"

ClipSource = Literal["live", "replay"]


class ClipRequested(DomainEvent, context=CONTEXT, version=1):
    """Someone in a recorded Space asked for a clip; it is cut at once (``pending``)."""

    clip_id: str
    space_id: str
    by: str = Field(description="Who clipped")
    source: ClipSource = Field(
        description="live: the last 30 s of the program; replay: a window of the recording"
    )
    start_s: float | None = Field(
        default=None, description="Replay clips: where the window starts in the recording"
    )
    duration_s: float = Field(description="The window's length asked for (30 s)")
    requested_at_ns: int = Field(
        description="Wall clock of the request: a live clip ends here (the program's "
        "captured-at times)"
    )


class ClipReady(DomainEvent, context=CONTEXT, version=1):
    """The clip's audio is stored: an Ogg Opus object in the ``clips`` bucket."""

    clip_id: str
    space_id: str
    object_name: str = Field(description="``<clip_id>.ogg`` in the clips bucket")
    duration_ms: int = Field(description="Playable duration (granules less the pre-skip)")
    bytes: int = Field(description="Size of the object")
    expires_at: datetime = Field(description="When it expires (PARLEY_CLIP_EXPIRY_S after)")
    window_start_ms: int | None = Field(
        default=None,
        description="Where the clip's audio starts on the recording's clock (ms of the "
        "program's media time, where caption segments are placed too): a replay clip's "
        "start_s, a live clip's first packet. None in clips made before it was recorded",
    )


class ClipFailed(DomainEvent, context=CONTEXT, version=1):
    """No audio could be cut for the window (the feed held none of it, the recording is gone)."""

    clip_id: str
    space_id: str
    reason: str = Field(description="For people: why there is no audio")


class ClipTranscriptSegment(BaseModel):
    """One final caption segment in a clip's window (captions' ``CaptionSegmentFinalized``)."""

    speaker_id: str = Field(description="The stage member who spoke")
    start_ms: int = Field(description="Where the words start, on the recording's clock")
    end_ms: int = Field(description="Where the words end, on the recording's clock")
    text: str = Field(description="What was said, as transcribed")


class ClipTranscriptAttached(DomainEvent, context=CONTEXT, version=1):
    """The words spoken in the clip's window: every final caption segment overlapping it so
    far. Attached once the clip is ready, and again whenever captions finalize another segment
    of its window; each time the whole transcript, never less than the time before."""

    clip_id: str
    text: str = Field(description="The segments' words in time order, one line per speaker's turn")
    segments: list[ClipTranscriptSegment] = Field(
        default_factory=list,
        description="The segments themselves, by start (then speaker), with who spoke when",
    )


class ClipExpired(DomainEvent, context=CONTEXT, version=1):
    """The clip's time is up: its audio is deleted."""

    clip_id: str
    space_id: str


class ClipDeleted(DomainEvent, context=CONTEXT, version=1):
    """The clip and its audio are gone before their time (the recording was deleted)."""

    clip_id: str
    space_id: str
    reason: Literal["recording_deleted"] = "recording_deleted"
