"""remove_participant: the host or a co-host removes someone (optionally blocking or reporting
them). The removal is on the Space; their membership ends with reason ``removed``."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import RemoveParticipant as RemoveParticipantPayload
from parley.contracts.api.room import SpaceView
from parley.room.domain.commands import Leave, RemoveParticipant
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act_on, run_membership


async def remove_participant(
    deps: RoomDeps, payload: RemoveParticipantPayload, ctx: RequestContext
) -> SpaceView:
    report = payload.report
    view, target = await act_on(
        deps,
        payload.space_id,
        payload.user_id,
        ctx,
        lambda actor, target: RemoveParticipant(
            actor,
            target,
            block=payload.block,
            report_reason=report.reason if report else None,
            report_text=report.text if report else None,
        ),
    )
    # Runs on every call, so retrying a removal that failed between the two appends completes it.
    leave = Leave(view.id, target.user_id, reason="removed")
    await run_membership(deps, view.id, target.user_id, leave, ctx.event_metadata())
    return view
