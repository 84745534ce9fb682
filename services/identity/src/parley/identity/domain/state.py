"""One user as the fold of their own events. ``None`` means the handle is still free."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class User:
    user_id: str
    handle: str
    display_name: str
    credential_ref: str
    bio: str = ""
    suspended: bool = False
    following: frozenset[str] = field(default_factory=frozenset)
    blocking: frozenset[str] = field(default_factory=frozenset)

    def follows(self, user_id: str) -> bool:
        return user_id in self.following

    def blocks(self, user_id: str) -> bool:
        return user_id in self.blocking


UserState = User | None
