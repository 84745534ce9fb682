"""getSpace's speaking indicators: the relay's active speakers merged into room's view."""

from __future__ import annotations

from parley.contracts.api.room import SpaceView, StageMember
from parley.contracts.events.room import SpaceSettings
from parley.gateway.spaces.speaking import with_speaking


def member(user_id: str) -> StageMember:
    return StageMember(user_id=user_id, handle=user_id, muted=False)


VIEW = SpaceView(
    id="sp_1",
    title="t",
    state="live",
    host=member("usr_host"),
    cohosts=[member("usr_co")],
    speakers=[member("usr_a"), member("usr_b")],
    settings=SpaceSettings(),
    share_url="http://x/spaces/sp_1",
)


def test_each_stage_member_carries_their_own_flag() -> None:
    view = with_speaking(VIEW, ["usr_b", "usr_host"])

    assert view.speaking == ["usr_b", "usr_host"]
    assert view.host.speaking is True
    assert [m.speaking for m in view.cohosts] == [False]
    assert [m.speaking for m in view.speakers] == [False, True]


def test_nobody_speaking_clears_every_flag() -> None:
    speaking = with_speaking(VIEW, ["usr_co"])
    quiet = with_speaking(speaking, [])

    assert quiet.speaking == []
    assert not any(m.speaking for m in [quiet.host, *quiet.cohosts, *quiet.speakers])
