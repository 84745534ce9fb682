"""Who may connect, send and be heard in a Space: a fold of room's events (spec §3).

The relay enforces permissions at three points: when a client negotiates (only someone who
joined may connect; only stage members get an uplink), on every mixing tick (only stage members
whose mic is on are mixed), and when roles change (mute, demote and remove cut audio at once;
remove and the end of the Space hang up). This module is the pure part: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from parley.contracts.events.room import (
    CohostAdded,
    MovedToAudience,
    ParticipantRemoved,
    SpaceCreated,
    SpaceEnded,
    SpaceStarted,
    SpeakerMuted,
    SpeakerPromoted,
    SpeakerUnmuted,
)
from parley.contracts.registry import DomainEvent

Phase = Literal["unknown", "created", "live", "ended"]
Role = Literal["host", "cohost", "speaker", "listener", "removed", "none"]


class MediaRefused(Exception):
    """A negotiation the rules refuse; ``slug`` is the problem type, ``status`` its HTTP-like
    status."""

    slug = "media-refused"
    status = 403

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class SpaceNotLive(MediaRefused):
    slug = "space-not-live"
    status = 409


class NotJoined(MediaRefused):
    slug = "not-joined"


class RemovedFromSpace(MediaRefused):
    slug = "removed"


@dataclass(frozen=True)
class SpaceRoles:
    """The part of a Space the media path needs: phase, stage, open mics, removals."""

    space_id: str
    phase: Phase = "unknown"
    host_id: str | None = None
    cohosts: frozenset[str] = field(default_factory=frozenset)
    speakers: frozenset[str] = field(default_factory=frozenset)
    open_mics: frozenset[str] = field(default_factory=frozenset)
    removed: frozenset[str] = field(default_factory=frozenset)
    # Fixed at creation (room's SpaceCreated settings): while live, the origin also puts the
    # program on the durable recording feed (ADR 21).
    recording: bool = False

    @property
    def records_program(self) -> bool:
        """The program goes to the durable recording feed now: a recorded Space, live."""
        return self.recording and self.phase == "live"

    def on_stage(self, user_id: str) -> bool:
        return user_id == self.host_id or user_id in self.cohosts or user_id in self.speakers

    def role(self, user_id: str, *, joined: bool = False) -> Role:
        if user_id in self.removed:
            return "removed"
        if user_id == self.host_id:
            return "host"
        if user_id in self.cohosts:
            return "cohost"
        if user_id in self.speakers:
            return "speaker"
        return "listener" if joined else "none"

    def can_be_heard(self, user_id: str) -> bool:
        """Mixed into the program right now: live, on stage, mic on, not removed."""
        return (
            self.phase == "live"
            and self.on_stage(user_id)
            and user_id in self.open_mics
            and user_id not in self.removed
        )

    def must_hang_up(self, user_id: str) -> bool:
        return self.phase == "ended" or user_id in self.removed

    def heard(self) -> frozenset[str]:
        return frozenset(user for user in self.open_mics if self.can_be_heard(user))


@dataclass(frozen=True)
class Admission:
    """The outcome of a negotiation the rules allow."""

    role: Role
    uplink: bool  # the relay accepts audio from this client (stage members only)


def admit(roles: SpaceRoles, user_id: str, *, joined: bool) -> Admission:
    """May ``user_id`` open a media session? Raises :class:`MediaRefused` when not.

    The host may connect before the Space starts (preparing, mic off); everyone else needs a
    live Space and to have joined it (or to be on its stage).
    """
    if user_id in roles.removed:
        raise RemovedFromSpace("you were removed from this Space")
    role = roles.role(user_id, joined=joined)
    if roles.phase == "created" and role == "host":
        return Admission(role=role, uplink=True)
    if roles.phase != "live":
        raise SpaceNotLive(f"the Space is not live ({roles.phase})")
    if role == "none":
        raise NotJoined("join the Space before connecting to its audio")
    return Admission(role=role, uplink=roles.on_stage(user_id))


def behind_room(admission: Admission | None, room_phase: str, room_role: str) -> bool:
    """Does room's own, strongly consistent answer allow more than this relay's projection
    (refused, or admitted without an uplink)? Then the projection has not seen the latest
    join, start or promotion yet, and the relay waits for it rather than refusing."""
    on_stage = room_role in ("host", "cohost", "speaker")
    room_admits = (
        room_phase == "live" and room_role in ("host", "cohost", "speaker", "listener")
    ) or (room_phase == "created" and room_role == "host")
    if admission is None:
        return room_admits
    return room_admits and on_stage and not admission.uplink


# The events of the Space aggregate that change its roles (what :func:`evolve` folds).
ROLE_EVENTS: tuple[type[DomainEvent], ...] = (
    SpaceCreated,
    SpaceStarted,
    SpaceEnded,
    SpeakerPromoted,
    CohostAdded,
    MovedToAudience,
    SpeakerMuted,
    SpeakerUnmuted,
    ParticipantRemoved,
)


def evolve(roles: SpaceRoles, event: DomainEvent) -> SpaceRoles:
    """Apply one event of the Space aggregate; unknown events change nothing."""
    match event:
        case SpaceCreated(host_id=host_id, settings=settings):
            return replace(roles, phase="created", host_id=host_id, recording=settings.recording)
        case SpaceStarted(host_id=host_id):
            return replace(roles, phase="live", host_id=host_id or roles.host_id)
        case SpaceEnded():
            return replace(roles, phase="ended", open_mics=frozenset())
        case SpeakerPromoted(user_id=user_id):
            # A promoted speaker starts muted (spec §3).
            off = _off_stage(roles, user_id)
            return replace(off, speakers=off.speakers | {user_id})
        case CohostAdded(user_id=user_id):
            was_open = user_id in roles.open_mics
            off = _off_stage(roles, user_id)
            mics = off.open_mics | {user_id} if was_open else off.open_mics
            return replace(off, cohosts=off.cohosts | {user_id}, open_mics=mics)
        case MovedToAudience(user_id=user_id):
            return _off_stage(roles, user_id)
        case SpeakerMuted(user_id=user_id):
            return replace(roles, open_mics=roles.open_mics - {user_id})
        case SpeakerUnmuted(user_id=user_id):
            return replace(roles, open_mics=roles.open_mics | {user_id})
        case ParticipantRemoved(user_id=user_id):
            off = _off_stage(roles, user_id)
            return replace(off, removed=off.removed | {user_id})
        case _:
            return roles


def _off_stage(roles: SpaceRoles, user_id: str) -> SpaceRoles:
    return replace(
        roles,
        cohosts=roles.cohosts - {user_id},
        speakers=roles.speakers - {user_id},
        open_mics=roles.open_mics - {user_id},
    )
