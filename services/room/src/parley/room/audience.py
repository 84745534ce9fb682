"""A Space's audience: everyone present who is not on stage (the host, co-hosts and speakers
are the stage). It is what ``listener_count`` counts everywhere, what the audience list shows
and what ``audience.changed`` announces. Pure: the net changes of a window, and the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice

from parley.contracts.live import AudienceChange, AudienceMember, LiveMessage
from parley.room.views import UNKNOWN_USER, UserCard

JOINED_SHOWN = 20  # joiners described in one audience.changed: what a grid shows at once
LEFT_SHOWN = 500  # leavers named in one (their ids: ~15 KB); beyond, clients read the list


@dataclass
class AudienceChanges:
    """Who came into an audience and who left it since it was last told, net: someone who came
    and went in between is in neither, someone who went and came back too. Insertion-ordered
    (oldest first). ``ended``: the Space ended, and nothing is announced for it any more."""

    joined: dict[str, None] = field(default_factory=dict)
    left: dict[str, None] = field(default_factory=dict)
    ended: bool = False

    def __bool__(self) -> bool:
        return bool(self.joined or self.left)

    def came(self, user_id: str) -> None:
        if self.ended:
            return
        if user_id in self.left:
            del self.left[user_id]  # they were in the audience when it was last told
        else:
            self.joined[user_id] = None

    def went(self, user_id: str) -> None:
        if self.ended:
            return
        if user_id in self.joined:
            del self.joined[user_id]  # nobody was told they came
        else:
            self.left[user_id] = None

    def end(self) -> None:
        self.joined.clear()
        self.left.clear()
        self.ended = True

    def add(self, later: AudienceChanges) -> None:
        """Append the net changes that came after these. Neither holds a user in both lists,
        so applying ``later``'s leaves before its joins is applying them in their order."""
        if later.ended:
            self.end()
            return
        for user_id in later.left:
            self.went(user_id)
        for user_id in later.joined:
            self.came(user_id)


def audience_changed(
    space_id: str,
    changes: AudienceChanges,
    count: int,
    cards: Mapping[str, UserCard],
    *,
    joined_shown: int = JOINED_SHOWN,
    left_shown: int = LEFT_SHOWN,
) -> LiveMessage:
    """``audience.changed``: the first joiners described (``cards``: their handles and names),
    the first leavers named, both totals and the count."""
    joined = [
        member(user_id, cards.get(user_id, UNKNOWN_USER))
        for user_id in first(changes.joined, joined_shown)
    ]
    change = AudienceChange(
        joined=joined,
        joined_total=len(changes.joined),
        left=first(changes.left, left_shown),
        left_total=len(changes.left),
        count=count,
    )
    return LiveMessage(type="audience.changed", space_id=space_id, data=change.model_dump())


def first(user_ids: Mapping[str, None], limit: int) -> list[str]:
    return list(islice(user_ids, limit))


def member(user_id: str, card: UserCard) -> AudienceMember:
    return AudienceMember(user_id=user_id, handle=card.handle, display_name=card.display_name)
