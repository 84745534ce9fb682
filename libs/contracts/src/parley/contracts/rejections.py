"""Why a command was refused, by kind: each rejection carries a stable slug (the problem's
``type``), a detail for people and, as a plain class attribute, the HTTP-like status of its kind
(a plain int: a domain that raises them depends on no transport). The chassis' one error
binding (``parley.chassis.handlers.bind``) turns any of them into a problem reply.

Every service's ``domain/errors.py`` builds its own rejections (``space_not_found()``...) on
these kinds; "not signed in" is not a domain's: handlers ask the chassis' ``require_actor``.
"""

from __future__ import annotations

from typing import ClassVar


class Rejected(Exception):
    status: ClassVar[int] = 400

    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail


class InvalidInput(Rejected):
    """The request itself is malformed (a title too long, a time too soon, a bad handle)."""

    status = 422


class NotAuthenticated(Rejected):
    """The credentials are wrong, or the acting user does not exist."""

    status = 401


class NotAllowed(Rejected):
    """The caller's role (or a block, removal or suspension) does not allow it."""

    status = 403


class NotFound(Rejected):
    """What the request names does not exist."""

    status = 404


class Conflict(Rejected):
    """The request clashes with the current state (a Space ended, a handle taken...)."""

    status = 409
