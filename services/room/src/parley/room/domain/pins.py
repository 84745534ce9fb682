"""Rules of pinned posts: stage members pin up to three; host and co-hosts unpin any, others
their own."""

from __future__ import annotations

from parley.contracts.events.room import PostPinned, PostUnpinned
from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import PinPost, UnpinPost
from parley.room.domain.errors import Conflict, NotAllowed, NotFound
from parley.room.domain.guards import active, live, open_space
from parley.room.domain.rules import MAX_PINS, check_pin_text, check_pin_url
from parley.room.domain.state import SpaceState


def pin(command: PinPost, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    if not space.on_stage(actor.user_id):
        raise NotAllowed("not-on-stage", "only people on stage can pin posts")
    live(space)
    url = check_pin_url(command.url)
    text = check_pin_text(command.text)
    if space.pin(command.pin_id) is not None:
        return []  # the same request again
    if len(space.pins) >= MAX_PINS:
        raise Conflict("pins-full", f"at most {MAX_PINS} posts can be pinned; unpin one first")
    return [
        PostPinned(
            space_id=space.space_id, pin_id=command.pin_id, url=url, text=text, by=actor.user_id
        )
    ]


def unpin(command: UnpinPost, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    pinned = space.pin(command.pin_id)
    if pinned is None:
        raise NotFound("pin-not-found", "no such pinned post in this Space")
    if not space.is_moderator(actor.user_id) and pinned.by != actor.user_id:
        raise NotAllowed("not-your-pin", "only the host, co-hosts or who pinned it can unpin")
    return [PostUnpinned(space_id=space.space_id, pin_id=command.pin_id, by=actor.user_id)]
