"""When the host's connection drops, the Space's host-grace timer is armed on the broker
(``parley.chassis.timers``, JetStream message schedules, ADR 19) for the event's deadline.

Arming is all there is: a host who comes back, or a Space that ends, needs no disarming, since
the firing decides on the Space's current state (``EndIfHostStillAway``: the Space ends only
if its host is still away and its deadline is still this one; else nothing happens). A new
disconnect arms the same timer again, which replaces the earlier arming. Delivered at least
once: arming twice is arming once."""

from __future__ import annotations

from parley.chassis.event_store import StoredEvent
from parley.chassis.policies import Policy
from parley.chassis.timers import Timers
from parley.contracts.events.room import HostDisconnected
from parley.room.domain.evolve import parse_time

GRACE_TIMER = "host_grace"


def grace_timer_id(space_id: str) -> str:
    return f"{space_id}.{GRACE_TIMER}"


def when_host_disconnected_arm_the_grace_timer(timers: Timers) -> Policy[HostDisconnected]:
    async def react(away: HostDisconnected, stored: StoredEvent) -> None:
        deadline = parse_time(away.grace_deadline)
        assert deadline is not None
        # The deadline as the event says it: the firing compares it with the Space's own.
        await timers.arm(grace_timer_id(away.space_id), deadline, away.grace_deadline.encode())

    return Policy(
        "room_arm_host_grace_timers",
        HostDisconnected,
        react,
        description="The host's connection dropped: the Space's host-grace timer is armed",
    )
