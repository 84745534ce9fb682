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


# -- routes ------------------------------------------------------------------------------------

ROUTES = Routes(CONTEXT)
REGISTER = ROUTES.command("register", Register, Registered, description="Create an account")
LOGIN = ROUTES.command("login", Login, AccessToken, description="Exchange credentials for a token")
UPDATE_PROFILE = ROUTES.command("update_profile", UpdateProfile, UserView)
FOLLOW = ROUTES.command("follow", TargetUser, UserView)
UNFOLLOW = ROUTES.command("unfollow", TargetUser, UserView)
BLOCK = ROUTES.command("block", TargetUser, UserView)
UNBLOCK = ROUTES.command("unblock", TargetUser, UserView)
SUSPEND = ROUTES.command("suspend", ModerationTarget, UserView)
REINSTATE = ROUTES.command("reinstate", ModerationTarget, UserView)
GET_ME = ROUTES.query("get_me", Empty, UserView)
GET_USER = ROUTES.query("get_user", TargetUser, UserView)
LIST_FOLLOWERS = ROUTES.query("list_followers", ListUsers, UserPage)
LIST_FOLLOWING = ROUTES.query("list_following", ListUsers, UserPage)
SUSPENDED_USERS = ROUTES.query("suspended_users", Empty, SuspendedUsers)
