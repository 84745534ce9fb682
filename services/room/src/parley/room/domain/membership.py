"""The membership decider: one user joining and leaving one Space. The Space itself is a fact
the handler passes in (as loaded), so thousands of joins never contend with each other or with
the stage."""

from __future__ import annotations

from typing import assert_never

from parley.contracts.events.room import ListenerJoined, ParticipantLeft
from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import Join, Leave, MembershipCommand
from parley.room.domain.errors import Conflict
from parley.room.domain.guards import active, not_blocked, not_removed, open_space
from parley.room.domain.state import Membership


def decide_membership(command: MembershipCommand, state: Membership) -> list[DomainEvent]:
    match command:
        case Join():
            return _join(command, state)
        case Leave(space_id=space_id, user_id=user_id, reason=reason):
            if not state.joined:
                return []  # leaving twice is leaving once
            return [ParticipantLeft(space_id=space_id, user_id=user_id, reason=reason)]
        case _:
            assert_never(command)


def _join(command: Join, state: Membership) -> list[DomainEvent]:
    space = open_space(command.space)
    joiner = active(command.joiner)
    user_id = joiner.user_id
    is_host = space.is_host(user_id)
    not_removed(space, user_id)
    if not is_host:
        not_blocked(joiner.blocked_by_host)
    if not (space.phase == "live" or (space.phase == "created" and is_host)):
        raise Conflict("space-not-live", "this Space is not live")
    if state.joined:
        return []
    cap = space.settings.max_listeners
    exempt = is_host or command.invited or space.on_stage(user_id)
    if cap is not None and not exempt and command.listener_count >= cap:
        raise Conflict("space-full", "this Space has as many listeners as it allows")
    return [ListenerJoined(space_id=space.space_id, user_id=user_id)]
