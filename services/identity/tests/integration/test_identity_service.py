"""The identity service end to end over the bus: real nats-server, real database, in-process."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from parley.chassis.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
)
from parley.identity.domain.rules import user_id_for

PASSWORD = "correct horse battery"  # what conftest registers everyone with
MODERATOR = "Mod_1"


async def refused(call: Any) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        await call
    return refusal.value


def handles(page: dict[str, Any]) -> list[str]:
    return [item["handle"] for item in page["items"]]


async def test_register_login_follow_block_and_lists_round_trip(identity: Any) -> None:
    alice = await identity.register("Alice", " Alice A. ")
    assert alice["id"] == user_id_for("alice")
    assert (alice["handle"], alice["display_name"], alice["followers_count"]) == (
        "Alice",
        "Alice A.",
        0,
    )
    bob = await identity.register("bob")
    carol = await identity.register("carol")

    token = await identity.command("login", {"handle": "ALICE", "password": PASSWORD})
    claims = identity.verifier.verify(token["access_token"])
    assert (claims.user_id, claims.handle, claims.moderator) == (alice["id"], "Alice", False)
    assert token["expires_in"] == 3600

    # Follow: the command answers with the target as the actor now sees it (read-your-writes).
    seen = await identity.command("follow", {"handle": "BOB"}, actor=alice["id"])
    assert (seen["id"], seen["followers_count"], seen["followed_by_me"]) == (bob["id"], 1, True)
    again = await identity.command("follow", {"handle": "bob"}, actor=alice["id"])
    assert again["followers_count"] == 1  # a repeated follow changes nothing
    await identity.command("follow", {"handle": "alice"}, actor=bob["id"])
    await identity.command("follow", {"handle": "alice"}, actor=carol["id"])

    me = await identity.query("get_me", {}, actor=alice["id"])
    assert (me["followers_count"], me["following_count"]) == (2, 1)
    bob_seen_by_alice = await identity.query("get_user", {"handle": "bob"}, actor=alice["id"])
    assert bob_seen_by_alice["followed_by_me"]
    assert bob_seen_by_alice["follows_me"]
    anonymous = await identity.query("get_user", {"handle": "bob"})
    assert not anonymous["followed_by_me"]
    assert not anonymous["follows_me"]
    followers = await identity.query("list_followers", {"handle": "alice"})
    assert handles(followers) == ["carol", "bob"]  # most recent first
    assert handles(await identity.query("list_following", {"handle": "alice"})) == ["bob"]

    # Alice blocks Bob: her follow of him and his of her both end.
    blocked = await identity.command("block", {"handle": "bob"}, actor=alice["id"])
    assert blocked["blocked_by_me"]
    assert not blocked["followed_by_me"]
    assert not blocked["follows_me"]
    assert blocked["followers_count"] == 0
    assert blocked["following_count"] == 0
    assert handles(await identity.query("list_followers", {"handle": "alice"})) == ["carol"]
    assert handles(await identity.query("list_following", {"handle": "alice"})) == []
    for follower, followee in ((bob, "alice"), (alice, "bob")):
        refusal = await refused(identity.command("follow", {"handle": followee}, follower["id"]))
        assert isinstance(refusal, Forbidden)
        assert refusal.type == "blocked"
    await identity.command("block", {"handle": "bob"}, actor=alice["id"])  # idempotent

    unblocked = await identity.command("unblock", {"handle": "bob"}, actor=alice["id"])
    assert not unblocked["blocked_by_me"]
    assert not unblocked["followed_by_me"]
    refollowed = await identity.command("follow", {"handle": "alice"}, actor=bob["id"])
    assert refollowed["followers_count"] == 2

    unfollowed = await identity.command("unfollow", {"handle": "alice"}, actor=carol["id"])
    assert (unfollowed["followers_count"], unfollowed["followed_by_me"]) == (1, False)
    await identity.command("unfollow", {"handle": "alice"}, actor=carol["id"])  # idempotent

    updated = await identity.command(
        "update_profile", {"display_name": "Al", "bio": " hello "}, actor=alice["id"]
    )
    assert (updated["display_name"], updated["bio"]) == ("Al", "hello")


async def test_twenty_concurrent_registrations_of_one_handle_exactly_one_wins(
    identity: Any,
) -> None:
    variants = ["Racer", "racer", "RACER", "rAcEr", "RaCeR"] * 4

    async def attempt(handle: str) -> dict[str, Any] | DomainError:
        try:
            return dict(await identity.register(handle))
        except DomainError as error:
            return error

    results = await asyncio.gather(*(attempt(handle) for handle in variants))
    winners = [result for result in results if isinstance(result, dict)]
    losers = [result for result in results if isinstance(result, DomainError)]
    assert len(winners) == 1
    assert len(losers) == 19
    assert all(isinstance(loser, Conflict) and loser.type == "handle-taken" for loser in losers)
    winner = winners[0]
    assert winner["id"] == user_id_for("racer")
    # Only the winner's password logs in; one account exists, under the handle it typed.
    token = await identity.command("login", {"handle": "racer", "password": PASSWORD})
    assert identity.verifier.verify(token["access_token"]).handle == winner["handle"]
    fetched = await identity.query("get_user", {"handle": "RACER"})
    assert fetched["handle"] == winner["handle"]


async def test_wrong_password_and_unknown_handle_get_the_same_401(identity: Any) -> None:
    await identity.register("dave")
    wrong = await refused(identity.command("login", {"handle": "dave", "password": "nope-nope"}))
    unknown = await refused(identity.command("login", {"handle": "nobody", "password": PASSWORD}))
    malformed = await refused(identity.command("login", {"handle": "x", "password": PASSWORD}))
    for refusal in (wrong, unknown, malformed):
        assert isinstance(refusal, Unauthorized)
        assert (refusal.type, refusal.detail) == ("invalid-credentials", wrong.detail)


async def test_suspension_by_a_moderator(identity: Any) -> None:
    moderator = await identity.register(MODERATOR)
    erin = await identity.register("erin")
    frank = await identity.register("frank")

    token = await identity.command("login", {"handle": "mod_1", "password": PASSWORD})
    assert identity.verifier.verify(token["access_token"]).moderator

    refusal = await refused(identity.command("suspend", {"handle": "erin"}, actor=frank["id"]))
    assert isinstance(refusal, Forbidden)
    assert refusal.type == "not-a-moderator"

    suspended = await identity.command(
        "suspend", {"handle": "erin", "reason": "spam"}, actor=moderator["id"]
    )
    assert suspended["suspended"]
    await identity.command("suspend", {"handle": "erin"}, actor=moderator["id"])  # idempotent
    assert await identity.query("suspended_users", {}) == {"user_ids": [erin["id"]]}

    # Still visible, marked; cannot log in (even with the right password) nor act.
    assert (await identity.query("get_user", {"handle": "erin"}))["suspended"]
    login = await refused(identity.command("login", {"handle": "erin", "password": PASSWORD}))
    assert isinstance(login, Forbidden)
    assert login.type == "account-suspended"
    wrong = await refused(identity.command("login", {"handle": "erin", "password": "wrong-one"}))
    assert wrong.type == "invalid-credentials"  # the suspension shows only to the owner
    act = await refused(identity.command("follow", {"handle": "frank"}, actor=erin["id"]))
    assert act.type == "account-suspended"
    # Others may still follow and list the suspended account.
    await identity.command("follow", {"handle": "erin"}, actor=frank["id"])
    listed = await identity.query("list_following", {"handle": "frank"})
    assert listed["items"] == [
        {"id": erin["id"], "handle": "erin", "display_name": "erin", "suspended": True}
    ]

    reinstated = await identity.command("reinstate", {"handle": "erin"}, actor=moderator["id"])
    assert not reinstated["suspended"]
    assert await identity.query("suspended_users", {}) == {"user_ids": []}
    await identity.command("login", {"handle": "erin", "password": PASSWORD})


async def test_bad_requests_get_clear_problems(identity: Any) -> None:
    gina = await identity.register("gina")

    cases: list[tuple[str, str, dict[str, Any], str | None, type[DomainError], str]] = [
        (
            "command",
            "register",
            {"handle": "ab", "display_name": "x", "password": PASSWORD},
            None,
            InvalidInput,
            "invalid-handle",
        ),
        (
            "command",
            "register",
            {"handle": "hank", "display_name": "x", "password": "short"},
            None,
            InvalidInput,
            "password-too-short",
        ),
        (
            "command",
            "register",
            {"handle": "hank", "display_name": " ", "password": PASSWORD},
            None,
            InvalidInput,
            "invalid-display-name",
        ),
        (
            "command",
            "register",
            {"handle": "GINA", "display_name": "x", "password": PASSWORD},
            None,
            Conflict,
            "handle-taken",
        ),
        ("command", "register", {"handle": "hank"}, None, InvalidInput, "invalid-input"),
        ("command", "follow", {"handle": "gina"}, gina["id"], InvalidInput, "cannot-follow-self"),
        ("command", "block", {"handle": "gina"}, gina["id"], InvalidInput, "cannot-block-self"),
        ("command", "follow", {"handle": "ghost"}, gina["id"], NotFound, "user-not-found"),
        ("command", "follow", {"handle": "gina"}, None, Unauthorized, "unauthenticated"),
        ("command", "update_profile", {"bio": "b" * 161}, gina["id"], InvalidInput, "bio-too-long"),
        ("query", "get_user", {"handle": "ghost"}, None, NotFound, "user-not-found"),
        ("query", "get_user", {"handle": "not a handle"}, None, NotFound, "user-not-found"),
        ("query", "list_followers", {"handle": "ghost"}, None, NotFound, "user-not-found"),
        (
            "query",
            "list_followers",
            {"handle": "gina", "cursor": "garbage!"},
            None,
            InvalidInput,
            "invalid-cursor",
        ),
        ("query", "get_me", {}, None, Unauthorized, "unauthenticated"),
    ]
    for kind, name, payload, actor, error_type, slug in cases:
        send = identity.command if kind == "command" else identity.query
        refusal = await refused(send(name, payload, actor))
        assert isinstance(refusal, error_type), (name, payload, refusal)
        assert refusal.type == slug, (name, payload, refusal.type)
    # Nothing half-applied: the refused registrations left no accounts behind.
    assert (await refused(identity.query("get_user", {"handle": "hank"}))).type == "user-not-found"


async def test_follower_lists_page_with_an_opaque_cursor(identity: Any) -> None:
    star = await identity.register("star")
    fans = [f"fan_{number}" for number in range(5)]
    for fan in fans:
        user = await identity.register(fan)
        await identity.command("follow", {"handle": "star"}, actor=user["id"])

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        request = {"handle": "star", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await identity.query("list_followers", request)
        seen += handles(page)
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == list(reversed(fans))
    assert (await identity.query("get_user", {"handle": "star"}))["followers_count"] == 5
    assert star["followers_count"] == 0


async def test_password_hashes_stay_out_of_the_event_stream(identity: Any) -> None:
    await identity.register("ivy")
    nc = identity.running.infra.nc
    js = nc.jetstream()
    stored = await js.get_msg("IDENTITY", 1)
    event = stored.data.decode()
    assert "UserRegistered" in event
    assert "argon2" not in event
    assert PASSWORD not in event
    kv = await js.key_value("identity_credentials")
    keys = await kv.keys()
    assert len(keys) == 1
    record = (await kv.get(keys[0])).value.decode()
    assert "$argon2id$" in record
    assert PASSWORD not in record
