"""Why a command was refused. Each rejection carries a stable slug; the entrypoints turn the
kind of rejection into the matching bus error (422/401/403/404/409), so the domain does not
depend on the transport."""

from __future__ import annotations


class Rejected(Exception):
    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail


class InvalidInput(Rejected):
    """The request itself is malformed (a title too long, a URL that is not one)."""


class NotAuthenticated(Rejected):
    """Nobody signed in asks."""


class NotAllowed(Rejected):
    """The caller's role (or a block, removal or suspension) does not allow it."""


class NotFound(Rejected):
    """The Space, user or pin named does not exist."""


class Conflict(Rejected):
    """The request clashes with the current state (Space ended, stage full...)."""


def space_not_found() -> NotFound:
    return NotFound("space-not-found", "no such Space")


def space_ended() -> Conflict:
    return Conflict("space-ended", "this Space has ended")
