"""What callers ask of one user aggregate. Facts about *other* users that a rule needs (does the
target block me?) are loaded by the handler and carried in the command, so ``decide`` stays
pure."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Target:
    """Another user, as seen from the acting user's side."""

    user_id: str
    handle: str
    exists: bool = True
    blocks_actor: bool = False


@dataclass(frozen=True)
class RegisterUser:
    handle: str
    display_name: str
    credential_ref: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class UpdateProfile:
    display_name: str | None = None
    bio: str | None = None


@dataclass(frozen=True)
class Follow:
    target: Target


@dataclass(frozen=True)
class Unfollow:
    target: Target


@dataclass(frozen=True)
class Block:
    target: Target


@dataclass(frozen=True)
class Unblock:
    target: Target


@dataclass(frozen=True)
class DropFollowBecauseOfBlock:
    """Sent to the *blocked* user's aggregate: their follow of the blocker ends."""

    blocker_id: str


@dataclass(frozen=True)
class Moderator:
    user_id: str
    is_moderator: bool


@dataclass(frozen=True)
class Suspend:
    """Sent to the aggregate of the user being suspended."""

    moderator: Moderator
    reason: str = ""


@dataclass(frozen=True)
class Reinstate:
    moderator: Moderator
    reason: str = ""


Command = (
    RegisterUser
    | UpdateProfile
    | Follow
    | Unfollow
    | Block
    | Unblock
    | DropFollowBecauseOfBlock
    | Suspend
    | Reinstate
)
