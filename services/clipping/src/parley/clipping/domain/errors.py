"""Clipping's own rejections, on the shared kinds of ``parley.contracts.rejections``."""

from __future__ import annotations

from parley.contracts.rejections import Conflict, InvalidInput, NotAllowed, NotFound


def space_not_found(space_id: str) -> NotFound:
    return NotFound("space-not-found", f"no recorded Space {space_id} is known here")


def recording_off(space_id: str) -> Conflict:
    return Conflict("recording-off", f"{space_id} is not recorded: nothing can be clipped")


def clipping_off(space_id: str) -> Conflict:
    return Conflict("clipping-off", f"the host turned clipping off in {space_id}")


def not_in_space(space_id: str) -> NotAllowed:
    return NotAllowed("not-in-space", f"only someone in {space_id} clips it")


def space_not_live(space_id: str) -> Conflict:
    return Conflict(
        "space-not-live",
        f"{space_id} is not live: the last 30 s are clipped while it is; give start_s to clip "
        "the replay",
    )


def recording_not_ready(space_id: str, state: str) -> Conflict:
    return Conflict(
        "recording-not-ready",
        f"the recording of {space_id} is {state}: a replay window is clipped once it is ready",
    )


def window_out_of_range(detail: str) -> InvalidInput:
    return InvalidInput("window-out-of-range", detail)


def clip_not_found(clip_id: str) -> NotFound:
    return NotFound("clip-not-found", f"no clip {clip_id}")
