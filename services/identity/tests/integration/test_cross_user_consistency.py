"""A follow and a block live on different aggregates; these tests force the interleavings that
a single decision cannot see and check that no follow outlives a block."""

from __future__ import annotations

from typing import Any

import pytest

from parley.chassis.bus import RequestContext
from parley.chassis.event_store import EventStore
from parley.identity.domain.commands import Block, Follow, Target
from parley.identity.domain.errors import NotAllowed
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.follow import undo_if_blocked_meanwhile
from parley.identity.handlers.users import load_user, run


def handler_deps(identity: Any) -> IdentityDeps:
    """The handlers' view of the running service, for driving one step of a handler alone."""
    infra = identity.running.infra
    return IdentityDeps(
        store=EventStore(infra.nc, stream="IDENTITY", context="identity"),
        sessions=infra.sessions,
        credentials=None,  # type: ignore[arg-type]  (not used by these steps)
        passwords=None,  # type: ignore[arg-type]
        tokens=None,  # type: ignore[arg-type]
        positions=infra.positions,
    )


async def test_a_follow_decided_before_a_block_landed_is_undone(identity: Any) -> None:
    ann = await identity.register("ann")
    ben = await identity.register("ben")
    deps = handler_deps(identity)
    # Ann's follow handler loaded Ben before he blocked her...
    stale_view_of_ben = Target(ben["id"], "ben", blocks_actor=False)
    await identity.command("block", {"handle": "ann"}, actor=ben["id"])
    # ...so its decision still allows the follow, and it is appended.
    ctx = RequestContext(actor=ann["id"])
    outcome = await run(deps, ann["id"], Follow(stale_view_of_ben), ctx.event_metadata())
    assert outcome.new_events  # the follow really was stored

    with pytest.raises(NotAllowed) as refusal:
        await undo_if_blocked_meanwhile(deps, ann["id"], stale_view_of_ben, ctx)
    assert refusal.value.slug == "blocked"

    ann_now = await load_user(deps, ann["id"])
    assert ann_now is not None
    assert not ann_now.follows(ben["id"])
    seen = await identity.query("get_user", {"handle": "ben"}, actor=ann["id"])
    assert seen["followed_by_me"] is False


async def test_a_follow_that_no_block_raced_is_left_alone(identity: Any) -> None:
    ann = await identity.register("ann")
    ben = await identity.register("ben")
    deps = handler_deps(identity)
    await identity.command("follow", {"handle": "ben"}, actor=ann["id"])
    await undo_if_blocked_meanwhile(
        deps, ann["id"], Target(ben["id"], "ben"), RequestContext(actor=ann["id"])
    )
    ann_now = await load_user(deps, ann["id"])
    assert ann_now is not None
    assert ann_now.follows(ben["id"])


async def test_resending_a_block_that_stopped_halfway_completes_it(identity: Any) -> None:
    ann = await identity.register("ann")
    ben = await identity.register("ben")
    await identity.command("follow", {"handle": "ann"}, actor=ben["id"])
    deps = handler_deps(identity)
    # Only the first of the block's two appends happened (say the service died in between).
    ctx = RequestContext(actor=ann["id"])
    await run(deps, ann["id"], Block(Target(ben["id"], "ben")), ctx.event_metadata())
    ben_state = await load_user(deps, ben["id"])
    assert ben_state is not None
    assert ben_state.follows(ann["id"])

    view = await identity.command("block", {"handle": "ben"}, actor=ann["id"])  # the retry
    assert view["blocked_by_me"] is True
    assert view["follows_me"] is False
    ben_state = await load_user(deps, ben["id"])
    assert ben_state is not None
    assert not ben_state.follows(ann["id"])
    me = await identity.query("get_me", {}, actor=ann["id"])
    assert me["followers_count"] == 0
