"""Identity's request/reply contract (context ``identity``).

Commands (``cmd.identity.<name>``), the acting user in the ``Parley-Actor`` header:
    register(Register) -> Registered            anonymous
    login(Login) -> AccessToken                 anonymous
    update_profile(UpdateProfile) -> UserView   actor
    follow / unfollow / block / unblock(TargetUser) -> UserView (the target, seen by the actor)
    suspend / reinstate(ModerationTarget) -> UserView   actor must be a moderator

Queries (``qry.identity.<name>``):
    get_me(Empty) -> UserView                   actor
    get_user(TargetUser) -> UserView            actor optional (relationship fields then false)
    list_followers / list_following(ListUsers) -> UserPage
    suspended_users(Empty) -> SuspendedUsers    ids of every suspended account (gateway bootstrap)
    ping(Empty) -> Pong                         actor; touches nothing (the benchmarks' floor)

Validation of handle/password/display-name rules happens in the identity decider, not here:
these models only fix the shape, so that a bad value becomes a domain 422 with a clear slug.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.routes import Routes

CONTEXT = "identity"


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Empty(_Payload):
    pass


class Register(_Payload):
    handle: str = Field(max_length=200)
    display_name: str = Field(max_length=500)
    password: str = Field(max_length=1000)


class Login(_Payload):
    handle: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class UpdateProfile(_Payload):
    display_name: str | None = Field(default=None, max_length=500)
    bio: str | None = Field(default=None, max_length=2000)


class TargetUser(_Payload):
    handle: str = Field(max_length=200)


class ModerationTarget(_Payload):
    handle: str = Field(max_length=200)
    reason: str = Field(default="", max_length=1000)


class ListUsers(_Payload):
    handle: str = Field(max_length=200)
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=200)


class UserView(BaseModel):
    id: str
    handle: str
    display_name: str
    bio: str = ""
    followers_count: int = 0
    following_count: int = 0
    suspended: bool = False
    created_at: datetime | None = None
    followed_by_me: bool = Field(default=False, description="The caller follows this user")
    follows_me: bool = Field(default=False, description="This user follows the caller")
    blocked_by_me: bool = Field(default=False, description="The caller blocked this user")


class UserSummary(BaseModel):
    id: str
    handle: str
    display_name: str
    suspended: bool = Field(default=False, description="The account is suspended (still listed)")


class UserPage(BaseModel):
    items: list[UserSummary]
    next_cursor: str | None = None


class AccessToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Registered(BaseModel):
    user: UserView
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class SuspendedUsers(BaseModel):
    user_ids: list[str]


class Pong(BaseModel):
    user_id: str = Field(description="The caller, as the token the gateway verified names them")


# -- routes ------------------------------------------------------------------------------------

ROUTES = Routes(CONTEXT)

# Problems (``type`` slugs) beyond the common ones (``invalid-input``, ``internal-error``).
_SIGNED_IN = ("unauthenticated", "unknown-actor", "account-suspended")
_BAD_PROFILE = ("invalid-display-name", "bio-too-long")
_MODERATION = ("unauthenticated", "not-a-moderator", "user-not-found", "cannot-moderate-self")

REGISTER = ROUTES.command(
    "register",
    Register,
    Registered,
    problems=("invalid-handle", "invalid-display-name", "password-too-short", "handle-taken"),
    description="Create an account and sign in to it",
)
LOGIN = ROUTES.command(
    "login",
    Login,
    AccessToken,
    problems=("invalid-credentials", "account-suspended"),
    description="Exchange a handle and password for an access token",
)
UPDATE_PROFILE = ROUTES.command(
    "update_profile",
    UpdateProfile,
    UserView,
    problems=(*_SIGNED_IN, *_BAD_PROFILE, "busy"),
    description="Change the caller's display name and/or bio; answers the caller's profile",
)
FOLLOW = ROUTES.command(
    "follow",
    TargetUser,
    UserView,
    problems=(*_SIGNED_IN, "user-not-found", "cannot-follow-self", "blocked", "busy"),
    description="The caller follows a user; answers that user as the caller now sees them",
)
UNFOLLOW = ROUTES.command(
    "unfollow",
    TargetUser,
    UserView,
    problems=(*_SIGNED_IN, "user-not-found", "busy"),
    description="The caller stops following a user (not following: nothing to do)",
)
BLOCK = ROUTES.command(
    "block",
    TargetUser,
    UserView,
    problems=(*_SIGNED_IN, "user-not-found", "cannot-block-self", "busy"),
    description="The caller blocks a user; follows between them end in both directions",
)
UNBLOCK = ROUTES.command(
    "unblock",
    TargetUser,
    UserView,
    problems=(*_SIGNED_IN, "user-not-found", "busy"),
    description="The caller lifts a block (ended follows are not restored)",
)
SUSPEND = ROUTES.command(
    "suspend",
    ModerationTarget,
    UserView,
    problems=(*_MODERATION, "busy"),
    description="A moderator suspends an account (already suspended: nothing to do)",
)
REINSTATE = ROUTES.command(
    "reinstate",
    ModerationTarget,
    UserView,
    problems=(*_MODERATION, "busy"),
    description="A moderator reinstates a suspended account (not suspended: nothing to do)",
)
GET_ME = ROUTES.query(
    "get_me",
    Empty,
    UserView,
    problems=("unauthenticated", "user-not-found"),
    description="The caller's own profile",
)
GET_USER = ROUTES.query(
    "get_user",
    TargetUser,
    UserView,
    problems=("user-not-found",),
    description="A profile by handle, relationship fields seen from the caller (if any)",
)
LIST_FOLLOWERS = ROUTES.query(
    "list_followers",
    ListUsers,
    UserPage,
    problems=("user-not-found", "invalid-cursor"),
    description="A page of a user's followers, newest follow first",
)
LIST_FOLLOWING = ROUTES.query(
    "list_following",
    ListUsers,
    UserPage,
    problems=("user-not-found", "invalid-cursor"),
    description="A page of the accounts a user follows, newest follow first",
)
SUSPENDED_USERS = ROUTES.query(
    "suspended_users",
    Empty,
    SuspendedUsers,
    description="The ids of every suspended account",
)
PING = ROUTES.query(
    "ping",
    Empty,
    Pong,
    problems=("unauthenticated",),
    description="An authenticated no-op: answers who is asking and touches no storage (the "
    "floor the benchmarks compare real requests with)",
)
