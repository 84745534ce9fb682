"""Why a command was refused: identity's rejections, on the kinds every service shares
(``parley.contracts.rejections``: a slug, a detail for people and the HTTP-like status of its
kind); the chassis' one error binding (``parley.chassis.handlers.bind``) turns them into problem
replies. A request with no signed-in user at all is the chassis' one ``unauthenticated``
(``require_actor``)."""

from __future__ import annotations

from parley.contracts.rejections import Conflict as Conflict
from parley.contracts.rejections import InvalidInput as InvalidInput
from parley.contracts.rejections import NotAllowed as NotAllowed
from parley.contracts.rejections import NotAuthenticated as NotAuthenticated
from parley.contracts.rejections import NotFound
from parley.contracts.rejections import Rejected as Rejected


class UnknownUser(NotFound):
    """The user named in the request does not exist."""

    def __init__(self, handle: str = "") -> None:
        super().__init__("user-not-found", f"no user {handle!r}" if handle else "no such user")
