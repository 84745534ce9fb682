"""Why a command was refused. Each rejection carries a stable slug, a detail for people and,
as a plain class attribute, the HTTP-like status it answers with (422/403/404/409): the chassis'
one error binding (``parley.chassis.handlers.bind``) turns it into the bus's problem reply, so
the domain depends on no transport. "Not signed in" is not the domain's: the handlers ask the
chassis' ``require_actor``."""

from __future__ import annotations

from typing import ClassVar


class Rejected(Exception):
    status: ClassVar[int] = 400

    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail


class InvalidInput(Rejected):
    """The request itself is malformed (a title too long, a URL that is not one)."""

    status = 422


class NotAllowed(Rejected):
    """The caller's role (or a block, removal or suspension) does not allow it."""

    status = 403


class NotFound(Rejected):
    """The Space, user or pin named does not exist."""

    status = 404


class Conflict(Rejected):
    """The request clashes with the current state (Space ended, stage full...)."""

    status = 409


def space_not_found() -> NotFound:
    return NotFound("space-not-found", "no such Space")


def space_ended() -> Conflict:
    return Conflict("space-ended", "this Space has ended")
