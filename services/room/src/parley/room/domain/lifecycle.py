"""Rules of a Space's life: create, edit, start, end, and the host's connection."""

from __future__ import annotations

from datetime import datetime, timedelta

from parley.contracts.events.room import (
    CaptionsToggled,
    ClippingDisabled,
    ClippingEnabled,
    HostDisconnected,
    HostReconnected,
    SpaceCreated,
    SpaceEnded,
    SpaceSettings,
    SpaceStarted,
    SpaceUpdated,
)
from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import (
    CreateSpace,
    EndByPolicy,
    EndIfHostStillAway,
    EndSpace,
    SetHostPresence,
    StartSpace,
    UpdateSpace,
)
from parley.room.domain.errors import Conflict, space_not_found
from parley.room.domain.guards import active, host_only, host_or_cohost, open_space
from parley.room.domain.rules import check_description, check_title, check_topics
from parley.room.domain.state import Space, SpaceState

# Phases in which the host is preparing or live: the host's connection matters then.
HOSTED_PHASES = ("created", "live")


def create(command: CreateSpace, state: SpaceState) -> list[DomainEvent]:
    if state is not None:
        raise Conflict("space-exists", "a Space with this id exists")
    active(command.host)
    title = check_title(command.title)
    description = check_description(command.description)
    topics = check_topics(command.topics)
    settings = command.settings
    return [
        SpaceCreated(
            space_id=command.space_id,
            host_id=command.host.user_id,
            title=title,
            description=description,
            topics=list(topics),
            settings=SpaceSettings(
                speak_policy=settings.speak_policy,
                recording=settings.recording,
                clipping=settings.clipping,
                captions=settings.captions,
                max_listeners=settings.max_listeners,
            ),
        )
    ]


def update(command: UpdateSpace, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    host_or_cohost(space, actor)
    edits_details = (command.title, command.description, command.topics, command.clipping)
    if any(value is not None for value in edits_details):
        host_only(space, actor)  # co-hosts change captions only
    events: list[DomainEvent] = []
    details = _changed_details(space, command)
    if details is not None:
        events.append(details)
    if command.captions is not None and command.captions != space.settings.captions:
        events.append(
            CaptionsToggled(space_id=space.space_id, by=actor.user_id, enabled=command.captions)
        )
    if command.clipping is not None and command.clipping != space.settings.clipping:
        clipping = ClippingEnabled if command.clipping else ClippingDisabled
        events.append(clipping(space_id=space.space_id, by=actor.user_id))
    return events


def _changed_details(space: Space, command: UpdateSpace) -> SpaceUpdated | None:
    """The title, description and topics that the command really changes (validated)."""
    title = description = None
    topics: list[str] | None = None
    if command.title is not None and (clean := check_title(command.title)) != space.title:
        title = clean
    if command.description is not None:
        clean_description = check_description(command.description)
        if clean_description != space.description:
            description = clean_description
    if command.topics is not None:
        clean_topics = check_topics(command.topics)
        if clean_topics != space.topics:
            topics = list(clean_topics)
    if space.phase not in ("scheduled", "created") and (description, topics) != (None, None):
        raise Conflict("only-title-while-live", "once live, only the title can change")
    if (title, description, topics) == (None, None, None):
        return None
    return SpaceUpdated(
        space_id=space.space_id,
        by=command.actor.user_id,
        title=title,
        description=description,
        topics=topics,
    )


def start(command: StartSpace, state: SpaceState) -> list[DomainEvent]:
    """A ``scheduled`` Space (room's copy of one scheduling holds) starts like a ``created``
    one, under the same id; one canceled before it started never does."""
    if state is not None and state.phase == "canceled":
        raise Conflict("space-canceled", "this scheduled Space was canceled: it cannot start")
    space = open_space(state)
    host_only(space, active(command.actor))
    if space.phase == "live":
        return []
    return [SpaceStarted(space_id=space.space_id, host_id=space.host_id, started_at=command.now)]


def end(command: EndSpace, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    host_only(space, active(command.actor))
    return [
        SpaceEnded(
            space_id=space.space_id,
            by=command.actor.user_id,
            reason="host_ended",
            ended_at=command.now,
        )
    ]


def end_by_policy(command: EndByPolicy, state: SpaceState) -> list[DomainEvent]:
    if state is None:
        raise space_not_found()
    if state.ended:
        return []  # a policy applied twice (redelivery) ends the Space once
    return [
        SpaceEnded(
            space_id=state.space_id, by=command.by, reason=command.reason, ended_at=command.now
        )
    ]


def set_host_presence(command: SetHostPresence, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    host_only(space, active(command.actor))
    if command.connected:
        return [] if space.host_connected else [HostReconnected(space_id=space.space_id)]
    return host_away(space, command.now, command.grace_s)


def host_away(space: Space, now: datetime, grace_s: float) -> list[DomainEvent]:
    """The host's connection dropped: the Space goes on for the grace period, then ends unless
    the host is back. A second drop before that keeps the first deadline."""
    if space.phase not in HOSTED_PHASES or not space.host_connected:
        return []
    deadline = now + timedelta(seconds=grace_s)
    return [HostDisconnected(space_id=space.space_id, grace_deadline=deadline.isoformat())]


def end_if_host_still_away(command: EndIfHostStillAway, state: SpaceState) -> list[DomainEvent]:
    if (
        state is None
        or state.ended
        or state.host_connected
        or state.grace_deadline != command.deadline
        or command.now < command.deadline
    ):
        return []
    return [
        SpaceEnded(space_id=state.space_id, by=None, reason="host_timeout", ended_at=command.now)
    ]
