"""Room's strongly consistent answer for one user (``qry.room.my_role``), asked only when this
worker's projection refuses or denies an uplink, in case it has not caught up yet."""

from __future__ import annotations

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import DomainError
from parley.contracts.api.room import MY_ROLE, SpaceRef

TIMEOUT_S = 1.0  # a negotiation does not wait long for room: the projection's answer stands


class RoomQueries:
    def __init__(self, bus: BusClient) -> None:
        self._bus = bus

    async def my_role(self, space_id: str, user_id: str) -> tuple[str, str] | None:
        try:
            answer = await self._bus.call(
                MY_ROLE,
                SpaceRef(space_id=space_id),
                RequestContext(actor=user_id),
                timeout=TIMEOUT_S,
            )
        except DomainError:  # room refused, or is away: the projection's answer stands
            return None
        return answer.state, answer.role
