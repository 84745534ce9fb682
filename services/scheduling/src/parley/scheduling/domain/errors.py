"""Why a command was refused: a stable slug, a detail for people and, as a plain class
attribute, the HTTP-like status (the chassis' ``bind`` makes it a problem reply)."""

from __future__ import annotations

from parley.contracts.rejections import Conflict as Conflict
from parley.contracts.rejections import InvalidInput as InvalidInput
from parley.contracts.rejections import NotAllowed as NotAllowed
from parley.contracts.rejections import NotFound as NotFound
from parley.contracts.rejections import Rejected as Rejected


def space_not_found() -> NotFound:
    return NotFound("space-not-found", "no such scheduled Space")


def space_canceled() -> Conflict:
    return Conflict("space-canceled", "this scheduled Space was canceled")


def space_started() -> Conflict:
    return Conflict("space-started", "this Space has started: it is no longer scheduled")
