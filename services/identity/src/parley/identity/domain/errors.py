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
    """The request itself is malformed (bad handle, too short a password...)."""


class NotAuthenticated(Rejected):
    """Who is asking is unknown, or their credentials are wrong."""


class NotAllowed(Rejected):
    """The caller may not do this (suspended, blocked, not a moderator)."""


class UnknownUser(Rejected):
    """The user named in the request does not exist."""

    def __init__(self, handle: str = "") -> None:
        super().__init__("user-not-found", f"no user {handle!r}" if handle else "no such user")


class Conflict(Rejected):
    """The request clashes with the current state (a taken handle)."""
