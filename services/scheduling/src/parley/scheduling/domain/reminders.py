"""One user's reminder for one scheduled Space (aggregate ``<space_id>~<user_id>``): set or
not. Setting it twice, or clearing what is not set, changes nothing. Whether the Space may
still be reminded of (it is scheduled) is the handler's check against the host's schedule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.contracts.events.scheduling import ReminderCleared, ReminderSet
from parley.contracts.registry import DomainEvent

State = bool  # reminded


@dataclass(frozen=True)
class SetReminder:
    space_id: str
    user_id: str


@dataclass(frozen=True)
class ClearReminder:
    space_id: str
    user_id: str


Command = SetReminder | ClearReminder


def decide(command: Command, reminded: State) -> Sequence[DomainEvent]:
    match command:
        case SetReminder():
            return [] if reminded else [ReminderSet(**vars(command))]
        case ClearReminder():
            return [ReminderCleared(**vars(command))] if reminded else []


def evolve(reminded: State, event: DomainEvent) -> State:
    match event:
        case ReminderSet():
            return True
        case ReminderCleared():
            return False
    return reminded
