"""Why a command was refused. Each rejection carries a stable slug, a detail for people and the
HTTP-like status of its kind (a plain int: the domain depends on no transport); the chassis'
one error binding (``parley.chassis.handlers.bind``) turns them into problem replies."""

from __future__ import annotations

from typing import ClassVar


class Rejected(Exception):
    status: ClassVar[int] = 400

    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail


class InvalidInput(Rejected):
    """The request itself is malformed (bad handle, too short a password...)."""

    status = 422


class NotAuthenticated(Rejected):
    """The credentials are wrong, or the acting user does not exist. (A request with no
    signed-in user at all is the chassis' one ``unauthenticated``: ``require_actor``.)"""

    status = 401


class NotAllowed(Rejected):
    """The caller may not do this (suspended, blocked, not a moderator)."""

    status = 403


class UnknownUser(Rejected):
    """The user named in the request does not exist."""

    status = 404

    def __init__(self, handle: str = "") -> None:
        super().__init__("user-not-found", f"no user {handle!r}" if handle else "no such user")


class Conflict(Rejected):
    """The request clashes with the current state (a taken handle)."""

    status = 409
