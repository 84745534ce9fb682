"""[identity] events. Stream ``IDENTITY``, subjects ``identity.<user_id>.<event>``.

Every identity event belongs to the aggregate of the user who acted: a follow is stored on
the follower, a block on the blocker. Secrets (password hashes) never appear in events.
"""

from __future__ import annotations

from pydantic import Field

from parley.contracts.registry import DomainEvent

CONTEXT = "identity"


class UserRegistered(DomainEvent, context=CONTEXT, version=1):
    """A new account exists. Its handle is unique case-insensitively and never changes."""

    user_id: str = Field(description="Opaque user id (aggregate id)")
    handle: str = Field(description="Handle as typed at registration, 3-15 chars [A-Za-z0-9_]")
    display_name: str = Field(description="Display name, 1-50 chars")
    credential_ref: str = Field(
        description="Reference to the private credential record (the hash is never published)"
    )


class ProfileUpdated(DomainEvent, context=CONTEXT, version=1):
    """Profile fields changed; absent fields are unchanged."""

    user_id: str
    display_name: str | None = Field(default=None, description="New display name, if changed")
    bio: str | None = Field(default=None, description="New bio, if changed")


class UserFollowed(DomainEvent, context=CONTEXT, version=1):
    """``follower_id`` (the aggregate) now follows ``followee_id``."""

    follower_id: str
    followee_id: str


class UserUnfollowed(DomainEvent, context=CONTEXT, version=1):
    """``follower_id`` (the aggregate) no longer follows ``followee_id``."""

    follower_id: str
    followee_id: str
    because_of_block: bool = Field(
        default=False, description="True when a block between the two ended the follow"
    )


class UserBlocked(DomainEvent, context=CONTEXT, version=1):
    """``blocker_id`` (the aggregate) blocked ``blocked_id``: no follows either way, no joining
    the blocker's Spaces, and a warning when the blocked user speaks in a Space with them."""

    blocker_id: str
    blocked_id: str


class UserUnblocked(DomainEvent, context=CONTEXT, version=1):
    blocker_id: str
    blocked_id: str


class UserSuspended(DomainEvent, context=CONTEXT, version=1):
    """A moderator suspended the account: it cannot log in, host, speak or join, its tokens
    stop working and its live Spaces end."""

    user_id: str
    moderator_id: str
    reason: str = Field(default="", description="Why, for the audit trail")


class UserReinstated(DomainEvent, context=CONTEXT, version=1):
    user_id: str
    moderator_id: str
    reason: str = ""
