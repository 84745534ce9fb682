"""Why a command was refused: a stable slug, a detail for people and, as a plain class
attribute, the HTTP-like status (the chassis' ``bind`` makes it a problem reply)."""

from __future__ import annotations

from typing import ClassVar


class Rejected(Exception):
    status: ClassVar[int] = 400

    def __init__(self, slug: str, detail: str) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail


class InvalidInput(Rejected):
    """The request itself is malformed (a title too long, a time too soon)."""

    status = 422


class NotAllowed(Rejected):
    """Someone other than the host tried to change a scheduled Space."""

    status = 403


class NotFound(Rejected):
    status = 404


class Conflict(Rejected):
    """The request clashes with the current state (canceled, started, too many upcoming)."""

    status = 409


def space_not_found() -> NotFound:
    return NotFound("space-not-found", "no such scheduled Space")


def space_canceled() -> Conflict:
    return Conflict("space-canceled", "this scheduled Space was canceled")


def space_started() -> Conflict:
    return Conflict("space-started", "this Space has started: it is no longer scheduled")
