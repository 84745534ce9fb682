"""The JetStream streams of the suite, each with the one service that owns it.

Only the owner creates or updates its stream (on every start, so a changed spec is applied);
every other service waits for it to exist and never changes it. A stream holds one context's
domain events: ``<context>.<aggregate_id>.<event_name>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parley.contracts.registry import events_of
from parley.contracts.subjects import context_filter, event_type_filter

DUPLICATE_WINDOW_NS = 2 * 60 * 1_000_000_000


@dataclass(frozen=True)
class StreamSpec:
    """One JetStream stream of one bounded context's events, owned by one service."""

    name: str
    context: str
    owner: str
    subjects: tuple[str, ...]
    replicas: int = 1
    max_age_s: float = 0  # 0 keeps events forever: they are the source of truth
    extra: dict[str, object] = field(default_factory=dict)

    def config(self) -> dict[str, object]:
        return {
            "name": self.name,
            "subjects": list(self.subjects),
            "storage": "file",
            "retention": "limits",
            "num_replicas": self.replicas,
            "max_age": int(self.max_age_s * 1_000_000_000),
            "duplicate_window": DUPLICATE_WINDOW_NS,
            "allow_direct": True,  # fast aggregate loads (batched direct get)
            "allow_atomic": True,  # a command's events are appended all-or-nothing
            "discard": "old",
            **self.extra,
        }


def context_stream(name: str, context: str, owner: str) -> StreamSpec:
    """A stream holding every subject of ``context``."""
    return StreamSpec(name, context, owner, (context_filter(context),))


IDENTITY = context_stream("IDENTITY", "identity", owner="identity")
ROOM = context_stream("ROOM", "room", owner="room")
# Only the media *events* (``media.<session_id>.<event>``), not ``media.>``: the relay's
# ephemeral traffic lives under ``media.`` too (feeds, heartbeats, forwarded negotiations), and a
# stream on ``media.>`` kept every audio packet forever and answered each forwarded negotiation
# request with its PubAck before the chosen worker could.
MEDIA = StreamSpec(
    "MEDIA",
    "media",
    owner="media_relay",
    subjects=tuple(sorted(event_type_filter("media", name) for name in events_of("media"))),
)

SCHEDULING = context_stream("SCHEDULING", "scheduling", owner="scheduling")
RECORDING = context_stream("RECORDING", "recording", owner="recording")
CLIPPING = context_stream("CLIPPING", "clipping", owner="clipping")
CAPTIONS = context_stream("CAPTIONS", "captions", owner="captions")

# Not a context's events (so not in ALL): the program packets of recorded Spaces while they are
# live, ``media.recfeed.<space_id>.program`` (ADR 21). The relay owns it: it must exist before
# the first packet of a recorded Space whether or not the recorder runs yet (a recorder started
# late, or restarting, reads what it missed here), and the relay's live path must never wait for
# the recorder. Bounded by age and bytes: it is a buffer in front of the recorder, not an archive
# (the recordings are objects in the ``recordings`` bucket). Four tokens: it overlaps none of
# MEDIA's ``media.*.<Event>``. Each message is ~110 bytes of Opus + ~300 of headers: one Space
# is ~70 MB a hour, so 8 GiB hold ~110 Space-hours.
RECORDING_FEED = StreamSpec(
    "RECFEED",
    "media",
    owner="media_relay",
    subjects=("media.recfeed.*.program",),
    max_age_s=24 * 3600,
    extra={"max_bytes": 8 * 1024**3, "allow_atomic": False},
)

ALL: tuple[StreamSpec, ...] = (IDENTITY, ROOM, MEDIA, SCHEDULING, RECORDING, CLIPPING, CAPTIONS)


def stream_of(context: str) -> StreamSpec:
    """The stream holding ``context``'s events."""
    for spec in ALL:
        if spec.context == context:
            return spec
    raise LookupError(f"no stream holds the events of context {context!r}")


def owned_by(service: str) -> tuple[StreamSpec, ...]:
    return tuple(spec for spec in ALL if spec.owner == service)
