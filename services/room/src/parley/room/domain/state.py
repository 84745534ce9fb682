"""A Space and a membership as the fold of their own events. ``None`` means "no such Space"."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

Phase = Literal["scheduled", "created", "live", "ended", "canceled"]
SpeakPolicy = Literal["everyone", "followed", "invited"]
StageRole = Literal["speaker", "cohost"]
Role = Literal["host", "cohost", "speaker", "listener", "removed", "none"]


@dataclass(frozen=True)
class Settings:
    speak_policy: SpeakPolicy = "everyone"
    recording: bool = False
    clipping: bool = True
    captions: bool = False
    max_listeners: int | None = None


@dataclass(frozen=True)
class Seat:
    """A co-host's or speaker's place on stage."""

    user_id: str
    muted: bool = True


@dataclass(frozen=True)
class Invitation:
    user_id: str
    role: StageRole
    by: str


@dataclass(frozen=True)
class PinnedPost:
    pin_id: str
    url: str
    text: str
    by: str


@dataclass(frozen=True)
class Space:
    space_id: str
    host_id: str
    title: str
    settings: Settings
    phase: Phase
    description: str = ""
    topics: tuple[str, ...] = ()
    scheduled_start: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None
    host_muted: bool = True
    host_connected: bool = True
    grace_deadline: datetime | None = None
    cohosts: tuple[Seat, ...] = ()
    speakers: tuple[Seat, ...] = ()
    requests: tuple[str, ...] = ()  # users asking to speak, oldest first
    invitations: tuple[Invitation, ...] = ()  # at most one per user
    removed: frozenset[str] = field(default_factory=frozenset)
    pins: tuple[PinnedPost, ...] = ()
    # Room's copy of a Space scheduling holds (ADR 20): the SCHEDULING stream sequence of the
    # last edit copied (an older one arriving late is not applied over it), and the timers that
    # came due and were noted, each once: (the start they were for, seconds before it; None:
    # the start itself).
    copied_seq: int | None = None
    noted: frozenset[tuple[datetime, int | None]] = field(default_factory=frozenset)
    # Everyone other than the host who was ever a speaker or co-host (told when the recording
    # is ready), and whether that was noted (once per recording: a Space has one).
    been_on_stage: frozenset[str] = field(default_factory=frozenset)
    recording_ready_noted: bool = False

    @property
    def ended(self) -> bool:
        return self.phase in ("ended", "canceled")

    def is_host(self, user_id: str) -> bool:
        return user_id == self.host_id

    def is_cohost(self, user_id: str) -> bool:
        return any(seat.user_id == user_id for seat in self.cohosts)

    def is_speaker(self, user_id: str) -> bool:
        return any(seat.user_id == user_id for seat in self.speakers)

    def is_moderator(self, user_id: str) -> bool:
        """Host or co-host: who runs the stage."""
        return self.is_host(user_id) or self.is_cohost(user_id)

    def on_stage(self, user_id: str) -> bool:
        return self.is_moderator(user_id) or self.is_speaker(user_id)

    def is_removed(self, user_id: str) -> bool:
        return user_id in self.removed

    def has_requested(self, user_id: str) -> bool:
        return user_id in self.requests

    def invitation_for(self, user_id: str) -> Invitation | None:
        return next((item for item in self.invitations if item.user_id == user_id), None)

    def pin(self, pin_id: str) -> PinnedPost | None:
        return next((pin for pin in self.pins if pin.pin_id == pin_id), None)

    def is_muted(self, user_id: str) -> bool:
        if self.is_host(user_id):
            return self.host_muted
        seat = next((s for s in (*self.cohosts, *self.speakers) if s.user_id == user_id), None)
        return True if seat is None else seat.muted

    def role_of(self, user_id: str | None, *, joined: bool) -> Role:
        """What ``user_id`` is in this Space; ``joined``: they are in it (membership)."""
        if user_id is None:
            return "none"
        if self.is_host(user_id):
            return "host"
        if self.is_cohost(user_id):
            return "cohost"
        if self.is_speaker(user_id):
            return "speaker"
        if self.is_removed(user_id):
            return "removed"
        return "listener" if joined else "none"

    # -- changes (used by evolve) ----------------------------------------------------------

    def off_stage(self, user_id: str) -> Space:
        return replace(
            self,
            cohosts=tuple(seat for seat in self.cohosts if seat.user_id != user_id),
            speakers=tuple(seat for seat in self.speakers if seat.user_id != user_id),
        )

    def without_request(self, user_id: str) -> Space:
        return replace(self, requests=tuple(item for item in self.requests if item != user_id))

    def without_invitation(self, user_id: str) -> Space:
        kept = tuple(item for item in self.invitations if item.user_id != user_id)
        return replace(self, invitations=kept)

    def with_mic(self, user_id: str, muted: bool) -> Space:
        if self.is_host(user_id):
            return replace(self, host_muted=muted)

        def seat(item: Seat) -> Seat:
            return replace(item, muted=muted) if item.user_id == user_id else item

        return replace(
            self,
            cohosts=tuple(seat(item) for item in self.cohosts),
            speakers=tuple(seat(item) for item in self.speakers),
        )


SpaceState = Space | None


@dataclass(frozen=True, slots=True)
class Membership:
    """One user's presence in one Space as a participant (``joined``). There are two: the
    state cache keeps one per membership, so every membership shares :data:`JOINED` or
    :data:`NOT_JOINED` instead of an object of its own."""

    joined: bool = False


JOINED = Membership(joined=True)
NOT_JOINED = Membership(joined=False)
