"""[recording] events. Stream ``RECORDING``, subjects ``recording.<space_id>.<event>``: one
aggregate per recorded Space (its id is the Space's), from the start of capture to deletion.

A recording is captured from the relay's durable program feed (``RECFEED``, ADR 21) into Ogg
Opus segments in the ``recordings`` object store; each stored segment is an event, and that
event is the recorder's acknowledgement: a restarted recorder resumes after the last segment's
feed sequence. At the end the segments become one object, ``<space_id>.ogg``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from parley.contracts.registry import DomainEvent

CONTEXT = "recording"


class FeedGap(BaseModel):
    """Audio the feed does not have (the relay's origin died, or packets it could not store),
    filled with silence so that the replay keeps the Space's timeline."""

    at_ms: int = Field(description="Where the gap starts in the recording")
    duration_ms: int = Field(description="How long it is (a multiple of 20 ms)")


class RecordingStarted(DomainEvent, context=CONTEXT, version=1):
    """A Space created with recording on: its program is captured from when it goes live."""

    space_id: str
    host_id: str
    title: str = Field(default="", description="The Space's title when it was created")


class RecordingSegmentStored(DomainEvent, context=CONTEXT, version=1):
    """A run of the program's packets is stored as Ogg pages (object ``object_name``): every
    feed message up to ``last_feed_seq`` is in the recording."""

    space_id: str
    index: int = Field(description="0, 1, 2, ... in recording order")
    object_name: str = Field(description="The segment's object in the recordings bucket")
    first_feed_seq: int = Field(description="RECFEED stream sequence of its first packet")
    last_feed_seq: int = Field(description="RECFEED stream sequence of its last packet")
    packets: int = Field(description="Opus packets from the feed")
    bytes: int = Field(description="Size of the segment object")
    pages: int = Field(description="Ogg pages in it (the next segment numbers on from here)")
    end_granule: int = Field(description="48 kHz samples in the recording at its end")
    epoch: str = Field(description="The origin run (Parley-Feed-Epoch) of its last packet")
    last_pts: int = Field(description="The feed pts of its last packet (samples)")
    last_captured_at_ns: int = Field(description="Capture time of its last packet")
    gaps: list[FeedGap] = Field(default_factory=list, description="Silence put in for gaps")


class RecordingStopped(DomainEvent, context=CONTEXT, version=1):
    """The Space ended: the recorder stores what the feed still holds, then finalizes."""

    space_id: str
    ended_at_ns: int = Field(description="When the recorder learnt of the end")


class RecordingFinalized(DomainEvent, context=CONTEXT, version=1):
    """The recording is one playable object: Ogg Opus, 48 kHz mono."""

    space_id: str
    object_name: str = Field(description="``<space_id>.ogg`` in the recordings bucket")
    duration_ms: int = Field(description="Playable duration (granules less the pre-skip)")
    bytes: int = Field(description="Size of the object")
    gaps: list[FeedGap] = Field(default_factory=list, description="Silence put in for gaps")


class RecordingPlayed(DomainEvent, context=CONTEXT, version=1):
    """Someone played the ready recording (ADR 22: a request for its audio from byte 0,
    counted once per listener within the play window)."""

    space_id: str
    listener: str = Field(description="The user id, or a hash for an anonymous listener")
    played_at: datetime = Field(description="When the play began (UTC)")


class RecordingDeleted(DomainEvent, context=CONTEXT, version=1):
    """The recording and its audio are gone (the host deleted it, or it expired): its clips go
    with it (clipping reacts to this event)."""

    space_id: str
    reason: str = Field(description="host_deleted or expired")
