"""Why a command was refused. Each rejection carries a stable slug, a detail for people and,
as a plain class attribute, the HTTP-like status it answers with (422/403/404/409): the chassis'
one error binding (``parley.chassis.handlers.bind``) turns it into the bus's problem reply, so
the domain depends on no transport. "Not signed in" is not the domain's: the handlers ask the
chassis' ``require_actor``."""

from __future__ import annotations

from parley.contracts.rejections import Conflict as Conflict
from parley.contracts.rejections import InvalidInput as InvalidInput
from parley.contracts.rejections import NotAllowed as NotAllowed
from parley.contracts.rejections import NotFound as NotFound
from parley.contracts.rejections import Rejected as Rejected


def space_not_found() -> NotFound:
    return NotFound("space-not-found", "no such Space")


def space_ended() -> Conflict:
    return Conflict("space-ended", "this Space has ended")
