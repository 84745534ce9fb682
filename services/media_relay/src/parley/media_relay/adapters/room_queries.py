"""Room's strongly consistent answer for one user (``qry.room.my_role``), asked only when this
worker's projection refuses or denies an uplink, in case it has not caught up yet."""

from __future__ import annotations

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import DomainError
from parley.contracts.api.room import CONTEXT, MyRole, SpaceRef


class RoomQueries:
    def __init__(self, bus: BusClient) -> None:
        self._bus = bus

    async def my_role(self, space_id: str, user_id: str) -> tuple[str, str] | None:
        try:
            data = await self._bus.query(
                CONTEXT, "my_role", SpaceRef(space_id=space_id), RequestContext(actor=user_id)
            )
        except DomainError:  # room refused, or is away: the projection's answer stands
            return None
        answer = MyRole.model_validate(data)
        return answer.state, answer.role
